"""The sweeps' REST models: what `/api/sweeps` takes and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from optuna.trial import TrialState
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from layerlab.graph.document import JSON_INTEGER, GraphDocument
from layerlab.ids import GRAPH_ID_PATTERN, RUN_ID_PATTERN, SWEEP_ID_PATTERN
from layerlab.messages import KEY_DESCRIPTION, PARAMS_DESCRIPTION, Param
from layerlab.server.fields import Omittable
from layerlab.store.sweeps import SweepStatus
from layerlab.sweeps.spec import SweepSpec
from layerlab.train.events import RunStatus

TRIAL_STATES: list[JsonValue] = [s.name.lower() for s in TrialState if s != TrialState.WAITING]
"""Optuna's states of a trial, its home (`waiting` never occurs: trials are asked for
one at a time)."""


class CreateSweep(SweepSpec):
    """A sweep of a document: send `document`, or `graph_id` (and `graph_version`, else
    the newest) of a saved graph, with the sweep's settings. Every trial is a run of the
    document with the trial's values written in (and `config`'s overrides)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "oneOf": [{"required": ["document"]}, {"required": ["graph_id"]}],
            "dependentRequired": {"graph_version": ["graph_id"]},
        },
    )

    document: Omittable[GraphDocument] = Field(default=None, description="The graph to vary")
    graph_id: Omittable[str] = Field(default=None, pattern=GRAPH_ID_PATTERN)
    graph_version: Omittable[Annotated[int, Ge(1), Le(2**31 - 1), JSON_INTEGER]] = None

    def spec(self) -> SweepSpec:
        return SweepSpec.model_validate(
            self.model_dump(exclude={"document", "graph_id", "graph_version"})
        )


class TrialPoint(BaseModel):
    epoch: int = Field(description="From 0")
    value: float


class TrialRecord(BaseModel):
    number: int = Field(description="From 0, in the order trials were asked for")
    state: str = Field(
        description="Optuna's state of the trial", json_schema_extra={"enum": TRIAL_STATES}
    )
    status: RunStatus = Field(
        description="Its run's status; a trial whose document did not check is failed"
    )
    params: dict[str, Any] = Field(description="Path -> the value this trial tried")
    value: float | None = Field(description="The objective: its last epoch's value")
    intermediate: list[TrialPoint] = Field(description="The objective at each epoch's end")
    run: str | None = Field(pattern=RUN_ID_PATTERN, description="Its run (none: did not check)")
    message: str | None = Field(description="Why it failed or was pruned, in English")
    message_key: str = Field(default="", description=KEY_DESCRIPTION)
    message_params: dict[str, Param] = Field(default_factory=dict, description=PARAMS_DESCRIPTION)
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None = Field(description="Training time so far, or in all")


class BestTrial(BaseModel):
    number: int
    value: float
    params: dict[str, Any]
    run: str | None = Field(pattern=RUN_ID_PATTERN)


class TrialCounts(BaseModel):
    running: int = Field(description="Queued or training")
    complete: int
    pruned: int
    failed: int = Field(description="Failed, diverged, stopped, or did not check")


class SweepRecord(BaseModel):
    id: str = Field(pattern=SWEEP_ID_PATTERN)
    name: str = Field(description="The document's name")
    status: SweepStatus
    message: str | None = Field(description="How it ended, in English")
    message_key: str = Field(default="", description=KEY_DESCRIPTION)
    graph_id: str | None
    graph_version: int | None
    metric: str
    direction: Literal["maximize", "minimize"]
    trials: int = Field(description="Trials asked for in all")
    parallel: int
    counts: TrialCounts
    best: BestTrial | None
    created_at: datetime
    finished_at: datetime | None


class SweepDetail(SweepRecord):
    spec: SweepSpec = Field(description="The sweep's settings, as created")
    document: GraphDocument = Field(description="The document every trial varies")
    trial_list: list[TrialRecord] = Field(description="Every trial asked for so far, by number")
    importance: dict[str, float] | None = Field(
        description="Optuna's parameter importance (PED-ANOVA), once two trials are complete"
    )


class SweepList(BaseModel):
    items: list[SweepRecord]
    total: int
