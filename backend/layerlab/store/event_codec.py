"""Typed events (`layerlab.train.events`) to and from rows of the event log.

The envelope's fields are columns; the rest of the event is the row's payload
(`NewEvent` is an event in that form, before it has a seq). The two directions are
exact inverses, so an event read back from the database serializes to the same JSON
as the one the worker sent.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from layerlab.store.tables import RunEvent
from layerlab.train.events import EVENT_ADAPTER, Event

ENVELOPE = frozenset({"seq", "run", "type", "step", "epoch", "time"})


class NewEvent(BaseModel):
    """An event before it has a seq: the envelope's fields and the rest as payload
    (for a `metrics` event, `{"values": {...}, "nonfinite": [...]}`)."""

    model_config = ConfigDict(frozen=True)

    type: str = Field(min_length=1, max_length=16)
    step: int = Field(ge=0)
    epoch: int | None = Field(default=None, ge=0)
    time: float = Field(ge=0)
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("time")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("time must be finite")
        return value


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
