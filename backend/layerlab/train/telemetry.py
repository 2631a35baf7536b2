"""What a run measures while it trains, and when: the loop calls these hooks at fixed
places in each step, and this class decides which steps measure what.

Costs, and how they stay small (DESIGN.md "Measured here"):
- scalars: the loss reaches the host every step anyway (the divergence check) and is
  averaged over the window since the last report; a report goes out every
  `scalars_every` steps (every step by default) while `max_scalars_per_s` allows, and
  always at step 1, so a run's first point shows at once. Other task metrics (accuracy,
  ...) are measured on the reporting steps only and fetched with one sync.
- gradient norms per layer: one fused `torch._foreach_norm` over all gradients.
- weight norms and update/weight ratios: one copy of the weights before the update, on
  sampled steps only.
- activation statistics: forward hooks that exist only during sampled steps; a short
  run samples more often (down to `activations_min_every`) to get tens of samples.
Every sampled measurement first asks the stream's rate cap, and is skipped (not
queued) when the cap says no.

What is measured on the device is reduced there into one flat vector per step and
read back through `Readback`: at once on the CPU; on CUDA copied to pinned memory
without waiting and emitted a step or more later (with the step it measured), so no
measurement makes the host wait for the device. `flush` emits what is still in flight.
"""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from layerlab.train.config import TelemetryConfig
from layerlab.train.events import (
    HISTOGRAM_BINS,
    ActivationsEvent,
    ActivationStats,
    GradNormsEvent,
    Histogram,
    MetricsEvent,
    SamplesEvent,
    SampleView,
    WeightsEvent,
    WeightStats,
    clean_values,
    finite_or_none,
)
from layerlab.train.health import HealthMonitor
from layerlab.train.layers import Layer, parameter_layers
from layerlab.train.readback import Readback
from layerlab.train.stats import SUMMARY_FIELDS, activation_summary, grouped_norms
from layerlab.train.stream import EventStream, TokenBucket

MAX_LAYERS = 256
"""Layers in one per-layer event; a deeper network reports its first MAX_LAYERS."""
MAX_EVENT_BYTES = 128 * 1024
"""Largest JSON a samples event may take; views past it are left out."""


@dataclass
class _Groups:
    """Parameters of some layers, flattened, with each one's layer index."""

    nodes: list[str]
    params: list[nn.Parameter]
    index: list[int]


def _groups(layers: list[Layer], params: set[int] | None = None) -> _Groups:
    nodes: list[str] = []
    flat: list[nn.Parameter] = []
    index: list[int] = []
    for layer in parameter_layers(layers)[:MAX_LAYERS]:
        mine = [p for p in layer.parameters if params is None or id(p) in params]
        if mine:
            flat.extend(mine)
            index.extend([len(nodes)] * len(mine))
            nodes.append(layer.node)
    return _Groups(nodes, flat, index)


@dataclass
class _StepPlan:
    """What the current step measures."""

    grads: bool = False
    weights: bool = False
    activations: bool = False
    grad_norms: dict[str, torch.Tensor] = field(default_factory=dict)
    weight_norms: dict[str, torch.Tensor] = field(default_factory=dict)
    update_norms: dict[str, torch.Tensor] = field(default_factory=dict)
    snapshot: list[torch.Tensor] = field(default_factory=list)
    summaries: dict[str, torch.Tensor] = field(default_factory=dict)
    hooks: list[torch.utils.hooks.RemovableHandle] = field(default_factory=list)


IDLE = _StepPlan()
"""The plan of a step that measures nothing (never written to)."""


