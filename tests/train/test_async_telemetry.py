"""Telemetry read back without waiting for the device (train/readback.py): on CUDA its
values reach the host a step or more late, yet every one is emitted, with the step it
measured, and the values are those of a direct computation. On the CPU the lagged path
runs too (`Readback(lagged=True)`), so it is tested here without a GPU; the test that
counts host syncs per step needs one and skips without it."""

from __future__ import annotations

import functools
import traceback
from typing import Any

import pytest
import torch

from layerlab.ops import HealthKind
from layerlab.train import telemetry as telemetry_module
from layerlab.train.events import HISTOGRAM_BINS
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.loop import fit
from layerlab.train.model import Trainee, build_trainee
from layerlab.train.readback import MAX_IN_FLIGHT, Readback
from layerlab.train.run import RunOptions
from layerlab.train.stats import MAX_STAT_VALUES, SUMMARY_FIELDS, activation_summary
from tests.train.helpers import (
    EVERY_STEP,
    chain,
    config,
    dataset,
    image_blobs,
    mlp,
    n,
    of_type,
    registry,
)

CPU = torch.device("cpu")


# -- the readback itself ---------------------------------------------------------------


def test_on_the_cpu_a_value_is_handed_on_at_once() -> None:
    got: list[list[float]] = []
    readback = Readback(CPU)
    readback.submit(torch.tensor([1.0, 2.5]), got.append)
    assert got == [[1.0, 2.5]] and readback.pending == 0


def test_lagged_values_wait_for_a_poll_and_keep_their_order() -> None:
    got: list[list[float]] = []
    readback = Readback(CPU, lagged=True)
    value = torch.tensor([1.0])
    readback.submit(value, got.append)
    value += 1  # measured values are kept as they were when submitted
    readback.submit(torch.tensor([3.0, 4.0]), got.append)
    assert got == [] and readback.pending == 2
    readback.poll()
    assert got == [[1.0], [3.0, 4.0]] and readback.pending == 0
    readback.submit(torch.tensor([5.0]), got.append)
    readback.flush()
    assert got[-1] == [5.0] and readback.pending == 0
    assert MAX_IN_FLIGHT >= 2  # a step's scalars and its sampled vector fit in flight


