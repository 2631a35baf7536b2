"""Sweeps: the sweeps table, each run's sweep and trial number and the status a stop
ends it as (pruned), and Optuna's own tables for the sweeps' studies.

Optuna's tables are made from Optuna's models (see store/studies.py, which pins the
schema this revision created).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from layerlab.store.studies import create_optuna_tables, drop_optuna_tables
from layerlab.store.types import JsonText, UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.String(32), nullable=False, comment="s_ + 12 hex"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column(
            "document", JsonText(), nullable=False, comment="The document every trial varies"
        ),
        sa.Column(
            "spec",
            JsonText(),
            nullable=False,
            comment="Space, objective, trials, parallel, sampler, pruner, seed, config overrides",
        ),
        sa.Column("graph_id", sa.String(32), nullable=True, comment="The saved graph it came from"),
        sa.Column("graph_version", sa.Integer(), nullable=True),
        sa.Column(
            "client_id", sa.String(64), nullable=False, comment="Who asked, for per-client limits"
        ),
        sa.Column(
            "status",
            sa.String(16),
            nullable=False,
            comment="running, stopping, completed or stopped",
        ),
        sa.Column("message", sa.Text(), nullable=True, comment="Why it ended, when it did"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["graph_id"],
            ["graphs.id"],
            name=op.f("fk_sweeps_graph_id_graphs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweeps")),
    )
    op.create_index(op.f("ix_sweeps_created_at"), "sweeps", ["created_at"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column(
                "sweep_id", sa.String(32), nullable=True, comment="The sweep it is a trial of"
            )
        )
        batch.add_column(
            sa.Column(
                "sweep_trial",
                sa.Integer(),
                nullable=True,
                comment="Its trial number in that sweep (Optuna's, from 0)",
            )
        )
        batch.add_column(
            sa.Column(
                "stop_status",
                sa.String(16),
                nullable=True,
                comment="What a requested stop ends it as: pruned (a sweep's pruner); "
                "null: stopped",
            )
        )
        batch.create_foreign_key(
            op.f("fk_runs_sweep_id_sweeps"), "sweeps", ["sweep_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_runs_sweep_id_sweep_trial", ["sweep_id", "sweep_trial"], unique=True)
    create_optuna_tables(op.get_bind())


def downgrade() -> None:
    drop_optuna_tables(op.get_bind())
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_sweep_id_sweep_trial")
        batch.drop_constraint(op.f("fk_runs_sweep_id_sweeps"), type_="foreignkey")
        batch.drop_column("stop_status")
        batch.drop_column("sweep_trial")
        batch.drop_column("sweep_id")
    op.drop_index(op.f("ix_sweeps_created_at"), table_name="sweeps")
    op.drop_table("sweeps")