class Telemetry:
    def __init__(
        self,
        stream: EventStream,
        config: TelemetryConfig,
        layers: list[Layer],
        optimizer_params: dict[str, list[nn.Parameter]],
        health: HealthMonitor | None,
        device: torch.device,
        activations: bool = True,
        total_steps: int | None = None,
    ):
        self.stream = stream
        self.config = config
        self.layers = layers
        self.health = health
        self.device = device
        self.activations = activations
        """Whether steps may sample activations (their forward hooks need eager modules)."""
        self.readback = Readback(device)
        self.groups = {
            name: _groups(layers, {id(p) for p in params})
            for name, params in optimizer_params.items()
        }
        self.plan = IDLE
        self.activations_every = activation_period(config, total_steps)
        self._scalar_rate = TokenBucket(
            config.max_scalars_per_s or config.max_events_per_s, stream.clock
        )
        self._scalars_decided = (-1, False)
        self._losses: list[float] = []
        self._metrics: dict[str, list[torch.Tensor]] = {}
        self._samples = 0
        self._window_start = self.stream.clock()

    # -- per step, in the loop's order ---------------------------------------------

    def begin_step(self, step: int) -> None:
        """Decide what this step measures; hook the layers if it samples activations."""
        c = self.config
        # `step` counts the steps done before this one: 0 is the first, which measures all.
        due = step % c.grad_norms_every == 0 or step % c.weights_every == 0
        if not c.enabled or not (due or step % self.activations_every == 0):
            self.plan = IDLE  # most steps: nothing to measure, nothing to allocate
            return
        self.plan = _StepPlan()
        self.plan.grads = step % c.grad_norms_every == 0 and self.stream.allow()
        self.plan.weights = step % c.weights_every == 0 and self.stream.allow()
        self.plan.activations = (
            self.activations and step % self.activations_every == 0 and self.stream.allow()
        )
        if self.plan.activations:
            for layer in self.layers[:MAX_LAYERS]:
                self.plan.hooks.append(layer.module.register_forward_hook(self._summarize(layer)))

    def _summarize(self, layer: Layer) -> Any:
        def hook(module: nn.Module, args: Any, output: Any) -> None:
            y = output[0] if isinstance(output, tuple) else output
            fresh = layer.node not in self.plan.summaries
            if fresh and isinstance(y, torch.Tensor) and y.is_floating_point() and y.numel() > 0:
                self.plan.summaries[layer.node] = activation_summary(
                    y, layer.health_kind, layer.saturated_outside
                )

        return hook

    def after_backward(self, optimizer: str) -> None:
        """Gradient norms per layer, before clipping (raw norms diagnose explosions)."""
        if not self.plan.grads:
            return
        g = self.groups[optimizer]
        with_grad = [
            (p.grad, i) for p, i in zip(g.params, g.index, strict=True) if p.grad is not None
        ]
        if not with_grad:
            return
        norms = grouped_norms([t for t, _ in with_grad], [i for _, i in with_grad], len(g.nodes))
        has_grad = {i for _, i in with_grad}
        for i, node in enumerate(g.nodes):
            if i in has_grad:
                self.plan.grad_norms[node] = norms[i]

    def before_update(self, optimizer: str) -> None:
        if self.plan.weights:
            params = [p.detach() for p in self.groups[optimizer].params]
            self.plan.snapshot = list(torch._foreach_mul(params, 1.0))  # one fused copy

    def after_update(self, optimizer: str) -> None:
        if not self.plan.weights or not self.plan.snapshot:
            return
        g = self.groups[optimizer]
        now = [p.detach() for p in g.params]
        updates = list(torch._foreach_sub(now, self.plan.snapshot))
        weight = grouped_norms(self.plan.snapshot, g.index, len(g.nodes))
        update = grouped_norms(updates, g.index, len(g.nodes))
        for i, node in enumerate(g.nodes):
            self.plan.weight_norms[node] = weight[i]
            self.plan.update_norms[node] = update[i]
        self.plan.snapshot = []

    def scalars_due(self, step: int) -> bool:
        """Whether step `step` (counted from 1) reports scalars: the first step always,
        then every `scalars_every` while the scalar rate allows. Task metrics besides the
        loss (accuracy, ...) are measured on these steps only: a few kernels each, which
        every step would pay for on a small model. Decided once per step."""
        if not self.config.enabled:
            return False
        if self._scalars_decided[0] != step:
            due = step == 1 or (step % self.config.scalars_every == 0 and self._scalar_rate.ready())
            self._scalars_decided = (step, due)
        return self._scalars_decided[1]

    def record(self, metrics: dict[str, torch.Tensor]) -> None:
        """A step's device-side metrics (averaged on the device when reported)."""
        if not self.config.enabled:
            return
        for name, value in metrics.items():
            self._metrics.setdefault(name, []).append(value)

    def record_loss(self, loss: float) -> None:
        """A step's loss, once it is on the host (one step late on an accelerator)."""
        if self.config.enabled:
            self._losses.append(loss)

    def end_step(self, step: int, epoch: int, lr: float, batch_size: int) -> None:
        """Emit what this step measured, and the scalars when their period comes."""
        if not self.config.enabled:
            return
        self.readback.poll()  # earlier steps' measurements that reached the host
        if self.plan is not IDLE:
            for handle in self.plan.hooks:
                handle.remove()
            self._emit_sampled(step, epoch)
        self._samples += batch_size
        if self._losses and self.scalars_due(step):
            self._scalar_rate.take()
            self._emit_scalars(step, epoch, lr)

    def flush(self) -> None:
        """Emit every measurement still on its way to the host (waits for the device)."""
        self.readback.flush()

    def reset_clock(self) -> None:
        """Restart the throughput window (after validation, a pause or a checkpoint)."""
        self._samples = 0
        self._window_start = self.stream.clock()

    # -- emission ----------------------------------------------------------------------

    def _emit_scalars(self, step: int, epoch: int, lr: float) -> None:
        names = list(self._metrics)
        elapsed = max(self.stream.clock() - self._window_start, 1e-9)
        values = {"train/loss": sum(self._losses) / len(self._losses)}
        host = {
            "lr": lr,
            "samples_per_s": round(self._samples / elapsed, 1),
            "memory_mb": round(memory_mb(self.device), 1),
        }

        def known(means: list[float]) -> None:
            values.update({f"train/{n}": v for n, v in zip(names, means, strict=True)})
            values.update(host)
            clean, flagged = clean_values(values)
            self.stream.emit(MetricsEvent, step, epoch, values=clean, nonfinite=flagged)

        if names:  # task metrics: averaged on the device, read back as one vector
            means = torch.stack([torch.stack(self._metrics[n]).float().mean() for n in names])
            self.readback.submit(means, known)
        else:
            known([])
        self._losses, self._metrics = [], {}
        self.reset_clock()

    def _emit_sampled(self, step: int, epoch: int) -> None:
        plan = self.plan
        tensors = (
            list(plan.grad_norms.values())
            + list(plan.weight_norms.values())
            + list(plan.update_norms.values())
            + list(plan.summaries.values())
        )
        if not tensors:
            return
        grads, weights, summaries = (
            list(plan.grad_norms),
            list(plan.weight_norms),
            list(plan.summaries),
        )
        flat = torch.cat([t.float().reshape(-1) for t in tensors])  # one vector, one read
        self.readback.submit(
            flat, lambda values: self._sampled_known(step, epoch, grads, weights, summaries, values)
        )

    def _sampled_known(
        self,
        step: int,
        epoch: int,
        grads: list[str],
        weights: list[str],
        summaries: list[str],
        flat: list[float],
    ) -> None:
        """Emit step `step`'s sampled measurements, now on the host: gradient norms of
        the `grads` layers, weight and update norms of the `weights` ones, activation
        summaries of the `summaries` ones, in that order in `flat`."""
        at = 0

        def take(count: int) -> list[float]:
            nonlocal at
            at += count
            return flat[at - count : at]

        if grads:
            raw = dict(zip(grads, take(len(grads)), strict=True))
            values, flagged = clean_values(raw)
            squares = [v * v for v in raw.values()]
            total = finite_or_none(sum(squares) ** 0.5)
            self.stream.emit(
                GradNormsEvent, step, epoch, values=values, total=total, nonfinite=flagged
            )
            if self.health is not None and self.config.health:
                self.health.gradients(values, total)
        if weights:
            norms = take(len(weights))
            updates = take(len(weights))
            layers = {}
            for node, norm, update in zip(weights, norms, updates, strict=True):
                ratio = update / norm if norm > 0 else float("nan")
                layers[node] = WeightStats(
                    norm=finite_or_none(norm),
                    update_ratio=finite_or_none(ratio),
                    nonfinite=not (abs(norm) < float("inf") and abs(update) < float("inf")),
                )
            self.stream.emit(WeightsEvent, step, epoch, layers=layers)
        if summaries:
            width = len(SUMMARY_FIELDS) + HISTOGRAM_BINS
            stats = {node: activation_stats(take(width)) for node in summaries}
            self.stream.emit(ActivationsEvent, step, epoch, layers=stats)
            if self.health is not None and self.config.health:
                self.health.activations(stats)

    def emit_samples(self, step: int, epoch: int, views: list[SampleView]) -> None:
        """Task samples, cut to MAX_EVENT_BYTES (views past the budget are left out)."""
        kept: list[SampleView] = []
        size = 0
        for view in views:
            view_size = len(view.model_dump_json())
            if size + view_size > MAX_EVENT_BYTES:
                continue
            kept.append(view)
            size += view_size
        if kept:
            self.stream.emit(SamplesEvent, step, epoch, views=kept)


