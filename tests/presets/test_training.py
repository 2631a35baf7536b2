"""Every preset learns in a smoke run on the CPU: a few dozen steps on a few dozen samples
of its own dataset (MNIST and CIFAR-10 as their offline stand-ins), with its own
architecture, optimizer and learning rate. Its training loss must fall by a stated
factor: the mean of the first steps' losses over the mean of the last steps'.

A preset without an entry in SMOKE gets the default run, so a new preset is covered
the day it lands. The benchmark (`make bench-presets`) holds each preset to its real bar.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.presets.helpers import (
    Run,
    load_preset,
    offline_data,
    preset_config,
    preset_ids,
    substitutable,
    train,
)

WINDOW_SHARE = 6
"""A sixth of the run's steps (at least 3) is averaged at each end: one step's loss is
noisy, a few dozen steps' mean is not."""
TELEMETRY = {
    "scalars_every": 1,  # every step's loss, as an event
    "grad_norms_every": 10,
    "weights_every": 50,
    "activations_every": 50,
    "samples_every_epochs": 1000,  # sample views are the engine's tests' concern
    "max_events_per_s": 10_000,  # no step's loss may be throttled away
}


@dataclass(frozen=True)
class Smoke:
    """A smoke run: `steps` steps of `batch_size` over the first `train` samples."""

    factor: float
    """The loss must fall at least this many times (first steps' mean / last steps')."""
    steps: int = 40
    batch_size: int = 16
    train: int = 64
    val: int = 32
    loss: str = "train/loss"
    overrides: dict[str, Any] = field(default_factory=dict)
    why: str = ""

    def config_overrides(self) -> dict[str, Any]:
        return {
            "max_steps": self.steps,
            "epochs": self.steps,  # enough whatever the set's size: max_steps ends the run
            "batch_size": self.batch_size,
            "telemetry": TELEMETRY,
            **self.overrides,
        }


DEFAULT = Smoke(factor=1.5)
"""A preset without an entry below: 40 steps, and the loss must fall 1.5x."""

# Each factor sits about a third below what was measured here (the test prints the
# measured one), leaving room for other CPUs' rounding to steer training a little.
SMOKE: dict[str, Smoke] = {
    # The default run: 40 steps of 16 samples.
    "mlp_playground": Smoke(factor=2.0),
    "mlp_regression": Smoke(factor=2.5),
    "lenet5_mnist": Smoke(factor=4.0),
    "resnet20_cifar10": Smoke(factor=5.0),
    "mobilenet_cifar10": Smoke(factor=4.5),
    "rnn_sine": Smoke(factor=8.0),
    "gru_sine": Smoke(factor=8.0),
    "deep_residual_mlp": Smoke(factor=1.5),
    "clip_mnist": Smoke(factor=2.0),
    "ddpm_mnist": Smoke(factor=5.0),
    "overfit_mlp": Smoke(factor=1.6),
    "regularized_mlp": Smoke(factor=1.5, why="Dropout keeps the training loss up"),
    # Runs that differ from the default, each saying why.
    "alexnet_cifar10": Smoke(
        factor=1.1,
        steps=32,
        batch_size=8,
        train=8,
        val=8,
        why="no BatchNorm and a small default init: it starts on a plateau, and Dropout "
        "makes single steps noisy; 8 images as one batch keep the run affordable",
    ),
    "resnet18_cifar10": Smoke(
        factor=5.0,
        steps=16,
        batch_size=8,
        train=16,
        val=16,
        overrides={"lr": 0.1 * 8 / 128},
        why="11 M parameters: few steps of 8 images, with the preset's lr scaled to the "
        "batch (linear scaling rule); lr 0.1 at batch 8 jumps around",
    ),
    "gpt_char": Smoke(factor=1.4, steps=30, batch_size=8, why="a 64-character window per sample"),
    "bert_char": Smoke(
        factor=1.15,
        steps=30,
        batch_size=8,
        why="a 128-character window per sample; only the 15% chosen characters are scored",
    ),
    "gpt_char_local": Smoke(
        factor=1.3, steps=30, batch_size=4, why="a 256-character window per sample"
    ),
    "autoencoder_mnist": Smoke(
        factor=1.3, steps=80, why="BCE on grey pixels has a floor above zero"
    ),
    "denoising_autoencoder_mnist": Smoke(
        factor=1.3, steps=80, why="BCE on grey pixels has a floor above zero"
    ),
    "vae_mnist": Smoke(factor=1.3, steps=80, why="BCE on grey pixels has a floor above zero"),
    "transformer_seq2seq": Smoke(factor=1.3, steps=80, why="the first 50 steps warm the lr up"),
    "vit_tiny_mnist": Smoke(factor=2.0, steps=80, why="the first 100 steps warm the lr up"),
    "lstm_parity": Smoke(
        factor=1.4, steps=200, why="parity gives no gradient signal until the XOR is found"
    ),
    "deep_sigmoid_mlp": Smoke(
        factor=1.05,
        steps=200,
        why="vanishing gradients: the stack crawls, which is its lesson (its twin falls 2x "
        "in 40 steps)",
    ),
    "dcgan_mnist": Smoke(
        factor=5.0,
        loss="train/d_loss",
        why="two adversaries' losses need not fall together; the discriminator's does at first",
    ),
}


