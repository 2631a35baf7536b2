"""The fault relay (tests/relay.py) on its own, against a tiny echo server: it passes
bytes unchanged, adds the latency it is told, cuts with a reset or a FIN as told,
black-holes and heals, and leaves no thread or socket behind.

What an end sees of a cut differs: after a reset its next recv raises
ConnectionResetError; after an orderly close it returns b"" (EOF).
"""

from __future__ import annotations

import os
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from tests.relay import Relay
from tests.worker.harness import wait_for

TIMEOUT = 10.0


@dataclass
class EchoLog:
    """What the echo server's connections saw: bytes received, and how each ended
    ("eof", or "reset")."""

    received: list[bytes] = field(default_factory=list)
    endings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def got(self) -> bytes:
        with self.lock:
            return b"".join(self.received)


@contextmanager
def echo_server() -> Iterator[tuple[tuple[str, int], EchoLog]]:
    """An echo server on loopback, a thread per connection (joined at the end)."""
    seen = EchoLog()

    class Echo(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            try:
                while data := sock.recv(65536):
                    with seen.lock:
                        seen.received.append(data)
                    sock.sendall(data)
                ending = "eof"
            except ConnectionResetError:
                ending = "reset"
            except OSError as exc:  # unexpected: shown by the assertions on `endings`
                ending = repr(exc)
            with seen.lock:
                seen.endings.append(ending)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    try:
        host, port = server.server_address[:2]
        yield (str(host), int(port)), seen
    finally:
        server.shutdown()
        server.server_close()  # joins the connections' threads
        serving.join(TIMEOUT)


def connect(relay: Relay) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", relay.port), timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def receive(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, f"EOF after {len(data)} of {count} bytes"
        data += chunk
    return data


def round_trip(sock: socket.socket, message: bytes = b"x") -> float:
    """Seconds for `message` to go to the echo server and come back."""
    started = time.monotonic()
    sock.sendall(message)
    assert receive(sock, len(message)) == message
    return time.monotonic() - started


def test_bytes_pass_through_unchanged_both_ways_on_every_connection() -> None:
    with echo_server() as (address, seen), Relay(address) as relay:
        payload = os.urandom(1_000_000)
        with connect(relay) as first, connect(relay) as second:
            for sock in (first, second):
                back = b""
                for start in range(0, len(payload), 50_000):  # in step: no deadlock
                    part = payload[start : start + 50_000]
                    sock.sendall(part)
                    back += receive(sock, len(part))
                assert back == payload
            assert relay.accepted == 2 and relay.active == 2
        assert seen.got() == payload * 2
        wait_for(lambda: relay.active == 0, TIMEOUT, "the closed connections to end")
        assert sorted(seen.endings) == ["eof", "eof"]  # the clients' FIN went through
    assert relay.url == f"http://127.0.0.1:{relay.port}"


def test_a_delay_adds_that_much_latency_in_each_direction() -> None:
    with echo_server() as (address, _seen), Relay(address) as relay, connect(relay) as sock:
        baseline = min(round_trip(sock) for _ in range(5))
        assert baseline < 0.1
        relay.delay(0.2)
        delayed = [round_trip(sock, bytes([i]) * 100) for i in range(3)]
        assert all(0.4 <= t < 0.4 + 2.0 for t in delayed), delayed  # 0.2 s there, 0.2 back
        with connect(relay) as new:  # a new connection is delayed as well
            assert round_trip(new) >= 0.4
        relay.delay(0)
        assert min(round_trip(sock) for _ in range(3)) < 0.1


def test_a_reset_cut_makes_both_ends_see_a_reset() -> None:
    with echo_server() as (address, seen), Relay(address) as relay:
        with connect(relay) as sock:
            round_trip(sock)
            assert relay.cut("rst") == 1
            with pytest.raises(ConnectionResetError):
                sock.recv(1)
            wait_for(lambda: seen.endings, TIMEOUT, "the server to see the cut")
            assert seen.endings == ["reset"]
            assert relay.active == 0
        with connect(relay) as again:  # the relay goes on accepting
            round_trip(again)
            assert relay.accepted == 2


def test_an_orderly_cut_makes_both_ends_see_an_eof() -> None:
    with echo_server() as (address, seen), Relay(address) as relay, connect(relay) as sock:
        round_trip(sock)
        assert relay.cut("close") == 1
        assert sock.recv(1) == b""
        wait_for(lambda: seen.endings, TIMEOUT, "the server to see the cut")
        assert seen.endings == ["eof"]


def test_a_black_hole_silences_both_ways_and_healing_delivers_what_was_held() -> None:
    with echo_server() as (address, seen), Relay(address) as relay, connect(relay) as before:
        round_trip(before)
        relay.blackhole(True)
        before.sendall(b"held")  # the socket stays open: sending works
        before.settimeout(0.5)
        with pytest.raises(TimeoutError):
            before.recv(1)
        assert seen.got() == b"x"  # and the server got nothing either
        with connect(relay) as during:  # a new connection is accepted, silent too
            during.sendall(b"also held")
            during.settimeout(0.5)
            with pytest.raises(TimeoutError):
                during.recv(1)
            assert relay.accepted == 2 and seen.got() == b"x"
            relay.blackhole(False)
            for sock, message in ((before, b"held"), (during, b"also held")):
                sock.settimeout(TIMEOUT)
                assert receive(sock, len(message)) == message
            assert seen.endings == []  # nothing was cut


def test_healing_after_a_reset_cut_makes_the_client_reconnect() -> None:
    """A partition so long that TCP gave up: cut while black-holed, then heal."""
    with echo_server() as (address, seen), Relay(address) as relay:
        with connect(relay) as sock:
            round_trip(sock)
            relay.blackhole(True)
            sock.sendall(b"lost")
            assert relay.cut("rst") == 1
            relay.blackhole(False)
            with pytest.raises(ConnectionResetError):
                sock.recv(1)
        with connect(relay) as again:
            round_trip(again, b"back")
        assert seen.got() == b"xback"  # what was held when it was cut is lost


def test_the_relay_leaves_no_thread_and_no_socket_behind() -> None:
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    with echo_server() as (address, seen):
        threads = set(threading.enumerate())
        fds = open_fds()
        with Relay(address) as relay:
            port = relay.port
            relay.delay(0.05)
            clients = [connect(relay) for _ in range(3)]
            for sock in clients:
                round_trip(sock)
            relay.blackhole(True)
            clients[0].sendall(b"in flight at the end")
        # Left open by their clients: the relay reset them as it stopped.
        for sock in clients:
            with pytest.raises(ConnectionResetError):
                sock.recv(1)
            sock.close()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        wait_for(lambda: len(seen.endings) == 3, TIMEOUT, "the server's side to end")
        assert seen.endings == ["reset"] * 3
        assert not [t for t in threading.enumerate() if t.name.startswith("relay")]
        wait_for(lambda: set(threading.enumerate()) <= threads, TIMEOUT, "the echo threads to end")
        assert open_fds() == fds
