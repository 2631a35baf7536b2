"""One run's plumbing, so the fit loop (loop.py) can stay a loop: `Run` holds the setup
and resumption, events, checkpoints and the end of each epoch (the leader's part,
validation, samples, health and early stopping, is epoch_end.py); `RunOptions` is how a
run talks to the world, `FitResult` how it ended.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from layerlab.graph.weights import WeightsError, load_weights
from layerlab.messages import Message
from layerlab.train.checkpoint import (
    CheckpointError,
    Progress,
    latest_checkpoint,
    load_checkpoint,
    new_meta,
    save_checkpoint,
)
from layerlab.train.config import TrainingConfig
from layerlab.train.control import Control
from layerlab.train.data.base import Split
from layerlab.train.data.feed import Feed, feed_for
from layerlab.train.data.lazy import Dataset, LazyPart
from layerlab.train.data.sampling import SamplerState
from layerlab.train.distributed import RankSync, current_ranks, sync_batch_norms
from layerlab.train.epoch_end import evaluating, validate
from layerlab.train.events import (
    CheckpointEvent,
    Diagnosis,
    ExecutionInfo,
    HealthEvent,
    LogEvent,
    RunStatus,
    StatusEvent,
    clean_values,
)
from layerlab.train.execution import pick_device, prepare, resolve
from layerlab.train.fast import TrainStep, traced_whole
from layerlab.train.health import HealthMonitor
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.host_memory import keep_freed_memory
from layerlab.train.model import Trainee
from layerlab.train.optim import build_optimizer
from layerlab.train.precision import MixedPrecision
from layerlab.train.stream import Clock, EventSink, EventStream
from layerlab.train.tasks import Task, TaskError, make_task
from layerlab.train.telemetry import Telemetry
from layerlab.train.views import is_image
from layerlab.train.watch import LossWatch

log = logging.getLogger(__name__)

LIVE_VIEWS_PER_EPOCH = 4
"""How often a task's live views (a 2-D decision boundary) are redrawn within an epoch,
as TensorFlow Playground redraws its boundary while it trains."""


@dataclass
class RunOptions:
    """How a run talks to the world; the config says how it trains."""

    run_id: str = "run"
    sink: EventSink | None = None
    """Receives every event (the worker's uploader, the CLI's printer, a list)."""
    control: Control = field(default_factory=Control)
    hooks: Sequence[Hooks] = ()
    checkpoint_dir: Path | None = None
    resume: bool = False
    """Continue from checkpoint_dir's latest checkpoint, when it has one."""
    start_weights: Path | None = None
    """Weights (safetensors) to start from instead of the seed's initialization: a
    fork. A checkpoint being resumed wins over them."""
    start_note: str = ""
    """Where the start weights came from, for the run's first status message."""
    first_seq: int | None = None
    """Sequence number of the first event; by default 1, or the checkpoint's next."""
    clock: Clock = time.monotonic
    """What the run's rate caps, throughput and event times read. A benchmark that
    runs other work between steps passes one that leaves that work's time out."""


@dataclass
class FitResult:
    status: RunStatus
    message: str
    step: int
    epoch: int
    metrics: dict[str, float | None]
    """The last epoch's metrics: val/... and train/epoch_loss."""
    checkpoint: Path | None
    """The newest checkpoint written, or resumed from."""
    elapsed: float
    next_seq: int
    error: BaseException | None = None
    restarts: int = 0
    """Times the rank group failed and was restarted from a checkpoint (Ray)."""


