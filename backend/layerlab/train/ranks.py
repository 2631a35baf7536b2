"""One run trained by N processes: what each rank runs, and how the process that
started them (the CLI, a worker) hears the leader.

The launcher side (`train_in_processes` here for local ranks, `ray_ranks.py` for a Ray
cluster) starts the ranks and then `relay`s: the leader's events go to the caller's
sink, the caller's `Control` (pause, resume, stop) goes to the leader, and the leader's
`FitResult` comes back. Each rank runs `run_rank` inside a process group; the fit loop
does the rest (distributed.py). A link carries the messages both ways: multiprocessing
queues here, a Ray actor there.

Local ranks use gloo on the CPU and NCCL when the machine has a GPU per rank, with
the ranks on 127.0.0.1 as torchrun would place them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import torch
import torch.distributed as dist
import torch.multiprocessing as torch_mp

from layerlab.graph.document import GraphDocument
from layerlab.train.config import ConfigError, TrainingConfig
from layerlab.train.control import Control
from layerlab.train.data.lazy import Dataset
from layerlab.train.distributed import GROUP_TIMEOUT, backend_for
from layerlab.train.events import Event, StatusEvent
from layerlab.train.run import FitResult, RunOptions
from layerlab.train.stream import EventStream

log = logging.getLogger(__name__)

POLL_S = 0.05
"""How often the launcher looks for events and control changes."""
RANK_EXIT_GRACE_S = 10.0
"""After one rank dies, how long the others get to notice before they are killed."""


@dataclass(frozen=True)
class ControlState:
    """What the caller asks of the run: the whole state, so a lost message is harmless."""

    paused: bool
    stop: str | None

    @staticmethod
    def of(control: Control) -> ControlState:
        return ControlState(control.paused, control.stop_reason)

    def apply(self, control: Control) -> None:
        if self.stop is not None:
            control.stop(self.stop)
        elif self.paused:
            control.pause()
        else:
            control.resume()


@dataclass
class RankJob:
    """Everything a rank needs, picklable (it travels to spawned processes and Ray)."""

    document: dict[str, Any]
    config: dict[str, Any]
    data: Dataset
    run_id: str
    checkpoint_dir: Path | None
    resume: bool
    start_weights: Path | None
    start_note: str
    first_seq: int | None

    @staticmethod
    def of(
        doc: GraphDocument, config: TrainingConfig, data: Dataset, options: RunOptions
    ) -> RankJob:
        return RankJob(
            document=doc.model_dump(mode="json", by_alias=True),
            config=config.model_dump(mode="json"),
            data=data,
            run_id=options.run_id,
            checkpoint_dir=options.checkpoint_dir,
            resume=options.resume,
            start_weights=options.start_weights,
            start_note=options.start_note,
            first_seq=options.first_seq,
        )


class LeaderLink(Protocol):
    """The leader's side of its link to the launcher."""

    def emit(self, event: Event) -> None:
        """Send an event; a checkpoint event returns once the launcher has handled it
        (a worker uploads it first, so the server is never more than one checkpoint
        behind)."""

    def control(self, timeout: float) -> ControlState | None:
        """The launcher's newest control state, waiting up to `timeout` for a change."""

    def finish(self, result: FitResult) -> None: ...


def run_rank(job: RankJob, link: LeaderLink | None, device: str | None = None) -> FitResult:
    """Train as one rank of the current process group; the leader (with `link`) reports."""
    from layerlab.train.entry import train_document  # entry dispatches here: import late

    config = TrainingConfig.model_validate(job.config)
    if device is not None:
        config = config.model_copy(update={"device": device})
    control = Control()
    stop_relay = threading.Event()
    if link is not None:
        threading.Thread(
            target=_relay_control, args=(link, control, stop_relay), daemon=True
        ).start()
    options = RunOptions(
        run_id=job.run_id,
        sink=link.emit if link is not None else None,
        control=control,
        checkpoint_dir=job.checkpoint_dir,
        resume=job.resume,
        start_weights=job.start_weights,
        start_note=job.start_note,
        first_seq=job.first_seq,
    )
    try:
        result = train_document(
            GraphDocument.model_validate(job.document), config, data=job.data, options=options
        )
    finally:
        stop_relay.set()
    if link is not None:
        link.finish(dataclasses.replace(result, error=None))  # exceptions may not pickle
    return result


def _relay_control(link: LeaderLink, control: Control, done: threading.Event) -> None:
    while not done.is_set():
        state = link.control(timeout=POLL_S * 4)
        if state is not None:
            state.apply(control)


# -- the launcher's side ---------------------------------------------------------------

Message = tuple[Literal["event"], Event] | tuple[Literal["result"], FitResult]


class LauncherLink(Protocol):
    """The launcher's side of its link to the leader."""

    def receive(self, timeout: float) -> list[Message]: ...

    def acknowledge(self) -> None:
        """A checkpoint event was handled: the leader may go on."""

    def send_control(self, state: ControlState) -> None: ...


