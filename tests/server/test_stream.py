"""The viewer websocket `WS /ws/runs/{id}?since=SEQ`: the stored history, then the
live tail, with no gap and no duplicate; viewers that are cut, join late, or stall.

A fake worker (the worker protocol, by hand) plays the run, so each test controls the
event rate exactly; the oracle is the database, read over REST.
"""

from __future__ import annotations

import base64
import os
import socket
import statistics
import struct
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from layerlab.server.runs.settings import RunSettings
from layerlab.server.viewers.hub import Hub, HubStats
from layerlab.server.viewers.protocol import (
    ViewerError,
    ViewerEvents,
    ViewerResync,
    ViewerRun,
    ViewerWelcome,
    parse_viewer_message,
)
from layerlab.worker.protocol import Lease
from tests.worker.harness import (
    FAST,
    Api,
    FakeWorker,
    Viewer,
    finished_status,
    moons_document,
    seqs,
    serving,
    stream_run,
    wait_for,
    ws_url,
)


def _play(server: str, api: Api, total: int, **stream: Any) -> tuple[str, threading.Thread]:
    """A run played by a fake worker on its own thread; returns (run id, thread)."""
    run_id = api.create(moons_document())
    worker = FakeWorker(server, "player")
    lease = worker.lease()

    def play() -> None:
        try:
            stream_run(worker, lease, total, **stream)
        finally:
            worker.close()

    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    return run_id, thread


def _cut(viewer: Viewer) -> None:
    """Drop the connection as a network cut would: no close handshake."""
    viewer.connection.socket.shutdown(socket.SHUT_RDWR)
    viewer.connection.socket.close()


