"""Stop, pause and resume a run from another thread (the worker, a signal handler).

The loop calls `checkpoint()` at the start of every step, so a request takes effect
within one step. Pausing blocks the training thread inside `checkpoint()` until
`resume()` or `stop()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal, get_args

from layerlab.messages import Message

HeldRequest = Literal["pause", "stop"]
"""A request a run holds until it is done (the server keeps it for a worker that is away)."""
ControlAction = Literal[HeldRequest, "resume"]
"""What a person may ask of a run."""
HELD_REQUESTS: tuple[HeldRequest, ...] = get_args(HeldRequest)


class StopRequested(Exception):
    """Raised inside the loop when a stop was requested; the run ends as `stopped`."""

    @property
    def reason(self) -> str:
        """The stop's reason as given (a catalog Message keeps its key and parameters)."""
        reason: str = self.args[0] if self.args else ""
        return reason


class Control:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._stop_reason: str | None = None
        self._paused = False

    def stop(self, reason: str | None = None) -> None:
        with self._changed:
            reason = reason or Message("run.stopped_on_request")
            self._stop_reason = reason
            self._changed.notify_all()

    def pause(self) -> None:
        with self._changed:
            self._paused = True
            self._changed.notify_all()

    def resume(self) -> None:
        with self._changed:
            self._paused = False
            self._changed.notify_all()

    @property
    def stop_requested(self) -> bool:
        return self._stop_reason is not None

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason

    @property
    def paused(self) -> bool:
        return self._paused

    def checkpoint(
        self,
        on_pause: Callable[[], None] = lambda: None,
        on_resume: Callable[[], None] = lambda: None,
    ) -> None:
        """Between steps: raise StopRequested, or block while paused (calling
        `on_pause` before waiting and `on_resume` after)."""
        if self._stop_reason is not None:
            raise StopRequested(self._stop_reason)
        if not self._paused:
            return
        on_pause()
        with self._changed:
            while self._paused and self._stop_reason is None:
                self._changed.wait()
        if self._stop_reason is not None:
            raise StopRequested(self._stop_reason)
        on_resume()
