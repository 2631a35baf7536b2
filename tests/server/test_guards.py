"""Who may talk to the server: token on every route, Host and Origin checks, body limit.

The auth test walks `app.routes`, so a route added later without a sample request
here fails the test instead of going unchecked.
"""

from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from starlette.routing import Route

from layerlab.server.settings import Settings, with_token
from tests.imports.onnx_files import conv_bn_net
from tests.server.conftest import (
    TEST_BODY_LIMIT,
    LiveServer,
    lenet,
    live_server,
    make_settings,
)


@dataclass
class Sample:
    """A request that succeeds with the right token; `setup` makes what it needs
    (a fresh graph) and returns the path parameters."""

    expect: int
    kwargs: Callable[[dict[str, str]], dict[str, Any]] = lambda _params: {}


def _graph(client: httpx.Client) -> dict[str, str]:
    created = client.post("/api/graphs", json=lenet()).json()
    return {"graph_id": created["id"], "version": "1", "name": "lenet5_mnist"}


def _run(client: httpx.Client) -> str:
    created = client.post("/api/runs", json={"document": lenet()})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


SWEEP = {"space": {"lr": {"log_uniform": [1e-4, 1e-1]}}, "trials": 1}


def _sweep(client: httpx.Client) -> str:
    created = client.post("/api/sweeps", json={"document": lenet(), **SWEEP})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _unique_text() -> bytes:
    """A small corpus never uploaded before (the same bytes twice answer 200)."""
    return (secrets.token_hex(8) + " some words to learn from.\n").encode() * 20


def _dataset(client: httpx.Client) -> str:
    created = client.post("/api/datasets", files={"file": ("t.txt", _unique_text())})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


JSON_DOC: Callable[[dict[str, str]], dict[str, Any]] = lambda _p: {"json": lenet()}  # noqa: E731

SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/api/health"): Sample(200),
    ("GET", "/api/meta"): Sample(200),
    ("GET", "/api/ops"): Sample(200),
    ("GET", "/api/datasets"): Sample(200),
    ("POST", "/api/datasets"): Sample(
        201, lambda _p: {"files": {"file": ("t.txt", _unique_text())}}
    ),
    ("GET", "/api/datasets/{dataset_id}"): Sample(200),
    ("GET", "/api/datasets/{dataset_id}/preview"): Sample(200),
    ("DELETE", "/api/datasets/{dataset_id}"): Sample(204),
    ("GET", "/api/presets"): Sample(200),
    ("GET", "/api/presets/{name}"): Sample(200),
    ("GET", "/api/lessons"): Sample(200),
    ("GET", "/api/lessons/{lesson_id}"): Sample(200),
    ("GET", "/api/graphs"): Sample(200),
    ("POST", "/api/graphs"): Sample(201, JSON_DOC),
    ("GET", "/api/graphs/{graph_id}"): Sample(200),
    ("PUT", "/api/graphs/{graph_id}"): Sample(
        200, lambda p: {"json": lenet(), "headers": {"If-Match": p["version"]}}
    ),
    ("DELETE", "/api/graphs/{graph_id}"): Sample(204),
    ("GET", "/api/graphs/{graph_id}/versions"): Sample(200),
    ("GET", "/api/graphs/{graph_id}/versions/{version}"): Sample(200),
    ("POST", "/api/check"): Sample(200, JSON_DOC),
    ("POST", "/api/export"): Sample(
        200, lambda _p: {"json": {"format": "python", "document": lenet()}}
    ),
    ("POST", "/api/runs"): Sample(201, lambda _p: {"json": {"document": lenet()}}),
    ("GET", "/api/runs"): Sample(200),
    ("GET", "/api/runs/{run_id}"): Sample(200),
    ("GET", "/api/runs/{run_id}/events"): Sample(200),
    ("GET", "/api/runs/{run_id}/checkpoint"): Sample(404),  # none yet: it never trained
    ("GET", "/api/runs/{run_id}/checkpoints"): Sample(200),  # an empty list
    ("POST", "/api/runs/{run_id}/pause"): Sample(200),
    ("POST", "/api/runs/{run_id}/resume"): Sample(200),
    ("POST", "/api/runs/{run_id}/stop"): Sample(200),
    ("DELETE", "/api/runs/{run_id}"): Sample(204),
    ("GET", "/api/runs/{run_id}/events.jsonl"): Sample(200),
    ("GET", "/api/runs/{run_id}/scalars.csv"): Sample(200),
    ("GET", "/api/runs/{run_id}/bundle.zip"): Sample(200),  # without weights: it never trained
    ("GET", "/api/runs/{run_id}/checkpoints/{name}/weights"): Sample(404),  # none kept
    ("POST", "/api/import/onnx"): Sample(
        200, lambda _p: {"files": {"file": ("net.onnx", conv_bn_net())}}
    ),
    ("GET", "/api/import/weights/{weights_id}"): Sample(404),  # well formed, never imported
    ("POST", "/api/sweeps"): Sample(201, lambda _p: {"json": {"document": lenet(), **SWEEP}}),
    ("GET", "/api/sweeps"): Sample(200),
    ("GET", "/api/sweeps/{sweep_id}"): Sample(200),
    ("POST", "/api/sweeps/{sweep_id}/stop"): Sample(200),
    ("DELETE", "/api/sweeps/{sweep_id}"): Sample(204),
    ("GET", "/api/workers"): Sample(200),
    ("GET", "/api/openapi.json"): Sample(200),
    ("HEAD", "/api/openapi.json"): Sample(200),
    ("GET", "/api/docs"): Sample(200),
    ("HEAD", "/api/docs"): Sample(200),
}

