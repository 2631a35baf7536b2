"""The worker's network loop: connect, say hello, take a lease, stream the run's
events, heartbeat, and reconnect with backoff whenever the connection drops.

It runs on the main thread (asyncio: signals arrive here); training runs on its own
thread (job.py), so neither a long step nor a dead server stops the other. The loop
ticks every `flush_interval_s`: it sends pending events as batches, a heartbeat when
one is due, and the run's result once everything about it has been acknowledged. A
server that says nothing for a lease term (a heartbeat is always answered) is taken
for gone: the connection is dropped and made again, unacknowledged batches are sent
again, and the leases it still holds are named in the new hello.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from layerlab.train.data.isolated import DEFAULT_LIMITS, LoadLimits
from layerlab.train.events import Event
from layerlab.worker.device import DeviceInfo
from layerlab.worker.job import RankEngine, RunJob
from layerlab.worker.protocol import (
    Ack,
    Closed,
    ControlRequest,
    Heartbeat,
    Hello,
    Lease,
    ProtocolError,
    Ready,
    Refused,
    Release,
    Renewed,
    RunResult,
    Welcome,
    parse_server_message,
)
from layerlab.worker.transfer import Credentials

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 2**20
"""A lease carries the whole document."""
EXIT_UNAUTHORIZED = 2


@dataclass(frozen=True)
class WorkerOptions:
    server: str
    """http(s)://host:port of the LayerLab server."""
    token: str
    name: str
    data_dir: Path
    flush_interval_s: float = 0.1
    """Events go out in batches this often: every batch becomes one message to each
    viewer, so this, not the event rate, sets the server's fan-out work."""
    max_backoff_s: float = 5.0
    max_buffered_events: int = 20_000
    shutdown_timeout_s: float = 60.0
    exit_with_parent: bool = False
    data_load_time_s: float = DEFAULT_LIMITS.time_s
    """Longest load of a user's data file (s); past it the run fails, naming the limit."""
    data_load_memory_bytes: int = DEFAULT_LIMITS.memory_bytes
    """Most resident memory a user's data file may take to load (bytes)."""
    on_emit: Callable[[Event], None] | None = None
    """Sees every event the run emits (instrumentation: bench/stream.py)."""
    engine: RankEngine | None = None
    """Where the ranks train instead of this process (a Ray cluster: ray_ranks.py)."""


class Unauthorized(Exception):
    """The server refused the worker token: retrying will not help."""


def websocket_url(server: str) -> str:
    base = server.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/ws/worker"
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :] + "/ws/worker"
    raise ValueError(f"{server}: the server's URL starts with http:// or https://")


