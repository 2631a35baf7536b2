"""A sweep as `/api/sweeps` answers it: its row, its study's trials and their runs.

Synchronous (the store and Optuna's storage are): call it in a worker thread.
Parameter importance is Optuna's (its default evaluator, PED-ANOVA, over the complete
trials), so it is computed once per number of complete trials and kept.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import get_args

import optuna
from optuna.storages import BaseStorage
from optuna.trial import FrozenTrial, TrialState
from sqlalchemy.orm import Session

from layerlab.graph.document import GraphDocument
from layerlab.messages import render
from layerlab.server.sweeps.schemas import (
    BestTrial,
    SweepDetail,
    SweepRecord,
    TrialCounts,
    TrialPoint,
    TrialRecord,
)
from layerlab.store.sweeps import TrialRun, trial_runs
from layerlab.store.tables import Sweep
from layerlab.sweeps.driver import MESSAGE_ATTR, MESSAGE_KEY_ATTR, STATUS_ATTR
from layerlab.sweeps.spec import SweepSpec
from layerlab.train.events import RunStatus

log = logging.getLogger(__name__)

RUN_STATUSES = frozenset(get_args(RunStatus))
IMPORTANCE_MIN_TRIALS = 2


def study_trials(storage: BaseStorage, sweep_id: str) -> list[FrozenTrial]:
    """The sweep's trials by number (none before its study exists)."""
    try:
        study_id = storage.get_study_id_from_name(sweep_id)
    except KeyError:
        return []
    return storage.get_all_trials(study_id, deepcopy=False)


def _status(trial: FrozenTrial, run: TrialRun | None) -> RunStatus:
    if run is not None:
        return run.status
    told = trial.user_attrs.get(STATUS_ATTR)
    if isinstance(told, str) and told in RUN_STATUSES:
        return told  # type: ignore[return-value]
    return "queued" if trial.state == TrialState.RUNNING else "failed"


def _state(trial: FrozenTrial) -> str:
    state = TrialState.RUNNING if trial.state == TrialState.WAITING else trial.state
    return state.name.lower()


def trial_record(trial: FrozenTrial, run: TrialRun | None, now: datetime) -> TrialRecord:
    started = run.started_at if run is not None else None
    finished = run.finished_at if run is not None else None
    duration = None
    if started is not None:
        duration = max(0.0, ((finished or now) - started).total_seconds())
    message = trial.user_attrs.get(MESSAGE_ATTR)
    key, params = "", {}  # the message's catalog key and parameters, when it has them
    if isinstance(said := trial.user_attrs.get(MESSAGE_KEY_ATTR), list) and len(said) == 2:
        key, params = said
    if not message and run is not None:
        message = run.failure_reason
    return TrialRecord(
        number=trial.number,
        state=_state(trial),
        status=_status(trial, run),
        params=dict(trial.params),
        value=trial.value if trial.state == TrialState.COMPLETE else None,
        intermediate=[
            TrialPoint(epoch=e, value=v) for e, v in sorted(trial.intermediate_values.items())
        ],
        run=run.run_id if run is not None else None,
        message=message if isinstance(message, str) else None,
        message_key=key if message else "",
        message_params=params if message else {},
        started_at=started,
        finished_at=finished,
        duration_s=duration,
    )


def _best(
    spec: SweepSpec, trials: list[FrozenTrial], runs: dict[int, TrialRun]
) -> BestTrial | None:
    complete = [t for t in trials if t.state == TrialState.COMPLETE and t.value is not None]
    if not complete:
        return None
    pick = max if spec.objective.direction == "maximize" else min
    best = pick(complete, key=lambda t: float(t.value or 0.0))
    run = runs.get(best.number)
    return BestTrial(
        number=best.number,
        value=float(best.value or 0.0),
        params=dict(best.params),
        run=run.run_id if run else None,
    )


def _counts(trials: list[FrozenTrial]) -> TrialCounts:
    states = [t.state for t in trials]
    return TrialCounts(
        running=sum(s in (TrialState.RUNNING, TrialState.WAITING) for s in states),
        complete=states.count(TrialState.COMPLETE),
        pruned=states.count(TrialState.PRUNED),
        failed=states.count(TrialState.FAIL),
    )


SWEEP_ENDINGS = ("sweep.all_ended", "sweep.stopped", "sweep.stopped_on_request")
"""What a sweep's own message says: no parameters, so its stored English names its key."""
_ENDING_KEYS = {render(key, {}): key for key in SWEEP_ENDINGS}


def sweep_record(session: Session, storage: BaseStorage, sweep: Sweep) -> SweepRecord:
    return _record(sweep, study_trials(storage, sweep.id), trial_runs(session, sweep.id))


def _record(sweep: Sweep, trials: list[FrozenTrial], runs: dict[int, TrialRun]) -> SweepRecord:
    spec = SweepSpec.model_validate(sweep.spec)
    return SweepRecord(
        id=sweep.id,
        name=sweep.name,
        status=sweep.status,
        message=sweep.message,
        message_key=_ENDING_KEYS.get(sweep.message or "", ""),
        graph_id=sweep.graph_id,
        graph_version=sweep.graph_version,
        metric=spec.objective.metric,
        direction=spec.objective.direction,
        trials=spec.trials,
        parallel=spec.parallel,
        counts=_counts(trials),
        best=_best(spec, trials, runs),
        created_at=sweep.created_at,
        finished_at=sweep.finished_at,
    )


class Importance:
    """Optuna's parameter importance per sweep, kept per number of complete trials."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, dict[str, float] | None]] = {}
        self._lock = threading.Lock()

    def of(
        self, storage: BaseStorage, sweep_id: str, spec: SweepSpec, trials: list[FrozenTrial]
    ) -> dict[str, float] | None:
        complete = sum(t.state == TrialState.COMPLETE for t in trials)
        with self._lock:
            kept = self._kept.get(sweep_id)
        if kept is not None and kept[0] == complete:
            return kept[1]
        found = None
        if complete >= IMPORTANCE_MIN_TRIALS:
            try:
                study = optuna.load_study(study_name=sweep_id, storage=storage)
                found = {
                    k: float(v) for k, v in optuna.importance.get_param_importances(study).items()
                }
            except (ValueError, RuntimeError) as exc:  # e.g. every complete trial tried one value
                log.info("sweep %s: no parameter importance yet (%s)", sweep_id, exc)
        with self._lock:
            self._kept[sweep_id] = (complete, found)
        return found

    def forget(self, sweep_id: str) -> None:
        with self._lock:
            self._kept.pop(sweep_id, None)


def sweep_detail(
    session: Session, storage: BaseStorage, sweep: Sweep, importance: Importance
) -> SweepDetail:
    trials = study_trials(storage, sweep.id)
    runs = trial_runs(session, sweep.id)
    spec = SweepSpec.model_validate(sweep.spec)
    now = datetime.now(UTC)
    return SweepDetail(
        **_record(sweep, trials, runs).model_dump(),
        spec=spec,
        document=GraphDocument.model_validate(sweep.document),
        trial_list=[trial_record(t, runs.get(t.number), now) for t in trials],
        importance=importance.of(storage, sweep.id, spec, trials),
    )
