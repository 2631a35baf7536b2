"""Optimizers and the learning-rate schedule.

The schedule is a pure function of the step, set on every param group before each
step: nothing to save in a checkpoint, and a resumed run gets exactly the same rates.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from layerlab.train.config import TrainingConfig

ONE_CYCLE_RISE = 0.3
"""Share of a one-cycle run spent rising to the peak (as torch's OneCycleLR)."""
ONE_CYCLE_START = 25.0
"""A one-cycle run starts at lr / this."""


def build_optimizer(params: list[nn.Parameter], config: TrainingConfig) -> torch.optim.Optimizer:
    c = config
    if c.optimizer == "sgd":
        return torch.optim.SGD(
            params,
            lr=c.lr,
            momentum=c.momentum,
            nesterov=c.nesterov and c.momentum > 0,
            weight_decay=c.weight_decay,
        )
    if c.optimizer == "adam":
        return torch.optim.Adam(params, lr=c.lr, betas=c.betas, weight_decay=c.weight_decay)
    if c.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=c.lr, betas=c.betas, weight_decay=c.weight_decay)
    return torch.optim.RMSprop(params, lr=c.lr, momentum=c.momentum, weight_decay=c.weight_decay)


def lr_at(step: int, total_steps: int, steps_per_epoch: int, config: TrainingConfig) -> float:
    """The learning rate for optimizer step `step` (from 0) of `total_steps`."""
    c = config
    peak, floor = c.lr, c.lr * c.min_lr_ratio
    warmup = min(c.warmup_steps, max(total_steps - 1, 0))
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(total_steps - warmup - 1, 1)  # 0 .. 1 after warm-up
    progress = min(max(progress, 0.0), 1.0)
    if c.schedule == "step":
        return peak * c.step_gamma ** (step // max(steps_per_epoch, 1) // c.step_epochs)
    if c.schedule == "cosine":
        return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    if c.schedule == "one_cycle":
        start = peak / ONE_CYCLE_START
        end = floor if floor > 0 else peak / (ONE_CYCLE_START * 1e4)
        if progress < ONE_CYCLE_RISE:
            return start + (peak - start) * 0.5 * (
                1 - math.cos(math.pi * progress / ONE_CYCLE_RISE)
            )
        fall = (progress - ONE_CYCLE_RISE) / (1 - ONE_CYCLE_RISE)
        return end + (peak - end) * 0.5 * (1 + math.cos(math.pi * fall))
    return peak


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


def clip_gradients(params: list[nn.Parameter], config: TrainingConfig) -> None:
    if config.clip_grad_value is not None:
        nn.utils.clip_grad_value_(params, config.clip_grad_value, foreach=True)
    if config.clip_grad_norm is not None:
        nn.utils.clip_grad_norm_(params, config.clip_grad_norm, foreach=True)
