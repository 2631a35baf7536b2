"""The lessons (issue 19): every file in lessons/ fits the format and names only what the
app has; a file that does not is refused with its name and the field at fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from layerlab.bundled import LESSONS_DIR
from layerlab.lessons import LessonError, load_lessons

COURSE = [
    "neuron_activations",
    "decision_boundary",
    "training_backprop",
    "learning_rate",
    "vanishing_gradients",
    "exploding_gradients",
    "overfitting",
    "convolution",
    "residual_connections",
    "sequences",
    "attention",
    "autoencoders",
    "gan",
]
"""The course's chapters, one lesson each, in order (the issue's list)."""


def test_every_lesson_file_loads_and_the_course_is_whole() -> None:
    lessons = load_lessons()
    assert len(lessons) == len(list(LESSONS_DIR.glob("*.json")))
    assert [lesson.id for lesson in lessons] == COURSE
    for lesson in lessons:
        assert lesson.steps[0].preset, f"{lesson.id}: its first step opens its preset"
        assert any(step.check for step in lesson.steps), f"{lesson.id}: nothing is checked"


def _lesson(**changes: Any) -> dict[str, Any]:
    text = {"en": "Some text.", "zh-CN": "一些文字。"}
    lesson: dict[str, Any] = {
        "id": "sample",
        "order": 1,
        "chapter": text,
        "title": text,
        "goal": text,
        "steps": [{"text": text, "preset": "deep_sigmoid_mlp"}],
    }
    lesson.update(changes)
    return lesson


@pytest.mark.parametrize(
    ("step", "said"),
    [
        ({"check": {"kind": "graph_has", "op": "Dropuot"}}, "'Dropuot' is no op type"),
        ({"check": {"kind": "preset_open", "preset": "nope"}}, "no preset 'nope'"),
        ({"check": {"kind": "training_is", "field": "lr_max", "value": 1}}, "no training field"),
        (
            {"check": {"kind": "diagnosis", "diagnosis": "vanishing_gradients", "node": "fc9"}},
            "'fc9' is not in the preset",
        ),
        ({"check": {"kind": "metric", "metric": "val/acc"}}, "at_least or at_most"),
        ({"check": {"kind": "metric", "metric": "accuracy", "at_least": 1}}, "check.metric"),
        ({"check": {"kind": "run_status", "status": "exploded"}}, "check.run_status.status"),
        ({"text": {"en": "only English"}}, "zh-CN"),
    ],
)
def test_a_lesson_that_names_what_the_app_lacks_is_refused_located(
    tmp_path: Path, step: dict[str, Any], said: str
) -> None:
    text = {"en": "Next.", "zh-CN": "下一步。"}
    lesson = _lesson()
    lesson["steps"].append({"text": text, **step})
    (tmp_path / "sample.json").write_text(json.dumps(lesson, ensure_ascii=False))
    with pytest.raises(LessonError) as refused:
        load_lessons(tmp_path)
    assert "sample.json" in str(refused.value)
    assert said in str(refused.value).replace("\n", " ")


def test_a_lesson_file_named_otherwise_than_its_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text(json.dumps(_lesson(), ensure_ascii=False))
    with pytest.raises(LessonError, match="other.json: id must be the file's stem"):
        load_lessons(tmp_path)
