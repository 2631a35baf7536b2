"""Lazy sets on a GPU (issue 21): batches in pinned memory, copied on a side stream one
batch ahead of their step (train/data/transfer.py). The batches, their order, resuming
mid-epoch and the ends of epochs stay exactly as before; a fake stream API shows the
copy/event/wait order on a CPU, and the CUDA tests (skipped without one) the real thing."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from layerlab.train.data import LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.feed import LazyFeed, MemoryFeed, feed_for
from layerlab.train.data.lazy import Batch, LazyDataset, LazyPart
from layerlab.train.data.transfer import Streams, StreamTransfer, Transfer
from layerlab.train.distributed import Ranks
from tests.train.data.fixtures import write_image_folder
from tests.train.test_lazy import CORPUS, alive

CPU = torch.device("cpu")
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prefetch")
    write_image_folder(root / "shapes", 120, side=8)
    (root / "corpus.txt").write_text(CORPUS)
    return root


def images(root: Path, **options: Any) -> LazyDataset | LoadedDataset:
    data = load_dataset(
        "image_folder", {"path": "shapes", "image_size": 8, **options}, LoadContext(root)
    )
    assert isinstance(data, LazyDataset | LoadedDataset)
    return data


def lazy_images(root: Path, workers: int = 0) -> LazyPart:
    data = images(root, storage="disk", loader_workers=workers)
    assert isinstance(data, LazyDataset)
    return data.train


def windows(root: Path) -> LazyPart:
    options = {"path": "corpus.txt", "block_size": 8, "epoch_windows": 72}
    data = load_dataset("text", options, LoadContext(root))
    assert isinstance(data, LazyDataset)
    return data.train


def expected(feed: LazyFeed, epoch: int, start: int) -> list[Batch]:
    """What the feed yielded before prefetching: fetch, move, finish, batch by batch."""
    part, out = feed.part, []
    for position in range(start, feed.steps):
        indices = feed.ranks.shard(feed.sampler.batch(epoch, position)).tolist()
        out.append(part.finish(*part.fetch(indices)))
    return out


def same(left: list[Batch], right: list[Batch]) -> bool:
    return len(left) == len(right) and all(
        a[0].dtype == b[0].dtype
        and torch.equal(a[0].cpu(), b[0].cpu())
        and torch.equal(a[1].cpu(), b[1].cpu())
        for a, b in zip(left, right, strict=True)
    )


class Ahead(Transfer):
    """The CPU transfer made to prefetch one ahead, with a log of its calls."""

    ahead = True

    def __init__(self, device: torch.device, finish: Any):
        super().__init__(device, finish)
        self.log: list[tuple[str, int]] = []
        self.started = 0

    def start(self, batch: Batch) -> Any:
        self.log.append(("start", self.started))
        self.started += 1
        return self.started - 1, super().start(batch)

    def ready(self, started: Any) -> Batch:
        number, moved = started
        self.log.append(("ready", number))
        return super().ready(moved)


def taken(batches: Iterator[Batch], log: list[tuple[str, int]]) -> list[Batch]:
    """Every batch, noting in `log` when the consumer got each one."""
    out = []
    for number, batch in enumerate(batches):
        log.append(("step", number))
        out.append(batch)
    return out


@pytest.mark.parametrize("kind", ["images", "windows"])
def test_prefetching_keeps_every_batch_and_its_order(shapes: Path, kind: str) -> None:
    part = lazy_images(shapes) if kind == "images" else windows(shapes)
    plain = LazyFeed(part, 16, seed=3, ranks=Ranks(), device=CPU)
    assert type(plain.transfer) is Transfer  # a CPU: nothing pinned, nothing ahead
    ahead = Ahead(CPU, part.finish)
    prefetching = LazyFeed(part, 16, seed=3, ranks=Ranks(), device=CPU, transfer=ahead)
    assert plain.steps >= 4
    for epoch, start in [(0, 0), (1, 0), (1, 2), (2, plain.steps - 1), (2, plain.steps)]:
        want = expected(plain, epoch, start)
        assert len(want) == plain.steps - start  # the last partial batch is left out
        assert same(list(plain.epoch(epoch, start)), want), (epoch, start)
        ahead.log, ahead.started = [], 0
        got = taken(prefetching.epoch(epoch, start), ahead.log)
        assert same(got, want), (epoch, start)
        # Batch k+1's copy starts before batch k is handed to its step, and none runs further.
        for k in range(len(want)):
            step = ahead.log.index(("step", k))
            assert ahead.log.index(("ready", k)) < step
            if k + 1 < len(want):
                assert ahead.log.index(("start", k + 1)) < ahead.log.index(("ready", k))
            assert ("start", k + 2) not in ahead.log[:step]
    evaluation = list(prefetching.in_order(50))
    assert [len(x) for x, _ in evaluation] == [50] * (len(part) // 50) + (
        [len(part) % 50] if len(part) % 50 else []
    )
    assert same(evaluation, list(plain.in_order(50)))


def test_a_lazy_feed_takes_the_in_memory_batches(shapes: Path) -> None:
    memory = images(shapes, storage="memory")
    assert isinstance(memory, LoadedDataset)
    part = lazy_images(shapes)
    on_disk = LazyFeed(
        part, 16, seed=5, ranks=Ranks(), device=CPU, transfer=Ahead(CPU, part.finish)
    )
    in_memory = MemoryFeed(memory.train, 16, seed=5, ranks=Ranks(), device=CPU)
    for epoch, start in [(0, 0), (0, 3), (1, 0)]:
        assert same(list(on_disk.epoch(epoch, start)), list(in_memory.epoch(epoch, start)))


def test_loader_processes_feed_the_same_batches_ahead_and_end(shapes: Path) -> None:
    part = lazy_images(shapes, workers=2)
    feed = LazyFeed(part, 16, seed=1, ranks=Ranks(), device=CPU, transfer=Ahead(CPU, part.finish))
    want = expected(feed, 1, 0)
    try:
        batches = feed.epoch(1, 0)
        first = [next(batches), next(batches)]  # a pass cut short: its workers are ended
        pids = {p.pid for p in multiprocessing.active_children() if p.pid}
        assert same(first, want[:2]) and pids
        assert same(list(feed.epoch(1, 2)), want[2:])  # resumed from position 2
    finally:
        feed.close()
    assert not any(alive(pid) for pid in pids)


class FakeStream:
    def __init__(self, name: str, log: list[Any]):
        self.name, self.log = name, log

    def wait_event(self, event: Any) -> None:
        self.log.append(("wait", self.name, event.number))


class FakeEvent:
    def __init__(self, number: int, log: list[Any]):
        self.number, self.log = number, log

    def record(self, stream: FakeStream) -> None:
        self.log.append(("event", stream.name, self.number))


class FakeStreams(Streams):
    """CUDA's stream calls, logged, on a CPU: which stream each copy is issued on."""

    def __init__(self) -> None:
        super().__init__(CPU)
        self.log: list[Any] = []
        self.events = 0
        self.active = "consumer"
        self.pinned_ids: set[int] = set()

    def side(self) -> FakeStream:
        return FakeStream("side", self.log)

    def current(self) -> FakeStream:
        return FakeStream(self.active, self.log)

    def on(self, stream: FakeStream) -> Any:
        streams = self

        class On:
            def __enter__(self) -> None:
                streams.active = stream.name

            def __exit__(self, *exc: object) -> None:
                streams.active = "consumer"

        return On()

    def event(self) -> FakeEvent:
        self.events += 1
        return FakeEvent(self.events - 1, self.log)

    def pinned(self, tensor: torch.Tensor) -> torch.Tensor:
        copy = tensor.clone()
        self.pinned_ids.add(id(copy))
        self.log.append(("pin",))
        return copy

    def record(self, tensor: torch.Tensor, stream: Any) -> None:
        self.log.append(("record", stream.name, id(tensor)))


