"""The model zoo: every reference model imports, and the built document is the
original: the same outputs in eval mode and the same gradients in train mode (dropout
off), to 1e-5, on inputs of another batch size than the import saw; its exported
Python is the same model again. docs/import.md is the table of these results."""

from __future__ import annotations

from pathlib import Path

import pytest

import layerlab
from tests.imports.report import render, result
from tests.imports.zoo import ZOO, ZooModel

IMPORT_MD = Path(__file__).resolve().parents[2] / "docs" / "import.md"
MODELS = [pytest.param(z, id=z.name) for z in ZOO]


@pytest.mark.parametrize("zoo", MODELS)
def test_imports_exactly(zoo: ZooModel) -> None:
    row = result(zoo)
    assert row.imported is not None, row.unsupported
    assert layerlab.check(row.imported.document).ok
    assert row.outputs == "equal"
    assert row.gradients == "equal"
    assert row.python == "equal", "the exported Python of the import computes otherwise"


def test_every_gallery_family_is_in_the_zoo() -> None:
    families = {z.family for z in ZOO}
    gallery = {"MLP", "LeNet", "AlexNet", "ResNet", "ViT", "LSTM", "GRU", "Transformer", "GPT"}
    assert gallery | {"Autoencoder", "VAE", "DCGAN"} <= families


def test_import_md_is_what_the_zoo_gives() -> None:
    assert IMPORT_MD.read_text() == render([result(z) for z in ZOO]), (
        "docs/import.md is stale: run `make docs`"
    )
