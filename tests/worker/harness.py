"""What the run-system tests share: a tiny deterministic model, fast timers, real
worker processes, a REST helper, viewers, and a protocol-level fake worker.

Nothing here sleeps and hopes: `wait_for` polls a condition until a deadline, and
says what it waited for when the deadline passes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import torch
from safetensors.torch import load as load_safetensors
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect

from layerlab.server.runs.settings import RunSettings
from layerlab.server.settings import Settings
from layerlab.server.viewers.protocol import (
    ViewerEvents,
    ViewerMessage,
    ViewerResync,
    parse_viewer_message,
)
from layerlab.train.events import END_STATUSES, Event, LogEvent, MetricsEvent
from layerlab.worker.protocol import (
    Ack,
    EventBatch,
    Heartbeat,
    HeldRun,
    Hello,
    Lease,
    Ready,
    ServerMessage,
    Welcome,
    parse_server_message,
)
from tests.server.conftest import LiveServer, live_server, make_settings

T = TypeVar("T")

WORKER_TOKEN = "test-worker-token-0123456789"
FAST = RunSettings(
    heartbeat_s=0.2,
    lease_s=1.0,
    auth_timeout_s=5.0,
    send_timeout_s=5.0,
    frame_interval_s=0.02,
)
"""The timers of RELIABILITY.md's harness: heartbeat 0.2 s, lease 1 s."""
WAIT = 90.0
"""Generous: the machine may be busy; conditions end the wait long before."""


def wait_for(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(interval)


def n(node_id: str, node_type: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "params": params}


def moons_document(
    epochs: int = 3,
    size: int = 400,
    hidden: int = 32,
    checkpoint_every: int | None = 10,
    **training: Any,
) -> dict[str, Any]:
    """A two-layer MLP on moons: trains in well under a second per epoch on one CPU
    thread, the same way every time (CPU, seed 0)."""
    nodes = [
        n("x", "Input", shape=[2]),
        n("fc1", "Linear", out_features=hidden),
        n("act1", "ReLU"),
        n("head", "Linear", out_features=2),
        n("out", "Output"),
    ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    section: dict[str, Any] = {
        "task": "classification",
        "dataset": "moons",
        "dataset_options": {"size": size, "noise": 0.2},
        "epochs": epochs,
        "batch_size": 16,
        "lr": 0.01,
        "device": "cpu",
        "seed": 0,
        "checkpoint_every_steps": checkpoint_every,
    }
    section.update(training)
    return {"name": "moons-mlp", "nodes": nodes, "edges": edges, "training": section}


def fast_settings(tmp: Path, database_url: str = "", **overrides: Any) -> Settings:
    values: dict[str, Any] = {"worker_token": WORKER_TOKEN, "runs": FAST}
    values.update(overrides)
    return make_settings(tmp, database_url, **values)


@contextmanager
def serving(tmp: Path, database_url: str = "", **overrides: Any) -> Iterator[LiveServer]:
    """A fresh server on loopback with the fast timers (its own database)."""
    with live_server(fast_settings(tmp, database_url, **overrides)) as live:
        yield live


@contextmanager
def serving_on(settings: Settings, port: int) -> Iterator[LiveServer]:
    """A server on a fixed loopback port (to restart one where its workers look for it)."""
    import socket as socket_module

    import uvicorn

    from layerlab.server.app import create_app
    from tests.server.conftest import _wait_healthy

    app = create_app(settings)
    sock = socket_module.socket(socket_module.AF_INET, socket_module.SOCK_STREAM)
    sock.setsockopt(socket_module.SOL_SOCKET, socket_module.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    live = LiveServer(app.state.settings, app, f"http://127.0.0.1:{port}", None)
    try:
        _wait_healthy(live, thread)
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"


def free_port() -> int:
    import socket as socket_module

    with socket_module.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- worker processes ---------------------------------------------------------------------


@dataclass
class WorkerProcess:
    """`layerlab worker` as a real process, its output in a log file."""

    server: str
    folder: Path
    name: str
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    """More command-line options, e.g. ["--data-load-timeout", "3"]."""
    token: str = WORKER_TOKEN
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self) -> WorkerProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "LAYERLAB_WORKER_TOKEN": self.token, **self.env}
        if "LAYERLAB_FAULT" not in self.env:  # a fault armed for the test process stays there
            env.pop("LAYERLAB_FAULT", None)
        command = [sys.executable, "-m", "layerlab.cli", "worker", "--server", self.server]
        command += ["--name", self.name, "--data-dir", str(self.folder / self.name)]
        command += ["--threads", "1", "--max-backoff", "0.5", *self.args]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def wait(self, timeout: float = WAIT) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if not self.alive():
            return
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL)
        self.wait(30)