class Run:
    def __init__(
        self, trainee: Trainee, data: Dataset, config: TrainingConfig, options: RunOptions
    ):
        self.trainee, self.data, self.config, self.options = trainee, data, config, options
        self.ranks = current_ranks()  # one process unless a launcher (ours, Ray's) set up more
        self.device = pick_device(config.device)
        if self.device.type == "cpu":
            keep_freed_memory()  # a step's buffers are not mapped afresh every step
        trainee.to(self.device)
        self.task: Task = make_task(trainee, data, config)
        # Precision, eager or compiled, memory format, TF32: decided once (execution.py).
        self.execution = resolve(
            config, self.device, trainee, self.ranks.world, traced_whole(self.task)
        )
        self.params = {name: self.task.parameters(name) for name in self.task.optimizers}
        self.optimizers = {name: build_optimizer(p, config) for name, p in self.params.items()}
        self.precision = MixedPrecision(config.precision, self.device)
        self.augmenting = config.augment != "none" and is_image(data.info.input_shape)

        samples = len(data.train)
        if samples == 0:
            raise TaskError(f"dataset {data.info.name!r} has no training samples")
        self.batch_size = min(config.batch_size, samples)
        if self.batch_size % self.ranks.world:
            raise TaskError(
                f"dataset {data.info.name!r} has {samples} training samples, so the "
                f"batch is {self.batch_size}, which does not divide among "
                f"{self.ranks.world} processes"
            )
        # The batches: whole tensors on the device, or fetched from disk; in the order of
        # the feed's sampler (a permutation per epoch, or random windows).
        self.train: Feed = self.feed(data.train)
        self.val: Feed = self.feed(data.val)
        self.steps_per_epoch = self.train.steps  # a last partial batch is left out
        self.total_steps = self.steps_per_epoch * config.epochs
        if config.max_steps is not None:
            self.total_steps = min(self.total_steps, config.max_steps)

        # Resume from the latest checkpoint, or start from the seed.
        self.health = HealthMonitor(trainee.layers, emit=self.report_health)
        self.progress = Progress(step=0, epoch=0, batch=0)
        self.checkpoint = (
            latest_checkpoint(options.checkpoint_dir)
            if options.resume and options.checkpoint_dir
            else None
        )
        self.order_note = ""
        if self.checkpoint is not None:
            meta = load_checkpoint(
                self.checkpoint, trainee.module, self.optimizers, self.precision.scaler
            )
            self.progress = meta.progress
            self.health.restore(meta.health)
            self.order_note = self.compare_order(meta.sampler)
        else:
            # Dropout, noise and augmentation draw from here; each rank its own stream.
            torch.manual_seed(config.seed + self.ranks.rank)
            if options.start_weights is not None:
                try:
                    load_weights(trainee.module, options.start_weights)
                except WeightsError as exc:
                    raise CheckpointError(f"start weights: {exc}") from None
        if self.checkpoint is not None and self.ranks.rank > 0:
            # The checkpoint holds the leader's random state: the others draw their own.
            torch.manual_seed(config.seed + self.ranks.rank + 1_000_003 * self.progress.step)
        self.saved_at = self.progress.step if self.checkpoint is not None else -1
        self.sync = RankSync(self.ranks, options.control, self.device)
        self.sync.share_weights(trainee.module)
        self.batch_norms_synced = (
            sync_batch_norms(trainee.module)
            if self.ranks.distributed and config.sync_batchnorm
            else 0
        )

        self.stream = EventStream(
            options.run_id,
            options.sink,
            next_seq=options.first_seq or self.progress.next_seq,
            elapsed=self.progress.elapsed,
            max_events_per_s=config.telemetry.max_events_per_s,
            clock=options.clock,
        )
        self.telemetry = Telemetry(
            self.stream,
            # Only the leader reports; the other ranks measure nothing.
            config.telemetry
            if self.ranks.leader
            else config.telemetry.model_copy(update={"enabled": False}),
            trainee.layers,
            self.params,
            self.health,
            self.device,
            total_steps=self.total_steps,
        )
        self.undo_execution = prepare(self.execution, trainee)  # undone by close()
        self.steps = TrainStep(self.task, trainee, self.execution, self.precision)
        self.state = LoopState(
            trainee,
            config,
            self.total_steps,
            self.steps_per_epoch,
            self.progress.step,
            self.progress.epoch,
            self.progress.batch,
        )
        self.last_metrics: dict[str, float] = {}
        self.watch = LossWatch(self.device)

    def feed(self, part: Split | LazyPart) -> Feed:
        # A stop reaches a loop waiting on a slow loader; ranks stop together instead,
        # between steps, as the leader says (distributed.py).
        control = self.options.control
        interrupt = (lambda: None) if self.ranks.distributed else (lambda: control.stop_reason)
        return feed_for(part, self.batch_size, self.config.seed, self.ranks, self.device, interrupt)

    def compare_order(self, saved: SamplerState | None) -> str:
        """A note when the checkpoint's data order is not this run's (the data changed)."""
        now = self.train.sampler_state(self.progress.epoch, self.progress.batch)
        if saved is None or saved.same_order(now):
            return ""
        return (
            f"the data changed since the checkpoint ({saved.samples:,} samples drawn by "
            f"{saved.kind}, now {now.samples:,} by {now.kind}): the batches from here on "
            "are not those of an uninterrupted run"
        )

    def close(self) -> None:
        """End the feeds' loader processes, if any; undo the process-wide settings."""
        self.train.close()
        self.val.close()
        self.undo_execution()

    def count_losses(self, known: list[tuple[int, float]]) -> None:
        """Step losses now on the host: into the epoch's mean, the charts and hooks."""
        for _, loss in known:
            self.progress.epoch_loss_sum += loss
            self.progress.epoch_loss_steps += 1
            self.telemetry.record_loss(loss)
            self.state.loss = loss

    # -- events ------------------------------------------------------------------------

    def status(
        self,
        value: RunStatus,
        message: str = "",
        dataset: str | None = None,
        execution: ExecutionInfo | None = None,
    ) -> None:
        if value != "running":
            self.flush_telemetry()  # what was measured goes out before the run pauses or ends
        p = self.progress
        self.stream.emit(
            StatusEvent,
            p.step,
            p.epoch,
            status=value,
            message=message,
            total_steps=self.total_steps,
            dataset=dataset,
            execution=execution,
        )

    def flush_telemetry(self) -> None:
        """Emit the measurements still on their way to the host. A failure to (a device
        that failed the run) is logged, not raised: the run's ending must go out."""
        try:
            self.telemetry.flush()
        except Exception:
            log.exception("run %s: telemetry still in flight is lost", self.options.run_id)

    def step_done(self) -> None:
        """After a step: with fast execution, the compile phase's end, once."""
        seconds = self.steps.compile_done()
        if seconds is not None:
            log.info("run %s: the first compiled step took %.1f s", self.options.run_id, seconds)
            self.status("running", execution=self.execution.info(compile_s=seconds))

    def started(self) -> None:
        where = self.options.start_note if self.options.start_weights is not None else ""
        if self.checkpoint is not None:
            where = Message(
                "run.resumed_from", checkpoint=self.checkpoint.name, step=self.progress.step
            )
        self.status(
            "running",
            where,
            dataset=self.data.info.used()[:200],
            execution=self.execution.info(compiling=self.steps.compiling),
        )
        notes = [self.precision.note, self.ranks_note(), self.order_note, *self.data.info.notes]
        for note in notes:
            if note:
                self.stream.emit(
                    LogEvent, self.progress.step, self.progress.epoch, level="info", message=note
                )

    def ranks_note(self) -> str:
        if not self.ranks.distributed:
            return ""
        share = self.batch_size // self.ranks.world
        note = (
            f"data parallel: {self.ranks.world} processes ({self.sync.backend()}), each "
            f"{share} of every {self.batch_size}-sample batch; gradients are averaged"
        )
        has_batch_norm = any(
            isinstance(m, nn.modules.batchnorm._BatchNorm) for m in self.trainee.module.modules()
        )
        if self.batch_norms_synced:
            note += "; BatchNorm statistics over the global batch (sync_batchnorm)"
        elif has_batch_norm:
            note += (
                f"; BatchNorm statistics are per rank (each normalises over its own {share} "
                "samples); set sync_batchnorm for statistics over the global batch"
            )
        return note

    def paused(self) -> None:
        self.status("paused")

    def resumed(self) -> None:
        self.status("running", Message("run.resumed"))
        self.telemetry.reset_clock()

    def report_health(
        self,
        diagnosis: Diagnosis,
        node: str | None,
        active: bool,
        message: str,
        value: float | None,
    ) -> None:
        self.stream.emit(
            HealthEvent,
            self.progress.step,
            self.progress.epoch,
            diagnosis=diagnosis,
            node=node,
            severity="error" if diagnosis == "divergence" else "warning",
            active=active,
            message=message,
            value=value,
        )

    # -- checkpoints -------------------------------------------------------------------

    def save(self, reason: str) -> None:
        """Write a checkpoint (when the run has a folder for them) and report it."""
        directory = self.options.checkpoint_dir
        if directory is None or not self.ranks.leader:  # the ranks' weights are equal
            return
        self.count_losses(self.watch.flush())  # the progress saved includes every loss
        self.telemetry.flush()  # and its events come before the checkpoint's
        p = self.progress
        p.elapsed, p.next_seq = self.stream.elapsed(), self.stream.next_seq + 1
        config = self.config.model_dump(mode="json")
        sampler = self.train.sampler_state(p.epoch, p.batch)
        meta = new_meta(self.trainee.name, reason, config, p, self.health.state(), sampler)
        written = save_checkpoint(
            directory,
            self.trainee.module,
            self.optimizers,
            meta,
            self.precision.scaler,
            self.config.keep_checkpoints,
            self.device,
        )
        if written is not None:
            self.checkpoint = written
            self.stream.emit(CheckpointEvent, p.step, p.epoch, name=written.name, reason=reason)
        self.saved_at = p.step
        self.telemetry.reset_clock()

    def live_views(self) -> None:
        """The task's live views (a 2-D decision boundary), LIVE_VIEWS_PER_EPOCH times an
        epoch between its end's samples, as the event rate allows."""
        p, telemetry = self.progress, self.config.telemetry
        every = max(1, self.steps_per_epoch // LIVE_VIEWS_PER_EPOCH)
        due = p.batch % every == 0 and p.batch < self.steps_per_epoch and p.step < self.total_steps
        if not (due and self.ranks.leader and telemetry.enabled and self.stream.allow()):
            return
        shown = (self.val if len(self.val) else self.train).shown()
        with evaluating(self.trainee, self.device, self.config.seed):
            views = self.task.live_views(shown)
        if views:
            self.telemetry.emit_samples(p.step, p.epoch, views)

    def interval_checkpoint_due(self) -> bool:
        """Every `checkpoint_every_steps`, except where the epoch-end one follows at once."""
        every = self.config.checkpoint_every_steps
        if not every or self.progress.step % every:
            return False
        return not (self.epoch_done() and self.config.checkpoint_at_epoch_end)

    def epoch_done(self) -> bool:
        p = self.progress
        return p.batch >= self.steps_per_epoch or p.step >= self.total_steps

    # -- the end of an epoch -----------------------------------------------------------

    def end_epoch(self) -> str:
        """Validate, report metrics, samples and health; returns an early-stopping
        message when the run should stop here. The leader does it; every rank stops
        when it says so."""
        message = validate(self) if self.ranks.leader else ""
        if self.sync.agree(bool(message)):
            return message or Message("run.early_stopping_leader")
        return ""

    def next_epoch(self) -> None:
        p = self.progress
        if p.batch >= self.steps_per_epoch:
            p.epoch, p.batch = p.epoch + 1, 0
            p.epoch_loss_sum, p.epoch_loss_steps = 0.0, 0
        self.state.epoch, self.state.batch = p.epoch, p.batch

    def result(
        self, status: RunStatus, message: str, error: BaseException | None = None
    ) -> FitResult:
        values, _ = clean_values(self.last_metrics)
        p = self.progress
        return FitResult(
            status,
            message,
            p.step,
            p.epoch,
            values,
            self.checkpoint,
            self.stream.elapsed(),
            self.stream.next_seq,
            error,
        )
