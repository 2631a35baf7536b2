"""Deleting a run: its worker is told to stop, its events, checkpoints and records go,
its viewers' streams end and the scheduler forgets it. `DELETE /api/runs/{id}` and
`DELETE /api/sweeps/{id}` (a sweep's trials) both delete runs this way."""

from __future__ import annotations

import anyio.to_thread

from layerlab.server.database import in_session
from layerlab.server.runs.checkpoint_files import CheckpointFiles
from layerlab.server.settings import Settings
from layerlab.server.viewers.hub import Hub
from layerlab.server.workers.scheduler import Scheduler
from layerlab.store import run_control
from layerlab.store.db import Database
from layerlab.store.runs import get_run


async def remove_run(
    run_id: str, settings: Settings, database: Database, hub: Hub, scheduler: Scheduler
) -> None:
    """Delete the run; raises RunNotFound."""
    run = await in_session(database, lambda s: get_run(s, run_id))
    if run.lease_owner is not None:
        # Its worker stops at once; whatever it sends afterwards is refused (not_found).
        await scheduler.send_control(run_id, run.lease_owner, "stop", "deleted")
    async with hub.writing(run_id):  # no writer of the run's events meanwhile
        paths = await in_session(database, lambda s: run_control.delete_run(s, run_id))
    hub.close_run(run_id)
    scheduler.forget(run_id)
    files = CheckpointFiles(settings.checkpoints)
    await anyio.to_thread.run_sync(lambda: files.delete_run(run_id, paths))
