"""Telemetry's device values, read on the host without making the host wait.

On the CPU a read is free, so a value is handed on at once (`submit` calls its `then`).
On CUDA, reading a tensor (`.tolist()`, `float()`) waits until the device has finished
everything queued so far: a small model, bound by kernel launches, would idle the GPU at
every measurement. There `submit` queues a non-blocking copy into pinned host memory and
records an event behind it; a later `poll` (the next steps') hands on each value whose
event says the copy has landed, in the order submitted. `flush` waits for what is still
in flight, at the places that sync anyway (epoch ends, checkpoints, a pause, the run's
end), so nothing measured is lost.

Events therefore go out a step or more after the step they measured, carrying that
step's number. If the host gets MAX_IN_FLIGHT reads ahead of the device, `poll` waits
for the oldest: only its copy, while later steps stay queued on the device.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import torch

MAX_IN_FLIGHT = 8
"""Reads pending at most; past it the oldest is waited for."""

Then = Callable[[list[float]], None]


@dataclass
class _Read:
    host: torch.Tensor
    """The values on the host: pinned memory a copy is filling (CUDA), or the values."""
    done: torch.cuda.Event | None
    """Recorded after the copy (CUDA); None: ready."""
    then: Then


class Readback:
    def __init__(self, device: torch.device, lagged: bool | None = None):
        self.lagged = device.type == "cuda" if lagged is None else lagged
        """Hand values on later (CUDA). Tests set it on the CPU to run the lagged path."""
        self._pending: deque[_Read] = deque()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def submit(self, values: torch.Tensor, then: Then) -> None:
        """Hand `values` (a 1-D float tensor) to `then` as floats: now on the CPU, from a
        later `poll` or `flush` when lagged."""
        if not self.lagged:
            then(values.tolist())
            return
        if values.device.type != "cuda":
            self._pending.append(_Read(values.detach().clone(), None, then))
            return
        host = torch.empty(values.shape, dtype=values.dtype, pin_memory=True)
        host.copy_(values.detach(), non_blocking=True)
        done = torch.cuda.Event()  # type: ignore[no-untyped-call]
        done.record()
        self._pending.append(_Read(host, done, then))

    def poll(self) -> None:
        """Hand on, in order, every value whose copy has landed; never waits, except for
        the oldest reads past MAX_IN_FLIGHT."""
        while self._pending:
            read = self._pending[0]
            if read.done is not None and not read.done.query():  # type: ignore[no-untyped-call]
                if len(self._pending) <= MAX_IN_FLIGHT:
                    return
                read.done.synchronize()  # only this copy, not the work queued after it
            self._pending.popleft()
            read.then(read.host.tolist())

    def flush(self) -> None:
        """Hand on everything still in flight, waiting for it."""
        while self._pending:
            read = self._pending.popleft()
            if read.done is not None:
                read.done.synchronize()
            read.then(read.host.tolist())
