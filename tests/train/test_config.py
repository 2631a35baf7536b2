"""The training config: defaults for everything, errors that name the field, overrides."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

import layerlab
from layerlab.train.config import ConfigError, TaskName, TrainingConfig, config_of, parse_config
from layerlab.train.tasks import TASKS
from tests.conftest import GRAPHS
from tests.train.helpers import mlp


def test_an_empty_training_section_is_a_complete_config() -> None:
    config = config_of(mlp())
    assert config == TrainingConfig()
    assert (
        config.task == "classification" and config.optimizer == "adam" and config.device == "auto"
    )


def test_every_field_documents_itself() -> None:
    for name, field in TrainingConfig.model_fields.items():
        assert field.description, name
    schema = TrainingConfig.model_json_schema()
    assert "telemetry" in schema["properties"]


def test_task_names_are_the_task_registry() -> None:
    # TaskName stays a written-out Literal (the tasks import this module; the JSON Schema
    # needs the enum). Registering a task outside it fails at import; this catches a
    # name left in the Literal without its task.
    assert set(get_args(TaskName)) == set(TASKS)
    schema = TrainingConfig.model_json_schema()["properties"]["task"]
    assert set(schema["enum"]) == set(TASKS)


def test_errors_name_each_field() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"lr": 0, "optimizer": "adagrad", "telemetry": {"grad_norms_every": 0}, "bogus": 1}
        )
    problems = "\n".join(caught.value.problems)
    for field in (
        "training.lr",
        "training.optimizer",
        "training.telemetry.grad_norms_every",
        "training.bogus",
    ):
        assert field in problems
    with pytest.raises(ConfigError, match="betas"):
        parse_config({"betas": [0.5, 1.5]})
    with pytest.raises(ConfigError, match="training.device"):
        parse_config({"device": "tpu"})


def test_overrides_are_validated_and_none_means_unchanged() -> None:
    base = parse_config({"lr": 0.01, "epochs": 3})
    changed = base.with_overrides(lr=0.1, epochs=None, max_steps=7)
    assert (changed.lr, changed.epochs, changed.max_steps) == (0.1, 3, 7)
    assert base.lr == 0.01  # the original is untouched
    with pytest.raises(ConfigError, match="training.batch_size"):
        base.with_overrides(batch_size=0)


@pytest.mark.parametrize("path", sorted(GRAPHS.glob("*.json")), ids=lambda p: Path(p).stem)
def test_every_preset_training_section_validates(path: Path) -> None:
    config_of(layerlab.load_graph(path))
