"""The worker protocol: JSON messages over the websocket `/ws/worker`, one typed model
each, shared by the worker and the server. Every message names its `type`.

    worker                                   server
    hello {token, name, device, memory,  ->
           worker_id?, worker_key?, runs}    <- welcome {worker_id, worker_key, timers, kept}
    ready                                ->  <- lease {run, attempt, fencing, document,
                                                       config, checkpoint?,
                                                       start_weights?, paused}
    heartbeat {runs}                     ->  <- renewed {runs}   (refused for lost ones)
    events {run, attempt, fencing,
            batch_seq, events}           ->  <- ack {run, attempt, batch_seq, first_seq, count}
                                             <- control {run, stop | pause | resume}
    result {run, ..., status, message}   ->  <- closed {run}
    release {run, ..., reason}           ->  <- closed {run}
                                             <- refused {run, code}: stop that run now
                                             <- error {code, message} (then the socket closes)

Checkpoints do not travel here: the worker PUTs them over REST with the same
(run, fencing) credentials, GETs the latest one to resume a run, and GETs a fork's
start weights.

A batch is identified by (run, attempt, batch_seq): a batch sent again after a
reconnect is acknowledged with the seqs it got the first time and stored once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from layerlab.graph.document import GraphDocument
from layerlab.ids import (
    CHECKPOINT_NAME_PATTERN,
    IMPORTED_WEIGHTS_PATTERN,
    RUN_ID_PATTERN,
    WORKER_ID_PATTERN,
)
from layerlab.train.config import TrainingConfig
from layerlab.train.control import ControlAction
from layerlab.train.events import EndStatus, Event

PROTOCOL_VERSION = 1
MAX_BATCH_EVENTS = 500
MAX_HELD_RUNS = 16

RunId = Annotated[str, Field(pattern=RUN_ID_PATTERN)]
WorkerId = Annotated[str, Field(pattern=WORKER_ID_PATTERN)]
Attempt = Annotated[int, Field(ge=1, le=1_000_000)]
Fencing = Annotated[int, Field(ge=1, le=2**62)]
RefusalCode = Literal["stale_lease", "not_found", "invalid"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HeldRun(_Message):
    """A lease as the worker holds it."""

    run: RunId
    attempt: Attempt
    fencing: Fencing


# -- worker -> server ------------------------------------------------------------------


class Hello(_Message):
    type: Literal["hello"] = "hello"
    protocol: Literal[1] = 1
    token: str = Field(max_length=512, description="The worker token; only ever sent here")
    name: str = Field(min_length=1, max_length=200)
    device: str = Field(min_length=1, max_length=200, description="cpu, cuda:0 (NVIDIA H100)")
    memory_bytes: int | None = Field(default=None, ge=0, description="Device memory")
    processes: int = Field(
        default=1,
        ge=1,
        le=65_536,
        description="Most data-parallel ranks one run may have on this worker (its GPUs or "
        "CPU cores; a Ray worker: its cluster's free ones)",
    )
    cpus: int | None = Field(default=None, ge=0, description="CPU cores it can use")
    gpus: int = Field(default=0, ge=0, description="GPUs it can use")
    worker_id: WorkerId | None = Field(default=None, description="Given by an earlier welcome")
    worker_key: str | None = Field(default=None, max_length=128, description="Proves worker_id")
    runs: list[HeldRun] = Field(
        default_factory=list, max_length=MAX_HELD_RUNS, description="Leases it holds"
    )


class Ready(_Message):
    """The worker is idle and takes a run."""

    type: Literal["ready"] = "ready"


class Heartbeat(_Message):
    type: Literal["heartbeat"] = "heartbeat"
    runs: list[HeldRun] = Field(default_factory=list, max_length=MAX_HELD_RUNS)


class EventBatch(_Message):
    type: Literal["events"] = "events"
    run: RunId
    attempt: Attempt
    fencing: Fencing
    batch_seq: int = Field(ge=1, description="From 1 per (run, attempt), without gaps")
    events: list[Event] = Field(min_length=1, max_length=MAX_BATCH_EVENTS)


class RunResult(_Message):
    """The run ended on this worker; sent once every event of it is acknowledged and
    its last checkpoint uploaded."""

    type: Literal["result"] = "result"
    run: RunId
    attempt: Attempt
    fencing: Fencing
    status: EndStatus
    message: str = Field(default="", max_length=10_000)
    restarts: int = Field(
        default=0,
        ge=0,
        le=1_000,
        description="Times its rank group failed and was restarted during this attempt "
        "(Ray); each counts as a lost worker",
    )


class Release(_Message):
    """The worker hands the run back (shutting down), having checkpointed it."""

    type: Literal["release"] = "release"
    run: RunId
    attempt: Attempt
    fencing: Fencing
    reason: str = Field(max_length=1_000)


WorkerMessage = Annotated[
    Hello | Ready | Heartbeat | EventBatch | RunResult | Release, Field(discriminator="type")
]


# -- server -> worker ------------------------------------------------------------------


class Welcome(_Message):
    type: Literal["welcome"] = "welcome"
    worker_id: WorkerId
    worker_key: str = Field(description="Keep it: it proves worker_id after a reconnect")
    heartbeat_s: float
    lease_s: float
    kept: list[RunId] = Field(
        default_factory=list, description="Runs of the hello whose leases still hold"
    )


class CheckpointRef(_Message):
    name: str = Field(pattern=CHECKPOINT_NAME_PATTERN)
    step: int = Field(ge=0)


class StartWeights(_Message):
    """The weights a run's first attempt loads (GET them first): a forked run's
    checkpoint's (`run`, `checkpoint`, `step`), or weights imported with the model
    (`imported`)."""

    run: RunId | None = Field(default=None, description="The run it was forked from")
    checkpoint: str | None = Field(default=None, pattern=CHECKPOINT_NAME_PATTERN)
    step: int | None = Field(default=None, ge=0)
    imported: str | None = Field(
        default=None, pattern=IMPORTED_WEIGHTS_PATTERN, description="The imported weights' id"
    )

    @model_validator(mode="after")
    def _one_origin(self) -> StartWeights:
        fork = [v is not None for v in (self.run, self.checkpoint, self.step)]
        forked = all(fork) and self.imported is None
        imported = not any(fork) and self.imported is not None
        if not (forked or imported):
            raise ValueError("start weights come from a fork's checkpoint or from an import")
        return self


class Lease(_Message):
    type: Literal["lease"] = "lease"
    run: RunId
    attempt: Attempt
    fencing: Fencing
    document: GraphDocument
    config: TrainingConfig
    checkpoint: CheckpointRef | None = Field(
        default=None, description="Resume from this checkpoint (download it first)"
    )
    start_weights: StartWeights | None = Field(
        default=None,
        description="A fork's or an imported model's first attempt: load these weights first",
    )
    paused: bool = Field(default=False, description="Start paused (a person paused the run)")
    first_seq: int = Field(ge=1, description="The run's next event seq")


class Ack(_Message):
    type: Literal["ack"] = "ack"
    run: RunId
    attempt: Attempt
    batch_seq: int
    first_seq: int
    count: int


class Renewed(_Message):
    type: Literal["renewed"] = "renewed"
    runs: list[RunId]


class ControlRequest(_Message):
    type: Literal["control"] = "control"
    run: RunId
    attempt: Attempt
    action: ControlAction
    reason: str = ""


class Refused(_Message):
    """The worker no longer holds the run's lease (or never did): stop it, send nothing
    more about it."""

    type: Literal["refused"] = "refused"
    run: RunId
    attempt: int
    code: RefusalCode
    message: str


class Closed(_Message):
    """The result or release of this attempt is recorded."""

    type: Literal["closed"] = "closed"
    run: RunId
    attempt: Attempt


class ProtocolError(_Message):
    type: Literal["error"] = "error"
    code: str
    message: str


ServerMessage = Annotated[
    Welcome | Lease | Ack | Renewed | ControlRequest | Refused | Closed | ProtocolError,
    Field(discriminator="type"),
]

WORKER_MESSAGE: TypeAdapter[WorkerMessage] = TypeAdapter(WorkerMessage)
SERVER_MESSAGE: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def parse_worker_message(text: str | bytes) -> WorkerMessage:
    return WORKER_MESSAGE.validate_json(text)


def parse_server_message(text: str | bytes) -> ServerMessage:
    return SERVER_MESSAGE.validate_json(text)


# -- REST headers of the checkpoint routes ----------------------------------------------

WORKER_HEADER = "X-LayerLab-Worker"
KEY_HEADER = "X-LayerLab-Worker-Key"
FENCING_HEADER = "X-LayerLab-Fencing"
STEP_HEADER = "X-LayerLab-Step"
NAME_HEADER = "X-LayerLab-Checkpoint"
SHA256_HEADER = "X-LayerLab-Sha256"
