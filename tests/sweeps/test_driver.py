"""The sweep loop on its own, with scripted trials (no training): pruning by the median,
no prune of a trial done training, a deleted trial's run failing its trial, and a new
driver on the same study (a restarted server) that neither repeats nor loses a trial."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from optuna.trial import TrialState

from layerlab.sweeps.driver import SweepDriver, Told, TrialProgress
from layerlab.sweeps.space import Applied
from layerlab.sweeps.spec import SweepSpec
from layerlab.sweeps.study import create_study
from layerlab.train.events import EndStatus

EPOCHS = 4
GOOD = [0.6, 0.8, 0.9, 0.95]
BAD = [0.3, 0.35, 0.4, 0.45]


@dataclass
class Scripted:
    """Trials whose values come from a script, one epoch per `advance()`."""

    script: dict[int, list[float]]
    epochs: int = EPOCHS
    started: list[int] = field(default_factory=list)
    shown: dict[int, int] = field(default_factory=dict)
    """Trial -> epochs reported so far."""
    ended: dict[int, EndStatus] = field(default_factory=dict)
    pruned: list[int] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)

    def progress(self) -> Mapping[int, TrialProgress]:
        return {
            n: TrialProgress(
                values={e: self.script[n][e] for e in range(self.shown[n])},
                ended=self.ended.get(n),
                pruning=n in self.pruned,
                epochs=self.epochs,
            )
            for n in self.started
            if n not in self.gone
        }

    def launch(self, number: int, point: dict[str, Any], applied: Applied) -> None:
        assert number not in self.started, f"trial {number} started twice"
        self.started.append(number)
        self.shown[number] = 0

    def prune(self, number: int, reason: str) -> None:
        assert number not in self.pruned, "pruned twice"
        self.pruned.append(number)

    def stop(self, number: int) -> None:
        raise AssertionError("nothing is stopped here")

    def advance(self) -> None:
        for n in self.started:
            if n in self.ended:
                continue
            if n in self.pruned:
                self.ended[n] = "pruned"
            elif self.shown[n] < self.epochs:
                self.shown[n] += 1
            else:
                self.ended[n] = "finished"


SPEC = SweepSpec.model_validate(
    {
        "space": {"lr": {"log_uniform": [1e-4, 1e-1]}},
        "trials": 5,
        "parallel": 1,
        "pruner": "median",
        "seed": 0,
    }
)


def run(driver: SweepDriver, trials: Scripted, steps: int = 200) -> None:
    for _ in range(steps):
        if driver.step().done:
            return
        trials.advance()
    raise AssertionError("the sweep did not end")


def test_the_median_pruner_stops_a_trial_behind_the_others_before_its_last_epoch() -> None:
    trials = Scripted({0: GOOD, 1: GOOD, 2: BAD, 3: GOOD, 4: BAD})
    told: list[Told] = []
    study = create_study(None, "scripted", SPEC)
    run(SweepDriver(study, SPEC, {}, trials, told.append), trials)
    by_number = {entry.trial.number: entry for entry in told}
    assert sorted(by_number) == [0, 1, 2, 3, 4]
    assert [by_number[n].status for n in range(5)] == [
        "finished",
        "finished",
        "pruned",
        "finished",
        "pruned",
    ]
    # Pruned at the first epoch the pruner may judge (after one epoch of warm-up).
    assert trials.shown[2] == 2 and trials.shown[4] == 2
    assert by_number[2].trial.state == TrialState.PRUNED
    assert "behind" in str(by_number[2].trial.user_attrs["message"])
    assert study.best_value == GOOD[-1]


def test_a_trial_that_has_reported_its_last_epoch_is_not_pruned() -> None:
    # Trial 2 is worse only at its last epoch: it is done training, so it finishes.
    late = [0.6, 0.8, 0.9, 0.1]
    trials = Scripted({0: GOOD, 1: GOOD, 2: late, 3: GOOD, 4: GOOD})
    told: list[Told] = []
    run(SweepDriver(create_study(None, "late", SPEC), SPEC, {}, trials, told.append), trials)
    assert {e.trial.number: e.status for e in told}[2] == "finished"
    assert trials.pruned == []


def test_a_trial_whose_run_was_deleted_fails_and_the_sweep_goes_on() -> None:
    trials = Scripted({n: GOOD for n in range(5)})
    told: list[Told] = []
    driver = SweepDriver(create_study(None, "deleted", SPEC), SPEC, {}, trials, told.append)
    driver.step()
    trials.advance()
    trials.gone.add(0)  # a person deleted trial 0's run
    run(driver, trials)
    statuses = {e.trial.number: (e.status, e.message) for e in told}
    assert statuses[0] == ("failed", "its run was deleted")
    assert sorted(trials.started) == [0, 1, 2, 3, 4], "trial 0 was not started again"


def test_a_new_driver_on_the_same_study_carries_on_without_repeating_a_trial() -> None:
    trials = Scripted({n: GOOD for n in range(5)})
    told: list[Told] = []
    study = create_study(None, "restarted", SPEC)
    first = SweepDriver(study, SPEC, {}, trials, told.append)
    for _ in range(7):  # part way: some trials told, one training
        first.step()
        trials.advance()
    before = [e.trial.number for e in told]
    assert 0 < len(before) < 5
    # The server restarts: a new driver, the same study (in the database) and runs.
    second = SweepDriver(study, SPEC, {}, trials, told.append)
    run(second, trials)
    numbers = [e.trial.number for e in told]
    assert sorted(numbers) == [0, 1, 2, 3, 4], "each trial told once"
    assert sorted(trials.started) == [0, 1, 2, 3, 4], "each trial started once"
    assert all(t.state == TrialState.COMPLETE for t in study.get_trials())
