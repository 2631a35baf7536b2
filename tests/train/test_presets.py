"""Every preset in graphs/ trains with the engine: its training section, task, graph and
dataset agree (two steps each, every telemetry view on). Real data sets come from
../shared/datasets when present, else their offline look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest

import layerlab
from layerlab.train.config import config_of
from layerlab.train.data.base import Split
from layerlab.train.entry import load_data
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from tests.conftest import GRAPHS, SHARED_DATASETS

EVERYTHING = {
    "scalars_every": 1,
    "grad_norms_every": 1,
    "weights_every": 1,
    "activations_every": 1,
    "max_events_per_s": 10_000,
}
HEAVY = {"resnet18_cifar10", "alexnet_cifar10", "resnet20_cifar10", "gpt_char", "vit_tiny_mnist"}


def presets() -> list[object]:
    return [
        pytest.param(path, id=path.stem, marks=[pytest.mark.slow] if path.stem in HEAVY else [])
        for path in sorted(GRAPHS.glob("*.json"))
    ]


@pytest.mark.parametrize("path", presets())
def test_preset_trains_two_steps(path: Path, tmp_path: Path) -> None:
    doc = layerlab.load_graph(path)
    config = config_of(doc).with_overrides(
        max_steps=2, batch_size=8, device="cpu", telemetry=EVERYTHING
    )
    options = dict(config.dataset_options)
    if config.dataset in ("mnist", "fashion_mnist") and (SHARED_DATASETS / "mnist-t10k").is_dir():
        options["path"] = "mnist-t10k"  # inside the data dir, SHARED_DATASETS
    if config.dataset in ("text", "tiny_shakespeare"):
        if not (SHARED_DATASETS / "tinyshakespeare").is_dir():
            pytest.skip(f"{SHARED_DATASETS / 'tinyshakespeare'} is absent")
        options["max_windows"] = 2_000
    data = load_data(
        config.with_overrides(dataset_options=options), SHARED_DATASETS, allow_substitute=True
    )
    # Validation is not what is tested here: 32 samples of it, in memory or on disk.
    if isinstance(data.val, Split):
        data.val = Split(data.val.x[:32], data.val.y[:32])
    else:
        data.val = data.val.head_part(32)
    events: list[object] = []
    result = fit(
        build_trainee(doc, 0), data, config, RunOptions(sink=events.append, checkpoint_dir=tmp_path)
    )
    assert result.status == "finished", result.message
    assert result.step == 2 and result.metrics.get("val/loss") is not None
    kinds = {e.type for e in events}  # type: ignore[attr-defined]
    assert {"metrics", "grad_norms", "weights", "activations", "samples", "checkpoint"} <= kinds
