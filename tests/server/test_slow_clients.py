"""Slow clients are cut off within the configured bounds, and a client that leaves
mid-body is no error.

The server here has short bounds (1 s for the head, 1 s of body idling, 500 bytes/s
at least); each slow client is a raw socket on loopback sending a byte at a time,
for a bounded number of bytes and seconds.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from layerlab.server.settings import Settings
from tests.server.conftest import LiveServer, lenet, live_server, make_settings

HEAD_S = 1.0
BODY_IDLE_S = 1.0
MIN_RATE = 500.0
SLACK_S = 2.0
"""Allowance for a busy machine, on top of a bound."""
GIVE_UP_S = 10.0
"""No loop here runs longer than this."""
DRIP_EVERY_S = 0.2
"""A byte every 0.2 s: never idle for a whole second, yet 5 bytes/s."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(
        tmp_path_factory.mktemp("slow-clients"),
        header_timeout_s=HEAD_S,
        body_timeout_s=BODY_IDLE_S,
        body_min_bytes_per_s=MIN_RATE,
    )
    with live_server(settings) as live:
        yield live


def _connect(server: LiveServer) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP_S)


def _drip_until_cut(sock: socket.socket, data: bytes, every_s: float) -> tuple[float, bytes]:
    """Send `data` a byte every `every_s`, reading what comes back, until the server
    closes the connection. Returns (seconds from the call until it closed, what it
    answered). Fails the test if it is still open after GIVE_UP_S."""
    start = time.monotonic()
    answer = b""
    sent = 0
    while time.monotonic() - start < GIVE_UP_S:
        if sent < len(data):
            try:
                sent += sock.send(data[sent : sent + 1])
            except OSError:  # reset: the server closed with our bytes unread
                return time.monotonic() - start, answer
        ready, _, _ = select.select([sock], [], [], every_s)
        if ready:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return time.monotonic() - start, answer
            if not chunk:
                return time.monotonic() - start, answer
            answer += chunk
    pytest.fail(f"still open after {GIVE_UP_S} s, {sent} bytes sent; answer {answer!r}")


def _json_error(answer: bytes) -> tuple[int, str]:
    status_line, _, rest = answer.partition(b"\r\n")
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    return int(status_line.split()[1]), str(body["code"])


MULTIPART = "multipart/form-data; boundary=xyz"
FILE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
)
SLOW_HEAD = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200


def _post_head(
    length: int, path: str = "/api/check", content_type: str = "application/json"
) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_a_slow_head_is_cut_off_with_408(server: LiveServer) -> None:
    with _connect(server) as sock:
        took, answer = _drip_until_cut(sock, SLOW_HEAD, DRIP_EVERY_S)
    assert HEAD_S * 0.9 <= took <= HEAD_S + SLACK_S, took
    assert _json_error(answer) == (408, "request_timeout")


def test_a_silent_connection_is_closed(server: LiveServer) -> None:
    with _connect(server) as sock:
        took, answer = _drip_until_cut(sock, b"", DRIP_EVERY_S)
    assert HEAD_S * 0.9 <= took <= HEAD_S + SLACK_S, took
    assert answer == b""  # nothing was asked: nothing to answer


def test_a_slow_head_on_a_kept_alive_connection_is_cut_off(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        took, answer = _drip_until_cut(sock, SLOW_HEAD, DRIP_EVERY_S)
    assert took <= HEAD_S + SLACK_S, took
    assert _json_error(answer) == (408, "request_timeout")


def test_a_dripping_body_is_cut_off_by_the_rate_bound(server: LiveServer) -> None:
    # A byte every 0.2 s never idles a whole second: the average rate cuts it off,
    # after about BODY_IDLE_S + (bytes received / MIN_RATE) of waiting.
    with _connect(server) as sock:
        sock.sendall(_post_head(10_000))
        took, answer = _drip_until_cut(sock, b"{" + b" " * 9_999, DRIP_EVERY_S)
    assert BODY_IDLE_S * 0.9 <= took <= BODY_IDLE_S + SLACK_S, took
    assert _json_error(answer) == (408, "request_timeout")
    assert b"too slowly" in answer


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/check", "application/json"), ("/api/datasets", MULTIPART)],
)
def test_a_stalled_body_is_cut_off_by_the_idle_bound(
    server: LiveServer, path: str, content_type: str
) -> None:
    with _connect(server) as sock:
        sock.sendall(_post_head(10_000, path, content_type) + FILE_PART + b"x" * 99)
        took, answer = _drip_until_cut(sock, b"", DRIP_EVERY_S)
    assert BODY_IDLE_S * 0.9 <= took <= BODY_IDLE_S + SLACK_S, took
    assert _json_error(answer) == (408, "request_timeout")
    assert b"no more of it came" in answer