# Public on purpose: in place of the browser app (itself public, outside /api) when it is
# not built, / says how to build it (tests/server/test_frontend.py, without a token).
PUBLIC_PAGES: set[str] = {"/"}

# Websocket routes authenticate with their first message; their own tests check that.
# A websocket route not named here fails `test_every_route_needs_the_token`.
WEBSOCKETS_TESTED_ELSEWHERE: set[str] = {
    "/ws/runs/{run_id}",  # tests/server/test_stream.py
    "/ws/worker",  # tests/server/test_runs_api.py (the worker token, in its hello)
}
# Routes for workers take the worker token (never the user's): test_runs_api.py.
WORKER_ROUTES_TESTED_ELSEWHERE = {
    "/api/worker/runs/{run_id}/checkpoints/{name}",
    "/api/worker/runs/{run_id}/checkpoint",
    "/api/worker/runs/{run_id}/start-weights",
    "/api/worker/runs/{run_id}/dataset",
}


def _endpoints(server: LiveServer) -> list[tuple[str, str]]:
    """(method, path) of every route, those of included routers too."""
    endpoints = []
    for context in iter_route_contexts(server.app.routes):
        route, path = context.original_route, context.path
        assert path is not None, f"route without a path: {route!r}"
        if isinstance(route, APIWebSocketRoute):
            assert path in WEBSOCKETS_TESTED_ELSEWHERE, (
                f"websocket {path}: add a test that it refuses a missing or wrong token"
            )
            continue
        assert isinstance(route, APIRoute | Route), f"unexpected route type {route!r}"
        if path in WORKER_ROUTES_TESTED_ELSEWHERE or path in PUBLIC_PAGES:
            continue
        assert path.startswith("/api/"), f"{path} is outside /api, where the token is not checked"
        for method in sorted(context.methods or ()):
            endpoints.append((method, path))
    return endpoints


