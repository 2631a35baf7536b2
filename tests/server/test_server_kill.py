"""The server killed with SIGKILL (kill -9): `layerlab serve` as a real process, on a
fixed loopback port and data folder, killed during heavy event ingestion and mid-run
with a queue of runs, then started again where its workers look for it. The oracles
are SQLite's own integrity check, the acknowledgements the server gave before it
died, and the events it serves after the restart.

`layerlab serve` takes no run timers from its environment, so these servers keep the
default ones (heartbeat 2 s, lease 15 s); the workers reconnect within a second of a
restart (`--max-backoff 0.5`), well inside the lease that the restarted server gives
every held run (`leases.extend_all` at start).
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from layerlab.train.events import Event
from layerlab.worker.protocol import Ack, Lease, ProtocolError, Refused
from tests.cli.serving import spawn_serve, wait_for_url
from tests.server.test_faults import assert_ran_once_whole, queue_under_way
from tests.worker.harness import (
    WAIT,
    WORKER_TOKEN,
    Api,
    FakeWorker,
    free_port,
    moons_document,
    seqs,
    synthetic_events,
    worker_processes,
)

DATABASE = "layerlab.db"
"""The SQLite file `layerlab serve` keeps in its data folder (Settings.db_url)."""


class ServeProcess:
    """`layerlab serve --workers 0` on a fixed port and data folder: started, killed
    with SIGKILL, started again. Its output is kept (shown when a test fails)."""

    def __init__(self, data: Path, port: int):
        self.data = data
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []

    def start(self) -> str:
        assert not self.alive(), "one server at a time"
        self.output()  # what the last one said, kept
        self.seen.append("---- layerlab serve starts ----\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAYERLAB_")}
        env.update(PYTHONUNBUFFERED="1", LAYERLAB_WORKER_TOKEN=WORKER_TOKEN)
        self.process, self.lines = spawn_serve(self.data, env, port=self.port)
        url = wait_for_url(self.lines, self.process)
        assert url == self.url, f"it listens on {url}, not on the port it was given"
        return url

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        assert self.process is not None and self.alive(), "the server died before its kill"
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.process is None:
            return
        if self.alive():
            self.process.kill()
        self.process.wait(30)

    def output(self) -> str:
        with suppress(queue.Empty):
            while True:
                self.seen.append(self.lines.get_nowait())
        return "".join(self.seen)


@contextmanager
def serve_process(data: Path, port: int) -> Iterator[ServeProcess]:
    """A server process (not started yet); killed and waited for at the end."""
    server = ServeProcess(data, port)
    try:
        yield server
    except BaseException:
        print(f"---- layerlab serve output ----\n{server.output()[-8000:]}")
        raise
    finally:
        server.stop()


def integrity_of_a_copy(data: Path, folder: Path) -> sqlite3.Connection:
    """The killed server's database, copied with its WAL (the original is left for the
    restarted server to recover), opened after `PRAGMA integrity_check` said ok."""
    database = data / DATABASE
    wal = data / f"{DATABASE}-wal"
    assert wal.is_file() and wal.stat().st_size > 0, "killed with a write-ahead log to recover"
    folder.mkdir()
    shutil.copy(database, folder / DATABASE)
    shutil.copy(wal, folder / wal.name)
    connection = sqlite3.connect(folder / DATABASE)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    return connection


# -- kill -9 during heavy ingestion ---------------------------------------------------------

BATCH = 200
"""Events per batch (the protocol allows 500)."""
WINDOW = 4
"""Batches a fake worker keeps unacknowledged: the server always has more to write."""
KILL_AFTER = 30
"""Acknowledged batches of each run before the kill."""


@dataclass
class Stream:
    """One run's events, sent by a fake worker as fast as acknowledgements allow."""

    worker: FakeWorker
    lease: Lease
    sent: dict[int, list[Event]] = field(default_factory=dict)
    """batch_seq -> the batch's events (their steps run on from 0, one per event)."""
    acks: dict[int, Ack] = field(default_factory=dict)

    @property
    def run(self) -> str:
        return self.lease.run

    def unacked(self) -> list[int]:
        return sorted(set(self.sent) - set(self.acks))

    def fill(self) -> None:
        while len(self.unacked()) < WINDOW:
            events = synthetic_events(self.run, BATCH, BATCH * len(self.sent))
            self.sent[self.worker.send_events(self.lease, events)] = events

    def collect(self) -> None:
        self.worker.pump(0)
        for message in list(self.worker.inbox):
            assert not isinstance(message, Refused | ProtocolError), message
            if isinstance(message, Ack) and message.run == self.run:
                self.worker.inbox.remove(message)
                assert message.batch_seq not in self.acks, "a batch acknowledged twice"
                self.acks[message.batch_seq] = message

    def steps(self, batch_seq: int) -> list[int]:
        return [e.step for e in self.sent[batch_seq]]

    def promised(self) -> dict[int, int]:
        """seq -> step, for every event the acknowledgements promised is stored."""
        return {
            ack.first_seq + i: step
            for batch_seq, ack in self.acks.items()
            for i, step in enumerate(self.steps(batch_seq))
        }


def stored_steps(connection: sqlite3.Connection, run_id: str) -> dict[int, int]:
    rows = connection.execute(
        "SELECT seq, step FROM run_events WHERE run_id = ? AND type = 'metrics'", (run_id,)
    ).fetchall()
    return {int(seq): int(step) for seq, step in rows}


