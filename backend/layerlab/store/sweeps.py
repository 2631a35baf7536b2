"""Sweeps: their rows, their trials' runs, and the epoch metrics those runs reported.

A sweep's study (trials, parameters, values) is Optuna's, in Optuna's tables (see
studies.py); what is LayerLab's lives here: the sweep's document and settings, its
status, and which run trains which trial (`runs.sweep_id`, `runs.sweep_trial`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from layerlab.ids import SWEEP_ID_PATTERN, new_sweep_id
from layerlab.messages import Message
from layerlab.store.tables import Run, RunEvent, Sweep
from layerlab.store.types import clean_text, utcnow
from layerlab.train.events import END_STATUSES, EndStatus, RunStatus

OpenSweepStatus = Literal["running", "stopping"]
"""Its driver follows it: trials train (or, stopping, are being stopped)."""
SweepStatus = Literal[OpenSweepStatus, "completed", "stopped"]
"""completed: every trial has ended; stopped: on request, before that."""
OPEN_SWEEP_STATUSES: tuple[OpenSweepStatus, ...] = get_args(OpenSweepStatus)


class SweepNotFound(LookupError):
    def __init__(self, sweep_id: str):
        super().__init__(f"no sweep {sweep_id}")
        self.sweep_id = sweep_id


class NewSweep(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: new_sweep_id(), pattern=SWEEP_ID_PATTERN)
    name: str
    document: dict[str, Any]
    spec: dict[str, Any]
    client_id: str = Field(max_length=64)
    graph_id: str | None = None
    graph_version: int | None = None


def create_sweep(session: Session, new: NewSweep) -> Sweep:
    sweep = Sweep(
        id=new.id,
        name=clean_text(new.name, 200),
        document=new.document,
        spec=new.spec,
        graph_id=new.graph_id,
        graph_version=new.graph_version,
        client_id=clean_text(new.client_id, 64),
        status="running",
        created_at=utcnow(),
    )
    session.add(sweep)
    session.commit()
    return sweep


def get_sweep(session: Session, sweep_id: str) -> Sweep:
    sweep = session.get(Sweep, sweep_id)
    if sweep is None:
        raise SweepNotFound(sweep_id)
    return sweep


def list_sweeps(session: Session, limit: int = 100, offset: int = 0) -> tuple[list[Sweep], int]:
    """Sweeps, the newest first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Sweep)) or 0
    rows = session.scalars(
        select(Sweep).order_by(Sweep.created_at.desc(), Sweep.id).limit(limit).offset(offset)
    )
    return list(rows), total


def open_sweeps(session: Session) -> list[Sweep]:
    """Sweeps a driver follows (running or stopping), the oldest first."""
    query = select(Sweep).where(Sweep.status.in_(OPEN_SWEEP_STATUSES))
    return list(session.scalars(query.order_by(Sweep.created_at, Sweep.id)))


def request_stop(session: Session, sweep_id: str) -> Sweep:
    """A running sweep starts no more trials and stops those that train."""
    session.execute(
        update(Sweep)
        .where(Sweep.id == sweep_id, Sweep.status == "running")
        .values(status="stopping", message=str(Message("sweep.stopped_on_request")))
    )
    session.commit()
    return get_sweep(session, sweep_id)


def end_sweep(session: Session, sweep_id: str, status: SweepStatus, message: str) -> bool:
    """Record the sweep's end (once: an ended sweep keeps its end)."""
    ended = session.execute(
        update(Sweep)
        .where(Sweep.id == sweep_id, Sweep.status.in_(OPEN_SWEEP_STATUSES))
        .values(status=status, message=str(message), finished_at=utcnow())  # plain text
    )
    session.commit()
    return bool(getattr(ended, "rowcount", 0))


def delete_sweep(session: Session, sweep_id: str) -> None:
    """Delete the sweep's row (its runs and its study are deleted first, by the caller)."""
    gone = session.execute(delete(Sweep).where(Sweep.id == sweep_id))
    session.commit()
    if not getattr(gone, "rowcount", 0):
        raise SweepNotFound(sweep_id)


# -- the trials' runs -------------------------------------------------------------------


@dataclass(frozen=True)
class TrialRun:
    """A trial's run, as the driver and the sweep's page read it."""

    run_id: str
    trial: int
    status: RunStatus
    stop_status: str | None
    control: str | None
    failure_reason: str | None
    started_at: datetime | None
    finished_at: datetime | None
    epochs: int | None
    """Epochs it trains in all (its configuration's)."""

    @property
    def end_status(self) -> EndStatus | None:
        """How it ended; None while it has not."""
        status = self.status
        return status if status in END_STATUSES else None


def trial_runs(session: Session, sweep_id: str) -> dict[int, TrialRun]:
    """The sweep's runs by trial number."""
    rows = session.execute(
        select(
            Run.id,
            Run.sweep_trial,
            Run.status,
            Run.stop_status,
            Run.control,
            Run.failure_reason,
            Run.started_at,
            Run.finished_at,
            Run.config,
        ).where(Run.sweep_id == sweep_id, Run.sweep_trial.is_not(None))
    ).all()
    return {
        int(row.sweep_trial): TrialRun(
            row.id,
            int(row.sweep_trial),
            row.status,
            row.stop_status,
            row.control,
            row.failure_reason,
            row.started_at,
            row.finished_at,
            _epochs(row.config),
        )
        for row in rows
    }


def _epochs(config: dict[str, Any]) -> int | None:
    epochs = config.get("epochs")
    return epochs if isinstance(epochs, int) and not isinstance(epochs, bool) else None


def mark_pruned(session: Session, run_id: str) -> None:
    """A requested stop will end the run as `pruned` (call in the stop's transaction,
    before it: run_control.request_control commits both)."""
    session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.not_in(END_STATUSES))
        .values(stop_status="pruned")
        .execution_options(synchronize_session=False)
    )


def epoch_metrics(
    session: Session, run_id: str, metric: str, since: int
) -> tuple[dict[int, float | None], int]:
    """({epoch: value} of `metric` in the run's metrics events after seq `since`, the
    last seq read). A value that was not finite is None."""
    rows = session.execute(
        select(RunEvent.seq, RunEvent.epoch, RunEvent.payload)
        .where(RunEvent.run_id == run_id, RunEvent.type == "metrics", RunEvent.seq > since)
        .order_by(RunEvent.seq)
    ).all()
    found: dict[int, float | None] = {}
    last = since
    for row in rows:
        last = row.seq
        values = row.payload.get("values", {})
        if metric in values and row.epoch is not None:
            value = values[metric]
            found[int(row.epoch)] = float(value) if isinstance(value, int | float) else None
    return found, last


def runs_of(session: Session, sweep_id: str) -> list[str]:
    return list(session.scalars(select(Run.id).where(Run.sweep_id == sweep_id)))
