"""Graphs with their versions, and the tables of the run system.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from layerlab.store.types import JsonText, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "graphs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, comment="Newest version number, from 1"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graphs")),
    )
    op.create_index(op.f("ix_graphs_updated_at"), "graphs", ["updated_at"])

    op.create_table(
        "graph_versions",
        sa.Column("graph_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("document", JsonText(), nullable=False, comment="The graph document as saved"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["graph_id"],
            ["graphs.id"],
            name=op.f("fk_graph_versions_graph_id_graphs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("graph_id", "version", name=op.f("pk_graph_versions")),
    )

    op.create_table(
        "workers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "device", sa.String(200), nullable=False, comment="cpu, cuda:0 (NVIDIA H100), ..."
        ),
        sa.Column("memory_bytes", sa.BigInteger(), nullable=True, comment="Device memory"),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("last_heartbeat_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )

    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), nullable=False, comment="r_ + 12 hex"),
        sa.Column(
            "graph_id",
            sa.String(32),
            nullable=True,
            comment="The saved graph it came from, if any (the snapshot is what runs)",
        ),
        sa.Column("graph_version", sa.Integer(), nullable=True),
        sa.Column("document", JsonText(), nullable=False, comment="Snapshot of the graph document"),
        sa.Column("config", JsonText(), nullable=False, comment="Training configuration"),
        sa.Column(
            "status",
            sa.String(16),
            nullable=False,
            comment="queued, running, paused, finished, stopped, failed, diverged",
        ),
        sa.Column("attempt", sa.Integer(), nullable=False, comment="Leases granted so far"),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(32), nullable=True, comment="Worker holding the lease"),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("fencing_token", sa.BigInteger(), nullable=False),
        sa.Column(
            "last_seq",
            sa.BigInteger(),
            nullable=False,
            comment="Highest event seq assigned (events count from 1)",
        ),
        sa.Column(
            "client_id", sa.String(64), nullable=False, comment="Who asked, for per-client limits"
        ),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["graph_id"], ["graphs.id"], name=op.f("fk_runs_graph_id_graphs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["lease_owner"],
            ["workers.id"],
            name=op.f("fk_runs_lease_owner_workers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_index(op.f("ix_runs_graph_id"), "runs", ["graph_id"])
    op.create_index("ix_runs_status_created_at", "runs", ["status", "created_at"])
    op.create_index("ix_runs_client_id_status", "runs", ["client_id", "status"])

    op.create_table(
        "run_events",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, comment="From 1, per run"),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=True),
        sa.Column("time", sa.Float(), nullable=False, comment="Seconds since the run started"),
        sa.Column("attempt", sa.Integer(), nullable=False, comment="The attempt that reported it"),
        sa.Column("payload", JsonText(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_events_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_run_events")),
    )

    op.create_table(
        "ingest_batches",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("batch_seq", sa.BigInteger(), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_ingest_batches_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "attempt", "batch_seq", name=op.f("pk_ingest_batches")),
    )

    op.create_table(
        "checkpoints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_checkpoints_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoints")),
    )
    op.create_index("ix_checkpoints_run_id_step", "checkpoints", ["run_id", "step"])


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("ingest_batches")
    op.drop_table("run_events")
    op.drop_table("runs")
    op.drop_table("workers")
    op.drop_table("graph_versions")
    op.drop_table("graphs")