def test_every_route_needs_the_token(auth_server: LiveServer) -> None:
    endpoints = _endpoints(auth_server)
    assert len(endpoints) == len(SAMPLES), sorted(set(SAMPLES) - set(endpoints))
    with auth_server.client() as good, auth_server.client(token="") as anonymous:
        anonymous.headers.pop("Authorization", None)
        wrong_tokens = [
            auth_server.client(token=secrets.token_urlsafe(16)),
            auth_server.client(token=(auth_server.token or "") + "x"),
            httpx.Client(
                base_url=auth_server.url, headers={"Authorization": auth_server.token or ""}
            ),
            httpx.Client(
                base_url=auth_server.url, headers={"Authorization": f"Basic {auth_server.token}"}
            ),
        ]
        for method, path in endpoints:
            sample = SAMPLES.get((method, path))
            assert sample is not None, f"{method} {path}: add a sample request to SAMPLES"
            params = _graph(good)
            if "{run_id}" in path:
                params["run_id"] = _run(good)
            if "{dataset_id}" in path:
                params["dataset_id"] = _dataset(good)
            if "{lesson_id}" in path:
                params["lesson_id"] = "vanishing_gradients"
            if "{weights_id}" in path:
                params["weights_id"] = "onnx_" + "0" * 16
            if "{sweep_id}" in path:
                params["sweep_id"] = _sweep(good)
            url = path.format(**params)
            kwargs = sample.kwargs(params)
            for refused_client in [anonymous, *wrong_tokens]:
                refused = refused_client.request(method, url, **kwargs)
                assert refused.status_code == 401, (method, path, refused.status_code)
                assert refused.headers["www-authenticate"] == "Bearer"
                if method != "HEAD":
                    assert refused.json()["code"] == "unauthorized"
            # Nothing a refused request asked for happened.
            assert good.get(f"/api/graphs/{params['graph_id']}").json()["version"] == 1
            in_query = anonymous.request(
                method,
                url,
                params={"token": auth_server.token, "access_token": auth_server.token},
                **kwargs,
            )
            assert in_query.status_code == 401, (method, path)
            accepted = good.request(method, url, **kwargs)
            assert accepted.status_code == sample.expect, (method, path, accepted.text[:300])
        for client in wrong_tokens:
            client.close()


def test_auth_is_on_beyond_loopback_with_a_generated_token(tmp_path: Path) -> None:
    # Listens on loopback in fact; the settings say 0.0.0.0, which is what turns auth on.
    settings = make_settings(tmp_path, host="0.0.0.0")
    assert settings.auth_required and settings.token is None
    assert with_token(settings).token is not None
    with live_server(settings) as live:
        assert live.token is not None and len(live.token) >= 20
        with live.client(token="") as anonymous:
            anonymous.headers.pop("Authorization", None)
            assert anonymous.get("/api/health").status_code == 401
        with live.client() as client:
            assert client.get("/api/health").json()["auth"] is True


def test_loopback_without_a_token_is_open() -> None:
    settings = Settings()
    assert settings.host == "127.0.0.1" and not settings.auth_required
    assert Settings(host="::1").auth_required is False
    assert Settings(token="abc").auth_required is True
    assert Settings.from_env({"LAYERLAB_TOKEN": "abc"}).auth_required is True


@pytest.mark.parametrize(
    ("host", "accepted"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("[::1]", True),
        ("evil.example", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example", False),
        ("", False),
    ],
)
def test_foreign_host_is_refused(sqlite_server: LiveServer, host: str, accepted: bool) -> None:
    port = sqlite_server.url.rsplit(":", 1)[1]
    with sqlite_server.client() as client:
        response = client.get("/api/health", headers={"Host": f"{host}:{port}" if host else ""})
        graphs = client.post("/api/graphs", json=lenet(), headers={"Host": f"{host}:{port}"})
    if accepted:
        assert response.status_code == 200
        assert graphs.status_code == 201
    else:
        assert response.status_code == 400 and response.json()["code"] == "bad_host"
        assert graphs.status_code == 400


def _raw_get(
    server: LiveServer, head_lines: list[str], path: str = "/api/health"
) -> tuple[int, bytes]:
    """The status and body of a GET whose head is written byte for byte as given."""
    port = int(server.url.rsplit(":", 1)[1])
    head = "\r\n".join([f"GET {path} HTTP/1.1", *head_lines, "Connection: close", "", ""])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000@evil.com",
        "localhost:evil.com",
        "localhost..",
        "localhost:",
        "localhost:99999",
        "localhost:80:80",
        "localhost:+80",
        "localhost:8000/",
        "local host",
        ".localhost",
        "localhost@127.0.0.1",
        "user@localhost",
        "::1",
        "[::1",
        "[::1]x",
        "[::1]:",
        "[fe80::1%25lo]",
        "[localhost]",
        "127.0.0.1\\@evil.com",
        "",
    ],
)
def test_malformed_host_is_refused(sqlite_server: LiveServer, host: str) -> None:
    status, body = _raw_get(sqlite_server, [f"Host: {host}"])
    assert status == 400, (host, body)
    assert json.loads(body)["code"] == "bad_host"


