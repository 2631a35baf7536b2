"""Round trip: each preset exported to Python and imported back is the same network
(outputs equal with the same weights), LayerLab's own modules recognised by their
exported source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import Networks, compile_analysis, example_inputs
from layerlab.graph.document import load_document
from layerlab.graph.export_python import python_source
from layerlab.imports import from_torch
from tests.conftest import GRAPHS
from tests.imports.exactness import as_if_trained, load_source, same_outputs

PRESETS = sorted(GRAPHS.glob("*.json"))


def _inputs(analysis, network, batch: int) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """Random inputs; token ids 0 or 1, which every vocabulary has."""
    out = []
    for x in example_inputs(analysis, network, batch):
        out.append(
            torch.randint(0, 2, x.shape)
            if isinstance(x, torch.Tensor) and not x.is_floating_point()
            else x
        )
    return tuple(out)


NOT_YET_IMPORTED: dict[str, str] = {}
"""Presets whose ops came after the importer: each must still fail (strict), so the day it
imports this list has to shrink."""


def _case(path: Path) -> object:
    why = NOT_YET_IMPORTED.get(path.stem)
    marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", [_case(p) for p in PRESETS])
def test_exported_preset_imports_back_as_the_same_network(path: Path, tmp_path: Path) -> None:
    analysis = analyze_or_raise(load_document(path))
    torch.manual_seed(0)
    built = compile_analysis(analysis)
    as_if_trained(built)
    source = python_source(analysis)
    module = load_source(source, tmp_path, f"preset_{path.stem}")
    classes = dict(re.findall(r"^    (\w+) = (\w+)\(\)$", source, flags=re.MULTILINE))
    for network in analysis.networks:
        original = built[network.name] if isinstance(built, Networks) else built
        var = "model" if len(analysis.networks) == 1 else network.name
        exported = getattr(module, classes[var])()
        exported.load_state_dict(original.state_dict())
        imported = from_torch(exported, _inputs(analysis, network, 3))
        same_outputs(original, imported.build(), _inputs(analysis, network, 2))
