"""The run system: requested control, lost-lease count and memory estimate of runs;
the key hash of workers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column(
                "control",
                sa.String(16),
                nullable=True,
                comment="What a person asked for: pause or stop (null: run)",
            )
        )
        batch.add_column(
            sa.Column(
                "failures",
                sa.Integer(),
                nullable=False,
                server_default="0",
                comment="Leases lost: workers that died",
            )
        )
        batch.add_column(
            sa.Column(
                "memory_bytes",
                sa.BigInteger(),
                nullable=True,
                comment="Estimated training memory, matched against workers' memory",
            )
        )
    with op.batch_alter_table("workers") as batch:
        batch.add_column(
            sa.Column(
                "key_hash",
                sa.String(64),
                nullable=True,
                comment="SHA-256 of the key the worker proves its identity with",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("key_hash")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("memory_bytes")
        batch.drop_column("failures")
        batch.drop_column("control")
