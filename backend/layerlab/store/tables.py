"""The database tables, as typed SQLAlchemy 2.0 declarative models.

These are storage, not API: the server maps rows to its own pydantic schemas.
Every change here needs a new revision in `migrations/versions` (a test compares
the two). JSON columns are `JsonText`; times are aware UTC datetimes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from layerlab.store.types import JsonText, UtcDateTime, utcnow

# Deterministic constraint names, so migrations can name what they alter or drop.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 32
NAME_LENGTH = 200


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JsonText()}


# -- graphs --------------------------------------------------------------------------


class Graph(Base):
    """A saved graph document; its content lives in its versions."""

    __tablename__ = "graphs"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    version: Mapped[int] = mapped_column(Integer, comment="Newest version number, from 1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    versions: Mapped[list[GraphVersion]] = relationship(
        back_populates="graph", cascade="all, delete-orphan", passive_deletes=True
    )


class GraphVersion(Base):
    """One save of a graph: every save keeps one, numbered from 1 without gaps."""

    __tablename__ = "graph_versions"

    graph_id: Mapped[str] = mapped_column(
        ForeignKey("graphs.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    document: Mapped[dict[str, Any]] = mapped_column(comment="The graph document as saved")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    graph: Mapped[Graph] = relationship(back_populates="versions")


# -- workers and runs -----------------------------------------------------------------


class Worker(Base):
    """A training process (local or remote) known to the server."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    device: Mapped[str] = mapped_column(
        String(NAME_LENGTH), comment="cpu, cuda:0 (NVIDIA H100), ..."
    )
    memory_bytes: Mapped[int | None] = mapped_column(BigInteger, comment="Device memory")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    key_hash: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the key the worker proves its identity with"
    )


class Run(Base):
    """One training of a graph snapshot. A worker holds it through a lease that it
    renews; every new lease increments `fencing_token`, and writes carrying an older
    token are refused, so a worker that lost its lease cannot write any more."""

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_status_created_at", "status", "created_at"),
        Index("ix_runs_client_id_status", "client_id", "status"),
        # A sweep's trial has one run at most: a driver that resumes cannot queue it twice.
        Index("ix_runs_sweep_id_sweep_trial", "sweep_id", "sweep_trial", unique=True),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, comment="r_ + 12 hex")
    graph_id: Mapped[str | None] = mapped_column(
        ForeignKey("graphs.id", ondelete="SET NULL"),
        index=True,
        comment="The saved graph it came from, if any (the snapshot is what runs)",
    )
    graph_version: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(comment="Snapshot of the graph document")
    config: Mapped[dict[str, Any]] = mapped_column(comment="Training configuration")
    status: Mapped[str] = mapped_column(
        String(16), comment="queued, running, paused, finished, stopped, failed, diverged"
    )
    attempt: Mapped[int] = mapped_column(Integer, default=0, comment="Leases granted so far")
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    lease_owner: Mapped[str | None] = mapped_column(
        ForeignKey("workers.id", ondelete="SET NULL"), comment="Worker holding the lease"
    )
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    fencing_token: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seq: Mapped[int] = mapped_column(
        BigInteger, default=0, comment="Highest event seq assigned (events count from 1)"
    )
    client_id: Mapped[str] = mapped_column(String(64), comment="Who asked, for per-client limits")
    failure_reason: Mapped[str | None] = mapped_column(Text)
    control: Mapped[str | None] = mapped_column(
        String(16), comment="What a person asked for: pause or stop (null: run)"
    )
    failures: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", comment="Leases lost: workers that died"
    )
    memory_bytes: Mapped[int | None] = mapped_column(
        BigInteger, comment="Estimated training memory, matched against workers' memory"
    )
    device: Mapped[str | None] = mapped_column(
        String(NAME_LENGTH), comment="Where its latest attempt trains: cpu, cuda:0 (...)"
    )
    forked_from: Mapped[str | None] = mapped_column(
        String(ID_LENGTH),
        comment="The run whose checkpoint's weights it starts from (kept if that run is deleted)",
    )
    fork_checkpoint: Mapped[str | None] = mapped_column(
        String(64), comment="That checkpoint's name: step-00000120"
    )
    fork_step: Mapped[int | None] = mapped_column(Integer, comment="That checkpoint's step")
    imported_weights: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), comment="The imported weights it starts from: onnx_ + 16 hex"
    )
    dataset_used: Mapped[str | None] = mapped_column(
        String(200), comment="What its worker trains on: the set, or its stand-in (said so)"
    )
    sweep_id: Mapped[str | None] = mapped_column(
        ForeignKey("sweeps.id", ondelete="SET NULL"), comment="The sweep it is a trial of"
    )
    sweep_trial: Mapped[int | None] = mapped_column(
        Integer, comment="Its trial number in that sweep (Optuna's, from 0)"
    )
    stop_status: Mapped[str | None] = mapped_column(
        String(16),
        comment="What a requested stop ends it as: pruned (a sweep's pruner); null: stopped",
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class RunEvent(Base):
    """One event of a run (DESIGN.md "Events"): the envelope's fields are columns,
    the rest of the event is `payload`. The table is the log; seqs have no gaps."""

    __tablename__ = "run_events"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="From 1, per run")
    type: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(BigInteger)
    epoch: Mapped[int | None] = mapped_column(Integer)
    time: Mapped[float] = mapped_column(Float, comment="Seconds since the run started")
    attempt: Mapped[int] = mapped_column(Integer, comment="The attempt that reported it")
    payload: Mapped[dict[str, Any]] = mapped_column()


