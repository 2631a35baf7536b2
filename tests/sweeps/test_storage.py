"""Optuna's study storage in LayerLab's database: the tables migration 0005 made are
Optuna's (as its installed version defines them), on SQLite and PostgreSQL, and a study
written through the storage survives reopening the database."""

from __future__ import annotations

import threading

import optuna
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from optuna.storages._rdb.storage import _VersionManager
from sqlalchemy import text

from layerlab.store.db import Database
from layerlab.store.migrate import current_revision, head_revision, upgrade
from layerlab.store.studies import (
    OPTUNA_METADATA,
    OPTUNA_SCHEMA,
    OPTUNA_TABLES,
    close_storage,
    open_storage,
)
from layerlab.sweeps.spec import SweepSpec
from layerlab.sweeps.study import create_study, load_study
from tests.server.conftest import Databases


def test_migration_0005_made_the_schema_of_the_installed_optuna(
    backend: str, databases: Databases
) -> None:
    database = Database(databases.new(backend))
    try:
        upgrade(database.engine)
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_object": lambda obj, name, type_, *_: (
                        name in OPTUNA_TABLES
                        if type_ == "table"
                        else obj.table.name in OPTUNA_TABLES
                    ),
                },
            )
            assert compare_metadata(context, OPTUNA_METADATA) == []
        storage = open_storage(database.url)
        try:
            # Optuna's own version check is off (alembic_version is LayerLab's); this is it.
            head = _VersionManager(
                storage.url, storage.engine, storage.scoped_session
            ).get_head_version()
            assert (optuna.storages._rdb.models.SCHEMA_VERSION, head) == OPTUNA_SCHEMA, (
                "Optuna's schema changed: add a migration that brings its tables along"
            )
            assert current_revision(database.engine) == head_revision(), "LayerLab's, untouched"
        finally:
            close_storage(storage)
    finally:
        database.close()


def test_a_study_survives_reopening_the_database(backend: str, databases: Databases) -> None:
    url = databases.new(backend)
    database = Database(url)
    upgrade(database.engine)
    database.close()
    spec = SweepSpec.model_validate({"space": {"lr": {"log_uniform": [1e-4, 1e-1]}}, "seed": 0})
    storage = open_storage(url)
    study = create_study(storage, "s_000000000001", spec)
    trial = study.ask()
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    trial.report(0.5, 0)
    study.tell(trial, 0.75)
    close_storage(storage)

    storage = open_storage(url)
    try:
        again = load_study(storage, "s_000000000001", spec)
        [kept] = again.get_trials()
        assert kept.params == {"lr": lr} and kept.value == 0.75
        assert kept.intermediate_values == {0: 0.5}
    finally:
        close_storage(storage)


def test_reports_go_in_while_another_connection_writes(backend: str, databases: Databases) -> None:
    # Optuna reads a trial, then inserts its value, in one transaction. Begun deferred on
    # SQLite, that insert failed at once ("database is locked", no busy wait) whenever a
    # run's events were committed in between; the sweep then lost the epoch's report.
    url = databases.new(backend)
    database = Database(url)
    upgrade(database.engine)
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE busy_writes (n INTEGER)"))
    spec = SweepSpec.model_validate({"space": {"lr": {"log_uniform": [1e-4, 1e-1]}}, "seed": 0})
    storage = open_storage(url)
    done = threading.Event()

    def write_elsewhere() -> None:
        n = 0
        while not done.is_set():
            with database.engine.begin() as connection:
                connection.execute(text("INSERT INTO busy_writes VALUES (:n)"), {"n": n})
            n += 1

    writer = threading.Thread(target=write_elsewhere)
    writer.start()
    try:
        study = create_study(storage, "s_000000000002", spec)
        trials = [study.ask() for _ in range(4)]
        for step in range(50):
            for trial in trials:
                trial.report(step / 50, step)
    finally:
        done.set()
        writer.join()
        close_storage(storage)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM busy_writes")).scalar_one() > 0
    database.close()
    assert all(len(t.intermediate_values) == 50 for t in study.get_trials())
