"""Reading each step's loss on the host, for divergence and for the charts.

On the CPU a read is free, so every phase's loss is checked at once, before its update
is applied. On an accelerator a read makes the host wait until the device has finished
everything queued so far, which stalls small models that are bound by kernel
launches. There the step's loss is copied to pinned host memory without blocking, and
read one step later, after the next step is queued: the host waits only for the work
of the step it reads. A non-finite loss then stops the run one step after it occurred
(still "within one step"), its last update applied; checkpoints refuse non-finite
weights, so the last finite checkpoint stays the latest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


class Diverged(Exception):
    """A non-finite loss: the run stops as `diverged`."""

    def __init__(self, step: int, loss: float, applied: bool):
        detail = "read after its update" if applied else "its update was not applied"
        super().__init__(f"loss became {loss} at step {step}; {detail}")
        self.step = step
        self.loss = loss
        self.applied = applied


@dataclass
class _Pending:
    step: int
    value: torch.Tensor  # pinned host scalar, filled by a non-blocking copy
    done: torch.cuda.Event


class LossWatch:
    def __init__(self, device: torch.device):
        self.lagged = device.type == "cuda"
        self._pending: _Pending | None = None
        if self.lagged:
            # Two pinned slots and events, reused: step s writes slot s % 2, whose last
            # reader (step s - 2) was read back at step s - 1.
            self._slots = torch.empty(2, pin_memory=True)
            self._events = [torch.cuda.Event() for _ in range(2)]  # type: ignore[no-untyped-call]

    def check_phase(self, loss: torch.Tensor, step: int) -> None:
        """Before a phase's update: on the CPU, stop here if its loss is not finite."""
        if not self.lagged:
            value = float(loss.detach())
            if not math.isfinite(value):
                raise Diverged(step, value, applied=False)

    def step_done(self, step: int, loss: torch.Tensor) -> list[tuple[int, float]]:
        """After a step: the (step, loss) pairs now known on the host: this step's on the
        CPU, the previous step's on an accelerator. Raises Diverged for a non-finite one."""
        if not self.lagged:
            return self._finite([(step, float(loss))])
        known = self.flush()  # the previous step: its work is done or nearly so
        host, done = self._slots[step % 2], self._events[step % 2]
        host.copy_(loss.detach(), non_blocking=True)
        done.record()
        self._pending = _Pending(step, host, done)
        return known

    def flush(self) -> list[tuple[int, float]]:
        """The step still in flight, waiting for it (at epoch ends and before a save)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return []
        pending.done.synchronize()
        return self._finite([(pending.step, float(pending.value))])

    def _finite(self, known: list[tuple[int, float]]) -> list[tuple[int, float]]:
        for step, value in known:
            if not math.isfinite(value):
                raise Diverged(step, value, applied=self.lagged)
        return known
