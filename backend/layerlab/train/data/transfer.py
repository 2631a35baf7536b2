"""How a lazy feed's batches reach the training device (feed.py fetches them on the host).

- On a CPU (or any device but CUDA) a batch is moved and finished as it is taken, as
  before: no pinning (pinned memory needs CUDA), nothing ahead.
- On a CUDA device the batch is in pinned host memory (the loader's pin thread put it
  there, or `start` does), and its copy is issued with non_blocking=True on a side
  stream one batch ahead: the copy of batch k+1 runs while the step of batch k computes
  on the consumer stream. `ready` makes the consumer stream wait on the copy's event
  and records the copied tensors on the consumer stream, so the caching allocator does
  not hand their memory to the next copy while the step still reads it.

The stream calls go through `Streams`, so a test on a machine without a GPU can stand
in a fake and watch the order of copies, events and waits (tests/train/test_prefetch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from layerlab.train.data.lazy import Batch

Finish = Callable[[torch.Tensor, torch.Tensor], Batch]
"""A part's last touch on the device (lazy.py `LazyPart.finish`)."""


class Streams:
    """The CUDA calls the prefetch needs, in one place (a fake replaces it in tests)."""

    def __init__(self, device: torch.device):
        self.device = device

    def side(self) -> Any:
        return torch.cuda.Stream(device=self.device)  # type: ignore[no-untyped-call]

    def current(self) -> Any:
        return torch.cuda.current_stream(self.device)

    def on(self, stream: Any) -> Any:
        """A context in which kernels and copies go to `stream`."""
        return torch.cuda.stream(stream)

    def event(self) -> Any:
        return torch.cuda.Event()  # type: ignore[no-untyped-call]

    def pinned(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor if tensor.is_pinned() else tensor.pin_memory()

    def record(self, tensor: torch.Tensor, stream: Any) -> None:
        tensor.record_stream(stream)


class Transfer:
    """Moves fetched host batches to the device: `start` begins a batch's copy, `ready`
    hands it, finished, to the step. This base moves and finishes at once."""

    ahead = False
    """Whether `batches` starts each copy a batch ahead of its step."""

    def __init__(self, device: torch.device, finish: Finish):
        self.device, self.finish = device, finish

    def start(self, batch: Batch) -> Any:
        x, y = batch
        return x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)

    def ready(self, started: Any) -> Batch:
        x, y = started
        return self.finish(x, y)

    def batches(self, fetched: Iterable[Batch]) -> Iterator[Batch]:
        """The fetched batches on the device, in the same order."""
        if not self.ahead:
            for batch in fetched:
                yield self.ready(self.start(batch))
            return
        pending: Any = None
        for batch in fetched:
            started = self.start(batch)  # batch k+1's copy, issued before batch k's step
            if pending is not None:
                yield self.ready(pending)
            pending = started
        if pending is not None:
            yield self.ready(pending)


@dataclass
class InFlight:
    """A batch whose copy was issued on the side stream; `copied` fires when it lands."""

    x: torch.Tensor
    y: torch.Tensor
    copied: Any


class StreamTransfer(Transfer):
    """Pinned host batches copied on a side stream, one batch ahead (module docstring)."""

    ahead = True

    def __init__(self, device: torch.device, finish: Finish, streams: Streams | None = None):
        super().__init__(device, finish)
        self.streams = streams or Streams(device)
        self.stream = self.streams.side()

    def start(self, batch: Batch) -> InFlight:
        x, y = (self.streams.pinned(t) for t in batch)  # a pageable copy would block the host
        with self.streams.on(self.stream):
            x = x.to(self.device, non_blocking=True)
            y = y.to(self.device, non_blocking=True)
            copied = self.streams.event()
            copied.record(self.stream)
        return InFlight(x, y, copied)

    def ready(self, started: InFlight) -> Batch:
        consumer = self.streams.current()
        consumer.wait_event(started.copied)  # the step's kernels wait for the copy, not the host
        for tensor in (started.x, started.y):
            self.streams.record(tensor, consumer)  # allocated on the side stream, read here
        return self.finish(started.x, started.y)


def transfer_for(device: torch.device, finish: Finish) -> Transfer:
    """The prefetching transfer on CUDA, the plain one elsewhere."""
    if device.type == "cuda":
        return StreamTransfer(device, finish)
    return Transfer(device, finish)
