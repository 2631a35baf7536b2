"""The store on SQLite and PostgreSQL: migrations, persistence across restarts, and the
event log helpers the run system builds on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from layerlab.store import event_codec, events, graphs, runs, workers
from layerlab.store.db import Database
from layerlab.store.migrate import current_revision, head_revision, upgrade
from layerlab.store.studies import close_storage, layerlab_object, open_storage
from layerlab.store.tables import Base, Checkpoint
from tests.server.conftest import (
    Databases,
    _postgres_reachable,
    lenet,
    live_server,
    make_settings,
)


@pytest.fixture
def database(backend: str, databases: Databases) -> Iterator[Database]:
    db = Database(databases.new(backend))
    upgrade(db.engine)
    yield db
    db.close()


def _snapshot(db: Database) -> dict[str, list[str]]:
    inspector = inspect(db.engine)
    return {
        table: sorted(c["name"] for c in inspector.get_columns(table))
        + sorted(str(i["name"]) for i in inspector.get_indexes(table))
        for table in sorted(inspector.get_table_names())
    }


def test_migrations_run_twice_are_a_no_op(backend: str, databases: Databases) -> None:
    db = Database(databases.new(backend))
    try:
        assert current_revision(db.engine) is None
        assert upgrade(db.engine) == head_revision()
        with db.session() as session:
            graph_id = graphs.create_graph(session, "kept", lenet()).graph_id
        before = _snapshot(db)
        assert upgrade(db.engine) == head_revision()
        assert _snapshot(db) == before
        with db.session() as session:
            assert graphs.get_graph(session, graph_id).name == "kept"
        assert set(before) >= {
            "graphs",
            "graph_versions",
            "runs",
            "run_events",
            "ingest_batches",
            "workers",
            "checkpoints",
            "alembic_version",
        }
    finally:
        db.close()


def test_migrations_match_the_table_models(database: Database) -> None:
    with database.engine.connect() as connection:
        # Optuna's tables (migration 0005) follow Optuna's models: tests/sweeps checks them.
        opts = {"compare_type": True, "include_object": layerlab_object}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_is_in_wal_mode_with_foreign_keys(databases: Databases) -> None:
    db = Database(databases.new("sqlite"))
    try:
        upgrade(db.engine)
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        db.close()


def test_postgres_connections_give_up_on_a_server_that_went_silent(
    databases: Databases,
) -> None:
    problem = _postgres_reachable()
    if problem is not None:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {problem}")
    url = databases.new("postgresql")  # its own search_path, in the URL's options
    db = Database(url + "&connect_timeout=7")
    try:
        upgrade(db.engine)  # Optuna's tables are LayerLab's migration 0005
        storage = open_storage(url)
    except BaseException:
        db.close()
        raise
    try:
        for engine in (db.engine, storage.engine):
            with engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                params = raw.info.get_parameters()
                assert params["keepalives_idle"] == "30" and params["keepalives_count"] == "3"
                assert params["tcp_user_timeout"] == "60000"
                # What the URL names wins: its connect timeout, its options.
                want = "7" if engine is db.engine else "10"
                assert params["connect_timeout"] == want
                assert "search_path" in params["options"]
    finally:
        close_storage(storage)
        db.close()


def test_server_restart_keeps_graphs(backend: str, databases: Databases, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, databases.new(backend))
    with live_server(settings) as first, first.client() as client:
        created = client.post("/api/graphs", json=lenet()).json()
        client.put(f"/api/graphs/{created['id']}", json=lenet(), headers={"If-Match": "1"})
    with live_server(settings) as second, second.client() as client:
        again = client.get(f"/api/graphs/{created['id']}")
        assert again.status_code == 200
        assert again.json()["version"] == 2
        assert again.json()["document"] == created["document"]
        assert [
            v["version"] for v in client.get(f"/api/graphs/{created['id']}/versions").json()
        ] == [
            2,
            1,
        ]


# -- runs and events ----------------------------------------------------------------------


def _run(db: Database) -> str:
    with db.session() as session:
        run = runs.create_run(
            session, runs.NewRun(document=lenet(), config={"epochs": 1}, client_id="tester")
        )
        assert run.status == "queued" and run.id.startswith("r_")
        return run.id


def _metrics(step: int) -> event_codec.NewEvent:
    return event_codec.NewEvent(
        type="metrics",
        step=step,
        epoch=0,
        time=step * 0.1,
        payload={"values": {"loss": 1 / (step + 1)}},
    )


def test_batches_get_gapless_seqs_and_read_back(database: Database) -> None:
    run_id = _run(database)
    with database.session() as session:
        first = events.ingest_batch(session, run_id, 1, 1, [_metrics(0), _metrics(1)])
        assert list(first.seqs) == [1, 2]
        assert list(events.ingest_batch(session, run_id, 1, 2, [_metrics(2)]).seqs) == [3]
        assert events.last_seq(session, run_id) == 3
        page = events.read_events(session, run_id)
        assert [(e.seq, e.step, e.payload) for e in page.events] == [
            (1, 0, {"values": {"loss": 1.0}}),
            (2, 1, {"values": {"loss": 0.5}}),
            (3, 2, {"values": {"loss": 1 / 3}}),
        ]
        assert page.next_since == 3 and not page.more


def test_ingesting_a_batch_twice_stores_it_once(database: Database) -> None:
    run_id = _run(database)
    batch = [_metrics(i) for i in range(5)]
    with database.session() as session:
        first = events.ingest_batch(session, run_id, attempt=1, batch_seq=1, events=batch)
        again = events.ingest_batch(session, run_id, attempt=1, batch_seq=1, events=batch)
        second = events.ingest_batch(session, run_id, attempt=1, batch_seq=2, events=batch[:2])
        retry = events.ingest_batch(session, run_id, attempt=2, batch_seq=1, events=batch[:1])
        assert (first.first_seq, first.count, first.duplicate) == (1, 5, False)
        assert (again.first_seq, again.count, again.duplicate) == (1, 5, True)
        assert list(second.seqs) == [6, 7] and list(retry.seqs) == [8]
        stored = events.read_events(session, run_id).events
        assert [e.seq for e in stored] == list(range(1, 9))
        assert [e.attempt for e in stored] == [1] * 7 + [2]


def test_concurrent_writers_never_share_a_seq(database: Database) -> None:
    run_id = _run(database)
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for batch_seq in range(10):
                with database.session() as session:
                    events.ingest_batch(
                        session,
                        run_id,
                        attempt=worker,
                        batch_seq=batch_seq,
                        events=[_metrics(0)] * 3,
                    )
                    # Every batch is resent once, as a worker does after a lost ack.
                    events.ingest_batch(
                        session,
                        run_id,
                        attempt=worker,
                        batch_seq=batch_seq,
                        events=[_metrics(0)] * 3,
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with database.session() as session:
        stored = events.read_events(session, run_id, limit=events.MAX_PAGE).events
        assert [e.seq for e in stored] == list(range(1, 4 * 10 * 3 + 1))
        assert events.last_seq(session, run_id) == 120


def test_read_events_since_with_type_filter_and_paging(database: Database) -> None:
    run_id = _run(database)
    mixed = []
    for step in range(10):
        mixed.append(_metrics(step))
        if step % 3 == 0:
            mixed.append(
                event_codec.NewEvent(
                    type="log", step=step, time=step * 0.1, payload={"message": f"at {step}"}
                )
            )
    with database.session() as session:
        events.ingest_batch(session, run_id, 1, 1, mixed)
        logs = events.read_events(session, run_id, types={"log"})
        assert [e.payload["message"] for e in logs.events] == ["at 0", "at 3", "at 6", "at 9"]
        seen: list[int] = []
        since = 0
        while True:
            page = events.read_events(session, run_id, since=since, types={"metrics"}, limit=4)
            seen += [e.step for e in page.events]
            since = page.next_since
            if not page.more:
                break
        assert seen == list(range(10))
        tail = events.read_events(session, run_id, since=len(mixed) - 2)
        assert [e.seq for e in tail.events] == [len(mixed) - 1, len(mixed)]
        assert events.read_events(session, run_id, since=len(mixed)).events == []


def test_stale_fencing_token_and_unknown_run_are_refused(database: Database) -> None:
    run_id = _run(database)
    with database.session() as session:
        run = runs.get_run(session, run_id)
        run.fencing_token = 5
        session.commit()
        with pytest.raises(events.StaleLease):
            events.ingest_batch(session, run_id, 1, 1, [_metrics(0)], fencing_token=4)
        assert events.last_seq(session, run_id) == 0
        ok = events.ingest_batch(session, run_id, 1, 1, [_metrics(0)], fencing_token=5)
        assert list(ok.seqs) == [1]
        with pytest.raises(runs.RunNotFound):
            events.ingest_batch(session, "r_000000000000", 1, 1, [_metrics(0)])
        with pytest.raises(runs.RunNotFound):
            events.read_events(session, "r_000000000000")


def test_workers_and_checkpoints(database: Database) -> None:
    run_id = _run(database)
    with database.session() as session:
        worker, _key = workers.new_worker(session, "gpu box", "cuda:0 (NVIDIA H100)", 80 * 2**30)
        assert worker.id.startswith("w_")
        assert runs.latest_checkpoint(session, run_id) is None
        for attempt, step in [(1, 100), (1, 200), (2, 150)]:
            path = f"{run_id}/step-{step:08d}"
            session.add(Checkpoint(run_id=run_id, attempt=attempt, step=step, path=path))
        session.commit()
        latest = runs.latest_checkpoint(session, run_id)
        assert latest is not None and latest.step == 200


def test_deleting_a_graph_keeps_its_runs(database: Database) -> None:
    with database.session() as session:
        version = graphs.create_graph(session, "g", lenet())
        run = runs.create_run(
            session,
            runs.NewRun(
                document=lenet(),
                config={},
                client_id="c",
                graph_id=version.graph_id,
                graph_version=1,
            ),
        )
        graphs.delete_graph(session, version.graph_id)
        session.expire_all()
        kept = runs.get_run(session, run.id)
        assert kept.graph_id is None and kept.document == lenet()


def test_a_runs_device_is_the_workers_unless_it_asked_for_another() -> None:
    from layerlab.store.leases import training_device

    gpu = "cuda:0 (NVIDIA H100 80GB HBM3)"
    assert training_device("auto", gpu) == gpu
    assert training_device("cuda", gpu) == gpu
    assert training_device("cuda:0", gpu) == gpu
    assert training_device("cpu", gpu) == "cpu"  # the run asked for the CPU
    assert training_device("auto", "cpu") == "cpu"
    assert training_device("cuda:1", None) == "cuda:1"
