"""A run attempt's events on their way to the server, kept until acknowledged.

The training thread adds events; the network loop cuts them into numbered batches,
sends them, and forgets a batch when the server acknowledges it. After a reconnect
every unacknowledged batch is sent again, with the same batch_seq, so the server
stores it once. While the server is unreachable training goes on: the buffer is
bounded, and past the bound sampled telemetry is dropped (and counted) while the
event types that `train/events.py` declares `essential` are always kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque

from layerlab.train.events import ActivationsEvent, Event, LogEvent, SamplesEvent
from layerlab.worker.protocol import MAX_BATCH_EVENTS, EventBatch

MAX_BATCH_BYTES = 2 * 2**20
"""Roughly: a batch closes once its events' JSON passes this (samples events are large)."""


class Outbox:
    def __init__(self, run: str, attempt: int, fencing: int, max_events: int = 20_000):
        self.run = run
        self.attempt = attempt
        self.fencing = fencing
        self.max_events = max_events
        self._pending: deque[Event] = deque()
        self._unacked: OrderedDict[int, EventBatch] = OrderedDict()
        self._buffered = 0
        self._next_batch = 1
        self._dropped = 0
        self._lock = threading.Lock()

    def add(self, event: Event) -> bool:
        """Queue an event (any thread); False if it was dropped for want of room."""
        with self._lock:
            if self._buffered >= self.max_events and not event.essential:
                self._dropped += 1
                return False
            if self._dropped and self._buffered < self.max_events // 2:
                self._pending.append(self._drop_note(event))
                self._buffered += 1
            self._pending.append(event)
            self._buffered += 1
            return True

    def _drop_note(self, event: Event) -> LogEvent:
        note = LogEvent(
            seq=event.seq,
            run=self.run,
            step=event.step,
            epoch=event.epoch,
            time=event.time,
            level="warning",
            message=f"{self._dropped} telemetry events were dropped while the server "
            "was unreachable",
        )
        self._dropped = 0
        return note

    def cut(self) -> EventBatch | None:
        """The next batch of pending events, numbered and kept until acknowledged."""
        with self._lock:
            if not self._pending:
                return None
            events: list[Event] = []
            size = 0
            while self._pending and len(events) < MAX_BATCH_EVENTS and size < MAX_BATCH_BYTES:
                event = self._pending.popleft()
                events.append(event)
                if isinstance(event, SamplesEvent | ActivationsEvent):
                    size += len(event.model_dump_json())
            batch = EventBatch(
                run=self.run,
                attempt=self.attempt,
                fencing=self.fencing,
                batch_seq=self._next_batch,
                events=events,
            )
            self._next_batch += 1
            self._unacked[batch.batch_seq] = batch
            return batch

    def ack(self, batch_seq: int) -> None:
        with self._lock:
            batch = self._unacked.pop(batch_seq, None)
            if batch is not None:
                self._buffered -= len(batch.events)

    def unacked(self) -> list[EventBatch]:
        """Batches sent and not acknowledged, oldest first (to send again)."""
        with self._lock:
            return list(self._unacked.values())

    def empty(self) -> bool:
        with self._lock:
            return not self._pending and not self._unacked

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._unacked.clear()
            self._buffered = 0

    @property
    def buffered(self) -> int:
        return self._buffered

    @property
    def dropped(self) -> int:
        return self._dropped
