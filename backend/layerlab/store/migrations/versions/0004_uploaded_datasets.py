"""Uploaded datasets: one row per file and the kind it was read as; a run's
`dataset_used`, what its worker actually trains on (a stand-in, said so).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from layerlab.store.types import JsonText, UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", sa.String(32), nullable=False, comment="d_ + 12 hex"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, comment="csv, image_zip, text or idx"),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column(
            "info", JsonText(), nullable=False, comment="Shape, target, classes, sizes, notes"
        ),
        sa.Column(
            "config", JsonText(), nullable=False, comment="{dataset, dataset_options} to train"
        ),
        sa.Column("preview", JsonText(), nullable=False, comment="Head rows, thumbnails or text"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
    )
    op.create_index(op.f("ix_datasets_sha256"), "datasets", ["sha256"])
    op.create_index(op.f("ix_datasets_created_at"), "datasets", ["created_at"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column(
                "dataset_used",
                sa.String(200),
                nullable=True,
                comment="What its worker trains on: the set, or its stand-in (said so)",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("dataset_used")
    op.drop_index(op.f("ix_datasets_created_at"), table_name="datasets")
    op.drop_index(op.f("ix_datasets_sha256"), table_name="datasets")
    op.drop_table("datasets")
