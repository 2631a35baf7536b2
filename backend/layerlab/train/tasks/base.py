"""The one declaration a task needs: how a batch becomes a loss, metrics and samples.

A task is a subclass of `Task` in one `train/tasks/*.py` module; defining it registers
it (like node types and datasets). Its name must be one of `TaskName` (train/config.py),
the static type the training config, the JSON Schema and the browser see; a test holds
that Literal and this registry equal. The fit loop knows nothing about any task: it asks
`training_step` for one or more `Phase`s (a loss and the optimizer it updates; a GAN
yields two), `validation_sums` for per-batch sums that `summarize` turns into
metrics, and `samples` for the views a person looks at.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, get_args

import torch
import torch.nn.functional as F
from torch import nn

from layerlab.train.config import TaskName, TrainingConfig
from layerlab.train.data.base import Split, Target
from layerlab.train.data.lazy import Dataset
from layerlab.train.events import SampleView
from layerlab.train.model import Net, Trainee


class TaskError(ValueError):
    """The graph or the dataset does not fit the task; the message says what to change."""


@dataclass
class Phase:
    """One optimizer update within a training step."""

    optimizer: str
    """Which optimizer's parameters this loss trains ("model", or a GAN's network names)."""
    loss: torch.Tensor
    """A scalar with a graph to backpropagate through."""
    metrics: Callable[[], dict[str, torch.Tensor]] | None = None
    """Detached scalars, reported as train/<name>. A function, called right after the
    phase's update and only on steps that report scalars (the loss alone is averaged
    over every step of the window), so other steps launch none of their kernels."""


@dataclass
class Evaluation:
    metrics: dict[str, float]
    """Reported as val/<name>."""
    views: list[SampleView] = field(default_factory=list)
    """Views that come out of evaluation itself (a confusion matrix)."""


TASKS: dict[str, type[Task]] = {}
"""Every task by name, in declaration order."""


ANY_FLOAT_TARGET: frozenset[Target] = frozenset({"class", "value", "none"})
"""The targets of a task that learns from the inputs alone (it never reads the target)."""


class Task:
    name: ClassVar[TaskName]
    summary: ClassVar[str]
    optimizers: ClassVar[tuple[str, ...]] = ("model",)
    targets: ClassVar[frozenset[Target]]
    """The dataset targets it learns from; a dataset with another is refused. The browser
    keeps the current task when a newly chosen dataset's target is here."""
    usual_for: ClassVar[Target | None] = None
    """The target this task is the usual one for: the browser switches to it when a newly
    chosen dataset's target does not fit the current task (one task per target)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.name in TASKS:
                raise RuntimeError(f"task {cls.name!r} declared twice")
            if cls.name not in get_args(TaskName):
                raise RuntimeError(f"task {cls.name!r} is not a TaskName (train/config.py)")
            if not getattr(cls, "targets", None):
                raise RuntimeError(f"task {cls.name!r} declares no targets")
            usual = cls.__dict__.get("usual_for")
            if usual is not None and (usual not in cls.targets or usual_task(usual)):
                raise RuntimeError(
                    f"task {cls.name!r}: usual_for {usual!r} is not among its targets "
                    "or another task's already"
                )
            TASKS[cls.name] = cls

    @classmethod
    def create(cls, trainee: Trainee, data: Dataset, config: TrainingConfig) -> Task:
        """The task for this graph and data (a few tasks pick a more specific one)."""
        return cls(trainee, data, config)

    def __init__(self, trainee: Trainee, data: Dataset, config: TrainingConfig):
        self.trainee = trainee
        self.data = data
        self.info = data.info
        self.extras = data.extras
        self.config = config
        self.check()
        if self.info.target not in self.targets:
            raise TaskError(
                f"the {self.name} task learns from {' or '.join(sorted(self.targets))} "
                f"targets; dataset {self.info.name!r} has {self.info.target} targets"
            )

    # -- what every task provides -------------------------------------------------------

    def check(self) -> None:
        """Raise TaskError when the graph or data cannot work with this task."""

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        raise NotImplementedError

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """Per-batch sums (scalars or small tensors) that add up over the validation set."""
        raise NotImplementedError

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        raise NotImplementedError

    def extra_metrics(self, shown: Callable[[], Split]) -> dict[str, float]:
        """Validation metrics that need more than sums (greedy decoding), as val/<name>;
        `shown()` gives the validation samples to look at (fetched only when asked)."""
        return {}

    def samples(self, val: Split) -> list[SampleView]:
        """Views of a few fixed validation examples (run in eval mode, without grad)."""
        return []

    def live_views(self, val: Split) -> list[SampleView]:
        """Views cheap and telling enough to redraw several times an epoch (a 2-D decision
        boundary), besides `samples` at each epoch's end."""
        return []

    def parameters(self, optimizer: str) -> list[nn.Parameter]:
        """The parameters an optimizer trains; one optimizer trains everything by default."""
        return [p for p in self.trainee.module.parameters() if p.requires_grad]

    @classmethod
    def trained_networks(cls, optimizer: str, networks: Sequence[str]) -> list[str]:
        """The networks (by name) whose parameters `optimizer` trains, as `parameters`
        takes them: run intake checks each optimizer gets some, without a model."""
        return list(networks)

    # -- helpers for subclasses ---------------------------------------------------------

    def single_net(self) -> Net:
        if len(self.trainee.nets) != 1:
            raise TaskError(
                f"the {self.name} task needs one network; the document has "
                f"{', '.join(self.trainee.nets)}"
            )
        return self.trainee.net()

    def check_inputs(self, net: Net, shapes: Sequence[Sequence[int]], dtype: str) -> None:
        """The network's Inputs must take what the dataset gives, one per shape."""
        if len(net.input_specs) != len(shapes):
            raise TaskError(
                f"the {self.name} task feeds {len(shapes)} input(s); network {net.name!r} has "
                f"{len(net.input_specs)} Input node(s) ({', '.join(net.signature.inputs) or 'none'})"
            )
        for node, spec, shape in zip(net.signature.inputs, net.input_specs, shapes, strict=True):
            if list(spec.shape) != list(shape) or spec.dtype != dtype:
                raise TaskError(
                    f"Input {node!r} takes {spec}, but dataset {self.info.name!r} gives "
                    f"({', '.join(str(d) for d in shape)}) {dtype}: set its shape and dtype to match"
                )

    def check_prediction(self, net: Net, numel: int, what: str) -> None:
        spec = net.output_specs[net.prediction_id]
        if spec.numel != numel:
            raise TaskError(
                f"Output {net.prediction_id!r} gives {spec} per sample, but {what} needs "
                f"{numel} value(s): adjust the last layer"
            )

    def token_logits(self, net: Net, length: int) -> int:
        """Width V of the (length, V) logits a token model predicts. V may exceed the
        dataset's vocabulary (ids it never sees), not fall short of it."""
        spec = net.output_specs[net.prediction_id]
        vocabulary = self.info.num_classes or 0
        if len(spec.shape) != 2 or spec.shape[0] != length or spec.shape[1] < vocabulary:
            raise TaskError(
                f"Output {net.prediction_id!r} gives {spec} per sample, but {self.name} needs "
                f"logits of shape ({length}, V) with V >= the vocabulary of {vocabulary} "
                f"tokens: adjust the last layer"
            )
        return spec.shape[1]

    @property
    def device(self) -> torch.device:
        first = next(self.trainee.module.parameters(), None)
        return first.device if first is not None else torch.device("cpu")


