"""Persistence: SQLAlchemy tables, the engine, Alembic migrations and small queries.

`tables` holds the typed declarative models (kept apart from the API's pydantic
schemas); `db` opens an engine for SQLite or PostgreSQL; `migrate.upgrade` brings a
database to the newest revision (idempotent); `graphs`, `runs` and `events` are the
query functions the server and the run system call, each with a `Session`.
"""

from layerlab.store.db import Database, normalize_url
from layerlab.store.migrate import upgrade

__all__ = ["Database", "normalize_url", "upgrade"]