@contextmanager
def worker_processes(server: str, folder: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """A factory of started workers; every one is killed at the end."""
    started: list[WorkerProcess] = []

    def start(name: str, *args: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(server, folder, name, dict(env), list(args)).start()
        started.append(worker)
        return worker

    try:
        yield start
    except BaseException:
        for worker in started:  # shown by pytest with the failure
            print(f"---- worker {worker.name} ----\n{worker.log()[-4000:]}")
        raise
    finally:
        for worker in started:
            worker.stop()


# -- REST -----------------------------------------------------------------------------------


class Api:
    def __init__(self, client: httpx.Client):
        self.client = client

    def create(self, document: dict[str, Any], **config: Any) -> str:
        response = self.client.post("/api/runs", json={"document": document, "config": config})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def run(self, run_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/runs/{run_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_status(
        self, run_id: str, statuses: tuple[str, ...] | str, timeout: float = WAIT
    ) -> dict[str, Any]:
        wanted = (statuses,) if isinstance(statuses, str) else statuses

        def reached() -> dict[str, Any] | None:
            run = self.run(run_id)
            return run if run["status"] in wanted else None

        return wait_for(reached, timeout, f"run {run_id} to be {'/'.join(wanted)}", 0.1)

    def events(self, run_id: str, since: int = 0, types: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"since": since, "limit": 5000}
            if types:
                params["types"] = types
            page = self.client.get(f"/api/runs/{run_id}/events", params=params).json()
            found += page["events"]
            since = page["next_since"]
            if not page["more"]:
                return found

    def weights(self, run_id: str) -> dict[str, torch.Tensor]:
        response = self.client.get(f"/api/runs/{run_id}/checkpoint")
        assert response.status_code == 200, response.text
        return load_safetensors(response.content)

    def control(self, run_id: str, action: str) -> httpx.Response:
        return self.client.post(f"/api/runs/{run_id}/{action}")


def seqs(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["seq"]) for e in events]


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], atol: float = 0.0) -> bool:
    """The same tensors by name: bit for bit, or within `atol` of each other."""
    close = torch.equal if atol == 0 else lambda x, y: torch.allclose(x, y, rtol=0, atol=atol)
    return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)


# -- viewers --------------------------------------------------------------------------------


def ws_url(http_url: str, path: str) -> str:
    return "ws://" + http_url.removeprefix("http://") + path


