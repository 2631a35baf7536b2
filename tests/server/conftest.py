"""Real servers on loopback for the server tests, over SQLite and PostgreSQL.

A server runs uvicorn in a thread of the test process on a socket bound to port 0
(no race for a free port), with the configuration `layerlab serve` uses
(`listener.uvicorn_config`), and is ready when /api/health answers. PostgreSQL tests
use a fresh schema of the `test` database per server, dropped afterwards; they are
skipped when PostgreSQL is unreachable, unless LAYERLAB_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI

from layerlab.graph.limits import Limits
from layerlab.server.app import create_app
from layerlab.server.listener import uvicorn_config
from layerlab.server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
LENET = ROOT / "graphs" / "lenet5_mnist.json"

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]

# Small limits keep the hostile-input tests fast; the presets fit well inside them.
TEST_LIMITS = Limits(max_document_bytes=1024 * 1024)
TEST_BODY_LIMIT = 2 * 1024 * 1024
START_TIMEOUT = 30.0
TEST_WS_PING = (20.0, 20.0)
"""uvicorn's own defaults, which these tests were written with."""


def lenet() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(LENET.read_text())
    return document


@dataclass
class LiveServer:
    settings: Settings
    app: FastAPI
    url: str
    token: str | None

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        """A client sending this server's token (when it has one), or `token`."""
        headers = dict(kwargs.pop("headers", {}))
        token = token if token is not None else self.token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60.0, **kwargs)


@contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)
    effective: Settings = app.state.settings
    token = effective.token.get_secret_value() if effective.token else None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # The configuration `layerlab serve` runs (forwarded headers, request timeouts),
    # but for its keepalive pings: derived from the tests' short run timers they would
    # come every second and drop the viewers that tests stall on purpose.
    config = uvicorn_config(app, effective, log_level="warning", ws_ping=TEST_WS_PING)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    live = LiveServer(effective, app, f"http://127.0.0.1:{port}", token)
    try:
        _wait_healthy(live, thread)
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        assert not thread.is_alive(), "the server did not stop within 15 s"


def _wait_healthy(live: LiveServer, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with live.client() as client:
        while time.monotonic() < deadline:
            if not thread.is_alive():
                raise RuntimeError("the server thread died while starting (see the log above)")
            try:
                if client.get("/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"the server at {live.url} did not answer /api/health in {START_TIMEOUT} s")


# -- databases --------------------------------------------------------------------------


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(PG_DSN) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


@dataclass
class Databases:
    """Fresh, empty databases: a SQLite file, or a PostgreSQL schema."""

    folder: Path
    schemas: list[str] = field(default_factory=list)

    def new(self, backend: str) -> str:
        if backend == "sqlite":
            path = self.folder / f"{secrets.token_hex(4)}.db"
            return f"sqlite:///{path}"
        schema = f"layerlab_test_{secrets.token_hex(4)}"
        with psycopg.connect(PG_DSN, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    def drop_all(self) -> None:
        if not self.schemas:
            return
        with psycopg.connect(PG_DSN, autocommit=True) as connection:
            for schema in self.schemas:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self.schemas.clear()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql":
        problem = _postgres_reachable()
        if problem is not None:
            message = (
                f"PostgreSQL at 127.0.0.1:5432 (user postgres, db test) is unreachable: {problem}"
            )
            if os.environ.get("LAYERLAB_REQUIRE_POSTGRES") == "1":
                pytest.fail(message + " (and LAYERLAB_REQUIRE_POSTGRES=1)")
            pytest.skip(message)
    return name


def make_settings(tmp: Path, database_url: str = "", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp,
        "database_url": database_url,
        "limits": TEST_LIMITS,
        "max_body_bytes": TEST_BODY_LIMIT,
        "frontend_dist": tmp / "no-frontend",
        "local_workers": 0,
        "max_export_params": 10_000_000,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def server(
    backend: str, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One server per database backend for the session, auth off (loopback)."""
    settings = make_settings(tmp_path_factory.mktemp(f"server-{backend}"), databases.new(backend))
    with live_server(settings) as live:
        yield live


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server for what does not depend on the database (check, export, presets, guards)."""
    with live_server(make_settings(tmp_path_factory.mktemp("server-plain"))) as live:
        yield live


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with a token (LAYERLAB_TOKEN set), still on loopback."""
    settings = make_settings(
        tmp_path_factory.mktemp("server-auth"), token=secrets.token_urlsafe(16)
    )
    with live_server(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c