def test_the_copy_runs_on_a_side_stream_and_the_step_waits_for_its_event() -> None:
    streams = FakeStreams()
    copies: list[tuple[str, bool]] = []
    original_to = torch.Tensor.to

    def finish(x: torch.Tensor, y: torch.Tensor) -> Batch:
        streams.log.append(("finish", streams.active, id(x), id(y)))
        return x.float() / 2, y

    transfer = StreamTransfer(CPU, finish, streams)
    source = [(torch.full((2, 3), k, dtype=torch.uint8), torch.tensor([k, k])) for k in range(3)]

    def watched_to(tensor: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
        copies.append(
            (streams.active, id(tensor) in streams.pinned_ids and kwargs.get("non_blocking", False))
        )
        return original_to(tensor, *args, **kwargs)

    got = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(torch.Tensor, "to", watched_to)
        for number, batch in enumerate(transfer.batches(iter(source))):
            streams.log.append(("step", number))
            got.append(batch)
    assert [
        torch.equal(x, s.float() / 2) and torch.equal(y, t)
        for (x, y), (s, t) in zip(got, source, strict=True)
    ] == [True] * 3
    assert copies == [("side", True)] * 6  # every copy: pinned source, non_blocking, side stream
    # (what, stream, event number): tensor ids left out
    kinds = [e if e[0] in ("event", "wait", "step") else e[:2] for e in streams.log]
    assert kinds == [
        ("pin",), ("pin",), ("event", "side", 0),
        ("pin",), ("pin",), ("event", "side", 1),  # batch 1 copied before batch 0's step
        ("wait", "consumer", 0), ("record", "consumer"), ("record", "consumer"), ("finish", "consumer"),
        ("step", 0),
        ("pin",), ("pin",), ("event", "side", 2),
        ("wait", "consumer", 1), ("record", "consumer"), ("record", "consumer"), ("finish", "consumer"),
        ("step", 1),
        ("wait", "consumer", 2), ("record", "consumer"), ("record", "consumer"), ("finish", "consumer"),
        ("step", 2),
    ]  # fmt: skip
    # The tensors recorded on the consumer stream are the ones the step finishes.
    for at, entry in enumerate(streams.log):
        if entry[0] == "finish":
            assert {streams.log[at - 2][2], streams.log[at - 1][2]} == {entry[2], entry[3]}


# -- on a GPU -------------------------------------------------------------------------------


class Watched(Streams):
    """The real CUDA calls, noting whether each copied source was pinned."""

    def __init__(self, device: torch.device):
        super().__init__(device)
        self.sources: list[bool] = []

    def pinned(self, tensor: torch.Tensor) -> torch.Tensor:
        out = super().pinned(tensor)
        self.sources.append(out.is_pinned())
        return out


@needs_cuda
@pytest.mark.parametrize("workers", [0, 2])
def test_batches_arrive_on_the_gpu_from_pinned_memory(shapes: Path, workers: int) -> None:
    cuda = torch.device("cuda")
    part = lazy_images(shapes, workers=workers)
    plain = LazyFeed(part, 16, seed=2, ranks=Ranks(), device=CPU)
    streams = Watched(cuda)
    transfer = StreamTransfer(cuda, part.finish, streams)
    feed = LazyFeed(part, 16, seed=2, ranks=Ranks(), device=cuda, transfer=transfer)
    assert isinstance(feed_for(part, 16, 2, Ranks(), cuda), LazyFeed)
    try:
        for epoch, start in [(0, 0), (1, 3)]:
            got = []
            for x, y in feed.epoch(epoch, start):
                assert x.device.type == y.device.type == "cuda"
                got.append((x * 1.0, y))  # a step's kernel on the consumer stream
            torch.cuda.synchronize()
            assert same(got, list(plain.epoch(epoch, start)))
        assert same(list(feed.in_order(40)), list(plain.in_order(40)))
    finally:
        feed.close()
    assert streams.sources and all(streams.sources)


@needs_cuda
def test_a_default_lazy_feed_on_cuda_prefetches_on_a_side_stream(shapes: Path) -> None:
    part = windows(shapes)
    feed = feed_for(part, 8, 0, Ranks(), torch.device("cuda"))
    assert isinstance(feed, LazyFeed) and isinstance(feed.transfer, StreamTransfer)
    assert feed.transfer.stream != torch.cuda.current_stream()
    reference = LazyFeed(part, 8, seed=0, ranks=Ranks(), device=CPU)
    assert same(list(feed.epoch(0, 1)), list(reference.epoch(0, 1)))
