"""Live fan-out of runs to their viewers, in this server process.

Whoever stores a run's events (worker ingestion, the scheduler's status changes) does
so under the run's `writing` lock and publishes them before releasing it, so each
run's events reach the hub in seq order, without gaps. A viewer subscribes before it
reads the stored history, so an event is either in what it read or in its queue (or
both: it skips seqs it has sent).

Publishing never waits for a viewer. Each subscription is a bounded queue; one that
overflows (its viewer does not keep up) drops what it holds and is marked, and its
viewer is told to `resync` (see `viewers/stream.py`). Every event is serialized once,
whatever the number of viewers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from layerlab.server.runs.settings import RunSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventItem:
    seq: int
    json: str
    """The event's JSON, as it goes out in an `events` frame."""


@dataclass(frozen=True)
class RunItem:
    json: str
    """A whole `run` message (the run's record after a status change)."""


Item = EventItem | RunItem


@dataclass
class Taken:
    items: list[Item]
    overflowed: bool
    """Events were dropped since the last take (the viewer fell behind)."""


@dataclass(eq=False)  # kept in sets: each subscription is its own
class Subscription:
    run_id: str
    max_events: int
    max_bytes: int
    queue: deque[Item] = field(default_factory=deque)
    events: int = 0
    bytes: int = 0
    overflowed: bool = False
    closed: bool = False
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def put(self, items: list[Item], count: int, size: int) -> bool:
        """Queue `items` (`count` events, `size` bytes of JSON in all); True if that
        overflowed the queue (and dropped what it held)."""
        if self.closed:
            return False
        overflow = False
        if self.events + count > self.max_events or self.bytes + size > self.max_bytes:
            # Too far behind: drop what waits (run messages are kept: they are few
            # and say where the run stands) and go on from the newest.
            self.queue = deque(i for i in self.queue if isinstance(i, RunItem))
            self.events, self.bytes = 0, sum(len(i.json) for i in self.queue)
            self.overflowed = overflow = True
        self.queue.extend(items)
        self.events += count
        self.bytes += size
        self._wake.set()
        return overflow

    def take_now(self) -> Taken:
        items = list(self.queue)
        taken = Taken(items, self.overflowed)
        self.queue.clear()
        self.events = self.bytes = 0
        self.overflowed = False
        self._wake.clear()
        return taken

    async def take(self) -> Taken:
        """What is queued, waiting until something is."""
        while not self.queue and not self.overflowed and not self.closed:
            await self._wake.wait()
            self._wake.clear()
        return self.take_now()

    def close(self) -> None:
        self.closed = True
        self._wake.set()


@dataclass(frozen=True)
class HubStats:
    runs: int
    subscribers: int
    queued_events: int
    queued_bytes: int
    max_subscriber_bytes: int
    overflows: int


class Hub:
    def __init__(self, settings: RunSettings):
        self.settings = settings
        self._subscribers: dict[str, set[Subscription]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.overflows = 0
        """Times a viewer fell behind and was resynced, since the server started."""

    @asynccontextmanager
    async def writing(self, run_id: str) -> AsyncIterator[None]:
        """Hold while storing a run's events and publishing them: one writer per run."""
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        async with lock:
            yield

    def subscribe(self, run_id: str) -> Subscription:
        subscription = Subscription(
            run_id, self.settings.viewer_queue_events, self.settings.viewer_queue_bytes
        )
        self._subscribers.setdefault(run_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        subscribers = self._subscribers.get(subscription.run_id)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[subscription.run_id]

    def publish_events(self, run_id: str, events: list[EventItem]) -> None:
        if not events:
            return
        items: list[Item] = list(events)
        size = sum(len(e.json) for e in events)
        for subscription in self._subscribers.get(run_id, ()):
            self.overflows += subscription.put(items, len(events), size)

    def publish_run(self, run_id: str, message_json: str) -> None:
        item = RunItem(message_json)
        for subscription in self._subscribers.get(run_id, ()):
            self.overflows += subscription.put([item], 0, len(message_json))

    def close_run(self, run_id: str) -> None:
        """The run is gone (deleted): end its viewers' streams."""
        for subscription in list(self._subscribers.get(run_id, ())):
            subscription.close()
        self._locks.pop(run_id, None)

    def stats(self) -> HubStats:
        subs = [s for group in self._subscribers.values() for s in group]
        return HubStats(
            runs=len(self._subscribers),
            subscribers=len(subs),
            queued_events=sum(s.events for s in subs),
            queued_bytes=sum(s.bytes for s in subs),
            max_subscriber_bytes=max((s.bytes for s in subs), default=0),
            overflows=self.overflows,
        )
