"""Health diagnosis: the classic ways training goes wrong, each naming the layer.

The monitor reads what telemetry measured anyway (per-layer gradient norms,
activation statistics, epoch losses); it costs nothing extra. A diagnosis must hold
for `SUSTAIN` consecutive measurements before it is reported, once; when it clears,
an event with `active: false` says so.

- vanishing gradients: the earliest weight layer's gradient norm is VANISHING_RATIO
  times the last one's, or less (deep sigmoid stacks).
- exploding gradients: the total gradient norm exceeds EXPLODING_FACTOR times its
  early reference (the median of the first few measurements), or is not finite.
- dead ReLUs: over DEAD_FRACTION of a ReLU's units are zero for a whole batch.
- saturation: over SATURATED_FRACTION of a sigmoid's or tanh's outputs sit in the tails
  (where the op declares them: `Op.saturated_outside`).
- overfitting: validation loss has risen OVERFIT_RISE above its best for
  OVERFIT_EPOCHS epochs while the training loss kept falling, and stands at least
  OVERFIT_GAP above the training loss (a network whose training loss Dropout holds
  up near its validation loss is not memorising, however noisy a tiny validation
  set makes the latter).
Divergence (a non-finite loss) is the loop's to catch: it stops the run.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from torch import nn

from layerlab.messages import Message
from layerlab.ops import HealthKind
from layerlab.train.events import ActivationStats, Diagnosis
from layerlab.train.layers import Layer

VANISHING_RATIO = 1e-3
EXPLODING_FACTOR = 100.0
REFERENCE_SAMPLES = 3
DEAD_FRACTION = 0.5
SATURATED_FRACTION = 0.5
OVERFIT_RISE = 0.05
OVERFIT_EPOCHS = 3
OVERFIT_GAP = 0.1
"""Share of the validation loss by which it must exceed the training loss."""
SUSTAIN = 2


def weight_layers(layers: list[Layer]) -> list[str]:
    """Layers whose gradient tells depth apart: matrices and filters (Linear, Conv,
    recurrent, attention), not embeddings (sparse gradients) or norms (scale only)."""
    found = []
    for layer in layers:
        if isinstance(layer.module, nn.Embedding | nn.LayerNorm | nn.modules.batchnorm._BatchNorm):
            continue
        if any(p.ndim >= 2 for p in layer.parameters):
            found.append(layer.node)
    return found


@dataclass
class HealthMonitor:
    layers: list[Layer]
    emit: Callable[[Diagnosis, str | None, bool, str, float | None], None]
    """emit(diagnosis, node, active, message, value): the loop turns it into an event.
    `message` is a catalog `Message`: its English, with its key and parameters."""
    streak: dict[tuple[Diagnosis, str | None], int] = field(default_factory=dict)
    active: set[tuple[Diagnosis, str | None]] = field(default_factory=set)
    reference_norms: list[float] = field(default_factory=list)
    train_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.depth_order = weight_layers(self.layers)
        self.health_kinds = {layer.node: layer.health_kind for layer in self.layers}

    def _observe(
        self,
        diagnosis: Diagnosis,
        node: str | None,
        present: bool,
        message: Message,
        value: float | None,
        sustain: int = SUSTAIN,
    ) -> None:
        key = (diagnosis, node)
        self.streak[key] = self.streak.get(key, 0) + 1 if present else 0
        if present and self.streak[key] >= sustain and key not in self.active:
            self.active.add(key)
            self.emit(diagnosis, node, True, message, value)
        elif not present and key in self.active:
            self.active.discard(key)
            self.emit(
                diagnosis, node, False, Message(f"health.cleared.{diagnosis}", node=node), value
            )

    def gradients(self, norms: dict[str, float | None], total: float | None) -> None:
        """After each gradient-norm measurement."""
        present = [n for n in self.depth_order if norms.get(n) is not None]
        if len(present) >= 2:
            first, last = present[0], present[-1]
            low, high = norms[first] or 0.0, norms[last] or 0.0
            ratio = low / high if high > 0 else 1.0
            self._observe(
                "vanishing_gradients",
                first,
                ratio < VANISHING_RATIO,
                Message(
                    "health.vanishing_gradients",
                    node=first,
                    low=low,
                    ratio=ratio,
                    last=last,
                    high=high,
                ),
                ratio,
            )
        if total is None:
            worst = next((n for n, v in norms.items() if v is None), None)
            message = Message("health.not_finite", node=worst)
            self._observe("exploding_gradients", worst, True, message, None, sustain=1)
            return
        # The reference is the median of the first few measurements (those before this
        # one): explosions take only a few steps, so judging starts at the second.
        earlier = list(self.reference_norms)
        if len(self.reference_norms) < REFERENCE_SAMPLES:
            self.reference_norms.append(total)
        if not earlier:
            return
        growth = total / max(statistics.median(earlier), 1e-12)
        worst = max(norms, key=lambda n: norms[n] or 0.0) if norms else None
        self._observe(
            "exploding_gradients",
            worst,
            growth > EXPLODING_FACTOR,
            Message("health.exploding_gradients", node=worst, growth=growth, total=total),
            growth,
        )

    def activations(self, stats: dict[str, ActivationStats]) -> None:
        """After each activation measurement."""
        for node, s in stats.items():
            health_kind = self.health_kinds.get(node)
            if health_kind is HealthKind.RELU_LIKE and s.dead_fraction is not None:
                self._observe(
                    "dead_relu",
                    node,
                    s.dead_fraction > DEAD_FRACTION,
                    Message("health.dead_relu", node=node, fraction=s.dead_fraction),
                    s.dead_fraction,
                )
            if health_kind is HealthKind.SATURATING and s.saturated_fraction is not None:
                self._observe(
                    "saturated",
                    node,
                    s.saturated_fraction > SATURATED_FRACTION,
                    Message("health.saturated", node=node, fraction=s.saturated_fraction),
                    s.saturated_fraction,
                )

    def epoch(self, train_loss: float | None, val_loss: float | None) -> None:
        """After each epoch's validation."""
        if train_loss is None or val_loss is None:
            return
        self.train_losses.append(train_loss)
        self.val_losses.append(val_loss)
        best_epoch = min(range(len(self.val_losses)), key=self.val_losses.__getitem__)
        best = self.val_losses[best_epoch]
        since = len(self.val_losses) - 1 - best_epoch
        rising = since >= OVERFIT_EPOCHS and val_loss > best * (1 + OVERFIT_RISE)
        falling = train_loss < self.train_losses[best_epoch]
        apart = val_loss - train_loss >= OVERFIT_GAP * val_loss
        key: tuple[Diagnosis, str | None] = ("overfitting", None)
        overfit = rising and falling and apart
        if overfit and key not in self.active:
            self.active.add(key)
            self.emit(
                "overfitting",
                None,
                True,
                Message(
                    "health.overfitting",
                    best=best,
                    epoch=best_epoch,
                    loss=val_loss,
                    train=train_loss,
                ),
                val_loss / best if best > 0 else None,
            )
        elif since == 0 and key in self.active:
            self.active.discard(key)
            self.emit("overfitting", None, False, Message("health.overfitting_cleared"), None)

    def state(self) -> HealthState:
        """What a checkpoint keeps, so a resumed run judges trends over the whole run."""
        return HealthState(
            reference_norms=list(self.reference_norms),
            train_losses=list(self.train_losses),
            val_losses=list(self.val_losses),
        )

    def restore(self, state: HealthState) -> None:
        self.reference_norms = list(state.reference_norms)
        self.train_losses = list(state.train_losses)
        self.val_losses = list(state.val_losses)


class HealthState(BaseModel):
    reference_norms: list[float] = Field(default_factory=list)
    train_losses: list[float] = Field(default_factory=list)
    val_losses: list[float] = Field(default_factory=list)
