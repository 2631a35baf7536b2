"""Hooks: code that runs at fixed places of the fit loop, without editing it.

Subclass `Hooks` and override what you need; every method gets the `LoopState`, a live
view of where the loop is. A hook that raises ends the run as `failed` (after
`on_exception`), so tests use one to simulate a crash at an exact step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layerlab.train.config import TrainingConfig
from layerlab.train.model import Trainee


@dataclass
class LoopState:
    trainee: Trainee
    config: TrainingConfig
    total_steps: int
    steps_per_epoch: int
    step: int = 0
    """Optimizer steps done."""
    epoch: int = 0
    batch: int = 0
    """Batches of this epoch done."""
    loss: float | None = None
    """The last step's training loss."""
    val_metrics: dict[str, float] = field(default_factory=dict)
    """The last validation's metrics, as val/<name>."""


class Hooks:
    def on_start(self, state: LoopState) -> None:
        """Before the first step (of this process: after loading a checkpoint on resume)."""

    def on_batch_end(self, state: LoopState) -> None:
        """After each optimizer step."""

    def on_validation_end(self, state: LoopState, metrics: dict[str, float]) -> None:
        """After each validation, with its metrics (val/<name>)."""

    def on_epoch_end(self, state: LoopState) -> None:
        """After each epoch: validation, early stopping and the epoch checkpoint are done."""

    def on_exception(self, state: LoopState, error: BaseException) -> None:
        """When the run fails with an exception (not on stop or divergence)."""
