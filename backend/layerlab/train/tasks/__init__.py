"""Task recipes, one class each; importing this package registers them all.

`make_task(trainee, data, config)` picks the recipe named by `config.task` and checks
that the graph and the data fit it (TaskError says what to change when they do not).
"""

from __future__ import annotations

from layerlab.train.config import TrainingConfig
from layerlab.train.data.lazy import Dataset
from layerlab.train.model import Trainee
from layerlab.train.tasks import (
    autoencoder,
    classification,
    contrastive,
    diffusion,
    gan,
    language_model,
    masked_lm,
    regression,
    sequence,
)
from layerlab.train.tasks.base import TASKS, Evaluation, Phase, Task, TaskError, evaluate

_REGISTERED = (
    autoencoder,
    classification,
    contrastive,
    diffusion,
    gan,
    language_model,
    masked_lm,
    regression,
    sequence,
)


def make_task(trainee: Trainee, data: Dataset, config: TrainingConfig) -> Task:
    if config.task not in TASKS:
        raise TaskError(f"unknown task {config.task!r} (known: {', '.join(TASKS)})")
    return TASKS[config.task].create(trainee, data, config)


__all__ = ["TASKS", "Evaluation", "Phase", "Task", "TaskError", "evaluate", "make_task"]