def test_a_viewer_cut_20_times_loses_and_repeats_nothing(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        run_id, player = _play(live.url, api, 3000, batch=20, pause_s=0.01)
        seen: list[dict[str, Any]] = []
        for _cut_number in range(20):
            viewer = Viewer.open(live.url, run_id, since=seen[-1]["seq"] if seen else 0)
            viewer.read_until(lambda v: len(v.events) >= 100 or finished_status(v))
            seen += viewer.events
            _cut(viewer)
        assert not finished_status(Viewer(viewer.connection, seen)), "cut mid-run, 20 times"
        viewer = Viewer.open(live.url, run_id, since=seen[-1]["seq"])
        viewer.read_until(finished_status)
        seen += viewer.events
        viewer.close()
        player.join(60)
        stored = api.events(run_id)
        assert seqs(seen) == list(range(1, 3002))  # 3000 metrics, then the status
        assert seen == stored


def test_late_joiners_and_reloads_see_the_same_history_and_tail(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        run_id, player = _play(live.url, api, 2000, batch=20, pause_s=0.01)
        first = Viewer.open(live.url, run_id)
        first.read_until(lambda v: v.last_seq >= 600)
        second = Viewer.open(live.url, run_id)  # a second tab, from the start
        reload = Viewer.open(live.url, run_id, since=first.last_seq)  # a page reload
        resumed_at = first.last_seq
        for viewer in (first, second, reload):
            viewer.read_until(finished_status)
        first.read_until(
            lambda v: any(
                isinstance(m, ViewerRun) and m.run.status == "finished" for m in v.messages
            )
        )
        for viewer in (first, second, reload):
            viewer.close()
        player.join(60)
        stored = api.events(run_id)
        assert first.events == second.events == stored
        assert reload.events == [e for e in stored if e["seq"] > resumed_at]
        welcome = second.messages[0]
        assert isinstance(welcome, ViewerWelcome) and welcome.run.id == run_id


def test_events_come_in_frames_not_one_message_each(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        run_id, player = _play(live.url, api, 2000, batch=5, pause_s=0.001)
        viewer = Viewer.open(live.url, run_id)
        started = time.monotonic()
        viewer.read_until(finished_status)
        elapsed = time.monotonic() - started
        player.join(60)
        frames = [m for m in viewer.messages if isinstance(m, ViewerEvents)]
        assert len(viewer.events) == 2001
        # At most one message per frame interval (20 ms here), with a little slack.
        assert len(frames) <= elapsed / FAST.frame_interval_s + 5
        assert len(frames) < len(viewer.events) / 4


class StalledViewer:
    """A viewer on a bare socket with a tiny receive buffer that reads nothing until
    told to (a websocket client library would keep reading into its own buffers)."""

    def __init__(self, server: str, run_id: str):
        host, port = server.removeprefix("http://").split(":")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/runs/{run_id} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(1024)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def _take(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def recv(self, timeout: float) -> str | None:
        """The next text message (server frames are unmasked and unfragmented)."""
        self.sock.settimeout(timeout)
        while True:
            first, second = self._take(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._take(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._take(8))[0]
            payload = self._take(length)
            opcode = first & 0x0F
            if opcode == 1:
                return payload.decode()
            if opcode == 8:
                return None

    def close(self) -> None:
        self.sock.close()


def _stats(hub: Hub) -> HubStats:
    while True:
        try:
            return hub.stats()
        except RuntimeError:  # changed size while we looked (it lives on the server's loop)
            continue


def _sample_hub(hub: Hub) -> int:
    return _stats(hub).max_subscriber_bytes


def test_a_stalled_viewer_slows_nobody_stays_bounded_and_is_resynced(tmp_path: Path) -> None:
    runs = RunSettings(
        **{
            **FAST.model_dump(),
            "viewer_queue_events": 2000,
            "viewer_queue_bytes": 3 * 2**20,
            "send_timeout_s": 60.0,  # stalled, not dead: it reads in the end
        }
    )
    with serving(tmp_path, runs=runs) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        worker = FakeWorker(live.url, "player")
        lease = worker.lease()
        stalled = StalledViewer(live.url, run_id)
        try:
            _stall_and_resync(live.app.state.hub, api, worker, lease, stalled, runs, live.url)
        finally:
            stalled.close()  # else the server waits for its buffered bytes to drain
            worker.close()


def _stall_and_resync(
    hub: Hub,
    api: Api,
    worker: FakeWorker,
    lease: Lease,
    stalled: StalledViewer,
    runs: RunSettings,
    server: str,
) -> None:
    run_id = lease.run
    reader = Viewer.open(server, run_id)
    sent_at: dict[int, float] = {}
    received_at: dict[int, float] = {}

    def read() -> None:
        while not finished_status(reader):
            before = len(reader.events)
            reader.read(0.2)
            now = time.monotonic()
            for event in reader.events[before:]:
                received_at.setdefault(int(event["step"]), now)

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    # 1,500 events of 8 kB: far more than the stalled viewer's socket and queue hold.
    playing = threading.Thread(
        target=stream_run,
        args=(worker, lease, 1500),
        kwargs={"batch": 10, "pause_s": 0.01, "payload_bytes": 8000, "sent_at": sent_at},
        daemon=True,
    )
    started = time.monotonic()
    playing.start()
    peak = 0
    while playing.is_alive():
        peak = max(peak, _sample_hub(hub))
        time.sleep(0.01)
    played_in = time.monotonic() - started
    reading.join(60)

    # The reading viewer got everything, promptly, and was never resynced.
    stored = api.events(run_id)
    assert reader.events == stored
    assert not reader.resyncs
    latencies = [received_at[step] - sent_at[step] for step in sent_at]
    # (Server, player and reader share this process and its GIL: a loose bound.)
    assert statistics.quantiles(latencies, n=20)[18] < 2.0, "p95 latency of the reader"
    assert played_in < 60
    # The stalled one never held more than its bound, and overflowed.
    assert peak <= runs.viewer_queue_bytes + 16 * 1024
    assert hub.stats().overflows >= 1
    reader.close()

    # It reads at last: what it was sent before falling behind, then a resync naming
    # the last seq it got; the REST history fills the gap.
    got: list[dict[str, Any]] = []
    while True:
        message = stalled.recv(timeout=10)
        assert message is not None, "closed before the resync"
        decoded = parse_viewer_message(message)
        if isinstance(decoded, ViewerEvents):
            got += [e.model_dump(mode="json") for e in decoded.events]
        elif isinstance(decoded, ViewerResync):
            assert decoded.last_seq == (got[-1]["seq"] if got else 0)
            got += api.events(run_id, since=decoded.last_seq)
            break
    assert got == stored


def test_a_viewer_that_takes_nothing_is_dropped(tmp_path: Path) -> None:
    runs = RunSettings(**{**FAST.model_dump(), "send_timeout_s": 1.0})
    with serving(tmp_path, runs=runs) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        worker = FakeWorker(live.url, "player")
        lease = worker.lease()
        hub: Hub = live.app.state.hub
        stalled = StalledViewer(live.url, run_id)
        try:
            wait_for(lambda: _stats(hub).subscribers == 1, 10, "the viewer to subscribe")
            stream_run(worker, lease, 800, batch=10, pause_s=0.005, payload_bytes=8000)
            wait_for(lambda: _stats(hub).subscribers == 0, 30, "the stalled viewer to be dropped")
        finally:
            stalled.close()
            worker.close()


def test_a_viewer_must_authenticate_first_when_auth_is_on(tmp_path: Path) -> None:
    token = "user-token-0123456789"
    with serving(tmp_path, token=token) as live, live.client() as client:
        run_id = Api(client).create(moons_document())

        def refusal(viewer: Viewer) -> ViewerError:
            message = viewer.read(10)
            assert isinstance(message, ViewerError), message
            with pytest.raises(ConnectionClosed):
                viewer.connection.recv(timeout=10)
            return message

        assert refusal(Viewer.open(live.url, run_id, token="wrong")).code == "unauthorized"
        in_url = Viewer(
            ws_connect(ws_url(live.url, f"/ws/runs/{run_id}?token={token}"), legacy=True)
        )
        in_url.connection.send('{"type": "hello"}')
        assert refusal(in_url).code == "unauthorized"  # a token in the URL is never read
        good = Viewer.open(live.url, run_id, token=token)
        assert isinstance(good.read(10), ViewerWelcome)
        good.close()
        missing = Viewer.open(live.url, "r_0123456789ab", token=token)
        assert refusal(missing).code == "not_found"
        with pytest.raises(InvalidStatus) as foreign:
            ws_connect(
                ws_url(live.url, f"/ws/runs/{run_id}"),
                origin="http://evil.example",  # type: ignore[arg-type]
                legacy=True,
            )
        assert foreign.value.response.status_code == 403


def test_a_viewer_of_a_queued_run_sees_it_start(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        viewer = Viewer.open(live.url, run_id)
        welcome = viewer.read(10)
        assert isinstance(welcome, ViewerWelcome) and welcome.run.status == "queued"
        worker = FakeWorker(live.url)
        lease = worker.lease()
        viewer.read_until(
            lambda v: any(
                isinstance(m, ViewerRun) and m.run.status == "running" for m in v.messages
            )
        )
        stream_run(worker, lease, 10)
        viewer.read_until(finished_status)
        assert seqs(viewer.events) == list(range(1, 12))
        wait_for(lambda: api.run(run_id)["status"] == "finished", 10, "finished")
        viewer.close()
        worker.close()