def relay(
    link: LauncherLink,
    control: Control,
    sink: Callable[[Event], None] | None,
    ranks_alive: Callable[[], bool],
) -> FitResult | None:
    """Until the leader's result arrives: its events to `sink`, `control` to it. None
    when the ranks are gone without a result."""
    sent: ControlState | None = None
    gone_since: float | None = None
    while True:
        state = ControlState.of(control)
        if state != sent:
            link.send_control(state)
            sent = state
        for message in link.receive(POLL_S):
            if message[0] == "result":
                return message[1]
            event = message[1]
            if sink is not None:
                sink(event)
            if event.type == "checkpoint":
                link.acknowledge()
        if ranks_alive():
            gone_since = None
        elif gone_since is None:
            gone_since = time.monotonic()
        elif time.monotonic() - gone_since > 1.0:  # whatever was queued has been read
            return None


@dataclass
class _QueueLeader:
    """The leader's end of a local link: three multiprocessing queues."""

    events: Any
    acks: Any
    controls: Any

    def emit(self, event: Event) -> None:
        self.events.put(("event", event))
        if event.type == "checkpoint":
            self.acks.get()

    def control(self, timeout: float) -> ControlState | None:
        try:
            state: ControlState = self.controls.get(timeout=timeout)
        except queue.Empty:
            return None
        return state

    def finish(self, result: FitResult) -> None:
        self.events.put(("result", result))


@dataclass
class _QueueLauncher:
    events: Any
    acks: Any
    controls: Any

    def receive(self, timeout: float) -> list[Message]:
        found: list[Message] = []
        try:
            found.append(self.events.get(timeout=timeout))
            while True:
                found.append(self.events.get_nowait())
        except queue.Empty:
            return found

    def acknowledge(self) -> None:
        self.acks.put(True)

    def send_control(self, state: ControlState) -> None:
        self.controls.put(state)


def rank_device(config: TrainingConfig, local_rank: int, local_world: int) -> str:
    """One GPU per rank when asked for (or `auto`) and there are enough; else the CPU."""
    wants_cuda = config.device == "auto" or config.device.startswith("cuda")
    if wants_cuda and torch.cuda.is_available() and torch.cuda.device_count() >= local_world:
        return f"cuda:{local_rank}"
    if config.device.startswith("cuda"):
        raise ConfigError(
            [
                f"training.processes: {local_world} processes on {config.device} need "
                f"{local_world} GPUs; this machine has {torch.cuda.device_count()}"
            ]
        )
    return "cpu"


def train_in_processes(
    doc: GraphDocument, config: TrainingConfig, data: Dataset, options: RunOptions
) -> FitResult:
    """Train with `config.processes` local ranks; returns the leader's result."""
    world = config.processes
    devices = [rank_device(config, rank, world) for rank in range(world)]
    job = RankJob.of(doc, config, data, options)
    context = torch_mp.get_context("spawn")
    events, acks, controls = context.Queue(), context.Queue(), context.Queue()
    address = f"tcp://127.0.0.1:{_free_port()}"
    processes = [
        context.Process(
            target=_local_rank,
            args=(
                rank,
                world,
                address,
                devices[rank],
                job,
                _QueueLeader(events, acks, controls) if rank == 0 else None,
            ),
            name=f"rank-{rank}-{options.run_id}",
            daemon=True,
        )
        for rank in range(world)
    ]
    for process in processes:
        process.start()
    started = time.monotonic()
    try:
        result = relay(
            _QueueLauncher(events, acks, controls),
            options.control,
            options.sink,
            lambda: all(p.is_alive() for p in processes),
        )
    finally:
        _end_processes(processes)
    if result is not None:
        return result
    codes = ", ".join(f"rank {i}: {p.exitcode}" for i, p in enumerate(processes))
    message = f"a training process ended without a result ({codes})"
    log.error("run %s: %s", options.run_id, message)
    return report_lost(options, message, time.monotonic() - started)


def _local_rank(
    rank: int,
    world: int,
    address: str,
    device: str,
    job: RankJob,
    link: LeaderLink | None,
) -> None:
    if device.startswith("cuda"):
        torch.cuda.set_device(torch.device(device))
    dist.init_process_group(
        backend_for(torch.device(device)),
        init_method=address,
        rank=rank,
        world_size=world,
        timeout=GROUP_TIMEOUT,
    )
    try:
        run_rank(job, link, device)
    finally:
        dist.destroy_process_group()


def _end_processes(processes: list[Any]) -> None:
    """Give the ranks a moment to exit on their own, then kill what is left."""
    deadline = time.monotonic() + RANK_EXIT_GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()


def report_lost(options: RunOptions, message: str, elapsed: float) -> FitResult:
    """The ranks ended and the leader could not say how: say it for it (failed)."""
    stream = EventStream(options.run_id, options.sink, next_seq=options.first_seq or 1)
    with contextlib.suppress(Exception):
        stream.emit(StatusEvent, 0, None, status="failed", message=message[:2000])
    return FitResult("failed", message, 0, 0, {}, None, elapsed, 0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
