"""The server's side of one worker's websocket: hello, then messages until it closes.

Messages of one connection are handled in order, so a worker's batches are stored
and acknowledged in the order it sent them. Every write is checked against the
lease: the run's owner must be this worker (checked once per lease, since a fencing
token is never given to two owners) and the fencing token current (checked by the
store in the write's own transaction).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette import status
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from layerlab.server.database import in_session
from layerlab.server.settings import Settings
from layerlab.server.viewers.hub import EventItem, Hub
from layerlab.server.viewers.publish import publish_record, store_and_publish
from layerlab.server.workers.connection import HeldRunState, WorkerConnection
from layerlab.server.workers.scheduler import Scheduler
from layerlab.store import leases
from layerlab.store import workers as worker_store
from layerlab.store.db import Database
from layerlab.store.event_codec import to_new_event
from layerlab.store.events import IngestResult, StaleLease, ingest_batch
from layerlab.store.fencing import check_lease
from layerlab.store.runs import RunNotFound, get_run, stop_ending
from layerlab.train.control import HELD_REQUESTS
from layerlab.train.events import ACTIVE_STATUSES, Event, StatusEvent
from layerlab.worker.protocol import (
    Ack,
    Closed,
    ControlRequest,
    EventBatch,
    Heartbeat,
    Hello,
    ProtocolError,
    Ready,
    RefusalCode,
    Refused,
    Release,
    Renewed,
    RunResult,
    Welcome,
    WorkerMessage,
    parse_worker_message,
)

log = logging.getLogger(__name__)


class WorkerSession:
    def __init__(
        self,
        websocket: WebSocket,
        settings: Settings,
        database: Database,
        scheduler: Scheduler,
        hub: Hub,
    ):
        self.websocket = websocket
        self.settings = settings
        self.timers = settings.runs
        self.database = database
        self.scheduler = scheduler
        self.hub = hub
        self.connection: WorkerConnection | None = None
        self._owned: set[tuple[str, int]] = set()
        """(run, fencing) pairs whose owner was checked to be this worker."""

    async def serve(self) -> None:
        await self.websocket.accept()
        connection = await self._greet()
        if connection is None:
            return
        self.connection = connection
        try:
            while True:
                text = await self.websocket.receive_text()
                connection.heard()
                try:
                    message = parse_worker_message(text)
                except ValidationError as exc:
                    await self._fail("invalid_message", str(exc.errors(include_url=False)[:3]))
                    return
                await self._handle(connection, message)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
        finally:
            connection.closed = True
            self.scheduler.detach(connection)
            log.info("worker %s (%s) disconnected", connection.worker_id, connection.name)

    async def _fail(self, code: str, message: str) -> None:
        try:
            await self.websocket.send_text(
                ProtocolError(code=code, message=message).model_dump_json()
            )
            await self.websocket.close(status.WS_1008_POLICY_VIOLATION, code)
        except Exception:  # gone already
            log.debug("could not send the error to the worker", exc_info=True)

    async def _send(self, message: BaseModel) -> None:
        assert self.connection is not None
        await self.connection.send(message)

    # -- hello ----------------------------------------------------------------------------

    async def _greet(self) -> WorkerConnection | None:
        timeout = self.timers.auth_timeout_s
        try:
            text = await asyncio.wait_for(self.websocket.receive_text(), timeout)
            hello = parse_worker_message(text)
        except TimeoutError:
            # A close frame with the reason, not a dropped connection.
            with contextlib.suppress(Exception):  # gone already
                await self.websocket.close(
                    status.WS_1008_POLICY_VIOLATION, f"no hello within {timeout:g} s"
                )
            return None
        except (WebSocketDisconnect, WebSocketDisconnected):
            return None
        except (ValidationError, KeyError, RuntimeError):
            await self._fail("invalid_message", "the first message must be a hello")
            return None
        if not isinstance(hello, Hello):
            await self._fail("invalid_message", "the first message must be a hello")
            return None
        expected = self.settings.worker_token
        if expected is None or not hmac.compare_digest(
            hello.token.encode(), expected.get_secret_value().encode()
        ):
            await self._fail("unauthorized", "wrong worker token")
            return None

        def register(session: Session) -> tuple[str, str, list[str], dict[str, str | None]]:
            worker_id, key = hello.worker_id, hello.worker_key or ""
            if not (
                worker_id
                and key
                and worker_store.known_worker(
                    session, worker_id, key, hello.name, hello.device, hello.memory_bytes
                )
            ):
                worker, key = worker_store.new_worker(
                    session, hello.name, hello.device, hello.memory_bytes
                )
                worker_id = worker.id
            # A lease it names is kept if renewing it works: same owner, same token.
            held = [leases.HeldLease(r.run, r.fencing) for r in hello.runs]
            stale = leases.renew_leases(session, worker_id, held, self.timers.lease_s)
            kept = [r.run for r in hello.runs if r.run not in {x.run_id for x in stale}]
            return worker_id, key, kept, leases.requested_controls(session, kept)

        worker_id, key, kept, controls = await in_session(self.database, register)
        connection = WorkerConnection(
            self.websocket,
            worker_id,
            hello.name,
            hello.device,
            hello.memory_bytes,
            processes=hello.processes,
            cpus=hello.cpus,
            gpus=hello.gpus,
        )
        for held in hello.runs:
            if held.run in kept:
                connection.runs[held.run] = HeldRunState(held.attempt, held.fencing)
                self._owned.add((held.run, held.fencing))
        self.connection = connection
        await self._send(
            Welcome(
                worker_id=worker_id,
                worker_key=key,
                heartbeat_s=self.timers.heartbeat_s,
                lease_s=self.timers.lease_s,
                kept=kept,
            )
        )
        for held in hello.runs:
            if held.run not in kept:
                await self._refuse(held.run, held.attempt, "stale_lease", "the lease was lost")
        for run_id, control in controls.items():
            # A request made while the worker was away.
            if control in HELD_REQUESTS:
                state = connection.runs[run_id]
                await self._send(ControlRequest(run=run_id, attempt=state.attempt, action=control))
        self.scheduler.attach(connection)
        log.info(
            "worker %s (%s, %s) connected; kept %s",
            worker_id,
            hello.name,
            hello.device,
            kept or "no runs",
        )
        return connection

    # -- messages ----------------------------------------------------------------------------

    async def _handle(self, connection: WorkerConnection, message: WorkerMessage) -> None:
        if isinstance(message, Hello):
            await self._fail("invalid_message", "hello twice")
        elif isinstance(message, Ready):
            self.scheduler.ready(connection)
        elif isinstance(message, Heartbeat):
            await self._heartbeat(connection, message)
        elif isinstance(message, EventBatch):
            await self._events(connection, message)
        elif isinstance(message, RunResult):
            await self._result(connection, message)
        elif isinstance(message, Release):
            await self._release(connection, message)

    async def _refuse(self, run_id: str, attempt: int, code: RefusalCode, message: str) -> None:
        assert self.connection is not None
        self.connection.runs.pop(run_id, None)
        await self._send(Refused(run=run_id, attempt=attempt, code=code, message=message))

    async def _heartbeat(self, connection: WorkerConnection, beat: Heartbeat) -> None:
        held = [leases.HeldLease(r.run, r.fencing) for r in beat.runs]

        def renew(session: Session) -> list[leases.HeldLease]:
            return leases.renew_leases(session, connection.worker_id, held, self.timers.lease_s)

        stale = {lease.run_id for lease in await in_session(self.database, renew)}
        for run in beat.runs:
            if run.run in stale:
                await self._refuse(run.run, run.attempt, "stale_lease", "the lease was lost")
        await self._send(Renewed(runs=[r.run for r in beat.runs if r.run not in stale]))

    async def _owns(self, connection: WorkerConnection, run_id: str, fencing: int) -> None:
        """Raise StaleLease/RunNotFound unless this worker holds the run's lease."""
        if (run_id, fencing) in self._owned:
            return
        await in_session(
            self.database,
            lambda s: check_lease(s, run_id, connection.worker_id, fencing),
        )
        self._owned.add((run_id, fencing))

    async def _events(self, connection: WorkerConnection, batch: EventBatch) -> None:
        if any(event.run != batch.run for event in batch.events):
            await self._refuse(batch.run, batch.attempt, "invalid", "events of another run")
            return
        events = await self._stop_endings(batch.run, batch.events)
        new = [to_new_event(event) for event in events]

        def stored(result: IngestResult) -> list[EventItem]:
            if result.duplicate:  # published when it was stored
                return []
            return [
                EventItem(seq, event.model_copy(update={"seq": seq}).model_dump_json())
                for seq, event in zip(result.seqs, events, strict=True)
            ]

        try:
            await self._owns(connection, batch.run, batch.fencing)
            result = await store_and_publish(
                self.database,
                self.hub,
                batch.run,
                lambda s: ingest_batch(
                    s, batch.run, batch.attempt, batch.batch_seq, new, batch.fencing
                ),
                stored,
            )
        except StaleLease as exc:
            await self._refuse(batch.run, batch.attempt, "stale_lease", str(exc))
            return
        except RunNotFound as exc:
            await self._refuse(batch.run, batch.attempt, "not_found", str(exc))
            return
        await self._send(
            Ack(
                run=batch.run,
                attempt=batch.attempt,
                batch_seq=batch.batch_seq,
                first_seq=result.first_seq,
                count=result.count,
            )
        )
        statuses = [e.status for e in batch.events if isinstance(e, StatusEvent)]
        if statuses and not result.duplicate and statuses[-1] in ACTIVE_STATUSES:
            last = statuses[-1]
            changed = await in_session(
                self.database,
                lambda s: leases.set_reported_status(s, batch.run, batch.fencing, last),
            )
            if changed:
                await publish_record(self.database, self.hub, batch.run)

    async def _stop_endings(self, run_id: str, events: list[Event]) -> list[Event]:
        """The worker ends a stopped run as `stopped`; one the server stopped as
        something else (a sweep's pruner: `pruned`) is stored and shown as that."""
        if not any(isinstance(e, StatusEvent) and e.status == "stopped" for e in events):
            return events
        try:
            run = await in_session(self.database, lambda s: get_run(s, run_id))
        except RunNotFound:
            return events  # refused when stored
        ending = stop_ending(run.stop_status)
        return [
            e.model_copy(update={"status": ending})
            if isinstance(e, StatusEvent) and e.status == "stopped"
            else e
            for e in events
        ]

    async def _result(self, connection: WorkerConnection, result: RunResult) -> None:
        def finish(session: Session) -> None:
            leases.finish_lease(
                session,
                result.run,
                connection.worker_id,
                result.fencing,
                result.status,
                result.message,
                restarts=result.restarts,
            )

        closed = await self._close(
            connection,
            result.run,
            result.attempt,
            lambda: in_session(self.database, finish),
            f"{result.status} on worker {connection.worker_id}",
        )
        if closed:
            await publish_record(self.database, self.hub, result.run)
            self.scheduler.wake()

    async def _release(self, connection: WorkerConnection, release: Release) -> None:
        await self._close(
            connection,
            release.run,
            release.attempt,
            lambda: self.scheduler.release(
                release.run, connection.worker_id, release.fencing, release.reason
            ),
            f"handed back by worker {connection.worker_id}",
        )

    async def _close(
        self,
        connection: WorkerConnection,
        run: str,
        attempt: int,
        end_lease: Callable[[], Awaitable[object]],
        done: str,
    ) -> bool:
        """End the worker's lease on `run` (a result, a release); refused when the lease
        is stale or the run gone, else the run leaves this connection and the worker is
        told it is closed. Whether it closed."""
        try:
            await end_lease()
        except StaleLease as exc:
            await self._refuse(run, attempt, "stale_lease", str(exc))
            return False
        except RunNotFound as exc:
            await self._refuse(run, attempt, "not_found", str(exc))
            return False
        connection.runs.pop(run, None)
        log.info("run %s: %s", run, done)
        await self._send(Closed(run=run, attempt=attempt))
        return True
