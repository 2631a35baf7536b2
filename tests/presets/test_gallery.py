"""The start screen's gallery: every preset has one entry in graphs/gallery.toml (a known
family, a line of what it teaches, a CPU time), every entry names a preset, and twins
point at each other."""

from __future__ import annotations

from layerlab.presets import FAMILIES, gallery, list_presets
from layerlab.server.gallery import gallery_cards
from tests.conftest import GRAPHS


def test_every_preset_has_one_gallery_entry_and_every_entry_a_preset() -> None:
    entries = gallery(GRAPHS)
    names = {p.name for p in list_presets(GRAPHS)}
    assert set(entries) == names
    for name, entry in entries.items():
        assert entry["family"] in FAMILIES, name
        assert 10 <= len(str(entry["teaches"])) <= 90, name
        assert isinstance(entry["cpu_seconds"], int | float) and entry["cpu_seconds"] > 0, name


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
