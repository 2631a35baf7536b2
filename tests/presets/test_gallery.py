"""The start screen's gallery: every preset has one entry in graphs/gallery.toml (a known
family, a line of what it teaches, a CPU time), every entry names a preset, and twins
point at each other; each entry gives the title and what it teaches in Simplified Chinese
too, and the cards carry both."""

from __future__ import annotations

import re

from layerlab.presets import FAMILIES, gallery, list_presets
from layerlab.server.gallery import gallery_cards
from tests.conftest import GRAPHS

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_preset_has_one_gallery_entry_and_every_entry_a_preset() -> None:
    entries = gallery(GRAPHS)
    names = {p.name for p in list_presets(GRAPHS)}
    assert set(entries) == names
    for name, entry in entries.items():
        assert entry["family"] in FAMILIES, name
        assert 10 <= len(str(entry["teaches"])) <= 90, name
        assert isinstance(entry["cpu_seconds"], int | float) and entry["cpu_seconds"] > 0, name
        for key, longest in (("title_zh", 40), ("teaches_zh", 60)):
            text = entry.get(key)
            assert isinstance(text, str) and text == text.strip(), (name, key)
            assert 2 <= len(text) <= longest and "\n" not in text, (name, key)
            assert CJK.search(text), f"{name}.{key} is not written in Chinese"


def test_twins_point_at_each_other_or_at_a_preset() -> None:
    presets = {p.name: p for p in list_presets(GRAPHS)}
    for preset in presets.values():
        if preset.twin is not None:
            assert preset.twin in presets, preset.name
    assert presets["deep_sigmoid_mlp"].twin == "deep_residual_mlp"
    assert presets["overfit_mlp"].twin == "regularized_mlp"


def test_cards_carry_the_documents_facts() -> None:
    cards = {c.name: c for c in gallery_cards(GRAPHS)}
    lenet = cards["lenet5_mnist"]
    assert (lenet.family, lenet.dataset, lenet.params) == ("CNN", "mnist", 61706)
    assert lenet.sketch is not None and lenet.sketch.nodes[0].type == "Input"
    assert all(c.params for c in cards.values()), "every preset checks"


def test_cards_carry_the_chinese_title_and_teaches() -> None:
    entries = gallery(GRAPHS)
    cards = gallery_cards(GRAPHS)
    assert {c.name for c in cards} == set(entries)
    for card in cards:
        assert card.title_zh == entries[card.name]["title_zh"], card.name
        assert card.teaches_zh == entries[card.name]["teaches_zh"], card.name
        sent = card.model_dump(mode="json")
        assert CJK.search(sent["title_zh"]) and CJK.search(sent["teaches_zh"]), card.name
    lenet = next(c for c in cards if c.name == "lenet5_mnist")
    assert (lenet.title, lenet.title_zh) == ("LeNet-5 (MNIST)", "LeNet-5（MNIST 手写数字）")