def test_a_slow_but_steady_body_is_read(server: LiveServer) -> None:
    # Four pieces 0.5 s apart: 1.5 s of waiting in all, more than the idle bound alone
    # allows, but the budget grows a second per 500 bytes that came.
    document = json.dumps(lenet()).encode()
    document += b" " * (2_400 - len(document))
    pieces = [document[i : i + 600] for i in range(0, len(document), 600)]
    with _connect(server) as sock:
        sock.sendall(_post_head(len(document)))
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.5)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]


def test_many_slow_clients_at_once_are_all_cut_off(server: LiveServer) -> None:
    def slow(data_and_head: tuple[bytes, bytes]) -> float:
        head, data = data_and_head
        with _connect(server) as sock:
            sock.sendall(head)
            return _drip_until_cut(sock, data, DRIP_EVERY_S)[0]

    clients = [(b"", SLOW_HEAD)] * 5 + [(_post_head(1_000), b"{" + b" " * 999)] * 5
    with ThreadPoolExecutor(len(clients)) as pool:
        running = pool.map(slow, clients)
        with _connect(server) as probe:  # the server answers others meanwhile
            probe.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert probe.recv(65536).startswith(b"HTTP/1.1 200")
        times = list(running)
    assert max(times) <= max(HEAD_S, BODY_IDLE_S) + SLACK_S, times


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.guard:
            self.records.append(record)

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.guard:
                if any(text in record.getMessage() for record in self.records):
                    return True
            time.sleep(0.05)
        return False


@pytest.mark.parametrize(
    ("path", "content_type", "reset"),
    [
        ("/api/check", "application/json", False),
        ("/api/check", "application/json", True),
        ("/api/graphs", "application/json", True),
        ("/api/datasets", MULTIPART, False),
    ],
)
def test_a_client_leaving_mid_body_is_no_error(
    server: LiveServer, path: str, content_type: str, reset: bool
) -> None:
    # uvicorn's loggers do not propagate to the root; listen on them directly (after
    # the server started: uvicorn's logging setup replaces their handlers).
    records = _Records()
    watched = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "layerlab")]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(records)
    logging.getLogger("layerlab").setLevel(logging.INFO)
    try:
        with _connect(server) as sock:
            head = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                "Content-Length: 100000\r\n\r\n"
            )
            sock.sendall(head.encode() + FILE_PART + b"x" * 500)
            time.sleep(0.3)  # the app is reading the body now
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        if path != "/api/datasets":  # the upload route answers a 400 to nobody instead
            assert records.wait_for("left before the body", 5.0), records.records
        else:
            time.sleep(1.0)
    finally:
        for logger, level in zip(watched, levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)
    errors = [r for r in records.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    with _connect(server) as probe:  # and the server is well
        probe.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert probe.recv(65536).startswith(b"HTTP/1.1 200")


def test_the_bounds_come_from_the_environment(tmp_path: Path) -> None:
    defaults = Settings()
    assert (defaults.header_timeout_s, defaults.body_timeout_s) == (10.0, 60.0)
    assert defaults.body_min_bytes_per_s == 500.0
    settings = Settings.from_env(
        {
            "LAYERLAB_HEADER_TIMEOUT_S": "3",
            "LAYERLAB_BODY_TIMEOUT_S": "20",
            "LAYERLAB_BODY_MIN_BYTES_PER_S": "2000",
        }
    )
    assert (settings.header_timeout_s, settings.body_timeout_s) == (3.0, 20.0)
    assert settings.body_min_bytes_per_s == 2000.0
    with pytest.raises(ValueError):
        Settings.from_env({"LAYERLAB_HEADER_TIMEOUT_S": "0"})
