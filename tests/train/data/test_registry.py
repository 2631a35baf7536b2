"""The registry: every dataset declared once, loader output checked against its info."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from layerlab.train.data import (
    DATASETS,
    DataError,
    DatasetInfo,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
    describe_datasets,
    get_source,
    load_dataset,
)
from layerlab.train.data.base import DatasetOptions
from layerlab.train.data.registry import parse_options

EXPECTED = {
    "moons", "circles", "xor", "gaussians", "spirals", "sine", "plane", "digits", "mnist",
    "fashion_mnist", "cifar10", "copy", "reverse", "sort", "addition", "parity",
    "sine_forecast", "text", "tiny_shakespeare", "csv", "image_zip",
}  # fmt: skip


def test_every_expected_dataset_is_registered_and_described() -> None:
    assert set(DATASETS) >= EXPECTED
    described = {entry["name"]: entry for entry in describe_datasets()}
    assert set(described) == set(DATASETS)
    for entry in described.values():
        assert entry["summary"] and entry["kind"] in {
            "points",
            "image",
            "sequence",
            "text",
            "tabular",
        }
        assert entry["options_schema"]["additionalProperties"] is False


class _WrongShape(DatasetSource[DatasetOptions]):
    """Not registered (no `name` of its own): a loader whose info lies about its tensors."""

    summary = "test double"
    kind = "points"

    def load(self, options: DatasetOptions, ctx: LoadContext) -> LoadedDataset:
        part = Split(torch.zeros(4, 3), torch.zeros(4, dtype=torch.int64))
        info = DatasetInfo(
            name="wrong", kind="points", input_shape=[2], target="class", train_size=4, val_size=4
        )
        return LoadedDataset(info=info, train=part, val=part)


def test_a_loader_disagreeing_with_its_info_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _WrongShape()
    monkeypatch.setattr(source, "name", "wrong", raising=False)
    monkeypatch.setitem(DATASETS, "wrong", source)
    with pytest.raises(RuntimeError, match=r"wrong train: x shape \[4, 3\] vs input_shape \[2\]"):
        load_dataset("wrong", {}, LoadContext(tmp_path))


def test_substitution_is_refused_for_sets_without_a_stand_in(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="text file absent.txt not found"):
        load_dataset("text", {"path": "absent.txt"}, LoadContext(tmp_path), allow_substitute=True)


def test_preset_documents_name_loadable_datasets_with_valid_options(repo_root: Path) -> None:
    presets = sorted((repo_root / "graphs").glob("*.json"))
    if not presets:
        pytest.skip("no preset documents in graphs/")
    for preset in presets:
        training = json.loads(preset.read_text()).get("training") or {}
        if training.get("dataset") is None:
            continue
        source = get_source(training["dataset"])
        parse_options(source, training.get("dataset_options") or {})
