"""The sweep loop: ask Optuna for trials, start them, report what they measure, prune
the hopeless, tell Optuna how each ended.

The loop is the same on the server (trials are runs, the study lives in the database)
and in `layerlab sweep` (trials are local processes, the study in memory); what
differs sits behind `Trials`. `SweepDriver.step` keeps no state of its own between
calls: everything it decides from is in the study and in what `Trials` reports, so a
driver that starts again (a restarted server) carries on where the last one stopped,
and neither loses nor repeats a trial:

- a trial Optuna holds as running but `Trials` never started (the process died in
  between) is started now, with the values already sampled for it;
- values reported before are not reported again; a trial already told is not told
  twice; a prune already asked for is not asked again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import optuna
from optuna.trial import FrozenTrial, Trial, TrialState

from layerlab.graph.errors import GraphIssue
from layerlab.messages import Message
from layerlab.sweeps.space import Applied, apply_point, describe
from layerlab.sweeps.spec import SweepSpec
from layerlab.sweeps.study import suggest
from layerlab.train.events import EndStatus, RunStatus
from layerlab.train.faults import fault_point

log = logging.getLogger(__name__)

STATUS_ATTR = "status"
"""A told trial's user attribute: how it ended, as a run status (finished, pruned, ...)."""
MESSAGE_ATTR = "message"
"""A told trial's user attribute: why it failed or was pruned, for people (English)."""
MESSAGE_KEY_ATTR = "message_key"
"""Beside it, when the message is from the catalog: [key, params], for other languages."""
STARTED_ATTR = "started"
"""Set once `Trials.launch` has started the trial: a started trial that `Trials` no
longer knows was deleted (its run), not merely never started."""


@dataclass(frozen=True)
class TrialProgress:
    """What a started trial has done so far."""

    values: Mapping[int, float]
    """Epoch -> the objective's value at that epoch's end (finite values only)."""
    ended: EndStatus | None = None
    message: str = ""
    pruning: bool = False
    """A prune was asked for (the trial is stopping)."""
    epochs: int | None = None
    """Epochs the trial trains in all, when known: one that has reported its last is
    done training and is not pruned."""


class TrialRefused(Exception):
    """The trial cannot start: its document does not check (the message says where)."""

    @classmethod
    def of(cls, issues: Sequence[GraphIssue]) -> TrialRefused:
        """The check's errors, each with where it sits once blocks are expanded."""
        located = [f"{i} (at {i.path})" if i.path else str(i) for i in issues[:3]]
        more = f" (and {len(issues) - 3} more)" if len(issues) > 3 else ""
        return cls("; ".join(located) + more)


class Trials(Protocol):
    """Where trials train."""

    def progress(self) -> Mapping[int, TrialProgress]:
        """Every started trial, by number (trials of other sweeps are not there)."""
        ...

    def launch(self, number: int, point: dict[str, Any], applied: Applied) -> None:
        """Start trial `number`; raise TrialRefused when it cannot start. Starting a
        number already started does nothing."""
        ...

    def prune(self, number: int, reason: str) -> None:
        """Stop the trial, to end as `pruned` (its checkpoint kept)."""
        ...

    def stop(self, number: int) -> None:
        """Stop the trial (the sweep is stopping)."""
        ...


@dataclass
class Told:
    """A trial's end, as the driver told Optuna."""

    trial: FrozenTrial
    status: RunStatus
    message: str


@dataclass
class StepResult:
    done: bool
    """No trial runs, and none is left to start."""
    told: list[Told] = field(default_factory=list)
    launched: list[int] = field(default_factory=list)


