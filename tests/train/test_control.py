"""Stop, pause and resume from another thread take effect within one step."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from layerlab.train.config import TrainingConfig
from layerlab.train.control import Control
from layerlab.train.events import Event, MetricsEvent, StatusEvent
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import FitResult, RunOptions
from tests.train.helpers import config, mlp, registry

TIMEOUT = 60.0


class Watcher:
    """An event sink that lets the test thread wait for conditions on the stream."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.changed = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[Event], bool], what: str) -> Event:
        found: list[Event] = []

        def seen() -> bool:
            found[:] = [e for e in self.events if predicate(e)]
            return bool(found)

        with self.changed:
            assert self.changed.wait_for(seen, timeout=TIMEOUT), f"timed out waiting for {what}"
        return found[0]

    def status(self, value: str, after: int = 0) -> StatusEvent:
        event = self.wait_for(
            lambda e: isinstance(e, StatusEvent) and e.status == value and e.seq > after, value
        )
        assert isinstance(event, StatusEvent)
        return event

    def after(self, seq: int) -> list[Event]:
        with self.changed:
            return [e for e in self.events if e.seq > seq]


def start(
    control: Control, watcher: Watcher, cfg: TrainingConfig, checkpoints: Path | None = None
) -> tuple[threading.Thread, list[FitResult]]:
    """Train an MLP on moons in a background thread, as the worker does."""
    outcome: list[FitResult] = []
    options = RunOptions(sink=watcher, control=control, checkpoint_dir=checkpoints)

    def run() -> None:
        outcome.append(fit(build_trainee(mlp(), 0), registry("moons", size=200), cfg, options))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_pause_resume_and_stop_from_another_thread(tmp_path: Path) -> None:
    control, watcher = Control(), Watcher()
    cfg = config(lr=0.01, epochs=10_000, telemetry={"scalars_every": 1, "max_events_per_s": 10_000})
    thread, outcome = start(control, watcher, cfg, tmp_path)

    watcher.wait_for(lambda e: isinstance(e, MetricsEvent) and e.step >= 5, "step 5")
    control.pause()
    paused = watcher.status("paused")
    assert paused.step >= 5
    # Paused: the thread blocks before its next step, so the pause is the stream's last
    # event until the resume below (which waits on nothing but the condition variable).
    assert watcher.after(paused.seq) == [] and thread.is_alive()
    control.resume()
    running = watcher.status("running", after=paused.seq)
    assert running.step == paused.step  # nothing happened in between
    watcher.wait_for(
        lambda e: isinstance(e, MetricsEvent) and e.step >= paused.step + 3, "progress"
    )

    control.stop("enough")
    stopped = watcher.status("stopped")
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    result = outcome[0]
    assert result.status == "stopped" and result.message == "enough"
    assert stopped.step == result.step < cfg.epochs * 5
    assert result.checkpoint is not None and result.checkpoint.name == f"step-{result.step:08d}"


def test_stop_while_paused_ends_the_run() -> None:
    control, watcher = Control(), Watcher()
    control.pause()  # before the first step
    thread, outcome = start(control, watcher, config(epochs=1000))
    paused = watcher.status("paused")
    assert paused.step == 0
    control.stop()
    thread.join(TIMEOUT)
    assert outcome and outcome[0].status == "stopped" and outcome[0].step == 0
