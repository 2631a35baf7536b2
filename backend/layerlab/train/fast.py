"""The phases of one training step, run as written or compiled (`execution: fast`).

Fast execution hands torch.compile the whole forward of a step, the networks and the
task's loss together: `_traced` drives `Task.training_step` to its end, and Dynamo
inlines a generator that a plain function drives. Backward, clipping and the optimizer
stay eager, and so does all telemetry: gradient and weight norms are measured between
the compiled forward and the update, outside it. Activation statistics need forward
hooks, which a compiled module never calls, so the few steps that sample activations
run eagerly: the same modules and task code, only slower.

A task with two optimizers (a GAN) updates one network between its phases, so its step
cannot be traced whole: each network's forward is compiled instead (`Trainee.compile`),
and its losses stay eager.

On CUDA the compiled step of a small network also replays as CUDA graphs
(torch.compile's "reduce-overhead"; execution.py says when): one launch per step
instead of one per kernel. Its outputs live in the graphs' memory pool until the next
replay; the loop reads what it needs of them (the loss, the task's metrics) within the
step.

The first compiled step pays for the compile, seconds to minutes: `compile_done` says
how long it took, once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import torch

from layerlab.train.execution import Execution, channels_last_input
from layerlab.train.model import Trainee
from layerlab.train.precision import MixedPrecision
from layerlab.train.tasks import Phase, Task

log = logging.getLogger(__name__)


class TrainStep:
    def __init__(
        self, task: Task, trainee: Trainee, execution: Execution, precision: MixedPrecision
    ):
        self.task, self.trainee, self.execution, self.precision = (
            task,
            trainee,
            execution,
            precision,
        )
        self.device = task.device
        self.compiling = execution.mode == "fast"
        """The first compiled step has not finished yet."""
        self._started: float | None = None
        self._whole: Callable[[torch.Tensor, torch.Tensor], tuple[Phase, ...]] | None = None
        if execution.mode == "fast":
            if traced_whole(task):
                self._whole = torch.compile(self._traced, mode=execution.compile_mode)
            else:
                trainee.compile(execution.compile_mode)

    def _traced(self, x: torch.Tensor, y: torch.Tensor) -> tuple[Phase, ...]:
        return tuple(self.task.training_step(x, y))

    def phases(self, x: torch.Tensor, y: torch.Tensor, eager: bool = False) -> Iterator[Phase]:
        """The step's phases, in order; `eager` for a step whose forward hooks must fire.
        The caller applies each phase's update before asking for the next."""
        x = channels_last_input(x, self.execution)
        if self.compiling and not eager and self._started is None:
            self._started = time.perf_counter()
        if self._whole is None or eager:
            with self.trainee.eager(eager):
                yield from self.precision.forward_under_autocast(self.task.training_step(x, y))
            return
        if self.execution.cuda_graphs:
            # A new step: the last one's outputs (in the graphs' pool) are no longer read.
            torch.compiler.cudagraph_mark_step_begin()  # type: ignore[no-untyped-call]
        with self.precision.autocast():
            phases = self._whole(x, y)
        if len(phases) != 1:
            # Traced whole, a second phase would be computed before the first's update.
            log.warning(
                "the %s task gave %d phases with one optimizer: fast execution runs it eagerly",
                self.task.name,
                len(phases),
            )
            self._whole = None
            yield from self.phases(x, y)
            return
        yield phases[0]

    def compile_done(self) -> float | None:
        """Right after the first compiled step: the seconds it took, compiling included
        (once; None otherwise)."""
        if not self.compiling or self._started is None:
            return None
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)  # once per run: where the compile truly ends
        self.compiling = False
        return time.perf_counter() - self._started


def traced_whole(task: Task) -> bool:
    """Whether fast execution compiles the task's whole step (forward and loss): a task
    with one optimizer updates once per step, after its one phase."""
    return len(task.optimizers) == 1
