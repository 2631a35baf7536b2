"""The model zoo: every reference model imports, and the built document is the
original: the same outputs in eval mode and the same gradients in train mode (dropout
off), to 1e-5, on inputs of another batch size than the import saw; its exported
Python is the same model again."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import layerlab
from layerlab.graph.compile import class_name
from layerlab.imports import from_torch
from tests.imports.exactness import as_if_trained, load_source, same_gradients, same_outputs
from tests.imports.zoo import ZOO, ZooModel

MODELS = [pytest.param(z, id=z.name) for z in ZOO]


def _imported(zoo: ZooModel) -> tuple[torch.nn.Module, layerlab.imports.Imported]:
    torch.manual_seed(0)
    model = zoo.make()
    as_if_trained(model)
    return model, from_torch(model, zoo.inputs(3))


@pytest.mark.parametrize("zoo", MODELS)
def test_imports_exactly(zoo: ZooModel) -> None:
    model, imported = _imported(zoo)
    assert layerlab.check(imported.document).ok
    inputs = zoo.inputs(2)
    same_outputs(model, imported.build(), inputs)
    same_gradients(model, imported, inputs)


@pytest.mark.parametrize("zoo", MODELS)
def test_exported_python_of_the_import_is_the_model(zoo: ZooModel, tmp_path: Path) -> None:
    model, imported = _imported(zoo)
    source = layerlab.export_python(imported.document)
    exported = load_source(source, tmp_path, f"zoo_{class_name(zoo.name).lower()}")
    network = getattr(exported, class_name(imported.document.name))()
    network.load_state_dict(imported.weights)
    same_outputs(model, network, zoo.inputs(2))