@pytest.mark.parametrize(
    "hosts",
    [["localhost", "localhost"], ["localhost", "evil.example"], ["evil.example", "localhost"]],
)
def test_two_host_headers_are_refused(sqlite_server: LiveServer, hosts: list[str]) -> None:
    status, body = _raw_get(sqlite_server, [f"Host: {host}" for host in hosts])
    assert status == 400 and json.loads(body)["code"] == "bad_host"
    assert b"exactly one Host" in body


@pytest.mark.parametrize(
    "host", ["localhost:8000", "[::1]:8000", "[0:0:0:0:0:0:0:1]", "LocalHost.", "127.0.0.1:1"]
)
def test_well_formed_host_is_accepted(sqlite_server: LiveServer, host: str) -> None:
    assert _raw_get(sqlite_server, [f"Host: {host}"])[0] == 200


def test_a_websocket_with_a_malformed_host_is_refused(sqlite_server: LiveServer) -> None:
    upgrade = [
        "Upgrade: websocket",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    # (The head's own "Connection: close" is replaced: an upgrade needs "Upgrade".)
    port = int(sqlite_server.url.rsplit(":", 1)[1])
    for host, expected in (("localhost", b" 101 "), ("localhost:evil.com", b" 403 ")):
        head = "\r\n".join(
            ["GET /ws/runs/r_0123456789ab HTTP/1.1", f"Host: {host}", "Connection: Upgrade"]
            + upgrade
            + ["", ""]
        )
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head.encode())
            assert expected in sock.recv(4096).split(b"\r\n", 1)[0], host


def test_configured_names_and_proxies_are_checked_at_start() -> None:
    assert Settings(allowed_hosts=["api:8000", "Lab.Example.", "::1", "[::1]:80", "*"])
    for bad in (["lab example"], ["localhost:evil.com"], ["a..b"]):
        with pytest.raises(ValueError, match="is not a host name"):
            Settings(allowed_hosts=bad)
    assert Settings(forwarded_allow_ips=["127.0.0.1", "10.0.0.0/8", "::1", "*"])
    with pytest.raises(ValueError, match="is not an IP address or network"):
        Settings(forwarded_allow_ips=["proxy.example"])
    parsed = Settings.from_env({"LAYERLAB_FORWARDED_ALLOW_IPS": "127.0.0.1, 10.0.0.0/8"})
    assert parsed.forwarded_allow_ips == ["127.0.0.1", "10.0.0.0/8"]


def test_configured_host_names_are_accepted(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, allowed_hosts=["api", "lab.example"])
    with live_server(settings) as live, live.client() as client:
        assert client.get("/api/health", headers={"Host": "api:8000"}).status_code == 200
        assert client.get("/api/health", headers={"Host": "lab.example"}).status_code == 200
        assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1", "file://"]
)
def test_foreign_origin_is_refused(sqlite_server: LiveServer, origin: str) -> None:
    with sqlite_server.client(headers={"Origin": origin}) as client:
        before = client.get("/api/graphs", headers={"Origin": sqlite_server.url}).json()["total"]
        post = client.post("/api/graphs", json=lenet())
        get = client.get("/api/graphs")
        assert post.status_code == 403 and post.json()["code"] == "bad_origin"
        assert get.status_code == 403
        assert (
            client.get("/api/graphs", headers={"Origin": sqlite_server.url}).json()["total"]
            == before
        )


