"""The Optuna side of a sweep: its study, sampler and pruner, and sampling a point.

A sweep is one Optuna study (named by the sweep's id on the server). Trials are asked
for and told about one at a time (Optuna's ask-and-tell), since each one trains
elsewhere: in a run on a worker, or in a local process for `layerlab sweep`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import optuna
from optuna.pruners import BasePruner, MedianPruner, NopPruner, SuccessiveHalvingPruner
from optuna.samplers import BaseSampler, GridSampler, RandomSampler, TPESampler
from optuna.storages import BaseStorage
from optuna.trial import FrozenTrial, Trial, TrialState

from layerlab.sweeps.space import (
    Choice,
    Distribution,
    IntRange,
    LogUniform,
    Uniform,
    grid_values,
)
from layerlab.sweeps.spec import SweepSpec

MEDIAN_STARTUP_TRIALS = 2
"""Trials that finish before the median pruner prunes any: a sweep is a few dozen trials
at most, so Optuna's 5 would leave little to prune."""
MEDIAN_WARMUP_EPOCHS = 1
"""Epochs every trial trains before it can be pruned (the first says little)."""

# Optuna logs every trial at INFO; the sweep reports them itself.
optuna.logging.set_verbosity(optuna.logging.WARNING)
log = logging.getLogger(__name__)


class _Grid(GridSampler):
    """Optuna's grid sampler, without its end: it calls `study.stop()` once every point
    is visited, which works inside `study.optimize` only. A sweep stops at `trials`,
    at most the grid's size (`spec_problem`)."""

    def after_trial(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        return


def make_sampler(spec: SweepSpec) -> BaseSampler:
    if spec.sampler == "grid":
        grid = {path: grid_values(d) for path, d in spec.space.items()}
        return _Grid(grid, seed=spec.seed)
    if spec.sampler == "random":
        return RandomSampler(seed=spec.seed)
    return TPESampler(seed=spec.seed)


def make_pruner(spec: SweepSpec) -> BasePruner:
    if spec.pruner == "median":
        return MedianPruner(
            n_startup_trials=MEDIAN_STARTUP_TRIALS, n_warmup_steps=MEDIAN_WARMUP_EPOCHS
        )
    if spec.pruner == "successive_halving":
        return SuccessiveHalvingPruner()
    return NopPruner()


def create_study(storage: BaseStorage | str | None, name: str, spec: SweepSpec) -> optuna.Study:
    """A new study (or the one of that name, when a restart races its creation)."""
    return optuna.create_study(
        storage=storage,
        study_name=name,
        direction=spec.objective.direction,
        sampler=make_sampler(spec),
        pruner=make_pruner(spec),
        load_if_exists=True,
    )


def load_study(storage: BaseStorage | str, name: str, spec: SweepSpec) -> optuna.Study:
    return optuna.load_study(
        storage=storage, study_name=name, sampler=make_sampler(spec), pruner=make_pruner(spec)
    )


def suggest(trial: Trial, space: dict[str, Distribution]) -> dict[str, Any]:
    """The trial's point: a value per path (a path suggested before, as when a driver
    resumes a trial it had asked for, keeps its value)."""
    point: dict[str, Any] = {}
    for path, distribution in space.items():
        if isinstance(distribution, LogUniform):
            lo, hi = distribution.log_uniform
            point[path] = trial.suggest_float(path, lo, hi, log=True)
        elif isinstance(distribution, Uniform):
            lo, hi = distribution.uniform
            point[path] = trial.suggest_float(path, lo, hi)
        elif isinstance(distribution, IntRange):
            lo, hi = distribution.int
            point[path] = trial.suggest_int(path, lo, hi, step=distribution.step)
        elif isinstance(distribution, Choice):
            point[path] = trial.suggest_categorical(path, distribution.choice)
    return point
