"""Batches for the fit loop through one small interface, whether the data is whole
tensors or parts on disk.

A `Feed` is one split's batches on the training device: `epoch(epoch, start)` yields
this rank's share of each global batch of the epoch from position `start` on, in the
order its sampler (sampling.py) gives; `in_order(size)` yields every sample once, in
order, for evaluation; `shown()` is what samples and views look at.

- `MemoryFeed`: the split lives on the device and a batch is one indexing of the whole
  tensors by the epoch's permutation, exactly as before lazy sets existed.
- `LazyFeed`: a `LazyPart` fetches each batch from disk. With `loader_workers` > 0 a
  `torch.utils.data.DataLoader` runs the fetches in that many processes, `prefetch`
  batches each ahead of the loop, into pinned memory when the device is a GPU. The
  loader's workers are forked from a fork server (a fresh interpreter with torch
  imported, never a fork of a trainer with threads), die with it when the trainer dies
  (PR_SET_PDEATHSIG, and torch's own watchdog), and are ended by `close()`. On a GPU
  each batch is copied on a side stream one batch ahead of its step, so the copy
  overlaps the step before (transfer.py); on a CPU batches pass as fetched.

A sample that cannot be read fails the run with a DataError naming its file and the
reason; a loader process that dies does too, naming the file it was reading.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import DataLoader

from layerlab.train.control import StopRequested
from layerlab.train.data.base import DataError, Split
from layerlab.train.data.lazy import PROBE_SAMPLES, Batch, LazyPart
from layerlab.train.data.sampling import Sampler, SamplerState, Shuffled, UniformOffsets
from layerlab.train.data.transfer import Transfer, transfer_for
from layerlab.train.distributed import Ranks
from layerlab.train.faults import fault_point, hang_point

log = logging.getLogger(__name__)

POLL_S = 0.5
"""How long the loop waits on a loader before it looks for a stop request again."""
PRELOAD = ["layerlab.train.data"]
"""What the loaders' fork server imports once, so that each worker starts in
milliseconds: torch and every lazy part's module."""
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
LOADER_CRASH_FAULT = "loader_crash"
LOADER_HANG_FAULT = "loader_hang"
"""Fault points (faults.py) in a loader process, as it starts reading a sample: one that
dies, or one stuck for good."""
Interrupt = Callable[[], str | None]
"""A stop request's reason while the loop waits for a batch, or None."""


def _never() -> str | None:
    return None


class Feed:
    """One split's batches on the training device (see the module docstring)."""

    sampler: Sampler

    def __init__(self, batch_size: int, ranks: Ranks, device: torch.device):
        self.batch_size, self.ranks, self.device = batch_size, ranks, device

    def __len__(self) -> int:
        raise NotImplementedError

    @property
    def steps(self) -> int:
        """Steps an epoch takes (a last partial batch is left out)."""
        return len(self) // self.batch_size if self.batch_size else 0

    def epoch(self, epoch: int, start: int) -> Iterator[Batch]:
        raise NotImplementedError

    def in_order(self, batch_size: int) -> Iterator[Batch]:
        raise NotImplementedError

    def shown(self) -> Split:
        raise NotImplementedError

    def sampler_state(self, epoch: int, position: int) -> SamplerState:
        return self.sampler.state(epoch, position)

    def close(self) -> None:
        """End any loader processes; the feed may be used again (they restart)."""


class MemoryFeed(Feed):
    """Whole tensors on the device, batched by indexing."""

    def __init__(
        self, split: Split, batch_size: int, seed: int, ranks: Ranks, device: torch.device
    ):
        super().__init__(batch_size, ranks, device)
        self.split = split.to(device)
        self.shuffled = Shuffled(len(split), batch_size, seed)
        self.sampler = self.shuffled

    def __len__(self) -> int:
        return len(self.split)

    def epoch(self, epoch: int, start: int) -> Iterator[Batch]:
        order = self.shuffled.order(epoch).to(self.device)
        size, x, y = self.batch_size, self.split.x, self.split.y
        for position in range(start, self.steps):
            index = self.ranks.shard(order[position * size : (position + 1) * size])
            yield x[index], y[index]

    def in_order(self, batch_size: int) -> Iterator[Batch]:
        for start in range(0, len(self.split), batch_size):
            yield self.split.x[start : start + batch_size], self.split.y[start : start + batch_size]

    def shown(self) -> Split:
        return self.split


