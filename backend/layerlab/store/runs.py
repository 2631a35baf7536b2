"""Runs, workers and checkpoints: the rows the run system builds on.

Only creation and lookup live here. The rest of the run system is beside it in
`store/`: leasing, heartbeats and retries in `leases.py` (which the server's scheduler
and worker sessions call), the fencing check in `fencing.py`, people's stop, pause and
resume in `run_control.py`, uploaded checkpoints in `run_checkpoints.py` and the event
log in `events.py`. The ids' patterns live in `layerlab/ids.py`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from layerlab.ids import (
    CHECKPOINT_NAME_PATTERN,
    IMPORTED_WEIGHTS_PATTERN,
    RUN_ID_PATTERN,
    new_run_id,
)
from layerlab.store.tables import Checkpoint, Run
from layerlab.store.types import clean_text, utcnow
from layerlab.train.events import END_STATUSES, EndStatus


class RunNotFound(LookupError):
    def __init__(self, run_id: str):
        super().__init__(f"no run {run_id}")
        self.run_id = run_id


class ForkOrigin(BaseModel):
    """The checkpoint whose weights a forked run starts from."""

    model_config = ConfigDict(frozen=True)

    run: str = Field(pattern=RUN_ID_PATTERN)
    checkpoint: str = Field(pattern=CHECKPOINT_NAME_PATTERN, description="step-00000120")
    step: int = Field(ge=0)


class NewRun(BaseModel):
    """What a run starts from: a document snapshot and its training configuration."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(
        default_factory=lambda: new_run_id(),
        pattern=RUN_ID_PATTERN,
        description="Chosen before the row exists when files must be in place first",
    )
    fork: ForkOrigin | None = None
    imported_weights: str | None = Field(
        default=None,
        pattern=IMPORTED_WEIGHTS_PATTERN,
        description="Imported weights it starts from (a copy is in its folder)",
    )
    document: dict[str, Any]
    config: dict[str, Any]
    client_id: str = Field(max_length=64)
    graph_id: str | None = None
    graph_version: int | None = None
    max_attempts: int = Field(default=3, ge=1)
    memory_bytes: int | None = Field(default=None, ge=0, description="Estimated training memory")
    sweep_id: str | None = Field(default=None, description="The sweep it is a trial of")
    sweep_trial: int | None = Field(default=None, ge=0, description="Its trial number there")


def create_run(session: Session, new: NewRun) -> Run:
    """A queued run, attempt 0, no lease."""
    run = Run(
        id=new.id,
        graph_id=new.graph_id,
        graph_version=new.graph_version,
        document=new.document,
        config=new.config,
        status="queued",
        attempt=0,
        max_attempts=new.max_attempts,
        fencing_token=0,
        last_seq=0,
        client_id=clean_text(new.client_id, 64),
        memory_bytes=new.memory_bytes,
        forked_from=new.fork.run if new.fork else None,
        fork_checkpoint=new.fork.checkpoint if new.fork else None,
        fork_step=new.fork.step if new.fork else None,
        imported_weights=new.imported_weights,
        sweep_id=new.sweep_id,
        sweep_trial=new.sweep_trial,
        created_at=utcnow(),
    )
    session.add(run)
    session.commit()
    return run


def stop_ending(stop_status: str | None) -> EndStatus:
    """What a requested stop ends a run as: the run's `stop_status` (a sweep's pruner
    asks for `pruned`), else `stopped`."""
    return stop_status if stop_status in END_STATUSES else "stopped"


def get_run(session: Session, run_id: str) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise RunNotFound(run_id)
    return run


def newest_checkpoints_first(run_id: str) -> Select[Checkpoint]:
    """The run's recorded checkpoints by resume preference: the highest step first,
    the newest at that step first."""
    return (
        select(Checkpoint)
        .where(Checkpoint.run_id == run_id)
        .order_by(Checkpoint.step.desc(), Checkpoint.id.desc())
    )


def latest_checkpoint(session: Session, run_id: str) -> Checkpoint | None:
    """The checkpoint to resume from."""
    return session.scalars(newest_checkpoints_first(run_id).limit(1)).first()


def checkpoints_of(session: Session, run_id: str) -> list[Checkpoint]:
    """The run's kept checkpoints, the newest first."""
    return list(session.scalars(newest_checkpoints_first(run_id)))


def recorded_checkpoints(session: Session) -> dict[str, set[str]]:
    """Every run's id -> the stored paths of its recorded checkpoints (maybe none)."""
    found: dict[str, set[str]] = {run_id: set() for run_id in session.scalars(select(Run.id))}
    for run_id, path in session.execute(select(Checkpoint.run_id, Checkpoint.path)):
        found.setdefault(run_id, set()).add(path)
    return found
