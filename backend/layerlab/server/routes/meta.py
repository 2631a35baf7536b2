"""GET /api/meta: the facts the browser must not copy. The thresholds by which the server
diagnoses a run's health (so the gradient colours and activation badges say what the
warnings say), the run-status groups, the activation histograms' bin count, the tasks
and the dataset targets each learns from (which task a newly chosen dataset keeps or
switches to), the training settings' JSON Schema (the editor's form), and the catalog of
server messages in both languages (the browser writes each issue's and health event's
`key` and `params` in the reader's language). Each value is read from its one home in the
core; nothing here is a second copy."""

from __future__ import annotations

from functools import cache
from typing import Any, get_args

from fastapi import APIRouter
from pydantic import BaseModel, Field

from layerlab.messages import MESSAGES
from layerlab.text import Text
from layerlab.train import health
from layerlab.train.config import TaskName, TrainingConfig
from layerlab.train.data.base import Target
from layerlab.train.events import (
    ACTIVE_STATUSES,
    END_STATUSES,
    FAILURE_STATUSES,
    HISTOGRAM_BINS,
    OPEN_STATUSES,
    ActiveStatus,
    EndStatus,
    FailureStatus,
    OpenStatus,
    RunStatus,
)
from layerlab.train.tasks import TASKS

router = APIRouter(tags=["meta"])


class GradientRule(BaseModel):
    """When the server calls gradients vanishing or exploding (train/health.py). Both
    rules are relative: gradient norms differ by orders of magnitude between healthy
    networks, so no absolute norm means trouble."""

    vanishing_ratio: float = Field(
        gt=0,
        lt=1,
        description="Vanishing: the earliest weight layer's gradient norm is under this "
        "share of the last weight layer's, at the same step",
    )
    exploding_factor: float = Field(
        gt=1,
        description="Exploding: the total gradient norm is over this multiple of its early "
        "reference (or not finite)",
    )
    reference_samples: int = Field(
        ge=1,
        description="The early reference is the median of the first this-many total norms "
        "measured before the one judged; judging starts at the second measurement",
    )
    sustain: int = Field(
        ge=1, description="Consecutive measurements a diagnosis must hold before it is reported"
    )


class ActivationRule(BaseModel):
    """When the server calls a layer's outputs dead or saturated, and how they are binned."""

    dead_fraction: float = Field(
        ge=0,
        le=1,
        description="Dead ReLUs: over this share of a ReLU's units are zero for a whole batch",
    )
    saturated_fraction: float = Field(
        ge=0,
        le=1,
        description="Saturated: over this share of a sigmoid's or tanh's outputs in the tails",
    )
    histogram_bins: int = Field(ge=1, description="Bins of each activation histogram")


class RunStatusGroups(BaseModel):
    """The run statuses (train/events.py), all in the order a run goes through them, and
    their groups."""

    all: list[RunStatus]
    active: list[ActiveStatus] = Field(description="A worker holds the run (paused too)")
    open: list[OpenStatus] = Field(description="Not ended: waiting for a worker, or held")
    failure: list[FailureStatus] = Field(description="Ended badly; the message says why")
    end: list[EndStatus] = Field(description="Ended: nothing changes the run any more")


class TaskFacts(BaseModel):
    """A task as its declaration in train/tasks says it (Task.targets, Task.usual_for)."""

    name: TaskName
    summary: str
    targets: list[Target] = Field(description="The dataset targets it learns from")
    usual_for: Target | None = Field(
        description="The target it is the usual task for: the one to switch to when a "
        "newly chosen dataset's target does not fit the current task"
    )


class ServerMeta(BaseModel):
    gradients: GradientRule
    activations: ActivationRule
    statuses: RunStatusGroups
    tasks: list[TaskFacts] = Field(description="Every task, in declaration order")
    training_schema: dict[str, Any] = Field(
        description="JSON Schema of a document's `training` section (TrainingConfig)"
    )
    messages: dict[str, Text] = Field(
        description="Every server message by key, its template in English and Chinese "
        "(layerlab/messages/catalog.py): `{name}` and `{name:spec}` take the message's params"
    )


@cache
def server_meta() -> ServerMeta:
    return ServerMeta(
        gradients=GradientRule(
            vanishing_ratio=health.VANISHING_RATIO,
            exploding_factor=health.EXPLODING_FACTOR,
            reference_samples=health.REFERENCE_SAMPLES,
            sustain=health.SUSTAIN,
        ),
        activations=ActivationRule(
            dead_fraction=health.DEAD_FRACTION,
            saturated_fraction=health.SATURATED_FRACTION,
            histogram_bins=HISTOGRAM_BINS,
        ),
        statuses=RunStatusGroups(
            all=list(get_args(RunStatus)),
            active=list(ACTIVE_STATUSES),
            open=list(OPEN_STATUSES),
            failure=list(FAILURE_STATUSES),
            end=list(END_STATUSES),
        ),
        tasks=[
            TaskFacts(
                name=task.name,
                summary=task.summary,
                targets=sorted(task.targets),
                usual_for=task.__dict__.get("usual_for"),
            )
            for task in TASKS.values()
        ],
        training_schema=TrainingConfig.model_json_schema(),
        messages=MESSAGES,
    )


@router.get(
    "/meta",
    response_model=ServerMeta,
    summary="Health thresholds, run-status groups and the training settings' schema",
)
def meta() -> ServerMeta:
    return server_meta()
