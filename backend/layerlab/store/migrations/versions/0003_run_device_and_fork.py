"""Runs: the device the latest attempt trains on, and the checkpoint a fork starts from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column(
                "device",
                sa.String(200),
                nullable=True,
                comment="Where its latest attempt trains: cpu, cuda:0 (...)",
            )
        )
        batch.add_column(
            sa.Column(
                "forked_from",
                sa.String(32),
                nullable=True,
                comment="The run whose checkpoint's weights it starts from "
                "(kept if that run is deleted)",
            )
        )
        batch.add_column(
            sa.Column(
                "fork_checkpoint",
                sa.String(64),
                nullable=True,
                comment="That checkpoint's name: step-00000120",
            )
        )
        batch.add_column(
            sa.Column("fork_step", sa.Integer(), nullable=True, comment="That checkpoint's step")
        )


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("fork_step")
        batch.drop_column("fork_checkpoint")
        batch.drop_column("forked_from")
        batch.drop_column("device")