def test_own_and_configured_origins_pass(tmp_path: Path) -> None:
    dev = "http://localhost:5173"
    settings = make_settings(tmp_path, allowed_origins=[dev])
    with live_server(settings) as live, live.client() as client:
        assert client.get("/api/health", headers={"Origin": live.url}).status_code == 200
        own = client.post("/api/graphs", json=lenet(), headers={"Origin": live.url})
        assert own.status_code == 201
        from_dev = client.post("/api/graphs", json=lenet(), headers={"Origin": dev})
        assert from_dev.status_code == 201
        assert from_dev.headers["access-control-allow-origin"] == dev
        preflight = client.options(
            "/api/graphs", headers={"Origin": dev, "Access-Control-Request-Method": "PUT"}
        )
        assert preflight.status_code == 200
        evil = client.get("/api/health", headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403


# -- body limit ---------------------------------------------------------------------------


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


@pytest.mark.parametrize("path", ["/api/check", "/api/graphs", "/api/export", "/api/health"])
def test_body_over_the_limit_with_content_length(sqlite_server: LiveServer, path: str) -> None:
    with sqlite_server.client() as client:
        response = client.post(
            path, content=b" " * (TEST_BODY_LIMIT + 1), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


@pytest.mark.parametrize("path", ["/api/check", "/api/graphs", "/api/export"])
def test_chunked_body_over_the_limit(sqlite_server: LiveServer, path: str) -> None:
    with sqlite_server.client() as client:
        response = client.post(
            path, content=_chunks(TEST_BODY_LIMIT * 2), headers={"Content-Type": "application/json"}
        )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_body_at_the_limit_is_read(sqlite_server: LiveServer) -> None:
    document = json.dumps(lenet()).encode()
    padded = document + b" " * (TEST_BODY_LIMIT - len(document))
    with sqlite_server.client() as client:
        exact = client.post(
            "/api/check", content=padded, headers={"Content-Type": "application/json"}
        )
        chunked = client.post("/api/check", content=iter([document, padded[len(document) :]]))
    # Under the body limit, so the document's own size limit answers (a located 422).
    assert exact.status_code == 422 and exact.json()["code"] == "limit_exceeded"
    assert chunked.status_code == 422 and chunked.json()["code"] == "limit_exceeded"


def test_the_server_answers_after_refusals(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        for _ in range(3):
            client.post("/api/check", content=_chunks(TEST_BODY_LIMIT * 2))
        assert client.get("/api/health").status_code == 200


# -- frontend -----------------------------------------------------------------------------


def test_frontend_is_served_with_spa_fallback(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>LayerLab</html>")
    (dist / "assets" / "app.js").write_text("console.log('app')")
    (tmp_path / "secret.txt").write_text("SECRET")
    settings = make_settings(tmp_path, frontend_dist=dist, token="t0ken-for-the-api")
    with live_server(settings) as live, httpx.Client(base_url=live.url) as browser:
        assert browser.get("/").text == "<html>LayerLab</html>"
        assert browser.get("/runs/r_0123456789ab").text == "<html>LayerLab</html>"
        assert browser.get("/assets/app.js").text == "console.log('app')"
        for escape in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"):
            assert "SECRET" not in browser.get(escape).text
        # The API is not public, and never falls back to the page.
        api = browser.get("/api/graphs")
        assert api.status_code == 401
        with live.client() as client:
            missing = client.get("/api/no-such-route")
            assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_run_timers_come_from_the_environment_and_are_checked() -> None:
    settings = Settings.from_env({"LAYERLAB_RUNS_LEASE_S": "4", "LAYERLAB_RUNS_HEARTBEAT_S": "0.5"})
    assert (settings.runs.lease_s, settings.runs.heartbeat_s) == (4.0, 0.5)
    assert settings.runs.max_attempts == 3  # the rest keep their defaults
    with pytest.raises(ValueError, match="lease_s must be at least twice heartbeat_s"):
        Settings.from_env({"LAYERLAB_RUNS_LEASE_S": "1", "LAYERLAB_RUNS_HEARTBEAT_S": "2"})
