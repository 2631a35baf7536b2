"""Learning-rate schedules: a pure function of the step, with the documented shapes."""

from __future__ import annotations

import math

import pytest
import torch

from layerlab.train.optim import build_optimizer, lr_at
from tests.train.helpers import config

TOTAL, PER_EPOCH = 100, 10


def rates(**fields: object) -> list[float]:
    cfg = config(lr=1.0, **fields)
    return [lr_at(step, TOTAL, PER_EPOCH, cfg) for step in range(TOTAL)]


def test_constant_with_linear_warmup() -> None:
    lrs = rates(warmup_steps=10)
    assert lrs[:3] == pytest.approx([0.1, 0.2, 0.3])
    assert all(lr == 1.0 for lr in lrs[9:])


def test_step_schedule_decays_every_few_epochs() -> None:
    lrs = rates(schedule="step", step_epochs=3, step_gamma=0.5)
    assert lrs[29] == 1.0 and lrs[30] == 0.5 and lrs[60] == 0.25


def test_cosine_falls_from_peak_to_floor() -> None:
    lrs = rates(schedule="cosine", min_lr_ratio=0.1)
    assert lrs[0] == 1.0 and lrs[-1] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(lrs, lrs[1:], strict=False))
    assert lrs[50] == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 50 / 99)))


def test_one_cycle_rises_then_falls() -> None:
    lrs = rates(schedule="one_cycle")
    peak = lrs.index(max(lrs))
    assert lrs[0] == pytest.approx(1 / 25) and max(lrs) == pytest.approx(1.0, rel=1e-3)
    assert 25 <= peak <= 35
    assert lrs[-1] < 1e-4


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop"])
def test_each_optimizer_builds_with_its_settings(name: str) -> None:
    p = torch.nn.Parameter(torch.zeros(3))
    opt = build_optimizer([p], config(optimizer=name, lr=0.5, weight_decay=0.01, nesterov=True))
    group = opt.param_groups[0]
    assert group["lr"] == 0.5 and group["weight_decay"] == 0.01
    if name == "sgd":
        assert group["nesterov"] is True and group["momentum"] == 0.9
