"""The server's sweep runner: one task that drives every open sweep.

Sweeps wait in the database (status `running` or `stopping`), their studies in
Optuna's tables beside them, so a restart loses none: on start, and on every wake-up
(a sweep was created or stopped) or at least every `TICK_S`, each open sweep's driver
takes a step in a worker thread (Optuna's storage and the store are synchronous):
it follows its trials' runs, reports their epoch metrics to Optuna, and queues new
runs up to `parallel`. The stops it asks for (prunes, a stopping sweep's runs) are
then carried out here, on the event loop, as a person's stop is (store, publish, tell
the worker). A sweep whose trials have all ended is `completed` (or `stopped`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

import anyio.to_thread
from optuna.storages import RDBStorage
from sqlalchemy.orm import Session

from layerlab.messages import Message
from layerlab.server.database import in_session
from layerlab.server.settings import Settings
from layerlab.server.sweeps.trials import RunTrials
from layerlab.server.viewers.hub import Hub
from layerlab.server.viewers.publish import publish_record, status_event, store_and_publish
from layerlab.server.workers.scheduler import Scheduler
from layerlab.store import run_control
from layerlab.store import sweeps as sweep_store
from layerlab.store.db import Database
from layerlab.store.runs import RunNotFound
from layerlab.store.studies import close_storage, open_storage
from layerlab.store.tables import Sweep
from layerlab.sweeps.driver import SweepDriver
from layerlab.sweeps.spec import SweepSpec
from layerlab.sweeps.study import create_study

log = logging.getLogger(__name__)

TICK_S = 0.5
"""Longest wait between two passes: how soon an epoch's value reaches Optuna."""


@dataclass
class _Followed:
    driver: SweepDriver
    trials: RunTrials


class SweepRunner:
    def __init__(self, database: Database, settings: Settings, hub: Hub, scheduler: Scheduler):
        self.database = database
        self.settings = settings
        self.hub = hub
        self.scheduler = scheduler
        self.storage: RDBStorage | None = None
        self._followed: dict[str, _Followed] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        self.storage = await anyio.to_thread.run_sync(open_storage, self.settings.db_url)
        self._task = asyncio.create_task(self._loop(), name="layerlab-sweeps")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.storage is not None:
            await anyio.to_thread.run_sync(close_storage, self.storage)

    def wake(self) -> None:
        self._wake.set()

    @asynccontextmanager
    async def holding(self, sweep_id: str) -> AsyncIterator[None]:
        """Hold while changing a sweep outside its driver (deleting it)."""
        lock = self._locks.setdefault(sweep_id, asyncio.Lock())
        async with lock:
            yield

    def forget(self, sweep_id: str) -> None:
        self._followed.pop(sweep_id, None)
        self._locks.pop(sweep_id, None)

    def study_storage(self) -> RDBStorage:
        assert self.storage is not None, "the sweep runner has not started"
        return self.storage

    # -- the loop -----------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), TICK_S)
            self._wake.clear()
            try:
                sweeps = await in_session(self.database, sweep_store.open_sweeps)
                for sweep_id in [sweep.id for sweep in sweeps]:
                    async with self.holding(sweep_id):
                        # Read again under the lock: deleted or ended meanwhile?
                        sweep = await in_session(self.database, partial(_open, sweep_id=sweep_id))
                        if sweep is None:
                            self.forget(sweep_id)
                            continue
                        await self._step(sweep)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database was busy or gone: try again next tick
                log.exception("sweep pass failed")

    async def _step(self, sweep: Sweep) -> None:
        followed = self._followed.get(sweep.id)
        if followed is None:
            followed = await anyio.to_thread.run_sync(self._follow, sweep)
            self._followed[sweep.id] = followed
        stopping = sweep.status == "stopping"
        followed.trials.largest_memory = self.scheduler.largest_memory()
        result = await anyio.to_thread.run_sync(followed.driver.step, stopping)
        prunes, stops = followed.trials.take()
        for run_id, reason in prunes:
            await self._stop_run(run_id, reason, pruned=True)
        for run_id in stops:
            await self._stop_run(run_id, "the sweep was stopped", pruned=False)
        if result.launched:
            self.scheduler.wake()
        if result.done:
            status: sweep_store.SweepStatus = "stopped" if stopping else "completed"
            message = (
                (sweep.message or Message("sweep.stopped"))
                if stopping
                else Message("sweep.all_ended")
            )
            await in_session(
                self.database, lambda s: sweep_store.end_sweep(s, sweep.id, status, message)
            )
            log.info("sweep %s: %s", sweep.id, status)
            self._followed.pop(sweep.id, None)

    def _follow(self, sweep: Sweep) -> _Followed:
        spec = SweepSpec.model_validate(sweep.spec)
        study = create_study(self.study_storage(), sweep.id, spec)  # or the one there
        trials = RunTrials(
            self.database,
            self.settings,
            sweep.id,
            sweep.client_id,
            spec.objective.metric,
        )
        return _Followed(SweepDriver(study, spec, sweep.document, trials), trials)

    async def _stop_run(self, run_id: str, reason: str, pruned: bool) -> None:
        """Stop a trial's run as a person's stop does; as `pruned` when pruned."""

        def record(session: Session) -> run_control.ControlOutcome | None:
            if pruned:
                sweep_store.mark_pruned(session, run_id)
            try:
                return run_control.request_control(session, run_id, "stop")
            except (RunNotFound, run_control.RunConflict):  # ended (or gone) meanwhile
                session.rollback()
                return None

        outcome = await store_and_publish(self.database, self.hub, run_id, record, status_event)
        if outcome is None:
            return
        if outcome.notify_worker is not None:
            await self.scheduler.send_control(run_id, outcome.notify_worker, "stop", reason)
        await publish_record(self.database, self.hub, run_id)


def _open(session: Session, *, sweep_id: str) -> Sweep | None:
    """The sweep, while it is open (None: deleted or ended)."""
    try:
        sweep = sweep_store.get_sweep(session, sweep_id)
    except sweep_store.SweepNotFound:
        return None
    return sweep if sweep.status in sweep_store.OPEN_SWEEP_STATUSES else None