def smoke_of(name: str) -> Smoke:
    return SMOKE.get(name, DEFAULT)


class SmokeRuns:
    """Each preset's smoke run, trained once and shared by the tests below."""

    def __init__(self, empty_dir: Path):
        self.empty_dir = empty_dir
        self.runs: dict[str, Run] = {}

    def get(self, name: str) -> Run:
        if name not in self.runs:
            smoke = smoke_of(name)
            doc = load_preset(name)
            config = preset_config(doc, **smoke.config_overrides())
            data = offline_data(config, self.empty_dir).head(smoke.train, smoke.val)
            self.runs[name] = train(doc, config, data)
        return self.runs[name]


@pytest.fixture(scope="module")
def smoke_runs(tmp_path_factory: pytest.TempPathFactory) -> SmokeRuns:
    return SmokeRuns(tmp_path_factory.mktemp("offline_data"))


def ends(losses: list[float]) -> tuple[list[float], list[float]]:
    window = max(3, len(losses) // WINDOW_SHARE)
    return losses[:window], losses[-window:]


def fall_factor(losses: list[float]) -> float:
    first, last = ends(losses)
    return statistics.fmean(first) / statistics.fmean(last)


@pytest.mark.parametrize("name", preset_ids())
def test_preset_loss_falls_in_a_smoke_run(name: str, smoke_runs: SmokeRuns) -> None:
    smoke = smoke_of(name)
    run = smoke_runs.get(name)
    losses = run.series(smoke.loss)
    assert len(losses) == smoke.steps, f"{smoke.loss}: one value per step expected"
    factor = fall_factor(losses)
    print(f"{name}: {smoke.loss} fell {factor:.2f}x in {smoke.steps} steps (bar {smoke.factor}x)")
    first, last = ends(losses)
    assert factor >= smoke.factor, (
        f"{name}: {smoke.loss} fell only {factor:.2f}x (first steps {first}, last steps "
        f"{last}); the bar is {smoke.factor}x"
    )


@pytest.mark.parametrize(
    "name",
    [name for name in preset_ids() if substitutable(preset_config(load_preset(name)).dataset)],
)
def test_offline_run_logs_its_substitute_data_set(name: str, smoke_runs: SmokeRuns) -> None:
    """Without the real files, the run trains on the stand-in and its log says so."""
    run = smoke_runs.get(name)
    dataset = run.config.dataset
    said = [m for m in run.logs() if "not found" in m and "scikit-learn digits" in m]
    assert said, f"{name}: no log event names the stand-in for {dataset}: {run.logs()}"
    assert str(smoke_runs.empty_dir) in said[0], "the log should say where it looked"


def test_smoke_table_names_only_existing_presets() -> None:
    assert set(SMOKE) <= set(preset_ids()), set(SMOKE) - set(preset_ids())
