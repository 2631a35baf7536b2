"""A worker whose runs train on a Ray cluster (`layerlab worker --ray ADDRESS`).

For each leased run the worker submits a Ray Train `TorchTrainer`: Ray places the
run's `processes` ranks on the cluster's machines (one GPU each when it has them), sets
up their process group, and restarts the whole group from the run's latest checkpoint
when a rank dies (`FailureConfig`). Each rank runs `run_rank`, as local ranks do
(train/ranks.py); the worker stays the run's one voice to the LayerLab server: it
relays the leader's events through its outbox (same batching, fencing, idempotence)
and its pause/stop to the leader, through a small actor, `RunLink`.

Nothing here needs a shared file system: the leader sends each checkpoint through the
link (packed, as the worker uploads it), the worker keeps it in its run folder and
uploads it, and a restarted rank group resumes from the newest one the link holds.

Lease loss or stop: the ranks stop within a step; past `CANCEL_GRACE_S` their actors are
killed, and a group Ray would restart starts, sees the link cancelled, and ends.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ray
import ray.train
from ray.train import FailureConfig, RunConfig, ScalingConfig
from ray.train.torch import TorchConfig, TorchTrainer

from layerlab.graph.document import GraphDocument
from layerlab.train.checkpoint import latest_checkpoint
from layerlab.train.config import TrainingConfig
from layerlab.train.data.lazy import Dataset
from layerlab.train.distributed import GROUP_TIMEOUT
from layerlab.train.events import Event, LogEvent
from layerlab.train.ranks import (
    POLL_S,
    ControlState,
    Message,
    RankJob,
    relay,
    report_lost,
    run_rank,
)
from layerlab.train.run import FitResult, RunOptions
from layerlab.worker.device import DeviceInfo
from layerlab.worker.pack import pack_checkpoint, unpack_checkpoint

log = logging.getLogger(__name__)

MAX_RESTARTS = 3
"""Rank-group failures Ray restarts from the latest checkpoint before the attempt fails
(and the server's own attempts take over)."""
CANCEL_GRACE_S = 5.0


def connect(address: str, cpus: int | None = None) -> DeviceInfo:
    """Join (or, for `local`, start) the Ray cluster; what it offers now."""
    # Ray Train's controller looks at its ranks every 2 s by default: a run's end and a
    # rank's death would wait for it. (Set before the first trainer, which copies it.)
    os.environ.setdefault("RAY_TRAIN_HEALTH_CHECK_INTERVAL_S", "0.25")
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address == "local":
            ray.init(num_cpus=cpus, **options)
        else:
            ray.init(address=address, **options)
    free = ray.available_resources()  # type: ignore[no-untyped-call]
    cpu_count, gpu_count = int(free.get("CPU", 0)), int(free.get("GPU", 0))
    label = f"ray {address}: {cpu_count} CPUs, {gpu_count} GPUs"
    return DeviceInfo(
        "cuda" if gpu_count else "cpu",
        label[:200],
        None,
        processes=max(1, gpu_count or cpu_count),
        cpus=cpu_count,
        gpus=gpu_count,
    )


@ray.remote(num_cpus=0)
class RunLink:
    """Between the worker (launcher) and a run's leader rank, wherever Ray put it."""

    def __init__(self, checkpoint: tuple[str, bytes] | None, start_weights: bytes | None):
        self.messages: list[tuple[Message, bytes | None]] = []
        self.acknowledged = 0
        self.control: ControlState | None = None
        self.control_version = 0
        self.latest = checkpoint
        """(name, pack) of the newest checkpoint: where a restarted group resumes."""
        self.start_weights = start_weights
        self.cancelled = False
        self.incarnations = 0
        self.actors: list[Any] = []

    # the leader's side
    def start(self, actor: Any) -> tuple[int, bool, tuple[str, bytes] | None, bytes | None]:
        """A rank starts: (incarnation of the group, cancelled, checkpoint, start weights)."""
        self.actors.append(actor)
        return self.incarnations, self.cancelled, self.latest, self.start_weights

    def leader_started(self) -> int:
        self.incarnations += 1
        return self.incarnations

    def leader_started_count(self) -> int:
        return self.incarnations

    def push(self, message: Message, pack: bytes | None) -> None:
        self.messages.append((message, pack))
        if pack is not None and message[0] == "event":
            self.latest = (getattr(message[1], "name", ""), pack)

    def acknowledged_count(self) -> int:
        return self.acknowledged

    def control_after(self, version: int) -> tuple[int, ControlState | None]:
        return self.control_version, self.control if self.control_version > version else None

    # the launcher's side
    def drain(self) -> list[tuple[Message, bytes | None]]:
        taken, self.messages = self.messages, []
        return taken

    def acknowledge(self) -> None:
        self.acknowledged += 1

    def set_control(self, state: ControlState) -> None:
        self.control, self.control_version = state, self.control_version + 1

    def cancel(self) -> list[Any]:
        self.cancelled = True
        return self.actors


@dataclass
class _RayLeader:
    link: Any
    folder: Path
    checkpoints: int = 0
    control_version: int = 0

    def emit(self, event: Event) -> None:
        pack = None
        if event.type == "checkpoint":
            pack = _pack_bytes(self.folder / str(getattr(event, "name", "")))
            self.checkpoints += 1
        ray.get(self.link.push.remote(("event", event), pack))
        while (
            pack is not None and ray.get(self.link.acknowledged_count.remote()) < self.checkpoints
        ):
            time.sleep(POLL_S)

    def control(self, timeout: float) -> ControlState | None:
        version, state = ray.get(self.link.control_after.remote(self.control_version))
        self.control_version = version
        if state is None:
            time.sleep(timeout)
        return state  # type: ignore[no-any-return]

    def finish(self, result: FitResult) -> None:
        ray.get(self.link.push.remote(("result", result), None))


@dataclass
class _RayLauncher:
    link: Any
    folder: Path

    def receive(self, timeout: float) -> list[Message]:
        found: list[Message] = []
        for message, pack in ray.get(self.link.drain.remote()):
            if pack is not None and message[0] == "event":
                # The leader's checkpoint, into this worker's run folder for the upload.
                _unpack_bytes(pack, self.folder, str(getattr(message[1], "name", "")))
            found.append(message)
        if not found:
            time.sleep(timeout)
        return found

    def acknowledge(self) -> None:
        self.link.acknowledge.remote()

    def send_control(self, state: ControlState) -> None:
        self.link.set_control.remote(state)


def train_on_ray(
    doc: GraphDocument, config: TrainingConfig, data: Dataset, options: RunOptions
) -> FitResult:
    """Train the run's ranks on the Ray cluster; returns the leader's result."""
    assert options.checkpoint_dir is not None, "a Ray run keeps its checkpoints in its folder"
    folder = options.checkpoint_dir
    started = time.monotonic()
    gpus = ray.available_resources().get("GPU", 0)  # type: ignore[no-untyped-call]
    use_gpu = config.device != "cpu" and gpus >= config.processes
    resume_from = latest_checkpoint(folder) if options.resume else None
    link = RunLink.remote(  # type: ignore[attr-defined]
        (resume_from.name, _pack_bytes(resume_from)) if resume_from else None,
        options.start_weights.read_bytes() if options.start_weights else None,
    )
    job = RankJob.of(doc, config, data, options)
    job = dataclasses.replace(job, checkpoint_dir=None, start_weights=None)  # via the link
    trainer = TorchTrainer(
        _ray_rank,
        train_loop_config={"job": job, "link": link},
        scaling_config=ScalingConfig(num_workers=config.processes, use_gpu=use_gpu),
        torch_config=TorchConfig(
            backend="nccl" if use_gpu else "gloo", timeout_s=int(GROUP_TIMEOUT.total_seconds())
        ),
        run_config=RunConfig(
            name=f"layerlab-{options.run_id}-{uuid.uuid4().hex[:8]}",
            storage_path=str(Path(tempfile.gettempdir()) / "layerlab-ray"),
            failure_config=FailureConfig(max_failures=MAX_RESTARTS),
        ),
    )
    failure: list[BaseException] = []
    fitting = threading.Thread(
        target=_fit, args=(trainer, failure), name=f"ray-{options.run_id}", daemon=True
    )
    fitting.start()
    try:
        result = relay(_RayLauncher(link, folder), options.control, options.sink, fitting.is_alive)
        restarts = max(0, ray.get(link.leader_started_count.remote()) - 1)
    finally:
        _cancel(link, fitting, options.control.stop_requested)
    if result is not None:
        return dataclasses.replace(result, restarts=restarts)
    why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else "no error given"
    message = f"the Ray rank group ended without a result ({why})"
    log.error("run %s: %s", options.run_id, message)
    return report_lost(options, message, time.monotonic() - started)


def _fit(trainer: TorchTrainer, failure: list[BaseException]) -> None:
    try:
        outcome = trainer.fit()
        if outcome.error is not None:
            failure.append(outcome.error)
    except Exception as exc:  # Ray's own failure: the group could not run or restart
        failure.append(exc)


def _cancel(link: Any, fitting: threading.Thread, stopping: bool) -> None:
    """After the run (or on lease loss): no rank may live on."""
    fitting.join(CANCEL_GRACE_S if stopping else 0.5)
    actors = ray.get(link.cancel.remote())
    if fitting.is_alive():
        for actor in actors:
            with contextlib.suppress(Exception):
                ray.kill(actor, no_restart=True)
        fitting.join(CANCEL_GRACE_S * 4)
    with contextlib.suppress(Exception):
        ray.kill(link)


def _ray_rank(loop_config: dict[str, Any]) -> None:
    """One rank, inside Ray Train's worker (its process group is set up)."""
    link, job = loop_config["link"], loop_config["job"]
    context = ray.train.get_context()
    rank = context.get_world_rank()
    me = ray.get_runtime_context().current_actor
    incarnation, cancelled, checkpoint, start_weights = ray.get(link.start.remote(me))
    if cancelled:
        return
    folder = Path(tempfile.mkdtemp(prefix=f"layerlab-rank{rank}-"))
    try:
        if checkpoint is not None:
            _unpack_bytes(checkpoint[1], folder, checkpoint[0])
            job = dataclasses.replace(job, resume=True)
        if start_weights is not None:
            (folder / "start.safetensors").write_bytes(start_weights)
            job = dataclasses.replace(job, start_weights=folder / "start.safetensors")
        job = dataclasses.replace(job, checkpoint_dir=folder)
        leader = None
        if rank == 0:
            if ray.get(link.leader_started.remote()) > 1:
                job = dataclasses.replace(job, first_seq=None)  # from the checkpoint
                ray.get(link.push.remote(_restart_note(job, checkpoint), None))
            leader = _RayLeader(link, folder)
        run_rank(job, leader, _ray_device())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _ray_device() -> str:
    import ray.train.torch

    return str(ray.train.torch.get_device())


def _restart_note(job: RankJob, checkpoint: tuple[str, bytes] | None) -> Message:
    where = f"resumes from {checkpoint[0]}" if checkpoint else "starts over (no checkpoint yet)"
    event = LogEvent(
        seq=0,
        run=job.run_id,
        step=0,
        epoch=None,
        time=0.0,
        level="warning",
        message=f"a rank failed; Ray restarted the rank group, which {where}",
    )
    return ("event", event)


def _pack_bytes(checkpoint: Path) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        pack = Path(scratch) / "pack.safetensors"
        pack_checkpoint(checkpoint, pack)
        return pack.read_bytes()


def _unpack_bytes(data: bytes, checkpoints: Path, name: str) -> Path:
    checkpoints.mkdir(parents=True, exist_ok=True)
    pack = checkpoints / f".ray-{os.getpid()}.pack"
    try:
        pack.write_bytes(data)
        return unpack_checkpoint(pack, checkpoints, name)
    finally:
        pack.unlink(missing_ok=True)