def test_the_histogram_counts_what_bincount_counts() -> None:
    y = torch.randn(64, 300, generator=torch.Generator().manual_seed(0))
    y[0, :5] = float("nan")
    summary = activation_summary(y, HealthKind.RELU_LIKE)
    counts = summary[len(SUMMARY_FIELDS) :]
    flat = torch.nan_to_num(y.flatten(), nan=0.0)
    if flat.numel() > MAX_STAT_VALUES:
        flat = flat[:: flat.numel() // MAX_STAT_VALUES + 1]
    low, high = flat.min(), flat.max()
    bins = ((flat - low) / (high - low) * HISTOGRAM_BINS).long().clamp(0, HISTOGRAM_BINS - 1)
    assert torch.equal(counts, torch.bincount(bins, minlength=HISTOGRAM_BINS).float())
    assert counts.sum() == flat.numel()


def test_the_summary_fields_are_what_plain_masks_give() -> None:
    # (64, 8, 30, 30): over MAX_STAT_VALUES, so the moments come from the strided subsample.
    y = torch.randn(64, 8, 30, 30, generator=torch.Generator().manual_seed(1))
    y = torch.where(y > 0, y, 0.01 * y)  # leaky: negative outputs are not zeros
    y[:, 3] = -0.5  # channel 3 never fires on this batch: its 900 units are dead
    y[:, 5, :2] = 0.0  # 60 units that output exactly zero for every sample
    y[7, 5, 0, 0] = 2.0  # ... except one of them, once: it is alive
    head = activation_summary(y, HealthKind.RELU_LIKE)[: len(SUMMARY_FIELDS)]
    fields = dict(zip(SUMMARY_FIELDS, head.tolist(), strict=True))
    flat = y.flatten()[:: y.numel() // MAX_STAT_VALUES + 1]
    dead_units = 900 + 59
    assert fields["dead_fraction"] == pytest.approx(dead_units / (8 * 30 * 30))
    assert fields["zero_fraction"] == pytest.approx((flat == 0).float().mean().item())
    assert fields["mean"] == pytest.approx(flat.mean().item(), rel=1e-5)
    assert fields["std"] == pytest.approx(flat.std().item(), rel=1e-5)
    assert (fields["low"], fields["high"]) == (flat.min().item(), flat.max().item())


# -- a run with lagged telemetry -------------------------------------------------------


class DirectNorms(Hooks):
    """Each step's per-layer gradient norms, computed directly after the step; and the
    last step whose norms had been emitted by then."""

    def __init__(self, trainee: Trainee, events: list[Any]):
        self.trainee, self.events = trainee, events
        self.norms: dict[int, dict[str, float]] = {}
        self.emitted: list[tuple[int, int]] = []

    def on_batch_end(self, state: LoopState) -> None:
        out = [e.step for e in self.events if e.type == "grad_norms"]
        self.emitted.append((state.step, max(out, default=0)))
        self.norms[state.step] = {
            layer.node: float(torch.stack([p.grad.norm() for p in layer.parameters]).norm())
            for layer in self.trainee.layers
            if layer.parameters and all(p.grad is not None for p in layer.parameters)
        }


def run(lagged: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[Any], DirectNorms]:
    monkeypatch.setattr(
        telemetry_module,
        "Readback",
        functools.partial(Readback, lagged=lagged) if lagged else Readback,
    )
    trainee = build_trainee(mlp(hidden=(16, 8)), 0)
    events: list[Any] = []
    direct = DirectNorms(trainee, events)
    cfg = config(epochs=2, telemetry=EVERY_STEP)
    result = fit(
        trainee,
        registry("moons", size=200),
        cfg,
        RunOptions(sink=events.append, hooks=[direct]),
    )
    assert result.status == "finished", result.message
    return result, events, direct


def payloads(events: list[Any], kind: str) -> list[dict[str, Any]]:
    """The events of one type, without what differs from run to run of one process
    (seq and time, throughput, peak memory)."""
    found = []
    for event in of_type(events, kind):
        payload = event.model_dump(exclude={"seq", "time"})
        if kind == "metrics":
            payload["values"].pop("samples_per_s", None)
            payload["values"].pop("memory_mb", None)
        found.append(payload)
    return found


def test_lagged_telemetry_emits_the_same_values_late_and_loses_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, at_once, seen_at_once = run(False, monkeypatch)
    _, lagged, seen_lagged = run(True, monkeypatch)
    for kind in ("grad_norms", "weights", "activations", "metrics", "health", "samples"):
        assert payloads(lagged, kind) == payloads(at_once, kind), kind
    assert len(of_type(lagged, "grad_norms")) == 10  # 5 steps an epoch, 2 epochs: all out

    # Late: at the end of each step, the gradient norms out are the step before's.
    assert seen_lagged.emitted == [(step, step - 1) for step in range(1, 11)]
    assert seen_at_once.emitted == [(step, step) for step in range(1, 11)]
    assert lagged[-1].type == "status" and lagged[-1].status == "finished"


def test_gradient_norms_are_those_of_the_gradients(monkeypatch: pytest.MonkeyPatch) -> None:
    _, events, direct = run(True, monkeypatch)
    reported = of_type(events, "grad_norms")
    assert {e.step for e in reported} == set(direct.norms)
    for event in reported:
        expected = direct.norms[event.step]
        assert set(event.values) == set(expected)
        for node, value in expected.items():
            assert event.values[node] == pytest.approx(value, rel=1e-5), (event.step, node)
        total = sum(v * v for v in expected.values()) ** 0.5
        assert event.total == pytest.approx(total, rel=1e-5)


def test_a_pause_or_a_failure_emits_what_was_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    class CrashAt(Hooks):
        def on_batch_end(self, state: LoopState) -> None:
            if state.step == 3:
                raise RuntimeError("crash")

    monkeypatch.setattr(telemetry_module, "Readback", functools.partial(Readback, lagged=True))
    events: list[Any] = []
    result = fit(
        build_trainee(mlp(), 0),
        registry("moons", size=200),
        config(epochs=1, telemetry=EVERY_STEP),
        RunOptions(sink=events.append, hooks=[CrashAt()]),
    )
    assert result.status == "failed"
    assert [e.step for e in of_type(events, "grad_norms")] == [1, 2, 3]
    assert events[-1].type == "status" and events[-1].status == "failed"


# -- on a GPU: no host syncs on the step path ------------------------------------------


class NoSyncsBetween(Hooks):
    """CUDA's sync debug mode set to raise from the end of step `start` to the end of
    step `stop`: every step in between, and the loop's work between steps, runs under it."""

    def __init__(self, start: int, stop: int):
        self.start, self.stop = start, stop

    def on_batch_end(self, state: LoopState) -> None:
        if state.step == self.start:
            torch.cuda.set_sync_debug_mode("error")
        elif state.step == self.stop:
            torch.cuda.set_sync_debug_mode("default")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("execution", ["eager", "fast"])
def test_steps_with_default_telemetry_never_sync_the_host(execution: str) -> None:
    images = image_blobs(512)
    labels = (images.sum(dim=2).amax(dim=2).squeeze(1) > 7).long()
    data = dataset(
        {"kind": "image", "target": "class", "num_classes": 2},
        (images, labels),
        (images[:64], labels[:64]),
    )
    doc = chain(
        [
            n("conv", "Conv2d", out_channels=8, kernel_size=3),
            n("act", "ReLU"),
            n("flat", "Flatten"),
            n("head", "Linear", out_features=2),
        ],
        [1, 8, 8],
    )
    # 64 steps in the one epoch; steps 10 to 60 (after compiling and CUDA graph
    # recording, before the epoch's end) include gradient norms, weights, activations
    # and scalars at their default rates.
    cfg = config(device="cuda", epochs=1, batch_size=8, execution=execution, telemetry={})
    events: list[Any] = []
    try:
        result = fit(
            build_trainee(doc, 0),
            data,
            cfg,
            RunOptions(sink=events.append, hooks=[NoSyncsBetween(10, 60)]),
        )
    finally:
        torch.cuda.set_sync_debug_mode("default")
    trace = "".join(traceback.format_exception(result.error)) if result.error else ""
    assert result.status == "finished", f"{result.message}\n{trace}"
    measured = {e.type for e in events if 10 < e.step <= 60}
    assert {"grad_norms", "weights", "activations", "metrics"} <= measured