def activation_period(config: TelemetryConfig, total_steps: int | None) -> int:
    """Steps between activation samples: `activations_every`, or fewer for a run too
    short to get `activations_samples` of them that way (not under `activations_min_every`)."""
    every = config.activations_every
    if total_steps is None or total_steps <= 0:
        return every
    wanted = total_steps // max(1, config.activations_samples)
    return max(1, min(every, max(config.activations_min_every, wanted)))


def activation_stats(summary: list[float]) -> ActivationStats:
    """The flat summary vector of `activation_summary`, as JSON-safe statistics."""
    head = dict(zip(SUMMARY_FIELDS, summary[: len(SUMMARY_FIELDS)], strict=True))
    counts = summary[len(SUMMARY_FIELDS) :]
    nonfinite = any(
        v != v or abs(v) == float("inf") for k, v in head.items() if k in ("mean", "std")
    )

    def known(key: str) -> float | None:
        value = head[key]
        return None if value != value else finite_or_none(round(value, 6))

    return ActivationStats(
        mean=known("mean"),
        std=known("std"),
        zero_fraction=known("zero_fraction"),
        dead_fraction=known("dead_fraction"),
        saturated_fraction=known("saturated_fraction"),
        histogram=Histogram(low=known("low"), high=known("high"), counts=[int(c) for c in counts]),
        nonfinite=nonfinite,
    )


def memory_mb(device: torch.device) -> float:
    """Peak memory of the training device: CUDA allocations, or this process's RSS."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (
        peak / 2**20 if sys.platform == "darwin" else peak / 2**10
    )  # bytes on macOS, KiB on Linux