class LazyFeed(Feed):
    """A part on disk, fetched a batch at a time (by loader processes when it has them)."""

    def __init__(
        self,
        part: LazyPart,
        batch_size: int,
        seed: int,
        ranks: Ranks,
        device: torch.device,
        interrupt: Interrupt = _never,
        transfer: Transfer | None = None,
    ):
        super().__init__(batch_size, ranks, device)
        self.part, self.interrupt = part, interrupt
        self.transfer = transfer or transfer_for(device, part.finish)
        if part.sampling == "uniform":
            self.sampler = UniformOffsets(len(part), part.positions(), batch_size, seed)
        else:
            self.sampler = Shuffled(len(part), batch_size, seed)
        self._loaders: dict[str, _Loader] = {}
        self._shown: Split | None = None

    def __len__(self) -> int:
        return len(self.part)

    def epoch(self, epoch: int, start: int) -> Iterator[Batch]:
        plan = (
            self.ranks.shard(self.sampler.batch(epoch, position)).tolist()
            for position in range(start, self.steps)
        )
        return self._batches("train", plan)

    def in_order(self, batch_size: int) -> Iterator[Batch]:
        count = len(self.part)
        plan = (
            list(range(start, min(start + batch_size, count)))
            for start in range(0, count, batch_size)
        )
        return self._batches("eval", plan)

    def shown(self) -> Split:
        if self._shown is None:  # the same samples every time: fetched once
            self._shown = self.part.probe(PROBE_SAMPLES, self.device)
        return self._shown

    def close(self) -> None:
        for loader in self._loaders.values():
            loader.close()
        self._loaders.clear()

    def _batches(self, use: str, plan: Iterator[list[int]]) -> Iterator[Batch]:
        if self.part.loader_workers > 0 and main_importable():
            if use not in self._loaders:
                self._loaders[use] = _Loader(self.part, self.device, self.interrupt)
            fetched = self._loaders[use].run(plan)
        else:
            fetched = (self.part.fetch(indices) for indices in plan)
        return self.transfer.batches(fetched)


def feed_for(
    part: Split | LazyPart,
    batch_size: int,
    seed: int,
    ranks: Ranks,
    device: torch.device,
    interrupt: Interrupt = _never,
) -> Feed:
    """The feed of a part: in memory, or on disk."""
    if isinstance(part, Split):
        return MemoryFeed(part, batch_size, seed, ranks, device)
    return LazyFeed(part, batch_size, seed, ranks, device, interrupt)


# -- loader processes ---------------------------------------------------------------------


@dataclass(frozen=True)
class LoaderFailure:
    """A sample that could not be read, sent back instead of a batch."""

    message: str


class _Fetcher(torch.utils.data.Dataset[Any]):
    """What the loader's workers hold: the part, and a shared slot per worker saying
    which sample it is reading (pid, index), for the message should it die."""

    def __init__(self, part: LazyPart, slots: torch.Tensor):
        self.part, self.slots = part, slots

    def __len__(self) -> int:
        return self.part.positions()

    def __getitem__(self, indices: Sequence[int]) -> Batch | LoaderFailure:
        worker = torch.utils.data.get_worker_info()
        # A numpy view of the shared tensor: a write per image costs nanoseconds.
        slot = self.slots.numpy()[worker.id] if worker is not None else None

        def mark(index: int) -> None:
            if slot is not None:
                slot[1] = index
                fault_point(LOADER_CRASH_FAULT)
                hang_point(LOADER_HANG_FAULT)

        if slot is not None:
            slot[0] = os.getpid()
        try:
            return self.part.fetch(indices, mark)
        except DataError as exc:
            return LoaderFailure(str(exc))


class _Plan(torch.utils.data.Sampler[list[int]]):
    """The loader's sampler: the index lists of the current pass (set before each)."""

    def __init__(self) -> None:
        self.batches: Iterator[list[int]] = iter(())

    def __iter__(self) -> Iterator[list[int]]:
        return self.batches


