"""Numbering, timing and throttling of a run's events, then handing them to a sink.

The sink is any callable taking an `Event` (the worker's uploader, the CLI's printer, a
test's list.append). Status, health, checkpoint and log events always pass; sampled
telemetry asks `allow()` first, a token bucket that holds the stream to
`max_events_per_s` however fast the loop runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from layerlab.train.events import Event

log = logging.getLogger(__name__)

EventSink = Callable[[Event], None]
E = TypeVar("E", bound=Event)
Clock = Callable[[], float]
"""Seconds, monotonic: what a run's rate caps, throughput and event times read."""


class TokenBucket:
    """At most `rate` takes per second on average, bursts of up to max(1, rate)."""

    def __init__(self, rate: float, clock: Clock = time.monotonic):
        self.rate, self.clock = rate, clock
        self.tokens = max(1.0, rate)
        self.refilled = clock()

    def ready(self) -> bool:
        """Whether a take would succeed now (takes nothing)."""
        now = self.clock()
        self.tokens = min(max(1.0, self.rate), self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        return self.tokens >= 1.0

    def take(self) -> bool:
        if self.ready():
            self.tokens -= 1.0
            return True
        return False


class EventStream:
    def __init__(
        self,
        run: str,
        sink: EventSink | None = None,
        *,
        next_seq: int = 1,
        elapsed: float = 0.0,
        max_events_per_s: float = 20.0,
        clock: Clock = time.monotonic,
    ):
        self.run = run
        self.sink = sink
        self.next_seq = next_seq
        self.clock = clock
        self._clock_origin = clock() - elapsed
        self._bucket = TokenBucket(max_events_per_s, clock)
        self._lock = threading.Lock()
        self.dropped = 0
        """Sampled events skipped by the rate cap (their measurements were not taken)."""

    def elapsed(self) -> float:
        """Seconds since the run started, across resumes."""
        return self.clock() - self._clock_origin

    def allow(self) -> bool:
        """Whether a sampled event may go out now; call before measuring, to skip the cost."""
        if self._bucket.take():
            return True
        self.dropped += 1
        return False

    def emit(self, cls: type[E], step: int, epoch: int | None, **payload: Any) -> E:
        """Build the event with the next sequence number and hand it to the sink."""
        with self._lock:
            event = cls(
                seq=self.next_seq,
                run=self.run,
                step=step,
                epoch=epoch,
                time=round(self.elapsed(), 4),
                **payload,
            )
            self.next_seq += 1
            if self.sink is not None:
                self.sink(event)
        return event
