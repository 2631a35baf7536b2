"""The run system's REST models: what `/api/runs` and `/api/workers` take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field

from layerlab.graph.document import JSON_INTEGER, GraphDocument
from layerlab.ids import (
    CHECKPOINT_NAME_PATTERN,
    GRAPH_ID_PATTERN,
    IMPORTED_WEIGHTS_PATTERN,
    RUN_ID_PATTERN,
    SWEEP_ID_PATTERN,
    WORKER_ID_PATTERN,
)
from layerlab.server.fields import Omittable
from layerlab.store.run_checkpoints import checkpoint_name
from layerlab.store.runs import ForkOrigin
from layerlab.store.tables import Checkpoint, Run
from layerlab.train.config import TrainingConfig
from layerlab.train.control import HELD_REQUESTS, HeldRequest
from layerlab.train.events import Event, RunStatus


class ForkRequest(BaseModel):
    """Start from the weights of one of a run's kept checkpoints."""

    model_config = ConfigDict(extra="forbid")

    run: str = Field(pattern=RUN_ID_PATTERN, description="The run to fork")
    checkpoint: str | None = Field(
        default=None,
        pattern=CHECKPOINT_NAME_PATTERN,
        description="One of GET /api/runs/{run}/checkpoints; default its latest",
    )


RUN_SOURCES = ("document", "graph_id", "fork")
"""What a run is of: a document sent, a saved graph, or a fork of a run's checkpoint."""


class CreateRun(BaseModel):
    """A run of a document: send `document`, or `graph_id` (and `graph_version`, else
    the newest) of a saved graph, or `fork`. `config` overrides fields of the
    document's training section (`{"epochs": 3, "lr": 0.01}`); for a fork, of the
    forked run's configuration.

    A fork trains the forked run's document snapshot from the weights of its
    checkpoint: a new run, counting its own steps and epochs from 0, with a fresh
    optimizer and schedule under its (edited) settings."""

    model_config = ConfigDict(
        extra="forbid",
        # Exactly one source; a version only of a saved graph; start_weights not beside a
        # fork (runs/intake.py checks each).
        json_schema_extra={
            "oneOf": [{"required": [source]} for source in RUN_SOURCES],
            "dependentRequired": {"graph_version": ["graph_id"]},
            # A fork starts from its checkpoint's weights, never from imported ones.
            "not": {"required": ["fork", "start_weights"]},
        },
    )

    document: Omittable[GraphDocument] = Field(default=None, description="The graph to train")
    graph_id: Omittable[str] = Field(default=None, pattern=GRAPH_ID_PATTERN)
    graph_version: Omittable[Annotated[int, Ge(1), Le(2**31 - 1), JSON_INTEGER]] = None
    fork: Omittable[ForkRequest] = Field(default=None, description="Fork a run from a checkpoint")
    start_weights: Omittable[str] = Field(
        default=None,
        pattern=IMPORTED_WEIGHTS_PATTERN,
        description="Start from weights imported with the model (`weights_id` of POST "
        "/api/import/onnx), with `document` or `graph_id`: every tensor must fit by name "
        "and shape",
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of TrainingConfig fields"
    )


class SweepTrialRef(BaseModel):
    """The sweep a run is a trial of."""

    sweep: str = Field(pattern=SWEEP_ID_PATTERN)
    trial: int = Field(description="Its trial number in the sweep, from 0")


class RunRecord(BaseModel):
    id: str = Field(pattern=RUN_ID_PATTERN)
    name: str = Field(description="The document's name")
    status: RunStatus
    requested: HeldRequest | None = Field(
        description="What a person asked for that the run has not done yet, or still holds"
    )
    graph_id: str | None
    graph_version: int | None
    attempt: int = Field(description="Leases granted so far (1 on the first worker)")
    max_attempts: int
    failures: int = Field(description="Workers lost while training it")
    failure_reason: str | None
    worker: str | None = Field(description="The worker holding it now")
    last_seq: int = Field(description="Seq of its newest stored event")
    memory_bytes: int | None = Field(description="Estimated training memory")
    device: str | None = Field(description="Where its latest attempt trains (null: not yet)")
    dataset_used: str | None = Field(
        description="What its worker trains on, once it started: the set, or a stand-in, said so"
    )
    fork: ForkOrigin | None = Field(description="The checkpoint it was forked from")
    start_weights: str | None = Field(
        default=None, description="The imported weights it started from (onnx_ + 16 hex)"
    )
    sweep: SweepTrialRef | None = Field(description="The sweep it is a trial of, if any")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, run: Run) -> RunRecord:
        requested = run.control if run.control in HELD_REQUESTS else None
        return cls(
            id=run.id,
            name=str(run.document.get("name", "")),
            status=run.status,
            requested=requested,
            graph_id=run.graph_id,
            graph_version=run.graph_version,
            attempt=run.attempt,
            max_attempts=run.max_attempts,
            failures=run.failures,
            failure_reason=run.failure_reason,
            worker=run.lease_owner,
            last_seq=run.last_seq,
            memory_bytes=run.memory_bytes,
            device=run.device,
            dataset_used=run.dataset_used,
            fork=fork_origin(run),
            start_weights=run.imported_weights,
            sweep=SweepTrialRef(sweep=run.sweep_id, trial=run.sweep_trial)
            if run.sweep_id is not None and run.sweep_trial is not None
            else None,
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
        )


def fork_origin(run: Run) -> ForkOrigin | None:
    if run.forked_from is None or run.fork_checkpoint is None or run.fork_step is None:
        return None
    return ForkOrigin(run=run.forked_from, checkpoint=run.fork_checkpoint, step=run.fork_step)


class RunDetail(RunRecord):
    document: GraphDocument = Field(description="The snapshot that trains")
    config: TrainingConfig = Field(description="The training configuration, overrides applied")


class RunList(BaseModel):
    items: list[RunRecord]
    total: int


class EventPage(BaseModel):
    events: list[Event]
    next_since: int = Field(description="Pass as `since` to read on")
    more: bool = Field(description="More events matched than `limit`")


class WorkerRecord(BaseModel):
    id: str = Field(pattern=WORKER_ID_PATTERN)
    name: str
    device: str
    memory_bytes: int | None
    processes: int = Field(description="Most data-parallel ranks one run may have there")
    cpus: int | None = Field(description="CPU cores it can use")
    gpus: int = Field(description="GPUs it can use")
    busy: bool = Field(description="Training a run (else idle and waiting for one)")
    runs: list[str] = Field(description="Runs it holds")


class CheckpointRecord(BaseModel):
    """A kept checkpoint of a run: one to fork from, or download."""

    name: str = Field(pattern=CHECKPOINT_NAME_PATTERN)
    step: int
    attempt: int = Field(description="The lease it was written under")
    created_at: datetime

    @classmethod
    def of(cls, row: Checkpoint) -> CheckpointRecord:
        return cls(
            name=checkpoint_name(row.path),
            step=row.step,
            attempt=row.attempt,
            created_at=row.created_at,
        )


class CheckpointStored(BaseModel):
    run: str
    name: str
    step: int