def usual_task(target: Target) -> str | None:
    """The task declared the usual one for `target`, if any."""
    return next(
        (name for name, task in TASKS.items() if task.__dict__.get("usual_for") == target), None
    )


def evaluate(
    task: Task,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    count: int,
    shown: Callable[[], Split],
) -> Evaluation:
    """The task's metrics over every batch of a split (`count` samples in all), with one
    device sync at the end; `shown()` gives the samples that metrics beyond sums look at
    (the whole split in memory, the first few of one on disk)."""
    sums: dict[str, torch.Tensor] = {}
    for x, y in batches:
        for key, value in task.validation_sums(x, y).items():
            sums[key] = sums[key] + value if key in sums else value.detach().clone()
    evaluation = task.summarize(sums, count)
    evaluation.metrics.update(task.extra_metrics(shown))
    return evaluation


def as_floats(sums: dict[str, torch.Tensor]) -> dict[str, list[float] | float]:
    """Every sum on the host with one sync: scalars become floats, tensors lists."""
    if not sums:
        return {}
    keys = list(sums)
    flat = torch.cat([sums[k].detach().double().flatten() for k in keys]).cpu().tolist()
    out: dict[str, list[float] | float] = {}
    offset = 0
    for key in keys:
        n = sums[key].numel()
        out[key] = flat[offset] if sums[key].ndim == 0 else flat[offset : offset + n]
        offset += n
    return out


def scalar(values: dict[str, list[float] | float], key: str) -> float:
    value = values[key]
    assert isinstance(value, float), key
    return value


def regression_loss(
    name: str, predicted: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """The elementwise losses for values; 'auto' means mean squared error."""
    if name in ("auto", "mse"):
        return F.mse_loss(predicted, target, reduction=reduction)
    if name == "l1":
        return F.l1_loss(predicted, target, reduction=reduction)
    if name == "smooth_l1":
        return F.smooth_l1_loss(predicted, target, reduction=reduction)
    if name == "bce":
        # Targets and predictions in [0, 1] (a Sigmoid output): images of ink on paper.
        return F.binary_cross_entropy(predicted.clamp(1e-6, 1 - 1e-6), target, reduction=reduction)
    raise TaskError(f"loss {name!r} does not fit this task; use mse, l1, smooth_l1 or bce")


def safe_exp(value: float) -> float:
    """exp for perplexity, inf instead of an OverflowError."""
    return math.exp(value) if value < 700 else math.inf
