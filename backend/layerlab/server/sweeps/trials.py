"""A sweep's trials as runs: the server's `Trials` for the sweep driver.

Called from the driver's thread (synchronous, a session per call). Starting a trial
queues a run tagged with the sweep and the trial number (after the same checks as
`POST /api/runs`); what a trial measured is read from its run's metrics events. Stops
and prunes need the event loop (the hub, the workers' sockets), so they are collected
here and carried out by the runner after the driver's step (see runner.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from layerlab.graph.document import load_document
from layerlab.graph.errors import GraphError
from layerlab.server.errors import ApiError
from layerlab.server.runs import intake
from layerlab.server.settings import Settings
from layerlab.store.db import Database
from layerlab.store.runs import NewRun, create_run
from layerlab.store.sweeps import TrialRun, epoch_metrics, trial_runs
from layerlab.sweeps.driver import TrialProgress, TrialRefused
from layerlab.sweeps.space import Applied


@dataclass
class _Seen:
    since: int = 0
    """The last event seq read."""
    values: dict[int, float] = field(default_factory=dict)


def refusal(exc: ApiError) -> TrialRefused:
    """A check's refusal: its located issues, else its message."""
    issues = exc.body.issues
    return TrialRefused.of(issues) if issues else TrialRefused(exc.body.message)


class RunTrials:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        sweep_id: str,
        client_id: str,
        metric: str,
    ):
        self.database = database
        self.settings = settings
        self.sweep_id = sweep_id
        self.client_id = client_id
        self.metric = metric
        self.largest_memory: int | None = None
        """The most memory a connected worker has (the runner sets it before each step)."""
        self._seen: dict[str, _Seen] = {}
        self._runs: dict[int, TrialRun] = {}
        self.prunes: list[tuple[str, str]] = []
        """(run, reason) to stop as pruned."""
        self.stops: list[str] = []
        """Runs to stop (the sweep is stopping)."""

    def take(self) -> tuple[list[tuple[str, str]], list[str]]:
        prunes, stops = self.prunes, self.stops
        self.prunes, self.stops = [], []
        return prunes, stops

    def progress(self) -> Mapping[int, TrialProgress]:
        found: dict[int, TrialProgress] = {}
        with self.database.session() as session:
            # The runs first: a run that has ended has stored all its events by now.
            self._runs = trial_runs(session, self.sweep_id)
            for number, run in self._runs.items():
                seen = self._seen.setdefault(run.run_id, _Seen())
                values, seen.since = epoch_metrics(session, run.run_id, self.metric, seen.since)
                seen.values.update({e: v for e, v in values.items() if v is not None})
                found[number] = TrialProgress(
                    values=dict(seen.values),
                    ended=run.end_status,
                    message=run.failure_reason or "",
                    pruning=run.stop_status == "pruned",
                    epochs=run.epochs,
                )
        return found

    def launch(self, number: int, point: dict[str, Any], applied: Applied) -> None:
        if number in self._runs:
            return
        try:
            document = load_document(applied.document, self.settings.limits)
        except GraphError as exc:
            raise TrialRefused.of(exc.issues) from None
        try:
            prepared = intake.prepare(
                document, applied.overrides, self.settings, self.largest_memory
            )
        except ApiError as exc:
            raise refusal(exc) from None
        new = NewRun(
            document=prepared.document,
            config=prepared.config.model_dump(mode="json"),
            client_id=self.client_id,
            max_attempts=self.settings.runs.max_attempts,
            memory_bytes=prepared.memory_bytes,
            sweep_id=self.sweep_id,
            sweep_trial=number,
        )
        with self.database.session() as session:
            try:
                create_run(session, new)
            except IntegrityError:  # queued already (by a driver before a restart)
                session.rollback()

    def prune(self, number: int, reason: str) -> None:
        run = self._runs.get(number)
        if run is not None and run.stop_status is None:
            self.prunes.append((run.run_id, reason))

    def stop(self, number: int) -> None:
        run = self._runs.get(number)
        if run is not None and run.control != "stop":
            self.stops.append(run.run_id)
