"""The fit loop: one function to read top to bottom, as nanoGPT's train.py.

Per step: take the next batch from the training feed (data/feed.py: whole tensors on
the device indexed by a seeded permutation, no per-sample loop; or a batch fetched from
disk, random windows of a token file or images decoded by loader processes; with N
data-parallel ranks each takes its share, and distributed.py averages the gradients),
set the learning rate, let the task compute one or more
losses (`Phase`s: a GAN has two; eagerly or compiled, fast.py), and for each: backward,
read the loss on the host (the step's one sync, which catches divergence before the
update is applied; one step late on an accelerator), measure, clip and step. Telemetry
reduces what it measures on the device and reads it back without waiting
(readback.py). Per epoch: validate, report samples and health, maybe stop early,
checkpoint. Everything a person sees goes out as events (`run.py` holds that
plumbing); hooks and a `Control` let the caller watch and steer without editing this.
"""

from __future__ import annotations

import logging

import torch

from layerlab.messages import Message
from layerlab.train.augment import augment
from layerlab.train.config import TrainingConfig
from layerlab.train.control import StopRequested
from layerlab.train.data.lazy import Dataset
from layerlab.train.model import Trainee
from layerlab.train.optim import clip_gradients, lr_at, set_lr
from layerlab.train.run import FitResult, Run, RunOptions
from layerlab.train.watch import Diverged

log = logging.getLogger(__name__)


def fit(
    trainee: Trainee, data: Dataset, config: TrainingConfig, options: RunOptions | None = None
) -> FitResult:
    """Train `trainee` on `data` as `config` says; returns how the run ended."""
    options = options or RunOptions()
    run = Run(trainee, data, config, options)  # device, task, optimizers; resumed if asked
    p, telemetry, precision = run.progress, run.telemetry, run.precision
    hooks, state = options.hooks, run.state
    stop_message = ""
    run.started()
    try:
        for hook in hooks:
            hook.on_start(state)
        while p.epoch < config.epochs and p.step < run.total_steps:
            # This rank's share of each global batch, from the epoch's position on.
            batches = run.train.epoch(p.epoch, p.batch)
            trainee.train()
            while p.batch < run.steps_per_epoch and p.step < run.total_steps:
                run.sync.checkpoint(on_pause=run.paused, on_resume=run.resumed)
                x, y = next(batches)
                if run.augmenting:
                    x = augment(x, config.augment)
                lr = lr_at(p.step, run.total_steps, run.steps_per_epoch, config)
                for optimizer in run.optimizers.values():
                    set_lr(optimizer, lr)

                telemetry.begin_step(p.step)
                measuring = telemetry.scalars_due(p.step + 1)
                losses: list[torch.Tensor] = []
                step_metrics: dict[str, torch.Tensor] = {}
                # Activation hooks fire only in eager modules: their steps run eagerly.
                for phase in run.steps.phases(x, y, eager=telemetry.plan.activations):
                    optimizer = run.optimizers[phase.optimizer]
                    run.sync.zero_grad(optimizer, run.params[phase.optimizer])
                    precision.backward(phase.loss)
                    loss = run.sync.phase(run.params[phase.optimizer], phase.loss)  # global
                    run.watch.check_phase(loss, p.step + 1)  # CPU: before the update
                    precision.unscale(optimizer)
                    telemetry.after_backward(phase.optimizer)
                    clip_gradients(run.params[phase.optimizer], config)
                    telemetry.before_update(phase.optimizer)
                    precision.step(optimizer)
                    telemetry.after_update(phase.optimizer)
                    losses.append(loss.detach())
                    if phase.metrics is not None and measuring:
                        step_metrics.update(phase.metrics())

                p.step += 1
                p.batch += 1
                run.step_done()  # fast: the first compiled step ends the compile phase
                # The step's one sync (one step late on an accelerator): the loss on the host.
                step_loss = losses[0] if len(losses) == 1 else torch.stack(losses).sum()
                run.count_losses(run.watch.step_done(p.step, step_loss))
                telemetry.record(step_metrics)
                telemetry.end_step(p.step, p.epoch, lr, run.batch_size)
                run.live_views()
                state.step, state.batch = p.step, p.batch
                for hook in hooks:
                    hook.on_batch_end(state)
                if run.interval_checkpoint_due():
                    run.save("interval")

            # The epoch (or the run's last step) is done.
            run.count_losses(run.watch.flush())
            telemetry.flush()  # every measurement of the epoch is out
            stop_message = run.end_epoch()  # validation, metrics, samples, health
            for hook in hooks:
                hook.on_validation_end(state, state.val_metrics)
            run.next_epoch()
            if config.checkpoint_at_epoch_end:
                run.save("epoch")
            for hook in hooks:
                hook.on_epoch_end(state)
            if stop_message:
                break
            telemetry.reset_clock()

        if run.saved_at != p.step:
            run.save("final")
        run.status("finished", stop_message)
        return run.result("finished", stop_message)

    except StopRequested as stop:
        try:
            run.save("stop")  # reads the last loss, which may turn out not finite
        except Diverged as diverged:
            return diverged_result(run, diverged)
        run.status("stopped", stop.reason)
        return run.result("stopped", stop.reason)
    except Diverged as diverged:
        return diverged_result(run, diverged)
    except Exception as error:
        if run.ranks.distributed:
            # One rank's failure (often a peer that died) ends the whole group: its
            # launcher restarts the group from the last checkpoint (Ray) or reports it.
            raise
        log.exception("run %s failed at step %d", options.run_id, p.step)
        for hook in hooks:
            hook.on_exception(state, error)
        message = f"{type(error).__name__}: {error}"
        run.status("failed", message)
        return run.result("failed", message, error)
    finally:
        run.close()  # loader processes end with the run, however it ended


def diverged_result(run: Run, diverged: Diverged) -> FitResult:
    """Stop as `diverged`, naming the step and the checkpoint that stays the latest."""
    key = "health.diverged_applied" if diverged.applied else "health.diverged"
    message = (
        Message(key, loss=str(diverged.loss), step=diverged.step, checkpoint=run.checkpoint.name)
        if run.checkpoint
        else Message(f"{key}_no_checkpoint", loss=str(diverged.loss), step=diverged.step)
    )
    run.flush_telemetry()  # the measurements of the steps before go out first
    run.report_health("divergence", None, True, message, None)
    run.status("diverged", message)
    return run.result("diverged", message)
