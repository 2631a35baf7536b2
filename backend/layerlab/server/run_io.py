"""The run system's two ways out of the event loop: database work in a thread, and
telling viewers what changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from sqlalchemy.orm import Session

from layerlab.server.hub import EventItem, Hub
from layerlab.server.run_schemas import RunRecord
from layerlab.server.viewer_protocol import ViewerRun
from layerlab.store.db import Database
from layerlab.store.event_codec import to_event
from layerlab.store.runs import RunNotFound, get_run
from layerlab.store.tables import RunEvent

T = TypeVar("T")


async def in_session(database: Database, work: Callable[[Session], T]) -> T:
    """`work(session)` in a worker thread (the store is synchronous)."""

    def run() -> T:
        with database.session() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)


def event_items(rows: list[RunEvent]) -> list[EventItem]:
    return [EventItem(row.seq, to_event(row).model_dump_json()) for row in rows]


async def publish_record(database: Database, hub: Hub, run_id: str) -> RunRecord | None:
    """Send the run's current record to its viewers; returns it (None if deleted)."""

    def read(session: Session) -> RunRecord | None:
        try:
            return RunRecord.of(get_run(session, run_id))
        except RunNotFound:
            return None

    record = await in_session(database, read)
    if record is not None:
        hub.publish_run(run_id, ViewerRun(run=record).model_dump_json())
    return record