@dataclass
class Viewer:
    """A websocket viewer of one run, reading on demand."""

    connection: ClientConnection
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[ViewerMessage] = field(default_factory=list)
    resyncs: list[ViewerResync] = field(default_factory=list)

    @classmethod
    def open(
        cls, server: str, run_id: str, since: int = 0, token: str | None = None, **kwargs: Any
    ) -> Viewer:
        kwargs.setdefault("legacy", True)
        connection = ws_connect(ws_url(server, f"/ws/runs/{run_id}?since={since}"), **kwargs)
        if token is not None:
            connection.send(json.dumps({"type": "auth", "token": token}))
        return cls(connection)

    @property
    def last_seq(self) -> int:
        return int(self.events[-1]["seq"]) if self.events else 0

    def read(self, timeout: float = 1.0) -> ViewerMessage | None:
        try:
            text = self.connection.recv(timeout=timeout)
        except TimeoutError:
            return None
        data = json.loads(text)
        message: ViewerMessage
        if data.get("type") == "events":
            # Kept as plain JSON: validating every event would make this client the
            # bottleneck of the tests that stream megabytes (the frames' model is
            # tested on its own).
            self.events += data["events"]
            message = ViewerEvents.model_construct(events=[])
        else:
            message = parse_viewer_message(text)
        self.messages.append(message)
        if isinstance(message, ViewerResync):
            self.resyncs.append(message)
        return message

    def read_until(self, done: Callable[[Viewer], bool], timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not done(self):
            if time.monotonic() > deadline:
                raise TimeoutError(f"viewer: condition not met in {timeout:g} s")
            self.read(0.2)

    def close(self) -> None:
        self.connection.close()


def finished_status(viewer: Viewer) -> bool:
    return any(e["type"] == "status" and e["status"] in END_STATUSES for e in viewer.events)


# -- a fake worker: the protocol by hand ------------------------------------------------------


def synthetic_events(run: str, count: int, start_step: int = 0) -> list[Event]:
    """Metrics events with distinct steps (the seq is the server's to give)."""
    return [
        MetricsEvent(
            seq=0,
            run=run,
            step=start_step + i,
            epoch=0,
            time=0.001 * (start_step + i),
            values={"train/loss": 1.0 / (1 + start_step + i)},
        )
        for i in range(count)
    ]


class FakeWorker:
    """Speaks the worker protocol from the test's thread: it heartbeats only while a
    test calls `pump`/`expect`, so it can also go silent on purpose."""

    def __init__(self, server: str, name: str = "fake", memory: int | None = None, **hello: Any):
        self.connection = ws_connect(ws_url(server, "/ws/worker"), max_size=2**26, legacy=True)
        self.connection.send(
            Hello(
                token=hello.pop("token", WORKER_TOKEN),
                name=name,
                device="cpu",
                memory_bytes=memory,
                **hello,
            ).model_dump_json()
        )
        first = parse_server_message(self.connection.recv(timeout=10))
        self.welcome = first if isinstance(first, Welcome) else None
        self.first = first
        self.inbox: list[ServerMessage] = []
        self.leases: dict[str, Lease] = {}
        self.batch_seq: dict[str, int] = {}
        self._last_beat = 0.0

    def held(self) -> list[HeldRun]:
        return [
            HeldRun(run=r, attempt=lease.attempt, fencing=lease.fencing)
            for r, lease in self.leases.items()
        ]

    def send(self, message: Any) -> None:
        self.connection.send(message.model_dump_json())

    def ready(self) -> None:
        self.send(Ready())

    def pump(self, seconds: float = 0.0) -> None:
        """Heartbeat and read what comes, for `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            self._beat()
            try:
                text = self.connection.recv(timeout=0.05)
                message = parse_server_message(text)
                if isinstance(message, Lease):
                    self.leases[message.run] = message
                self.inbox.append(message)
            except TimeoutError:
                pass
            if time.monotonic() >= deadline:
                return

    def _beat(self) -> None:
        if time.monotonic() - self._last_beat >= 0.2:
            self.send(Heartbeat(runs=self.held()))
            self._last_beat = time.monotonic()

    def expect(
        self, kind: type[T], timeout: float = 20.0, where: Callable[[T], bool] = lambda _m: True
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self.inbox):
                if isinstance(message, kind) and where(message):
                    del self.inbox[i]
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"fake worker: no {kind.__name__} in {timeout:g} s: {self.inbox[-5:]}"
                )
            self.pump(0.05)

    def lease(self, timeout: float = 20.0) -> Lease:
        self.ready()
        return self.expect(Lease, timeout)

    def send_events(self, lease: Lease, events: list[Event], batch_seq: int | None = None) -> int:
        """Send one batch; returns its batch_seq."""
        if batch_seq is None:
            batch_seq = self.batch_seq.get(lease.run, 0) + 1
            self.batch_seq[lease.run] = batch_seq
        stamped = [e.model_copy(update={"run": lease.run}) for e in events]
        self.send(
            EventBatch(
                run=lease.run,
                attempt=lease.attempt,
                fencing=lease.fencing,
                batch_seq=batch_seq,
                events=stamped,
            )
        )
        return batch_seq

    def ack(self, lease: Lease, batch_seq: int, timeout: float = 20.0) -> Ack:
        return self.expect(Ack, timeout, lambda a: a.run == lease.run and a.batch_seq == batch_seq)

    def log(self, lease: Lease, message: str) -> LogEvent:
        return LogEvent(seq=0, run=lease.run, step=0, time=0.0, message=message)

    def close(self) -> None:
        self.connection.close()


def pump_all(workers: list[FakeWorker], seconds: float) -> None:
    """Keep several fake workers alive (heartbeats) for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker in workers:
            worker.pump(0)


def in_thread(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def fake_pack(path: Path, step: int) -> bytes:
    """A small, valid checkpoint pack (what a worker uploads), without training."""
    from safetensors.torch import save_file

    from layerlab.train.checkpoint import CheckpointMeta, Progress
    from layerlab.worker.pack import PACK_FORMAT

    meta = CheckpointMeta(
        document="fake",
        reason="interval",
        created=0.0,
        config={},
        progress=Progress(step=step, epoch=0, batch=step),
        optimizers={},
    )
    tensors = {"model/w": torch.full((4,), float(step)), "extra/rng/cpu": torch.get_rng_state()}
    save_file(tensors, str(path), metadata={"format": PACK_FORMAT, "state": meta.model_dump_json()})
    return path.read_bytes()


def checkpoint_headers(
    worker: FakeWorker, lease: Lease, token: str = WORKER_TOKEN
) -> dict[str, str]:
    assert worker.welcome is not None
    return {
        "Authorization": f"Bearer {token}",
        "X-LayerLab-Worker": worker.welcome.worker_id,
        "X-LayerLab-Worker-Key": worker.welcome.worker_key,
        "X-LayerLab-Fencing": str(lease.fencing),
    }


def stream_run(
    worker: FakeWorker,
    lease: Lease,
    total: int,
    batch: int = 10,
    pause_s: float = 0.005,
    payload_bytes: int = 0,
    sent_at: dict[int, float] | None = None,
) -> None:
    """Play a whole run: `total` events (metrics, or logs of `payload_bytes` when given),
    in batches, then `status: finished` and the result; wait for everything to be
    acknowledged. `sent_at` gets each event's step -> send time."""
    from layerlab.train.events import StatusEvent
    from layerlab.worker.protocol import Closed, RunResult

    last = 0
    for start in range(0, total, batch):
        count = min(batch, total - start)
        if payload_bytes:
            events: list[Event] = [
                LogEvent(
                    seq=0, run=lease.run, step=start + i, time=0.0, message="x" * payload_bytes
                )
                for i in range(count)
            ]
        else:
            events = list(synthetic_events(lease.run, count, start))
        now = time.monotonic()
        if sent_at is not None:
            for event in events:
                sent_at[event.step] = now
        last = worker.send_events(lease, events)
        worker.pump(pause_s)
    done = StatusEvent(seq=0, run=lease.run, step=total, time=1.0, status="finished")
    last = worker.send_events(lease, [done])
    worker.ack(lease, last, timeout=60)
    worker.send(
        RunResult(run=lease.run, attempt=lease.attempt, fencing=lease.fencing, status="finished")
    )
    worker.expect(Closed, timeout=60)