class IngestBatch(Base):
    """A batch of events a worker sent, remembered so that a resent batch is not stored
    twice: (run, attempt, batch_seq) is unique and maps to the seqs it was given."""

    __tablename__ = "ingest_batches"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Checkpoint(Base):
    """A checkpoint a worker wrote; `path` is relative to the checkpoint folder."""

    __tablename__ = "checkpoints"
    __table_args__ = (Index("ix_checkpoints_run_id_step", "run_id", "step"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "Base",
    "Checkpoint",
    "Graph",
    "GraphVersion",
    "IngestBatch",
    "Run",
    "RunEvent",
    "Sweep",
    "Worker",
]


# -- uploaded datasets ---------------------------------------------------------------


class UploadedDataset(Base):
    """A file a person uploaded, parsed as one dataset kind.

    The bytes live once per content under `<data dir>/uploads/<sha256>/data`; two rows may
    share a file (the same bytes read as CSV and as text), so a file goes only with its
    last row.
    """

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, comment="d_ + 12 hex")
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    kind: Mapped[str] = mapped_column(String(16), comment="csv, image_zip, text or idx")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    bytes: Mapped[int] = mapped_column(BigInteger)
    info: Mapped[dict[str, Any]] = mapped_column(comment="Shape, target, classes, sizes, notes")
    config: Mapped[dict[str, Any]] = mapped_column(comment="{dataset, dataset_options} to train")
    preview: Mapped[dict[str, Any]] = mapped_column(comment="Head rows, thumbnails or text")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# -- sweeps ----------------------------------------------------------------------------


class Sweep(Base):
    """A search over a document's settings. Optuna keeps the study (its tables live in
    this database too, created by migration 0005; the study is named by the sweep's id);
    each trial that trains is a run with `sweep_id` and `sweep_trial` set."""

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, comment="s_ + 12 hex")
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    document: Mapped[dict[str, Any]] = mapped_column(comment="The document every trial varies")
    spec: Mapped[dict[str, Any]] = mapped_column(
        comment="Space, objective, trials, parallel, sampler, pruner, seed, config overrides"
    )
    graph_id: Mapped[str | None] = mapped_column(
        ForeignKey("graphs.id", ondelete="SET NULL"), comment="The saved graph it came from"
    )
    graph_version: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[str] = mapped_column(String(64), comment="Who asked, for per-client limits")
    status: Mapped[str] = mapped_column(
        String(16), comment="running, stopping, completed or stopped"
    )
    message: Mapped[str | None] = mapped_column(Text, comment="Why it ended, when it did")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
