"""Each diagnosis fires on a network built to show it, names the layer, and stays
silent on a healthy network trained the same way."""

from __future__ import annotations

from typing import Any

import torch

from layerlab.train.events import Event, HealthEvent
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from tests.train.helpers import config, dataset, mlp, of_type, registry, train

# Gradients and activations measured on every other step: diagnoses need a few samples.
WATCHFUL = {
    "grad_norms_every": 2,
    "activations_every": 2,
    "scalars_every": 10,
    "max_events_per_s": 1000,
}


def diagnoses(events: list[Event]) -> list[tuple[str, str | None]]:
    return [(e.diagnosis, e.node) for e in of_type(events, "health") if e.active]


def health(events: list[Event], diagnosis: str) -> list[HealthEvent]:
    return [e for e in of_type(events, "health") if e.diagnosis == diagnosis and e.active]


def watchful(**fields: Any) -> Any:
    return config(**{"telemetry": WATCHFUL, **fields})


def test_vanishing_gradients_in_a_deep_sigmoid_stack() -> None:
    moons = registry("moons", size=400)
    deep = mlp(hidden=(32,) * 8, activation="Sigmoid")
    _, events = train(deep, moons, watchful(optimizer="sgd", lr=0.1, epochs=2))
    found = health(events, "vanishing_gradients")
    assert found and found[0].node == "fc1"  # the earliest layer is named
    assert found[0].value is not None and found[0].value < 1e-3
    assert "fc1" in found[0].message

    _, healthy = train(mlp(hidden=(32, 32, 32)), moons, watchful(lr=0.01, epochs=2))
    assert not health(healthy, "vanishing_gradients")


def test_exploding_gradients_with_a_huge_learning_rate() -> None:
    sine = registry("sine", size=400)
    doc = mlp(inputs=1, hidden=(32, 32), outputs=1)
    cfg = watchful(
        task="regression",
        optimizer="sgd",
        lr=1.0,
        epochs=2,
        telemetry={**WATCHFUL, "grad_norms_every": 1},
    )
    result, events = train(doc, sine, cfg)
    found = health(events, "exploding_gradients")
    assert found and found[0].node in {"fc1", "fc2", "head"}
    # It is reported before the run diverges.
    assert result.status == "diverged"
    diverged = next(e for e in of_type(events, "status") if e.status == "diverged")
    assert found[0].seq < diverged.seq
    _, healthy = train(
        doc,
        sine,
        watchful(
            task="regression",
            optimizer="sgd",
            lr=0.01,
            epochs=2,
            telemetry={**WATCHFUL, "grad_norms_every": 1},
        ),
    )
    assert not health(healthy, "exploding_gradients")


def dead_start(bias: float) -> list[Event]:
    """A ReLU MLP whose first layer's bias is set to `bias` before training."""
    doc = mlp(hidden=(32, 32))
    trainee = build_trainee(doc, 0)
    with torch.no_grad():
        trainee.module.fc1.bias.fill_(bias)
    events: list[Event] = []
    fit(
        trainee,
        registry("moons", size=400),
        watchful(lr=0.001, epochs=2),
        RunOptions(sink=events.append),
    )
    return events


def test_dead_relus_after_a_strongly_negative_bias() -> None:
    events = dead_start(-10.0)
    found = health(events, "dead_relu")
    assert found and found[0].node == "act1"
    assert found[0].value is not None and found[0].value > 0.9
    stats = of_type(events, "activations")[0].layers["act1"]
    assert stats.dead_fraction == 1.0 and stats.zero_fraction == 1.0

    assert not health(dead_start(0.0), "dead_relu")


def test_saturated_sigmoids_on_large_inputs() -> None:
    def points(scale: float) -> Any:
        moons = registry("moons", size=400)
        return dataset(
            {"kind": "points", "target": "class", "num_classes": 2},
            (moons.train.x * scale, moons.train.y),
            (moons.val.x * scale, moons.val.y),
        )

    doc = mlp(hidden=(32,), activation="Sigmoid")
    _, events = train(doc, points(50.0), watchful(lr=0.001, epochs=2))
    found = health(events, "saturated")
    assert found and found[0].node == "act1"
    assert found[0].value is not None and found[0].value > 0.5

    _, healthy = train(doc, points(1.0), watchful(lr=0.001, epochs=2))
    assert not health(healthy, "saturated")


def test_overfitting_on_a_tiny_training_set() -> None:
    tiny = registry("moons", size=60, noise=0.35, val_fraction=0.5)  # 30 points to learn from
    big = mlp(hidden=(128, 128))
    _, events = train(big, tiny, watchful(lr=0.01, epochs=150))
    found = health(events, "overfitting")
    assert found and found[0].node is None
    assert "validation loss rose" in found[0].message

    plenty = registry("moons", size=600, noise=0.35)
    _, healthy = train(mlp(hidden=(8,)), plenty, watchful(lr=0.01, epochs=15))
    assert not health(healthy, "overfitting")
    # No diagnosis at all on the healthy run.
    assert diagnoses(healthy) == []


def _overfitting_reports(epochs: list[tuple[float, float]]) -> list[tuple[bool, str]]:
    """(active, message) of every overfitting event for (train, val) losses per epoch."""
    from layerlab.train.health import HealthMonitor

    found: list[tuple[bool, str]] = []
    monitor = HealthMonitor(
        [],
        lambda kind, _node, active, message, _value: (
            found.append((active, message)) if kind == "overfitting" else None
        ),
    )
    for train_loss, val_loss in epochs:
        monitor.epoch(train_loss, val_loss)
    return found


def test_overfitting_needs_validation_loss_rising_apart_from_training_loss() -> None:
    # Memorising: training loss falls away while validation loss climbs.
    memorising = [(0.50, 0.52), (0.30, 0.40), (0.20, 0.42), (0.12, 0.45), (0.08, 0.47)]
    reports = _overfitting_reports(memorising)
    assert [active for active, _ in reports] == [True]
    assert "rose from 0.4 (epoch 1) to 0.47" in reports[0][1]
    # The same rise of validation loss, but Dropout holds training loss just as high:
    # a noisy tiny validation set, not memorising.
    regularised = [(0.50, 0.52), (0.42, 0.40), (0.41, 0.42), (0.41, 0.43), (0.41, 0.44)]
    assert _overfitting_reports(regularised) == []
    # And a new best clears an active diagnosis.
    recovered = [*memorising, (0.07, 0.39)]
    assert [active for active, _ in _overfitting_reports(recovered)] == [True, False]
