"""Alembic migrations, run from code: `upgrade(engine)` at every server start.

The migration scripts live inside the package (`store/migrations`), so this works
from an installed wheel as from a checkout. Running it on an up-to-date database
does nothing. On PostgreSQL an advisory lock keeps two starting servers from
migrating at once.

A new revision, after changing `tables.py` (review what autogenerate writes):

    LAYERLAB_DATABASE_URL=sqlite:///data/layerlab.db .venv/bin/python -c \
      "from alembic import command; from layerlab.store.migrate import alembic_config; \
       command.revision(alembic_config(), 'what changed', autogenerate=True)"
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it names LayerLab's lock among the database's advisory locks.
_PG_LOCK_ID = 0x4C41594552


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest revision; returns that revision."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)
    assert after is not None
    return after
