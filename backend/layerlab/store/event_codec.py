"""Typed events (`layerlab.train.events`) to and from rows of the event log.

The envelope's fields are columns; the rest of the event is the row's payload. The
two directions are exact inverses, so an event read back from the database
serializes to the same JSON as the one the worker sent.
"""

from __future__ import annotations

from typing import Any

from layerlab.store.events import NewEvent
from layerlab.store.tables import RunEvent
from layerlab.train.events import EVENT_ADAPTER, Event

ENVELOPE = frozenset({"seq", "run", "type", "step", "epoch", "time"})


def to_new_event(event: Event) -> NewEvent:
    payload: dict[str, Any] = event.model_dump(mode="json", exclude=set(ENVELOPE))
    return NewEvent(
        type=event.type, step=event.step, epoch=event.epoch, time=event.time, payload=payload
    )


def to_event(row: RunEvent) -> Event:
    return EVENT_ADAPTER.validate_python(
        {
            **row.payload,
            "seq": row.seq,
            "run": row.run_id,
            "type": row.type,
            "step": row.step,
            "epoch": row.epoch,
            "time": row.time,
        }
    )
