"""Lessons: the course's chapters as guided steps in the app (issue 19).

A lesson is data, one JSON file per lesson in the repository's lessons/ folder (or the
copy a wheel ships, see `layerlab.bundled`): a title, a goal and steps. Each step has
its text, optionally a preset to open, and optionally a *check* that the browser
evaluates on what it shows (the open graph, the run on screen, its events), so a step
turns green by itself when the learner has done it. Every text is given in English and
Simplified Chinese side by side.

`load_lessons` validates every file against this format and against the app: a check
may name only an op type that exists, a training field the config has, a node of the
preset the lesson opened, a run status, a diagnosis the server reports, a metric of the
form `train/<name>` or `val/<name>`. A file that does not is refused with its name and
the field at fault (`tests/test_lessons.py` loads them all).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from layerlab.bundled import LESSONS_DIR, PRESETS_DIR
from layerlab.ops import REGISTRY
from layerlab.presets import list_presets
from layerlab.text import Text
from layerlab.train.config import TrainingConfig
from layerlab.train.events import Diagnosis, RunStatus

LESSON_ID = r"^[a-z0-9_]{1,64}$"
METRIC_NAME = r"^(train|val)/[a-z0-9_]{1,64}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# -- checks: each names state the browser has ------------------------------------------


class GraphHas(_Strict):
    """The open graph has at least `at_least` nodes of type `op` (blocks included)."""

    kind: Literal["graph_has"]
    op: str
    at_least: int = Field(default=1, ge=1, le=1000)


class PresetOpen(_Strict):
    """The open document came from this preset (edits allowed)."""

    kind: Literal["preset_open"]
    preset: str


class TrainingIs(_Strict):
    """The open graph's training section sets `field` to `value`."""

    kind: Literal["training_is"]
    field: str
    value: Any


class RunEpoch(_Strict):
    """The run on screen has finished `at_least` epochs (its epoch-end metrics)."""

    kind: Literal["run_epoch"]
    at_least: int = Field(ge=1, le=100_000)


class RunStatusIs(_Strict):
    """The run on screen has this status (diverged, finished, ...)."""

    kind: Literal["run_status"]
    status: RunStatus


class MetricBound(_Strict):
    """The run on screen's latest `metric` is at least / at most a value."""

    kind: Literal["metric"]
    metric: str = Field(pattern=METRIC_NAME)
    at_least: float | None = None
    at_most: float | None = None


class DiagnosisShown(_Strict):
    """The run on screen shows this diagnosis (on `node`, when given)."""

    kind: Literal["diagnosis"]
    diagnosis: Diagnosis
    node: str | None = None


Check = Annotated[
    GraphHas | PresetOpen | TrainingIs | RunEpoch | RunStatusIs | MetricBound | DiagnosisShown,
    Field(discriminator="kind"),
]


class Step(_Strict):
    text: Text
    preset: str | None = Field(default=None, description="A preset the step opens")
    check: Check | None = Field(
        default=None, description="Done when this holds; a step without one is read"
    )


class Lesson(_Strict):
    id: str = Field(pattern=LESSON_ID, description="The file's stem")
    order: int = Field(ge=1, le=1000, description="Its place in the course")
    chapter: Text
    title: Text
    goal: Text
    steps: list[Step] = Field(min_length=1, max_length=50)


class LessonSummary(_Strict):
    id: str
    order: int
    chapter: Text
    title: Text
    goal: Text
    steps: int


class LessonError(ValueError):
    """A lesson file that does not fit the format or the app; says which and where."""


def _node_ids(document: dict[str, Any]) -> set[str]:
    return {str(n["id"]) for n in document.get("nodes", [])}


def _check_names(lesson: Lesson, presets: dict[str, Path]) -> None:
    """Each check names what exists: ops, training fields, presets, the nodes of the
    preset open at that step."""
    nodes: set[str] | None = None
    for index, step in enumerate(lesson.steps, start=1):
        where = f"step {index}"
        named = [step.preset] if step.preset else []
        if isinstance(step.check, PresetOpen):
            named.append(step.check.preset)
        for preset in named:
            if preset not in presets:
                raise LessonError(f"{where}: no preset {preset!r}")
        if step.preset:
            nodes = _node_ids(json.loads(presets[step.preset].read_text()))
        check = step.check
        if isinstance(check, GraphHas) and check.op not in REGISTRY:
            raise LessonError(f"{where}: check.op {check.op!r} is no op type")
        if isinstance(check, TrainingIs) and check.field not in TrainingConfig.model_fields:
            raise LessonError(f"{where}: check.field {check.field!r} is no training field")
        if isinstance(check, MetricBound) and check.at_least is None and check.at_most is None:
            raise LessonError(f"{where}: check needs at_least or at_most")
        if isinstance(check, DiagnosisShown) and check.node is not None:
            if nodes is None:
                raise LessonError(f"{where}: check.node needs a preset opened before it")
            if check.node not in nodes:
                raise LessonError(f"{where}: check.node {check.node!r} is not in the preset")


def load_lesson(path: Path, presets: dict[str, Path]) -> Lesson:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and raw.get("id") != path.stem:
            raise LessonError(f"id must be the file's stem, {path.stem!r}")
        lesson = Lesson.model_validate(raw)
        _check_names(lesson, presets)
    except (ValueError, ValidationError) as exc:
        raise LessonError(f"{path.name}: {exc}") from None
    return lesson


def load_lessons(folder: Path = LESSONS_DIR, presets_folder: Path = PRESETS_DIR) -> list[Lesson]:
    """Every lesson in `folder`, in course order; LessonError for the first bad file."""
    presets = {p.name: p.path for p in list_presets(presets_folder)}
    lessons = [load_lesson(path, presets) for path in sorted(folder.glob("*.json"))]
    orders = [lesson.order for lesson in lessons]
    if len(set(orders)) != len(orders):
        raise LessonError(f"two lessons share an order: {sorted(orders)}")
    return sorted(lessons, key=lambda lesson: lesson.order)


def summary(lesson: Lesson) -> LessonSummary:
    return LessonSummary(
        id=lesson.id,
        order=lesson.order,
        chapter=lesson.chapter,
        title=lesson.title,
        goal=lesson.goal,
        steps=len(lesson.steps),
    )
