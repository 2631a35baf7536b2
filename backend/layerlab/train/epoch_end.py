"""The end of an epoch: validation and its metrics, task samples, the health checks
that look at whole epochs, and early stopping. Evaluation runs in `evaluating`: eval
mode, no gradients and a forked random stream, so it never changes what trains."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import torch

from layerlab.messages import Message
from layerlab.train.checkpoint import Progress
from layerlab.train.config import EarlyStopping
from layerlab.train.events import MetricsEvent, SampleView, clean_values
from layerlab.train.model import Trainee
from layerlab.train.tasks import Evaluation, evaluate

if TYPE_CHECKING:
    from layerlab.train.run import Run

EVAL_BATCH = 256
"""Smallest validation batch: evaluation keeps no activations, so it batches wider."""


def validate(run: Run) -> str:
    """The leader's end of an epoch: validation metrics, the epoch's train loss, task
    samples, the health checks that look at whole epochs; returns an early-stopping
    message when the run should stop here."""
    p, config = run.progress, run.config
    val = run.val if len(run.val) else None
    evaluation = Evaluation({})
    if val is not None:
        with evaluating(run.trainee, run.device, config.seed + p.epoch):
            batches = val.in_order(max(config.batch_size, EVAL_BATCH))
            evaluation = evaluate(run.task, batches, len(val), val.shown)
    val_metrics = {f"val/{k}": v for k, v in evaluation.metrics.items()}
    epoch_loss = p.epoch_loss_sum / max(p.epoch_loss_steps, 1)
    run.last_metrics = {**val_metrics, "train/epoch_loss": epoch_loss}
    values, flagged = clean_values(run.last_metrics)
    run.stream.emit(MetricsEvent, p.step, p.epoch, values=values, nonfinite=flagged)

    telemetry = config.telemetry
    if telemetry.enabled and (p.epoch + 1) % telemetry.samples_every_epochs == 0:
        with evaluating(run.trainee, run.device, config.seed):
            views: list[SampleView] = run.task.samples((run.train if val is None else val).shown())
        run.telemetry.emit_samples(p.step, p.epoch, evaluation.views + views)
    if telemetry.enabled and telemetry.health:
        run.health.epoch(epoch_loss, val_metrics.get("val/loss"))
    run.state.val_metrics = val_metrics
    return early_stop(config.early_stopping, p, val_metrics)


@contextmanager
def evaluating(trainee: Trainee, device: torch.device, seed: int) -> Iterator[None]:
    """Eval mode, no gradients, and a forked RNG: whatever evaluation and samples draw
    (noise sources, text sampling) leaves training's random stream untouched, so a run
    with samples ends with the same weights as one without."""
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices, device_type=device.type), torch.no_grad():
        torch.manual_seed(seed)
        trainee.train(False)
        try:
            yield
        finally:
            trainee.train(True)


def early_stop(rule: EarlyStopping | None, progress: Progress, metrics: dict[str, float]) -> str:
    """Update the early-stopping state; a message when the run should stop now."""
    if rule is None:
        return ""
    key = rule.metric if rule.metric in metrics else f"val/{rule.metric}"
    value = metrics.get(key)
    if value is None or not math.isfinite(value):
        return ""
    best = progress.best_metric
    if best is None or (
        value > best + rule.min_delta if rule.maximize() else value < best - rule.min_delta
    ):
        progress.best_metric, progress.bad_epochs = value, 0
        return ""
    progress.bad_epochs += 1
    if progress.bad_epochs >= rule.patience:
        return Message("run.early_stopping", metric=key, best=best, patience=rule.patience)
    return ""
