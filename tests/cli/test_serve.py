"""`layerlab serve` as a person runs it: a real process, stopped with a signal."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import httpx
import pytest

from layerlab.cli import main, parser
from layerlab.server.app import create_app
from layerlab.server.listener import HeadTimeoutProtocol, uvicorn_config
from layerlab.server.settings import Settings
from tests.cli.serving import interrupt, spawn_serve, wait_for_url
from tests.server.conftest import lenet


def test_serve_flags_reach_the_settings() -> None:
    args = parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--db", "sqlite:///x.db", "--workers", "3"]
    )
    assert (args.host, args.port, args.db, args.workers) == ("0.0.0.0", 9000, "sqlite:///x.db", 3)
    defaults = parser().parse_args(["serve"])
    assert defaults.host is None and defaults.port is None  # Settings' defaults apply
    assert defaults.forwarded_allow_ips is None
    proxied = parser().parse_args(["serve", "--forwarded-allow-ips", "127.0.0.1, 10.0.0.0/8"])
    assert proxied.forwarded_allow_ips == ["127.0.0.1", "10.0.0.0/8"]


def test_serve_refuses_a_proxy_that_is_no_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--data-dir", str(tmp_path), "--forwarded-allow-ips", "proxy.example"])
    assert code == 2
    assert "'proxy.example' is not an IP address or network" in capsys.readouterr().err


def test_the_uvicorn_config_trusts_only_the_configured_proxies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn on its own believes 127.0.0.1, or whatever $FORWARDED_ALLOW_IPS says.
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    settings = Settings(data_dir=tmp_path, header_timeout_s=4)
    config = uvicorn_config(create_app(settings), settings)
    assert config.proxy_headers is False and config.forwarded_allow_ips == []
    assert isinstance(config.http, type) and issubclass(config.http, HeadTimeoutProtocol)
    assert config.http.head_timeout_s == 4
    proxied = Settings(data_dir=tmp_path, forwarded_allow_ips=["10.0.0.0/8"])
    config = uvicorn_config(create_app(proxied), proxied)
    assert config.proxy_headers is True and config.forwarded_allow_ips == ["10.0.0.0/8"]


def test_serve_starts_answers_with_the_token_and_stops_on_sigint(tmp_path: Path) -> None:
    env = {**os.environ, "LAYERLAB_TOKEN": "cli-test-token", "PYTHONUNBUFFERED": "1"}
    env.pop("LAYERLAB_DATABASE_URL", None)
    process, lines = spawn_serve(tmp_path / "data", env)
    try:
        url = wait_for_url(lines, process)
        with httpx.Client(base_url=url) as client:
            assert client.get("/api/health").status_code == 401
            health = client.get("/api/health", headers={"Authorization": "Bearer cli-test-token"})
            assert health.status_code == 200 and health.json()["auth"] is True
        assert (tmp_path / "data" / "layerlab.db").is_file()
    finally:
        code = interrupt(process)
    assert code == 0


def test_serve_ignores_forwarded_headers_and_cuts_off_slow_heads(tmp_path: Path) -> None:
    # The review's findings against `layerlab serve` itself (auth off, on loopback),
    # with uvicorn's own variable set to trust everyone: serve must not read it.
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "FORWARDED_ALLOW_IPS": "*",
        "LAYERLAB_MAX_QUEUED_RUNS_PER_CLIENT": "1",
        "LAYERLAB_HEADER_TIMEOUT_S": "1",
    }
    for name in ("LAYERLAB_DATABASE_URL", "LAYERLAB_TOKEN", "LAYERLAB_FORWARDED_ALLOW_IPS"):
        env.pop(name, None)
    process, lines = spawn_serve(tmp_path / "data", env)
    try:
        url = wait_for_url(lines, process)
        with httpx.Client(base_url=url, timeout=60) as client:
            run = {"document": lenet()}
            assert client.post("/api/runs", json=run).status_code == 201
            assert client.post("/api/runs", json=run).status_code == 429
            spoofed = client.post("/api/runs", json=run, headers={"X-Forwarded-For": "10.9.9.1"})
            assert spoofed.status_code == 429
            odd_host = client.get("/api/health", headers={"Host": "localhost:evil.com"})
            assert odd_host.status_code == 400 and odd_host.json()["code"] == "bad_host"
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            start = time.monotonic()
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            answer = b""
            while chunk := sock.recv(65536):  # the socket's timeout (10 s) bounds this
                answer += chunk
            took = time.monotonic() - start
        assert answer.startswith(b"HTTP/1.1 408") and took < 5.0, (took, answer)
    finally:
        code = interrupt(process)
    assert code == 0