class _Loader:
    """A DataLoader over one part, with the run's control over waiting and failures.
    Each pass (an epoch, an evaluation) forks fresh workers from the fork server (tens of
    milliseconds), so a pass cut short leaves no stale batches in flight."""

    def __init__(self, part: LazyPart, device: torch.device, interrupt: Interrupt):
        workers = part.loader_workers
        self.part, self.interrupt = part, interrupt
        self.slots = torch.full((workers, 2), -1, dtype=torch.int64)
        self.slots.share_memory_()  # type: ignore[no-untyped-call]
        self.plan = _Plan()
        self.loader = DataLoader(
            _Fetcher(part, self.slots),
            batch_size=None,  # the plan's index lists are the batches
            sampler=self.plan,
            num_workers=workers,
            collate_fn=_as_is,
            pin_memory=device.type == "cuda",
            prefetch_factor=part.prefetch,
            multiprocessing_context=loader_context(),
            worker_init_fn=_worker_started,
            timeout=POLL_S,
        )
        self.iterator: Any = None

    def run(self, plan: Iterator[list[int]]) -> Iterator[Batch]:
        self.close()  # the last pass's workers, if it was cut short
        self.plan.batches = plan
        self.iterator = iter(self.loader)
        while True:
            got = self._next()
            if got is None:
                return
            if isinstance(got, LoaderFailure):
                raise DataError(got.message)
            yield got

    def _next(self) -> Batch | LoaderFailure | None:
        while True:
            try:
                batch: Batch | LoaderFailure = next(self.iterator)
                return batch
            except StopIteration:
                return None
            except RuntimeError as exc:
                if not str(exc).startswith("DataLoader timed out"):
                    self.close()
                    raise self._death(exc) from None
            reason = self.interrupt()
            if reason is not None:
                self.close(kill=True)  # a worker stuck on a file must not hold the stop
                raise StopRequested(reason)

    def _death(self, exc: RuntimeError) -> Exception:
        """A loader process died: name what it was reading, and how it ended."""
        message = str(exc)
        if "DataLoader worker" not in message:
            return exc
        listed = re.search(r"pid(?:\(s\))? ([\d, ]+)", message)  # "pid(s) 12, 13", "pid 12"
        pids = {int(p) for p in re.findall(r"\d+", listed.group(1))} if listed else set()
        reading = [
            self.part.describe(int(index))
            for pid, index in self.slots.tolist()
            if pid in pids and index >= 0
        ]
        where = f" while reading {', '.join(reading)}" if reading else ""
        return DataError(
            f"{self.part.label}: a data loader process died{where} ({message}); "
            "out of memory, or a file its decoder cannot survive?"
        )

    def close(self, kill: bool = False) -> None:
        """End the pass's workers: let them finish the batch in hand, or with `kill`
        end them at once (SIGKILL: they hold nothing worth keeping)."""
        iterator, self.iterator = self.iterator, None
        if iterator is None or not hasattr(iterator, "_shutdown_workers"):
            return
        if kill:
            for worker in getattr(iterator, "_workers", []):
                with contextlib.suppress(Exception):
                    worker.kill()
        with contextlib.suppress(Exception):
            iterator._shutdown_workers()


def main_importable() -> bool:
    """Whether a loader worker can start: it imports the trainer's main module, which a
    script fed on stdin (`python -`) does not have. Without workers, the trainer
    fetches the batches itself (and says so once)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or path is None or os.path.exists(path):
        return True
    global _warned_main
    if not _warned_main:
        log.warning("no loader processes: the main module %s cannot be imported by them", path)
        _warned_main = True
    return False


_warned_main = False


def _as_is(batch: Any) -> Any:
    return batch


def loader_context() -> Any:
    """A fork server where there is one (Linux, macOS): a clean interpreter with torch
    imported forks each loader worker, so a worker inherits none of a trainer's threads,
    locks or memory; elsewhere spawn."""
    import torch.multiprocessing as torch_mp

    if "forkserver" not in torch_mp.get_all_start_methods():
        return torch_mp.get_context("spawn")
    context = torch_mp.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _worker_started(worker_id: int) -> None:
    """Die with the process that forked this worker (the fork server, which ends when the
    trainer does), so a kill -9 of the trainer leaves no loader behind.

    The fork server hands each child a copy of the pipe end whose closing tells it its
    client is gone, so that it outlives its children; a loader must not keep it alive
    (the server would wait for the loader, the loader for the server: both forever), so
    the loader closes its copy."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def auto_workers(cpus: int | None = None) -> int:
    """Loader processes when a set says `auto`: one core stays with the trainer, and
    past four more rarely help; on two cores or fewer, none (measured in bench/data.py:
    a worker there takes a core from the training step)."""
    cpus = cpus or os.cpu_count() or 1
    return 0 if cpus <= 2 else min(4, cpus - 1)
