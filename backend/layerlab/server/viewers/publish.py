"""How a run's changes reach its viewers.

Whoever stores events of a run (a worker's batch, a status change the server makes)
does it through `store_and_publish`: under the run's writing lock, store, then publish
what was stored before the lock is released, so each run's events reach the hub in seq
order, without gaps (see hub.py). After a status change, `publish_record` sends the
run's record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from layerlab.server.database import in_session
from layerlab.server.runs.schemas import RunRecord
from layerlab.server.viewers.hub import EventItem, Hub
from layerlab.server.viewers.protocol import ViewerRun
from layerlab.store.db import Database
from layerlab.store.event_codec import to_event
from layerlab.store.runs import RunNotFound, get_run
from layerlab.store.tables import RunEvent

T = TypeVar("T")


class StatusChanged(Protocol):
    """A change that may have stored a status event of its run (leases, run control)."""

    @property
    def event(self) -> RunEvent | None: ...


def event_items(rows: list[RunEvent]) -> list[EventItem]:
    return [EventItem(row.seq, to_event(row).model_dump_json()) for row in rows]


def status_event(change: StatusChanged | None) -> list[EventItem]:
    """The status event `change` stored, if it stored one."""
    if change is None or change.event is None:
        return []
    return event_items([change.event])


async def store_and_publish(
    database: Database,
    hub: Hub,
    run_id: str,
    store: Callable[[Session], T],
    stored: Callable[[T], list[EventItem]],
) -> T:
    """`store(session)` in a worker thread under the run's writing lock, then publish
    the events `stored(result)` names, still under the lock; returns the result."""
    async with hub.writing(run_id):
        result = await in_session(database, store)
        hub.publish_events(run_id, stored(result))
    return result


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
