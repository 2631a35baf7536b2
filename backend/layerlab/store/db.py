"""Opening the database: an engine and sessions for SQLite or PostgreSQL.

SQLite runs in WAL mode (readers never wait for the writer), with a busy timeout
(writers queue instead of failing) and foreign keys on; SQLAlchemy emits BEGIN itself
so that transactions and savepoints behave as on PostgreSQL. PostgreSQL is reached
through psycopg 3 (`postgresql+psycopg://`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000

POSTGRES_CONNECT_ARGS: dict[str, Any] = {
    # An unreachable server fails a connect in 10 s, not when the OS gives up.
    "connect_timeout": 10,
    # A server or network that vanished is noticed within about a minute: an idle
    # pooled connection is probed after 30 s (3 probes, 10 s apart), and a request the
    # server never acknowledges fails after 60 s, where a pool ping would otherwise
    # wait for the OS's retransmission limit (a quarter of an hour).
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,  # ms
}
"""libpq parameters of every PostgreSQL connection; one the URL names itself wins."""


def normalize_url(url: str) -> str:
    """`postgres://` and `postgresql://` (the usual spellings in DATABASE_URL) mean
    psycopg 3 here; everything else is left as given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN (see `_sqlite_begin`), not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a killed process loses no committed transaction; only a
    # power cut may lose the newest ones, and never corrupts the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_rules(engine: Engine, *, immediate: bool = False) -> None:
    """LayerLab's rules for every SQLite connection `engine` opens from now on: the
    pragmas above, and BEGIN sent by SQLAlchemy (Optuna's engine follows them too).

    `immediate` takes the write lock when a transaction begins. A transaction that reads
    and then writes needs it: begun deferred, its first write fails at once with
    "database is locked" when another connection committed since its read (SQLite
    cannot move its snapshot forward, so the busy timeout never applies). Optuna's
    storage works that way (read a trial, then insert its values) while runs write
    events to the same file."""
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate if immediate else _sqlite_begin)


def engine_options(url: str) -> dict[str, Any]:
    """`create_engine`'s keyword arguments for `url`: LayerLab's engine and Optuna's
    storage open their connections alike."""
    parsed: URL = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        return {
            "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        }
    connect_args = {k: v for k, v in POSTGRES_CONNECT_ARGS.items() if k not in parsed.query}
    return {"pool_pre_ping": True, "connect_args": connect_args}


def make_engine(url: str) -> Engine:
    parsed: URL = make_url(normalize_url(url))
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **engine_options(url))
    if sqlite:
        sqlite_rules(engine)
    return engine


class Database:
    """An engine and its session factory. Sessions keep their objects usable after
    commit (`expire_on_commit=False`), so rows can be returned from query functions."""

    def __init__(self, url: str):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()
