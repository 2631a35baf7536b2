"""The reproducibility bundle: its training script, run with torch alone in a fresh
interpreter (layerlab cannot even be imported there), trains one epoch of mlp_playground
to LayerLab's validation accuracy; the bundle carries what its README promises."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from layerlab.graph.document import load_document
from layerlab.train.bundle import build_bundle
from layerlab.train.config import config_of
from layerlab.train.entry import load_data, train_document
from layerlab.train.events import MetricsEvent
from layerlab.train.run import RunOptions
from tests.conftest import GRAPHS

BLOCK_LAYERLAB = (
    "import runpy, sys; sys.modules['layerlab'] = None; "  # any import of it fails
    "sys.argv = ['train.py', '--epochs', '1']; runpy.run_path('train.py', run_name='__main__')"
)


def run_script(folder: Path) -> list[dict[str, float]]:
    done = subprocess.run(
        [sys.executable, "-I", "-c", BLOCK_LAYERLAB],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_the_bundle_script_trains_to_layerlabs_accuracy(tmp_path: Path) -> None:
    doc = load_document(json.loads((GRAPHS / "mlp_playground.json").read_text()))
    config = config_of(doc).with_overrides(epochs=1, device="cpu")
    data = load_data(config, tmp_path / "data")
    events: list[object] = []
    train_document(doc, config, data=data, options=RunOptions(sink=events.append))
    ours = [
        e.values["val/acc"] for e in events if isinstance(e, MetricsEvent) and "val/acc" in e.values
    ]

    bundle = build_bundle("r_000000000000", doc, config, data, weights=b"not checked here")
    zipfile.ZipFile(io.BytesIO(bundle.zip())).extractall(tmp_path / "bundle")
    names = {p.name for p in (tmp_path / "bundle").iterdir()}
    assert names == {
        "model.py", "train.py", "config.json", "data.pt", "weights.safetensors",
        "document.json", "README.md",
    }  # fmt: skip
    assert json.loads((tmp_path / "bundle" / "config.json").read_text())["seed"] == config.seed

    epochs = run_script(tmp_path / "bundle")
    assert [e["epoch"] for e in epochs] == [1]
    assert abs(epochs[0]["val/acc"] - ours[0]) <= 0.05, (epochs, ours)


def test_a_task_the_script_does_not_train_still_gets_its_model_data_and_weights() -> None:
    doc = load_document(json.loads((GRAPHS / "autoencoder_mnist.json").read_text()))
    bundle = build_bundle("r_000000000000", doc, config_of(doc), None, None)
    assert "model.py" in bundle.files and "config.json" in bundle.files
    assert any("autoencoder" in note for note in bundle.notes)
    assert any("data.pt is left out" in note for note in bundle.notes)
    assert "Left out:" in bundle.files["README.md"].decode()
