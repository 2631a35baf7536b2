"""The same engine on a CUDA device: mixed precision, two optimizers with a gradient
scaler, torch.compile, checkpoints with the CUDA RNG, divergence. Skipped without CUDA
(CI has none); run on a GPU machine with `pytest tests/train/test_cuda.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from tests.train import test_learning
from tests.train.helpers import config, mlp, of_type, registry, train

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.parametrize("precision", ["off", "bf16", "fp16"])
def test_classification_learns_on_cuda(precision: str) -> None:
    cfg = config(device="cuda", precision=precision, lr=0.02, epochs=15)
    result, events = train(mlp(), registry("moons", size=400), cfg)
    assert result.status == "finished", result.message
    assert (result.metrics["val/acc"] or 0) >= 0.95, result.metrics
    memory = [
        e.values.get("memory_mb") for e in of_type(events, "metrics") if "memory_mb" in e.values
    ]
    assert memory and all(m is not None and m > 0 for m in memory)
    assert not [e for e in of_type(events, "log") if "CUDA-only" in e.message]


def test_gan_with_fp16_scaler_on_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.train.helpers as helpers

    original = helpers.config
    monkeypatch.setattr(
        "tests.train.test_learning.config",
        lambda **fields: original(**{**fields, "device": "cuda", "precision": "fp16"}),
    )
    test_learning.test_gan_moves_generated_points_onto_the_data()


def test_compile_on_cuda() -> None:
    result, _ = train(
        mlp(), registry("moons", size=400), config(device="cuda", compile=True, lr=0.02, epochs=5)
    )
    assert result.status == "finished", result.message
    assert (result.metrics["val/acc"] or 0) >= 0.9


def test_resume_on_cuda(tmp_path: Path) -> None:
    doc = mlp(hidden=(16, 16), dropout=0.2)
    data = registry("moons", size=200)
    cfg = config(device="cuda", lr=0.01, epochs=3, checkpoint_every_steps=5)
    whole, _ = train(doc, data, cfg, checkpoint_dir=tmp_path / "whole")
    from tests.train.test_checkpoint import CrashAt, weights_of

    crashed, _ = train(doc, data, cfg, checkpoint_dir=tmp_path / "cut", hooks=[CrashAt(12)])
    assert crashed.status == "failed"
    resumed, _ = train(doc, data, cfg, checkpoint_dir=tmp_path / "cut", resume=True)
    assert resumed.status == "finished" and resumed.step == whole.step
    a, b = weights_of(whole.checkpoint), weights_of(resumed.checkpoint)  # type: ignore[arg-type]
    exact = all(torch.equal(a[k], b[k]) for k in a)
    print(f"resume on CUDA bit-exact: {exact}")
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-4, atol=1e-5)


def test_divergence_on_cuda(tmp_path: Path) -> None:
    cfg = config(
        device="cuda",
        task="regression",
        optimizer="sgd",
        lr=10.0,
        epochs=5,
        checkpoint_every_steps=1,
    )
    result, _ = train(
        mlp(inputs=1, hidden=(32, 32), outputs=1),
        registry("sine", size=400),
        cfg,
        checkpoint_dir=tmp_path,
    )
    # On an accelerator the loss is read one step late (or at the next checkpoint): the
    # run stops at the bad step or the one after, and no checkpoint holds its update.
    assert result.status == "diverged", result.message
    found = re.search(r"at step (\d+); read after its update", result.message)
    assert found is not None, result.message
    bad = int(found.group(1))
    assert result.step - 1 <= bad <= result.step
    from layerlab.train.checkpoint import latest_checkpoint, read_meta

    latest = latest_checkpoint(tmp_path)
    assert latest is not None and read_meta(latest).progress.step < bad