def test_a_server_killed_during_heavy_ingestion_keeps_every_acknowledged_batch_and_stores_a_resent_one_once(
    tmp_path: Path,
) -> None:
    port = free_port()
    data = tmp_path / "data"
    with serve_process(data, port) as server:
        url = server.start()
        with httpx.Client(base_url=url, timeout=60) as client:
            api = Api(client)
            run_ids = [api.create(moons_document()) for _ in range(2)]
        streams: list[Stream] = []
        for i in range(2):  # two workers, two runs: two writers at once
            worker = FakeWorker(url, f"fake-{i}")
            streams.append(Stream(worker, worker.lease()))
        assert sorted(s.run for s in streams) == sorted(run_ids)

        deadline = time.monotonic() + WAIT
        while min(len(s.acks) for s in streams) < KILL_AFTER:
            assert time.monotonic() < deadline, "ingestion stalled"
            for stream in streams:
                stream.fill()
                stream.collect()
        for stream in streams:
            stream.fill()  # the server has batches of both runs to write when it dies
        server.kill9()
        for stream in streams:
            with suppress(Exception):
                stream.worker.close()

        for stream in streams:
            # The acknowledgements promised seqs lease.first_seq.., batch after batch.
            first = stream.lease.first_seq
            for batch_seq in sorted(stream.acks):
                ack = stream.acks[batch_seq]
                assert (ack.first_seq, ack.count) == (first, BATCH), ack
                first += BATCH
            assert set(stream.acks) == set(range(1, len(stream.acks) + 1))

        # The file survived: SQLite's own check, and every promised row is in it.
        with closing(integrity_of_a_copy(data, tmp_path / "copy")) as copy:
            for stream in streams:
                stored = stored_steps(copy, stream.run)
                promised = stream.promised()
                assert {seq: stored.get(seq) for seq in promised} == promised

        url = server.start()  # same port, same data folder
        with httpx.Client(base_url=url, timeout=60) as client:
            api = Api(client)
            restarted: list[tuple[Stream, int, dict[int, Ack]]] = []
            for i, stream in enumerate(streams):
                old = stream.worker
                assert old.welcome is not None
                back = FakeWorker(
                    url,
                    f"fake-{i}",
                    worker_id=old.welcome.worker_id,
                    worker_key=old.welcome.worker_key,
                    runs=old.held(),
                )
                assert back.welcome is not None
                assert back.welcome.kept == [stream.run], "the lease was kept over the restart"
                stream.worker = back

                events = api.events(stream.run)
                assert seqs(events) == list(range(1, len(events) + 1)), "gapless"
                by_seq = {e["seq"]: e["step"] for e in events if e["type"] == "metrics"}
                promised = stream.promised()
                assert {seq: by_seq.get(seq) for seq in promised} == promised
                restarted.append((stream, len(events), dict(stream.acks)))

            for stream, stored_before, acked in restarted:
                # Everything again, with the same (run, attempt, batch_seq): what was
                # acknowledged is answered with the seqs it got and not stored again;
                # what was on the wire is stored now, or was stored just before the kill.
                on_the_wire = stream.unacked()
                stream.acks.clear()
                for batch_seq in sorted(stream.sent):
                    stream.worker.send_events(stream.lease, stream.sent[batch_seq], batch_seq)
                deadline = time.monotonic() + WAIT
                while len(stream.acks) < len(stream.sent):
                    assert time.monotonic() < deadline, "the resent batches were not acknowledged"
                    stream.collect()
                assert set(stream.acks) == set(stream.sent)
                for batch_seq, ack in acked.items():
                    assert stream.acks[batch_seq] == ack, "a resent batch keeps its seqs"
                # Those stored before the kill were the first of those on the wire (a
                # worker's batches are stored in order); the rest are stored after.
                landed = [b for b in on_the_wire if stream.acks[b].first_seq <= stored_before]
                assert landed == on_the_wire[: len(landed)]
                assert all(
                    stream.acks[b].first_seq > stored_before for b in on_the_wire[len(landed) :]
                )

                events = api.events(stream.run)
                assert seqs(events) == list(range(1, len(events) + 1)), "gapless"
                total = BATCH * len(stream.sent)
                assert len(events) == stream.lease.first_seq - 1 + total, "each batch once"
                steps = sorted(e["step"] for e in events if e["type"] == "metrics")
                assert steps == list(range(total)), "every event, once"
                by_seq = {e["seq"]: e["step"] for e in events if e["type"] == "metrics"}
                assert by_seq == stream.promised()


# -- kill -9 mid-run, with a queue -------------------------------------------------------


def test_a_server_killed_mid_run_with_a_queue_loses_no_run_and_no_event_and_reruns_nothing(
    tmp_path: Path,
) -> None:
    port = free_port()
    data = tmp_path / "data"
    epochs = [16, 6, 6]  # the first is long: it is surely still running when the kill comes
    with (
        serve_process(data, port) as server,
        worker_processes(server.url, tmp_path / "workers") as start,
    ):
        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            runs, before = queue_under_way(Api(client), client, start, epochs)
            [survivor] = client.get("/api/workers").json()
        server.kill9()
        # The worker trains on, buffering its events (and retrying its uploads).

        with closing(integrity_of_a_copy(data, tmp_path / "copy")) as copy:
            kept = copy.execute("SELECT count(*) FROM run_events WHERE run_id = ?", (runs[0],))
            assert kept.fetchone()[0] >= len(before[runs[0]])

        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            api = Api(client)
            for run_id in runs:
                api.wait_status(run_id, "finished")
            workers = client.get("/api/workers").json()
            assert [w["id"] for w in workers] == [survivor["id"]], "it came back as itself"
            for run_id, n in zip(runs, epochs, strict=True):
                assert_ran_once_whole(api, run_id, n, before[run_id])