class SweepDriver:
    def __init__(
        self,
        study: optuna.Study,
        spec: SweepSpec,
        document: dict[str, Any],
        trials: Trials,
        on_told: Callable[[Told], None] | None = None,
    ):
        self.study = study
        self.spec = spec
        self.document = document
        self.trials = trials
        self.on_told = on_told

    def step(self, stopping: bool = False) -> StepResult:
        """One pass: follow the running trials, then start new ones up to `parallel`
        (none when `stopping`: the running ones are stopped instead)."""
        result = StepResult(done=False)
        progress = self.trials.progress()
        running = self._running()
        for trial in running:
            seen = progress.get(trial.number)
            if seen is None and trial.user_attrs.get(STARTED_ATTR):
                message = Message("sweep.run_deleted")
                self._tell(result, trial.number, trial._trial_id, "failed", message)
                continue
            if seen is None:
                if stopping:
                    message = Message("sweep.stopped_before_start")
                    self._tell(result, trial.number, trial._trial_id, "stopped", message)
                else:
                    self._launch(result, trial.number, trial._trial_id)
                continue
            self._follow(result, trial, seen, stopping)
        if not stopping:
            self._fill(result)
        result.done = not self._running() and (stopping or self._asked() >= self.spec.trials)
        return result

    # -- following -----------------------------------------------------------------------

    def _running(self) -> list[FrozenTrial]:
        return self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))

    def _asked(self) -> int:
        return len(self.study.get_trials(deepcopy=False))

    def _follow(
        self, result: StepResult, trial: FrozenTrial, seen: TrialProgress, stopping: bool
    ) -> None:
        handle = Trial(self.study, trial._trial_id)
        new = {
            epoch: value
            for epoch, value in seen.values.items()
            if epoch not in trial.intermediate_values and math.isfinite(value)
        }
        for epoch in sorted(new):
            handle.report(new[epoch], epoch)
        if seen.ended is not None:
            self._settle(result, trial, seen)
            return
        if stopping:
            self.trials.stop(trial.number)
            return
        # Asked again on every pass (not only when a value came): a prune decided just
        # before a restart, and never carried out, is decided again.
        reported = {**trial.intermediate_values, **new}
        trained = seen.epochs is not None and max(reported, default=-1) >= seen.epochs - 1
        if reported and not seen.pruning and not trained and handle.should_prune():
            epoch = max(reported)
            reason = Message(
                "sweep.pruned",
                epoch=epoch + 1,
                metric=self.spec.objective.metric,
                value=reported[epoch],
            )
            log.info("sweep %s: trial %d %s", self.study.study_name, trial.number, reason)
            set_message(handle, reason)
            self.trials.prune(trial.number, reason)

    def _settle(self, result: StepResult, trial: FrozenTrial, seen: TrialProgress) -> None:
        assert seen.ended is not None
        status, message = seen.ended, seen.message
        number, trial_id = trial.number, trial._trial_id
        if status == "pruned":
            self._tell(result, number, trial_id, status, message, TrialState.PRUNED)
            return
        if status == "finished":
            if seen.values:
                last = max(seen.values)
                self._tell(result, number, trial_id, status, message, value=seen.values[last])
                return
            metric = self.spec.objective.metric
            message = Message("sweep.no_objective", metric=metric)
            status = "failed"
        self._tell(result, number, trial_id, status, message)

    def _tell(
        self,
        result: StepResult,
        number: int,
        trial_id: int,
        status: RunStatus,
        message: str,
        state: TrialState = TrialState.FAIL,
        value: float | None = None,
    ) -> None:
        handle = Trial(self.study, trial_id)
        handle.set_user_attr(STATUS_ATTR, status)
        if message:
            set_message(handle, message)
        if value is not None:
            state = TrialState.COMPLETE
        told = self.study.tell(number, value, state=state, skip_if_finished=True)
        entry = Told(told, status, message)
        result.told.append(entry)
        if self.on_told is not None:
            self.on_told(entry)

    # -- starting ------------------------------------------------------------------------

    def _fill(self, result: StepResult) -> None:
        while len(self._running()) < self.spec.parallel and self._asked() < self.spec.trials:
            trial = self.study.ask()
            self._launch(result, trial.number, trial._trial_id)

    def _launch(self, result: StepResult, number: int, trial_id: int) -> None:
        handle = Trial(self.study, trial_id)
        point = suggest(handle, self.spec.space)  # values sampled before are kept
        applied = apply_point(self.document, self.spec.config, point)
        # Asked for and sampled (in the study), not started: a driver that dies here
        # starts the trial when it starts again (tests/sweeps/test_restart.py).
        fault_point("sweep_trial_asked")
        try:
            self.trials.launch(number, point, applied)
        except TrialRefused as exc:
            self._tell(result, number, trial_id, "failed", str(exc))
            return
        handle.set_user_attr(STARTED_ATTR, True)
        log.info("sweep %s: trial %d: %s", self.study.study_name, number, describe(point))
        result.launched.append(number)


def set_message(handle: Trial, message: str) -> None:
    """Why the trial ended, in English, and its catalog key and parameters when it has
    them (none: an earlier message's key is cleared)."""
    handle.set_user_attr(MESSAGE_ATTR, message[:2_000])
    key = [message.key, message.params] if isinstance(message, Message) else None
    handle.set_user_attr(MESSAGE_KEY_ATTR, key)