class Agent:
    def __init__(self, options: WorkerOptions, device: DeviceInfo):
        self.options = options
        self.device = device
        self.jobs: dict[str, RunJob] = {}
        self.worker_id: str | None = None
        self.worker_key: str | None = None
        self.heartbeat_s = 1.0
        self.lease_s = 5.0
        self.shutting_down = False
        self.deadline: float | None = None
        self._ready_sent = False
        self._last_heard = time.monotonic()
        self._send_lock = asyncio.Lock()
        self._parent = os.getppid()

    # -- life --------------------------------------------------------------------------------

    def request_shutdown(
        self, reason: str = "the worker is shutting down", grace: float | None = None
    ) -> None:
        """Hand every run back (checkpoint first), then exit; a second request exits now."""
        now = time.monotonic()
        if self.shutting_down:
            self.deadline = now
            return
        log.info("shutting down: %s", reason)
        self.shutting_down = True
        self.deadline = now + (self.options.shutdown_timeout_s if grace is None else grace)
        for job in self.jobs.values():
            job.hand_back(reason)

    def _done(self) -> bool:
        if not self.shutting_down:
            return False
        return not self.jobs or (self.deadline is not None and time.monotonic() >= self.deadline)

    async def run(self) -> int:
        url = websocket_url(self.options.server)
        backoff = 0.1
        watch = asyncio.create_task(self._watch_parent()) if self.options.exit_with_parent else None
        try:
            while not self._done():
                try:
                    async with connect(
                        url,
                        open_timeout=10,
                        ping_interval=None,
                        close_timeout=2,
                        max_size=MAX_MESSAGE_BYTES,
                    ) as websocket:
                        if await self._session(websocket):
                            backoff = 0.1
                except Unauthorized as exc:
                    log.error("%s", exc)
                    return EXIT_UNAUTHORIZED
                except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError) as exc:
                    log.info("connection to %s: %s", url, exc or type(exc).__name__)
                if self._done():
                    break
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, self.options.max_backoff_s)
        except InvalidURI as exc:
            log.error("%s", exc)
            return 1
        finally:
            if watch is not None:
                watch.cancel()
            for job in self.jobs.values():
                job.close()
        return 0

    async def _watch_parent(self) -> None:
        # Local workers end with the server that started them (even if it was killed).
        while True:
            await asyncio.sleep(1.0)
            if os.getppid() != self._parent:
                self.request_shutdown("the server that started this worker is gone", grace=5.0)
                return

    # -- one connection ----------------------------------------------------------------------

    async def _send(self, websocket: ClientConnection, message: BaseModel) -> None:
        async with self._send_lock:
            await websocket.send(message.model_dump_json())

    def _credentials(self) -> Credentials:
        assert self.worker_id is not None and self.worker_key is not None
        return Credentials(
            self.options.server.rstrip("/"), self.options.token, self.worker_id, self.worker_key
        )

    async def _session(self, websocket: ClientConnection) -> bool:
        """Hello, then serve the connection until it ends. True if it got a welcome."""
        held = [job.held() for job in self.jobs.values() if job.lost is None]
        await self._send(
            websocket,
            Hello(
                token=self.options.token,
                name=self.options.name,
                device=self.device.label,
                memory_bytes=self.device.memory_bytes,
                processes=self.device.processes,
                cpus=self.device.cpus,
                gpus=self.device.gpus,
                worker_id=self.worker_id,
                worker_key=self.worker_key,
                runs=held,
            ),
        )
        welcome = parse_server_message(await asyncio.wait_for(websocket.recv(), 10))
        if isinstance(welcome, ProtocolError):
            if welcome.code == "unauthorized":
                raise Unauthorized(f"the server refused the worker token: {welcome.message}")
            raise ConnectionError(f"{welcome.code}: {welcome.message}")
        if not isinstance(welcome, Welcome):
            raise ConnectionError(f"expected a welcome, got {welcome.type}")
        self.worker_id, self.worker_key = welcome.worker_id, welcome.worker_key
        self.heartbeat_s, self.lease_s = welcome.heartbeat_s, welcome.lease_s
        self._last_heard = time.monotonic()
        self._ready_sent = False
        log.info("connected to %s as %s", self.options.server, self.worker_id)
        for job in list(self.jobs.values()):
            job.credentials = self._credentials()
            job.result_sent = False
            if job.lost is None and job.run not in welcome.kept:
                job.lose("the lease expired while the server was unreachable")
            for batch in job.outbox.unacked() if job.lost is None else []:
                await self._send(websocket, batch)
        reader = asyncio.create_task(self._read(websocket))
        ticker = asyncio.create_task(self._tick(websocket))
        done, pending = await asyncio.wait({reader, ticker}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await task
        for task in done:
            task.result()  # re-raises what ended the session
        return True

    async def _read(self, websocket: ClientConnection) -> None:
        async for text in websocket:
            self._last_heard = time.monotonic()
            try:
                message = parse_server_message(text)
            except ValidationError as exc:
                log.warning("ignoring a message the worker does not understand: %s", exc)
                continue
            if isinstance(message, Lease):
                await self._lease(websocket, message)
            elif isinstance(message, Ack):
                job = self._job(message.run, message.attempt)
                if job is not None:
                    job.outbox.ack(message.batch_seq)
            elif isinstance(message, ControlRequest):
                self._control(message)
            elif isinstance(message, Refused):
                job = self._job(message.run, message.attempt)
                if job is not None and message.code == "not_found":
                    job.run_over = True  # deleted
                if job is not None and job.result_sent:
                    self._drop(job)  # its result was recorded before the answer was lost
                elif job is not None:
                    job.lose(f"{message.code}: {message.message}")
            elif isinstance(message, Closed):
                job = self._job(message.run, message.attempt)
                if job is not None:
                    job.run_over = job.run_over or not job.released
                    self._drop(job)
            elif isinstance(message, ProtocolError):
                log.error("the server says: %s: %s", message.code, message.message)
                if message.code == "unauthorized":
                    raise Unauthorized(message.message)
            elif isinstance(message, Renewed | Welcome):
                pass

    def _job(self, run: str, attempt: int) -> RunJob | None:
        job = self.jobs.get(run)
        return job if job is not None and job.lease.attempt == attempt else None

    def _drop(self, job: RunJob) -> None:
        """Forget a job whose training has ended, and its files: the server says the
        lease ended (a result or a release recorded, or the lease lost or the run
        deleted)."""
        job.close()
        self.jobs.pop(job.run, None)
        self._ready_sent = False
        job.remove_files()

    async def _lease(self, websocket: ClientConnection, lease: Lease) -> None:
        busy = any(job.lost is None or job.training() for job in self.jobs.values())
        if self.shutting_down or busy:
            reason = "the worker is shutting down" if self.shutting_down else "the worker is busy"
            await self._send(
                websocket,
                Release(run=lease.run, attempt=lease.attempt, fencing=lease.fencing, reason=reason),
            )
            return
        log.info(
            "run %s attempt %d leased%s",
            lease.run,
            lease.attempt,
            f"; resuming from {lease.checkpoint.name}" if lease.checkpoint else "",
        )
        job = RunJob(
            lease,
            self._credentials(),
            self.device.device,
            self.options.data_dir,
            self.options.max_buffered_events,
            self.options.on_emit,
            LoadLimits(self.options.data_load_time_s, self.options.data_load_memory_bytes),
            self.options.engine,
        )
        self.jobs[lease.run] = job
        self._ready_sent = False
        job.start()

    def _control(self, request: ControlRequest) -> None:
        job = self._job(request.run, request.attempt)
        if job is None:
            return
        log.info("run %s: %s requested", request.run, request.action)
        if request.action == "stop":
            job.control.stop(request.reason)
        elif request.action == "pause":
            job.control.pause()
        else:
            job.control.resume()

    async def _tick(self, websocket: ClientConnection) -> None:
        last_beat = 0.0
        while True:
            now = time.monotonic()
            for job in list(self.jobs.values()):
                await self._flush(websocket, job)
            if now - last_beat >= self.heartbeat_s:
                runs = [job.held() for job in self.jobs.values() if job.lost is None]
                await self._send(websocket, Heartbeat(runs=runs))
                last_beat = now
            if now - self._last_heard > self.lease_s:
                raise ConnectionError(f"the server said nothing for {self.lease_s:g} s")
            if self._done():
                await websocket.close()
                return
            if not self.jobs and not self.shutting_down and not self._ready_sent:
                await self._send(websocket, Ready())
                self._ready_sent = True
            await asyncio.sleep(self.options.flush_interval_s)

    async def _flush(self, websocket: ClientConnection, job: RunJob) -> None:
        if job.lost is not None:
            if not job.training():
                self._drop(job)
            return
        while (batch := job.outbox.cut()) is not None:
            await self._send(websocket, batch)
        if job.result_sent or not job.settled():
            return
        assert job.ending is not None
        lease = job.lease
        if job.handing_back and job.ending.status == "stopped":
            job.released = True
            message: BaseModel = Release(
                run=lease.run,
                attempt=lease.attempt,
                fencing=lease.fencing,
                reason=f"worker {self.options.name} is shutting down",
            )
        else:
            message = RunResult(
                run=lease.run,
                attempt=lease.attempt,
                fencing=lease.fencing,
                status=job.ending.status,
                message=job.ending.message[:10_000],
                restarts=job.ending.restarts,
            )
        await self._send(websocket, message)
        job.result_sent = True
