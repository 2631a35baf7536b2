"""A preset's description is what a person reads before pressing Train: two or three
sentences on what the architecture is, the idea it introduced and what to watch, and an
honest word on data that has to be downloaded."""

from __future__ import annotations

import re

import pytest

import layerlab
from layerlab.train.data.registry import get_source
from tests.presets.helpers import (
    NEEDS_DOWNLOAD,
    load_preset,
    preset_config,
    preset_ids,
    substitutable,
)

# A sentence ends at . ! or ? followed by a capital letter; "et al. 1998" and "e.g. a"
# do not end one.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z'\"(])")


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def test_sentences_are_counted_as_a_reader_would() -> None:
    text = "LeNet-5 (LeCun et al. 1998) has filters. It shares weights! Watch it, e.g. here."
    assert len(sentences(text)) == 3


@pytest.mark.parametrize("name", preset_ids())
def test_description_has_two_or_three_sentences_and_says_what_to_watch(name: str) -> None:
    doc = load_preset(name)
    found = sentences(doc.description)
    assert 2 <= len(found) <= 3, f"{name}: {len(found)} sentences: {found}"
    assert all(s.rstrip().endswith((".", "!", "?")) for s in found), found
    assert re.search(r"\bwatch\b", doc.description, re.IGNORECASE), f"{name}: nothing to watch"


@pytest.mark.parametrize("name", preset_ids())
def test_training_section_names_a_registered_dataset(name: str) -> None:
    config = preset_config(load_preset(name))
    assert config.dataset is not None
    get_source(config.dataset)  # raises for an unknown name


@pytest.mark.parametrize(
    "name", [n for n in preset_ids() if preset_config(load_preset(n)).dataset in NEEDS_DOWNLOAD]
)
def test_description_says_when_the_data_needs_a_download(name: str) -> None:
    doc = load_preset(name)
    dataset = preset_config(doc).dataset
    assert "download" in doc.description, f"{name}: {dataset} is downloaded; say so"
    if substitutable(dataset):
        # The stand-in is no secret: the description says it is used and logged.
        assert "offline" in doc.description and "log" in doc.description, name


def test_lenet_keeps_its_historical_parameter_count() -> None:
    doc = load_preset("lenet5_mnist")
    assert layerlab.check(doc).totals.params == 61_706
    assert "61,706" in doc.description
