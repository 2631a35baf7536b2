"""The scheduler: hands queued runs to idle workers, and takes leases back from
workers that went silent.

Runs wait in the database (status `queued`), so a restart loses none. One task loops:
on every wake-up (a worker is ready, a run was queued or handed back) and at least
every tick it
- closes connections of workers not heard from for a lease term (they are stuck, or
  cut off: a worker that comes back reconnects),
- takes back expired leases: those of workers still connected and heard from are
  renewed instead (their heartbeat was merely late in the database), the others are
  requeued (a failed attempt), or failed after `max_attempts`, with a status event,
- leases the oldest fitting queued run to each idle worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.orm import Session

from layerlab.graph.document import GraphDocument
from layerlab.graph.limits import DeviceMemory
from layerlab.server.database import in_session
from layerlab.server.settings import Settings
from layerlab.server.viewers.hub import Hub
from layerlab.server.viewers.publish import publish_record, status_event, store_and_publish
from layerlab.server.workers.connection import HeldRunState, WorkerConnection
from layerlab.store import leases
from layerlab.store.db import Database
from layerlab.train.config import TrainingConfig
from layerlab.train.control import ControlAction
from layerlab.worker.device import label_parts
from layerlab.worker.protocol import (
    CheckpointRef,
    ControlRequest,
    Lease,
    StartWeights,
)

log = logging.getLogger(__name__)


def lease_message(grant: leases.LeaseGrant) -> Lease:
    checkpoint = None
    if grant.checkpoint_name is not None and grant.checkpoint_step is not None:
        checkpoint = CheckpointRef(name=grant.checkpoint_name, step=grant.checkpoint_step)
    return Lease(
        run=grant.run_id,
        attempt=grant.attempt,
        fencing=grant.fencing_token,
        document=GraphDocument.model_validate(grant.document),
        config=TrainingConfig.model_validate(grant.config),
        checkpoint=checkpoint,
        start_weights=_start_weights(grant),
        paused=grant.paused,
        first_seq=grant.first_seq,
    )


def _start_weights(grant: leases.LeaseGrant) -> StartWeights | None:
    if grant.fork is not None:
        return StartWeights(**grant.fork.model_dump())
    if grant.imported_weights is not None:
        return StartWeights(imported=grant.imported_weights)
    return None


class Scheduler:
    def __init__(self, database: Database, settings: Settings, hub: Hub):
        self.database = database
        self.settings = settings
        self.timers = settings.runs
        self.hub = hub
        self.connections: dict[str, WorkerConnection] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        """Leases on their way to workers (kept referenced until done)."""

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        extended = await in_session(
            self.database, lambda s: leases.extend_all(s, self.timers.lease_s)
        )
        if extended:
            log.info("%d leases kept for their workers to come back", extended)
        self._task = asyncio.create_task(self._loop(), name="layerlab-scheduler")

    async def stop(self) -> None:
        for task in [self._task, *self._deliveries]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for connection in list(self.connections.values()):
            await connection.close(1012, "server restarting")

    def wake(self) -> None:
        self._wake.set()

    # -- workers ------------------------------------------------------------------------

    def attach(self, connection: WorkerConnection) -> None:
        old = self.connections.get(connection.worker_id)
        if old is not None and old is not connection:
            # The worker reconnected before this server saw its old socket die.
            asyncio.create_task(old.close(1000, "replaced by a new connection"))
        self.connections[connection.worker_id] = connection
        self.wake()

    def detach(self, connection: WorkerConnection) -> None:
        if self.connections.get(connection.worker_id) is connection:
            del self.connections[connection.worker_id]

    def ready(self, connection: WorkerConnection) -> None:
        """The worker says it trains nothing. It is offered a run once the server, too,
        counts no run as held by it (`_dispatch`): a Ready that crosses a run's deletion
        is kept, not lost, and `forget` then lets the worker take the next run."""
        connection.idle = True
        self.wake()

    def forget(self, run_id: str) -> None:
        """A deleted run is held by no one: its worker may take the next run as soon as
        it has said it is ready (it learns of the deletion on its own, from a refusal)."""
        for connection in self.connections.values():
            connection.runs.pop(run_id, None)
        self.wake()

    def largest_memory(self) -> int | None:
        """The most memory any connected worker has, when they say."""
        known = [c.memory_bytes for c in self.connections.values() if c.memory_bytes]
        return max(known) if known else None

    def largest_device(self) -> DeviceMemory | None:
        """The device of the connected worker with the most memory (what a run's memory
        estimate is held to), when one says."""
        known = [c for c in self.connections.values() if c.memory_bytes]
        if not known:
            return None
        biggest = max(known, key=lambda c: c.memory_bytes or 0)
        kind, name = label_parts(biggest.device)
        return DeviceMemory(name=name, type=kind, memory_bytes=biggest.memory_bytes or 0)

    async def send_control(
        self, run_id: str, worker_id: str, action: ControlAction, reason: str = ""
    ) -> bool:
        connection = self.connections.get(worker_id)
        held = connection.runs.get(run_id) if connection else None
        if connection is None or held is None:
            return False  # it is told when it reconnects (see WorkerSession)
        message = ControlRequest(run=run_id, attempt=held.attempt, action=action, reason=reason)
        return await connection.send(message)

    # -- the loop -------------------------------------------------------------------------

    async def _loop(self) -> None:
        tick = min(self.timers.heartbeat_s, self.timers.lease_s / 4)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), tick)
            self._wake.clear()
            try:
                await self._drop_silent()
                await self._reap()
                await self._dispatch()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database was busy or gone: try again next tick
                log.exception("scheduler pass failed")

    def _fresh(self, connection: WorkerConnection) -> bool:
        return not connection.closed and connection.silent_for() <= self.timers.lease_s

    async def _drop_silent(self) -> None:
        for connection in list(self.connections.values()):
            if not self._fresh(connection):
                log.warning(
                    "worker %s (%s): silent for %.1f s; closing its connection",
                    connection.worker_id,
                    connection.name,
                    connection.silent_for(),
                )
                self.detach(connection)
                await connection.close(1001, "no heartbeat")

    async def _reap(self) -> None:
        expired = await in_session(self.database, leases.expired_leases)
        if not expired:
            return
        alive = [
            lease.owner
            for lease in expired
            if lease.owner in self.connections and self._fresh(self.connections[lease.owner])
        ]
        if alive:
            await in_session(
                self.database, lambda s: leases.renew_all(s, alive, self.timers.lease_s)
            )
        for lease in expired:
            if lease.owner in alive:
                continue
            reason = (
                f"lease expired: worker {lease.owner} was not heard from "
                f"for {self.timers.lease_s:g} s"
            )
            await self._expire(lease, reason)

    async def _expire(self, lease: leases.ExpiredLease, reason: str) -> None:
        def work(session: Session) -> leases.StatusChange | None:
            return leases.expire_lease(session, lease, reason)

        change = await store_and_publish(self.database, self.hub, lease.run_id, work, status_event)
        if change is None:
            return
        log.warning("run %s: %s -> %s", lease.run_id, reason, change.status)
        connection = self.connections.get(lease.owner)
        if connection is not None:
            connection.runs.pop(lease.run_id, None)
        await publish_record(self.database, self.hub, lease.run_id)
        self.wake()

    async def _dispatch(self) -> None:
        for connection in list(self.connections.values()):
            if not connection.idle or connection.runs or not self._fresh(connection):
                continue
            await self._offer(connection)

    async def _offer(self, connection: WorkerConnection) -> None:
        max_active = self.settings.max_active_runs_per_client

        def work(session: Session) -> Lease | None:
            grant = leases.grant_lease(
                session,
                connection.worker_id,
                connection.memory_bytes,
                self.timers.lease_s,
                max_active,
                max_processes=connection.processes,
            )
            return lease_message(grant) if grant is not None else None

        lease = await in_session(self.database, work)
        if lease is None:
            return
        connection.idle = False
        connection.runs[lease.run] = HeldRunState(lease.attempt, lease.fencing)
        log.info(
            "run %s: attempt %d leased to worker %s (%s)",
            lease.run,
            lease.attempt,
            connection.worker_id,
            connection.name,
        )
        # Sent on its own task: a worker whose socket stopped draining holds up its own
        # lease (until the send times out and the run goes back), not every other one.
        task = asyncio.create_task(self._deliver(connection, lease), name=f"lease-{lease.run}")
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, connection: WorkerConnection, lease: Lease) -> None:
        try:
            if not await connection.send(lease):
                connection.runs.pop(lease.run, None)
                await self.release(
                    lease.run, connection.worker_id, lease.fencing, "the worker went away"
                )
                return
            await publish_record(self.database, self.hub, lease.run)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database was busy or gone: the lease expires, and is redone
            log.exception("run %s: delivering its lease failed", lease.run)

    async def release(self, run_id: str, worker_id: str, fencing: int, reason: str) -> None:
        """Hand a run back to the queue without counting a failed attempt."""

        def work(session: Session) -> leases.StatusChange:
            return leases.release_lease(session, run_id, worker_id, fencing, reason)

        await store_and_publish(self.database, self.hub, run_id, work, status_event)
        await publish_record(self.database, self.hub, run_id)
        self.wake()
