"""Per-client limits and identity, directly and behind README's nginx snippet.

RELIABILITY.md: "proxy | X-Forwarded-For from an untrusted peer | ignored for limits
and identity". Clients are told apart by their loopback source address (127.0.0.2,
127.0.0.3, ...: all of 127.0.0.0/8 is loopback on Linux); the test proxy connects to
the server from 127.0.0.5, the one address the server is told to trust.
"""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from layerlab.store.tables import Run
from tests.server.conftest import ROOT, LiveServer, lenet, live_server, make_settings
from tests.server.http_proxy import ReverseProxy, nginx_headers

PROXY_SOURCE = "127.0.0.5"
PUBLIC_NAME = "lab.example.org"
PUBLIC_ORIGIN = f"https://{PUBLIC_NAME}"
SPOOFS = ["10.9.9.0", "10.9.9.1", "10.9.9.2"]


def _client(url: str, source: str, token: str | None = None, **headers: str) -> httpx.Client:
    """A client connecting from the loopback address `source`."""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=url, transport=transport, headers=headers, timeout=60.0)


def _queue(client: httpx.Client, **headers: str) -> httpx.Response:
    return client.post("/api/runs", json={"document": lenet()}, headers=headers)


def _client_ids(live: LiveServer) -> list[str]:
    with live.app.state.database.session() as session:
        return sorted(session.scalars(select(Run.client_id)))


@contextmanager
def _readme_proxy(live: LiveServer) -> Iterator[ReverseProxy]:
    """The app behind the README's snippet, as nginx terminating TLS would run it."""
    headers = nginx_headers(ROOT / "README.md")
    with ReverseProxy(live.url, headers, source=PROXY_SOURCE, scheme="https") as proxy:
        yield proxy


def _serving(tmp_path: Path, **overrides: Any) -> Any:
    return live_server(make_settings(tmp_path, max_queued_runs_per_client=2, **overrides))


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path: Path) -> None:
    # The review's case: the limit reached, then X-Forwarded-For with new addresses.
    with _serving(tmp_path) as live, _client(live.url, "127.0.0.1") as client:
        assert [_queue(client).status_code for _ in range(2)] == [201, 201]
        assert _queue(client).status_code == 429
        for spoof in SPOOFS:
            refused = _queue(client, **{"X-Forwarded-For": spoof})
            assert refused.status_code == 429 and refused.json()["code"] == "too_many_runs"
        for other in ({"Forwarded": "for=10.9.9.9"}, {"X-Real-IP": "10.9.9.9"}):
            assert _queue(client, **other).status_code == 429
        # Another address is another client; what it forwards changes nothing either.
        with _client(live.url, "127.0.0.2") as second:
            assert _queue(second, **{"X-Forwarded-For": "127.0.0.1"}).status_code == 201
        assert _client_ids(live) == ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
        # Nor is the scheme taken from it: an https Origin is foreign to this http server.
        https = live.url.replace("http://", "https://")
        foreign = client.get("/api/health", headers={"X-Forwarded-Proto": "https", "Origin": https})
        assert foreign.status_code == 403 and foreign.json()["code"] == "bad_origin"


def test_with_a_token_the_token_holder_is_the_client(tmp_path: Path) -> None:
    token = base64.urlsafe_b64encode(os.urandom(18)).decode()
    with _serving(tmp_path, token=token) as live:
        with _client(live.url, "127.0.0.1", token) as first:
            assert [_queue(first).status_code for _ in range(2)] == [201, 201]
        with _client(live.url, "127.0.0.2", token) as elsewhere:
            refused = _queue(elsewhere, **{"X-Forwarded-For": SPOOFS[0]})
            assert refused.status_code == 429
        ids = _client_ids(live)
        assert len(set(ids)) == 1 and ids[0].startswith("token:") and len(ids[0]) <= 64
        assert token not in ids[0]


def test_behind_the_readme_proxy_limits_key_on_the_forwarded_address(tmp_path: Path) -> None:
    trusted = {"forwarded_allow_ips": [PROXY_SOURCE], "allowed_hosts": [PUBLIC_NAME]}
    with _serving(tmp_path, **trusted) as live, _readme_proxy(live) as proxy:
        # Each client tries to pass for someone else; the proxy replaces the header.
        browser = {"Origin": PUBLIC_ORIGIN, "X-Forwarded-For": SPOOFS[0]}
        with (
            _client(proxy.url, "127.0.0.2", Host=PUBLIC_NAME, **browser) as alice,
            _client(proxy.url, "127.0.0.3", Host=PUBLIC_NAME, **browser) as bob,
        ):
            # The browser's https Origin passes: the proxy said https, and the name.
            assert [_queue(alice).status_code for _ in range(2)] == [201, 201]
            assert _queue(alice).status_code == 429
            assert _queue(bob).status_code == 201
            assert _websocket_handshake(proxy.url, "127.0.0.2") == 101
        assert _client_ids(live) == ["127.0.0.2", "127.0.0.2", "127.0.0.3"]

        # The same headers straight from an untrusted peer (bob's own address).
        direct = {
            "Host": PUBLIC_NAME,
            "X-Forwarded-For": "127.0.0.9",
            "X-Forwarded-Proto": "https",
        }
        with _client(live.url, "127.0.0.3", **direct) as forger:
            assert _queue(forger).status_code == 201  # bob's second run, bob's limit
            assert _queue(forger).status_code == 429
            foreign = _queue(forger, Origin=PUBLIC_ORIGIN)
            assert foreign.status_code == 403 and foreign.json()["code"] == "bad_origin"
        assert _websocket_handshake(live.url, "127.0.0.3") == 403
        assert _client_ids(live) == ["127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"]


def test_behind_the_readme_proxy_with_a_token_limits_key_on_the_token(tmp_path: Path) -> None:
    token = base64.urlsafe_b64encode(os.urandom(18)).decode()
    trusted = {"forwarded_allow_ips": [PROXY_SOURCE], "allowed_hosts": [PUBLIC_NAME]}
    with _serving(tmp_path, token=token, **trusted) as live, _readme_proxy(live) as proxy:
        with (
            _client(proxy.url, "127.0.0.2", token, Host=PUBLIC_NAME) as alice,
            _client(proxy.url, "127.0.0.3", token, Host=PUBLIC_NAME) as bob,
        ):
            assert [_queue(alice).status_code for _ in range(2)] == [201, 201]
            assert _queue(bob).status_code == 429  # one token, one client
            assert _queue(alice, Authorization="Bearer wrong").status_code == 401
        assert len(set(_client_ids(live))) == 1


def _websocket_handshake(url: str, source: str) -> int:
    """The status of a run stream's websocket handshake, as a browser on the public
    https page sends it (Host and Origin), from `source`."""
    host, port = url.removeprefix("http://").split(":")
    request = (
        "GET /ws/runs/r_0123456789ab HTTP/1.1\r\n"
        f"Host: {PUBLIC_NAME}\r\n"
        f"Origin: {PUBLIC_ORIGIN}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0)) as s:
        s.sendall(request.encode())
        status_line = s.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])
