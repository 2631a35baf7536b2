"""Alembic's environment. `layerlab.store.migrate.upgrade` passes an open connection;
the `alembic` command line (for writing new revisions) gets its URL from
LAYERLAB_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from layerlab.store.db import make_engine
from layerlab.store.studies import layerlab_object
from layerlab.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters tables by copying them; batch mode does that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=layerlab_object,  # Optuna's tables follow Optuna's models
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("LAYERLAB_DATABASE_URL")
    if not url:
        raise RuntimeError("set LAYERLAB_DATABASE_URL to run alembic from the command line")
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_online()
