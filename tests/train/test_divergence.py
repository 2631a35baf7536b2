"""A non-finite loss stops the run within one step, as `diverged` naming the step; the
last finite checkpoint stays and no non-finite checkpoint is ever written."""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from safetensors.torch import load_file

from layerlab.messages import render
from layerlab.train.checkpoint import MODEL_FILE, OPTIMIZER_FILE, latest_checkpoint, read_meta
from layerlab.train.events import EVENT_ADAPTER
from tests.train.helpers import config, mlp, of_type, registry, train


def test_a_huge_learning_rate_diverges_and_keeps_the_last_finite_checkpoint(tmp_path: Path) -> None:
    cfg = config(
        task="regression",
        optimizer="sgd",
        lr=10.0,
        epochs=5,
        checkpoint_every_steps=1,
        telemetry={
            "scalars_every": 1,
            "grad_norms_every": 1,
            "activations_every": 1,
            "max_events_per_s": 1000,
        },
    )
    doc = mlp(inputs=1, hidden=(32, 32), outputs=1)
    result, events = train(doc, registry("sine", size=400), cfg, checkpoint_dir=tmp_path)

    assert result.status == "diverged"
    final = of_type(events, "status")[-1]
    assert final.status == "diverged"
    bad_step = result.step + 1  # the step whose loss was not finite; its update was not applied
    assert f"at step {bad_step}" in final.message
    health = of_type(events, "health")[-1]
    assert health.diagnosis == "divergence"
    # Said as a catalog message, so the browser can write it in Chinese too.
    assert health.key == "health.diverged"
    assert health.params["step"] == bad_step and health.params["loss"] in ("nan", "inf", "-inf")
    assert health.params["checkpoint"] == result.checkpoint.name  # type: ignore[union-attr]
    assert render(health.key, health.params) == health.message == final.message
    assert f"第 {bad_step} 步" in render(health.key, health.params, "zh-CN")
    # Nothing ran after the non-finite loss: it was the last step the loop took.
    assert max(e.step for e in events) == result.step

    latest = latest_checkpoint(tmp_path)
    assert latest is not None and read_meta(latest).progress.step == result.step
    assert result.checkpoint == latest and latest.name in final.message
    for folder in (p for p in tmp_path.iterdir() if p.is_dir()):
        assert read_meta(folder).progress.step < bad_step
        for file in (MODEL_FILE, OPTIMIZER_FILE):
            for name, tensor in load_file(str(folder / file)).items():
                if tensor.is_floating_point():
                    assert torch.isfinite(tensor).all(), (folder.name, name)

    # Every event is valid JSON without NaN or Infinity literals, and parses back.
    for event in events:
        text = event.model_dump_json()
        json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        assert EVENT_ADAPTER.validate_json(text) == event


def test_non_finite_weights_are_never_checkpointed(tmp_path: Path) -> None:
    from layerlab.train.checkpoint import Progress, new_meta, save_checkpoint
    from layerlab.train.health import HealthState
    from layerlab.train.model import build_trainee

    trainee = build_trainee(mlp(), 0)
    meta = new_meta("t", "interval", {}, Progress(step=3, epoch=0, batch=3), HealthState())
    assert save_checkpoint(tmp_path, trainee.module, {}, meta) is not None
    with torch.no_grad():
        trainee.module.fc1.weight[0, 0] = math.nan
    meta = new_meta("t", "interval", {}, Progress(step=4, epoch=0, batch=4), HealthState())
    assert save_checkpoint(tmp_path, trainee.module, {}, meta) is None
    assert latest_checkpoint(tmp_path) == tmp_path / "step-00000003"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "step-00000003"]
