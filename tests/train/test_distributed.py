"""Data-parallel training (issue 14): N local processes (gloo) train as one process with
the same global batch would; checkpoints do not care how many ranks wrote them."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from layerlab.train.config import ConfigError, TrainingConfig
from layerlab.train.control import Control
from layerlab.train.entry import train_document
from layerlab.train.events import Event
from layerlab.train.run import FitResult, RunOptions
from tests.train.helpers import chain, config, mlp, n, of_type, registry

EVERY_STEP = {"scalars_every": 1, "max_events_per_s": 10_000, "activations_every": 1000}


def run(
    doc: Any, cfg: TrainingConfig, data: Any = None, **options: Any
) -> tuple[FitResult, list[Event]]:
    events: list[Event] = []
    data = data if data is not None else registry("moons", size=256)
    result = train_document(doc, cfg, data=data, options=RunOptions(sink=events.append, **options))
    return result, events


def step_losses(events: list[Event]) -> dict[int, float]:
    return {
        e.step: e.values["train/loss"]
        for e in of_type(events, "metrics")
        if e.values.get("train/loss") is not None
    }


def test_two_processes_train_as_one_with_the_same_global_batch() -> None:
    doc = mlp(hidden=(16, 16))
    common = {"batch_size": 32, "max_steps": 50, "epochs": 10, "telemetry": EVERY_STEP}
    alone, alone_events = run(doc, config(**common))
    pair, pair_events = run(doc, config(**common, processes=2))
    assert alone.status == pair.status == "finished"
    assert pair.step == alone.step == 50
    single, double = step_losses(alone_events), step_losses(pair_events)
    assert sorted(double) == sorted(single) == list(range(1, 51))
    for step, loss in single.items():
        assert double[step] == pytest.approx(loss, abs=1e-5), step
    # Only the leader spoke: one running status, one finished.
    statuses = [e.status for e in of_type(pair_events, "status")]
    assert statuses == ["running", "finished"]
    logs = " ".join(e.message for e in of_type(pair_events, "log"))
    assert "data parallel: 2 processes (gloo)" in logs


def batch_norm_net() -> Any:
    return chain(
        [
            n("fc1", "Linear", out_features=16),
            n("bn", "BatchNorm1d"),
            n("act", "ReLU"),
            n("head", "Linear", out_features=2),
        ],
        [2],
    )


def test_sync_batchnorm_equals_one_process_and_per_rank_statistics_are_said() -> None:
    doc = batch_norm_net()
    common = {"batch_size": 32, "max_steps": 30, "epochs": 10, "telemetry": EVERY_STEP}
    _, alone = run(doc, config(**common))
    _, synced = run(doc, config(**common, processes=2, sync_batchnorm=True))
    single, together = step_losses(alone), step_losses(synced)
    for step, loss in single.items():
        assert together[step] == pytest.approx(loss, abs=1e-5), step

    _, per_rank = run(doc, config(**common, processes=2))
    logs = " ".join(e.message for e in of_type(per_rank, "log"))
    assert "BatchNorm statistics are per rank" in logs
    apart = step_losses(per_rank)
    assert any(abs(apart[s] - single[s]) > 1e-4 for s in single)  # it is not the same math


def test_a_batch_that_does_not_divide_is_refused_naming_both_numbers() -> None:
    with pytest.raises(ConfigError, match="batch_size 30 does not divide among 4 processes"):
        config(batch_size=30, processes=4)


@pytest.mark.parametrize(("before", "after"), [(2, 1), (1, 2)])
def test_resume_with_another_world_size_continues_at_the_right_step(
    tmp_path: Path, before: int, after: int
) -> None:
    doc = mlp(hidden=(16,))
    common = {"batch_size": 32, "telemetry": EVERY_STEP}
    whole, _ = run(doc, config(**common, epochs=2), checkpoint_dir=tmp_path / "whole")

    folder = tmp_path / "split"
    first, _ = run(doc, config(**common, epochs=1, processes=before), checkpoint_dir=folder)
    assert first.status == "finished" and 2 * first.step == whole.step
    second, events = run(
        doc, config(**common, epochs=2, processes=after), checkpoint_dir=folder, resume=True
    )
    assert second.status == "finished" and second.step == whole.step
    assert min(step_losses(events)) == first.step + 1  # the first step after the checkpoint
    assert second.metrics["val/loss"] == pytest.approx(whole.metrics["val/loss"], abs=1e-5)


def test_stop_and_pause_reach_every_rank() -> None:
    doc = mlp(hidden=(32, 32))
    control = Control()
    events: list[Event] = []
    seen = threading.Event()

    def sink(event: Event) -> None:
        events.append(event)
        if event.type == "metrics" and event.step >= 20:
            seen.set()

    cfg = config(batch_size=32, epochs=10_000, processes=2, telemetry=EVERY_STEP)
    outcome: list[FitResult] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            train_document(
                doc,
                cfg,
                data=registry("moons", size=256),
                options=RunOptions(sink=sink, control=control),
            )
        )
    )
    worker.start()
    assert seen.wait(120), "training did not start"
    control.pause()
    _wait_for(lambda: any(getattr(e, "status", "") == "paused" for e in events), 2.0)
    paused_at = max(step_losses(events))
    control.resume()
    _wait_for(lambda: max(step_losses(events)) > paused_at, 5.0)
    control.stop("enough")
    worker.join(10)
    assert not worker.is_alive(), "the ranks did not stop"
    assert outcome[0].status == "stopped"


def _wait_for(condition: Any, timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_every_rank_finds_a_divergence_at_the_same_step() -> None:
    doc = mlp(inputs=1, hidden=(32, 32), outputs=1)
    common = {"task": "regression", "optimizer": "sgd", "lr": 10.0, "batch_size": 32, "epochs": 5}
    sine = registry("sine", size=400)
    alone, _ = run(doc, config(**common), sine)
    pair, events = run(doc, config(**common, processes=2), sine)
    assert alone.status == pair.status == "diverged"
    assert pair.step == alone.step  # both ranks stopped there: no rank waits on the other
    assert [e.status for e in of_type(events, "status")][-1] == "diverged"


def test_a_killed_rank_fails_the_run_with_the_reason_and_leaves_no_process() -> None:
    import multiprocessing
    import os
    import signal

    doc = mlp(hidden=(32, 32))
    events: list[Event] = []
    started = threading.Event()

    def sink(event: Event) -> None:
        events.append(event)
        if event.type == "metrics":
            started.set()

    cfg = config(batch_size=32, epochs=10_000, processes=2, telemetry=EVERY_STEP)
    outcome: list[FitResult] = []
    trainer = threading.Thread(
        target=lambda: outcome.append(
            train_document(
                doc, cfg, data=registry("moons", size=256), options=RunOptions(sink=sink)
            )
        )
    )
    trainer.start()
    assert started.wait(120), "training did not start"
    ranks = [p for p in multiprocessing.active_children() if p.name.startswith("rank-1-")]
    assert ranks, multiprocessing.active_children()
    os.kill(ranks[0].pid or 0, signal.SIGKILL)
    trainer.join(60)
    assert not trainer.is_alive()
    assert outcome[0].status == "failed"
    assert "ended without a result" in outcome[0].message and "rank 1: -9" in outcome[0].message
    assert of_type(events, "status")[-1].status == "failed"
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("rank-")]
