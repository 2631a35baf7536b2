"""Optuna's studies in LayerLab's own database: the tables, and the storage that opens them.

Optuna's `RDBStorage` keeps a sweep's study (trials, parameters, reported values) in
tables of its own (`studies`, `trials`, `trial_params`, ...). They live beside
LayerLab's, created once by migration 0005 from Optuna's own models. Optuna would
otherwise create them itself and track its schema in alembic's `alembic_version`
table, which is LayerLab's: so the storage is opened with table creation and Optuna's
version check off, and `OPTUNA_SCHEMA` pins the schema 0005 created (a test fails when
an upgraded Optuna changes it, asking for a migration).

The storage gets its own engine (Optuna builds one from the URL) with LayerLab's
SQLite rules: WAL, a busy timeout, and BEGIN sent by SQLAlchemy, here BEGIN IMMEDIATE
(Optuna reads, then writes, in one transaction: see db.py).
"""

from __future__ import annotations

from typing import Any

from optuna.storages import RDBStorage
from optuna.storages._rdb import models as optuna_models
from sqlalchemy import Connection, MetaData, make_url

from layerlab.store.db import engine_options, normalize_url, sqlite_rules

OPTUNA_METADATA: MetaData = optuna_models.BaseModel.metadata
OPTUNA_TABLES = frozenset(OPTUNA_METADATA.tables)
"""Optuna's table names: Optuna's schema, not LayerLab's (its own models describe them)."""
OPTUNA_SCHEMA = (optuna_models.SCHEMA_VERSION, "v3.2.0.a")
"""(Optuna's schema version, its alembic head) as migration 0005 created them."""


def create_optuna_tables(connection: Connection) -> None:
    """Optuna's tables, as its installed version defines them (migration 0005)."""
    OPTUNA_METADATA.create_all(connection, checkfirst=True)


def drop_optuna_tables(connection: Connection) -> None:
    OPTUNA_METADATA.drop_all(connection, checkfirst=True)


def layerlab_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's `include_object`: LayerLab's schema only (Optuna's tables are Optuna's)."""
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    return table_name not in OPTUNA_TABLES


def open_storage(url: str) -> RDBStorage:
    """Optuna's storage on LayerLab's database (the server's `--db` URL)."""
    url = normalize_url(url)
    sqlite = make_url(url).get_backend_name() == "sqlite"
    storage = RDBStorage(
        url,
        engine_kwargs=engine_options(url),
        skip_compatibility_check=True,
        skip_table_creation=True,
    )
    if sqlite:
        sqlite_rules(storage.engine, immediate=True)
        storage.engine.dispose()  # its first connections were opened without the rules
    return storage


def close_storage(storage: RDBStorage) -> None:
    storage.remove_session()
    storage.engine.dispose()
