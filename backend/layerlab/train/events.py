"""The event envelope: everything a run reports, one JSON object each.

The same model travels through the database, the websocket and `layerlab train
--json-events`. The envelope is flat (DESIGN.md "Events"): `seq`, `run`, `type`, `step`,
`epoch`, `time` (seconds since the run started, resumed runs included), then the typed
payload of that type. Payloads are JSON-safe: a non-finite number becomes null and its
key is listed in `nonfinite`, so no NaN or Infinity literal is ever written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

from layerlab.messages import KEY_DESCRIPTION, PARAMS_DESCRIPTION, Param
from layerlab.train.config import ExecutionUsed, PrecisionUsed

ActiveStatus = Literal["running", "paused"]
"""A worker holds the run's lease (a paused run keeps it)."""
OpenStatus = Literal["queued", ActiveStatus]
"""The run has not ended: it waits for a worker, or one holds it."""
FailureStatus = Literal["failed", "diverged"]
"""The run ended badly; its message says why."""
EndStatus = Literal["finished", "stopped", "pruned", FailureStatus]
"""The run has ended: nothing changes it any more. `pruned`: a sweep's pruner stopped it
early, as hopeless next to the sweep's other trials (its last checkpoint is kept)."""
RunStatus = Literal[OpenStatus, EndStatus]
"""Every status, in the order a run goes through them (nested Literals flatten)."""
ACTIVE_STATUSES: tuple[ActiveStatus, ...] = get_args(ActiveStatus)
OPEN_STATUSES: tuple[OpenStatus, ...] = get_args(OpenStatus)
FAILURE_STATUSES: tuple[FailureStatus, ...] = get_args(FailureStatus)
END_STATUSES: tuple[EndStatus, ...] = get_args(EndStatus)
Diagnosis = Literal[
    "vanishing_gradients",
    "exploding_gradients",
    "dead_relu",
    "saturated",
    "overfitting",
    "divergence",
]

HISTOGRAM_BINS = 32


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


Num = Annotated[float | None, BeforeValidator(_finite)]
"""A number in an event: NaN and infinities become null when the event is built."""


def finite_or_none(value: float) -> float | None:
    """A float for JSON: None for NaN and +-Infinity (the caller records the flag)."""
    return value if math.isfinite(value) else None


def clean_values(values: Mapping[str, float]) -> tuple[dict[str, float | None], list[str]]:
    """(JSON-safe values, keys whose value was not finite)."""
    out: dict[str, float | None] = {}
    flagged: list[str] = []
    for key, value in values.items():
        out[key] = finite_or_none(float(value))
        if out[key] is None:
            flagged.append(key)
    return out, flagged


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="null")


class _Envelope(_Model):
    essential: ClassVar[bool] = False
    """Never dropped for want of room (a worker's full outbox): such events are few, and
    a run's history cannot do without them. Sampled telemetry is dropped first."""

    seq: int = Field(description="Per-run sequence number, from 1, without gaps")
    run: str = Field(description="Run id")
    step: int = Field(description="Optimizer steps taken so far")
    epoch: int | None = Field(default=None, description="Current epoch, from 0")
    time: float = Field(description="Seconds since the run started (resumes continue the clock)")


# -- payload pieces ----------------------------------------------------------------------


class Histogram(_Model):
    low: Num = Field(description="Left edge of the first bin")
    high: Num = Field(description="Right edge of the last bin")
    counts: list[int] = Field(
        description=f"{HISTOGRAM_BINS} bin counts over a sample of the values"
    )


class ActivationStats(_Model):
    mean: Num
    std: Num
    zero_fraction: Num = Field(default=None, description="ReLU-like: share of outputs exactly zero")
    dead_fraction: Num = Field(
        default=None, description="ReLU-like: share of units zero for every sample of the batch"
    )
    saturated_fraction: Num = Field(
        default=None, description="Sigmoid/Tanh: share of outputs in the flat tails"
    )
    histogram: Histogram
    nonfinite: bool = Field(default=False, description="Some statistic was NaN or infinite")


class WeightStats(_Model):
    norm: Num = Field(description="L2 norm of the layer's parameters")
    update_ratio: Num = Field(
        default=None, description="||w_after - w_before|| / ||w_before|| over one step"
    )
    nonfinite: bool = False


class ImageData(_Model):
    """A small image: base64 of uint8 pixels, row-major (height, width, channels)."""

    width: int
    height: int
    channels: Literal[1, 3]
    data: str


class Prediction(_Model):
    image: ImageData | None = None
    input: list[Num] | None = Field(default=None, description="Small non-image inputs, flattened")
    target: str
    predicted: str
    confidence: Num = None
    correct: bool | None = None


class PredictionsView(_Model):
    kind: Literal["predictions"] = "predictions"
    items: list[Prediction]


class ConfusionView(_Model):
    kind: Literal["confusion_matrix"] = "confusion_matrix"
    classes: list[str]
    matrix: list[list[int]] = Field(
        description="matrix[true][predicted] counts on the validation set"
    )


class DecisionBoundaryView(_Model):
    kind: Literal["decision_boundary"] = "decision_boundary"
    x_range: tuple[Num, Num]
    y_range: tuple[Num, Num]
    resolution: int
    predicted: list[list[int]] = Field(description="[row][column] class id; row 0 is y_range[0]")
    confidence: list[list[Num]] = Field(description="[row][column] probability of that class")
    points: list[tuple[Num, Num, int]] = Field(description="Some validation points: x, y, class")


class CurveView(_Model):
    kind: Literal["curve"] = "curve"
    x: list[Num]
    predicted: list[Num]
    points: list[tuple[Num, Num]] = Field(description="Some validation points: x, target")


class ImageGridView(_Model):
    kind: Literal["image_grid"] = "image_grid"
    title: str
    images: list[ImageData]
    columns: int | None = Field(
        default=None, description="Images per row, when the grid has rows (else they wrap)"
    )
    row_labels: list[str] | None = Field(
        default=None, description="One label per row of `columns` images"
    )


class ReconstructionsView(_Model):
    kind: Literal["reconstructions"] = "reconstructions"
    inputs: list[ImageData]
    outputs: list[ImageData]
    originals: list[ImageData] | None = Field(
        default=None, description="Clean images when the inputs were corrupted"
    )


class VectorReconstructionsView(_Model):
    kind: Literal["vector_reconstructions"] = "vector_reconstructions"
    inputs: list[list[Num]]
    outputs: list[list[Num]]


class PointsView(_Model):
    kind: Literal["points"] = "points"
    real: list[tuple[Num, Num]]
    generated: list[tuple[Num, Num]]


class SequencePrediction(_Model):
    source: str
    target: str
    predicted: str
    correct: bool


class SequencesView(_Model):
    kind: Literal["sequences"] = "sequences"
    items: list[SequencePrediction]


class TextView(_Model):
    kind: Literal["text"] = "text"
    prompt: str
    text: str


class AttentionView(_Model):
    kind: Literal["attention"] = "attention"
    node: str = Field(description="Node id of the attention layer")
    weights: list[list[Num]] = Field(
        description="[query][key] weights of one example, averaged over heads"
    )
    query_labels: list[str] | None = None
    key_labels: list[str] | None = None


class SimilarityView(_Model):
    kind: Literal["similarity"] = "similarity"
    title: str
    images: list[ImageData] = Field(description="One image per row")
    labels: list[str] = Field(description="Each row's image, in words (its class)")
    texts: list[str] = Field(description="One text per column")
    values: list[list[Num]] = Field(
        description="[row][column] how well each image matches each text (softmax over a row)"
    )


class FeatureMap(_Model):
    node: str = Field(description="Node id of the Conv2d layer")
    shape: list[int] = Field(description="Its output per sample: channels, height, width")
    channels: list[ImageData] = Field(
        description="Its first channels, each min-max normalised to 0..255 on its own"
    )


class FeatureMapsView(_Model):
    kind: Literal["feature_maps"] = "feature_maps"
    image: ImageData = Field(description="The validation image the maps are of")
    label: str | None = Field(default=None, description="That image's class, in words")
    layers: list[FeatureMap] = Field(description="Each Conv2d layer's output, in compute order")


class LatentView(_Model):
    kind: Literal["latent"] = "latent"
    node: str = Field(description="Node id of the layer whose output is the code")
    dims: int = Field(description="Values in one code (the bottleneck's width)")
    explained: tuple[Num, Num] = Field(
        description="Share of the codes' variance along each of the two axes shown"
    )
    points: list[tuple[Num, Num, int | None]] = Field(
        description="Validation codes projected on their first two principal axes: x, y, class"
    )
    classes: list[str] | None = Field(default=None, description="Class names, by class id")
    walk: list[ImageData] | None = Field(
        default=None, description="Codes on the line between two validation codes, decoded"
    )
    walk_labels: tuple[str, str] | None = Field(
        default=None, description="The classes of the walk's two ends"
    )


SampleView = Annotated[
    PredictionsView
    | ConfusionView
    | DecisionBoundaryView
    | CurveView
    | ImageGridView
    | ReconstructionsView
    | VectorReconstructionsView
    | PointsView
    | SequencesView
    | TextView
    | AttentionView
    | SimilarityView
    | FeatureMapsView
    | LatentView,
    Field(discriminator="kind"),
]


# -- the events ------------------------------------------------------------------------


class MetricsEvent(_Envelope):
    type: Literal["metrics"] = "metrics"
    values: dict[str, Num] = Field(description="train/loss, val/acc, lr, samples_per_s, ...")
    nonfinite: list[str] = Field(
        default_factory=list, description="Keys whose value was NaN or infinite"
    )


class GradNormsEvent(_Envelope):
    type: Literal["grad_norms"] = "grad_norms"
    values: dict[str, Num] = Field(description="L2 norm of each layer's gradient, by node id")
    total: Num = Field(description="L2 norm of all gradients together")
    nonfinite: list[str] = Field(default_factory=list)


class ActivationsEvent(_Envelope):
    type: Literal["activations"] = "activations"
    layers: dict[str, ActivationStats] = Field(
        description="Statistics of each layer's output, by node id"
    )


class WeightsEvent(_Envelope):
    type: Literal["weights"] = "weights"
    layers: dict[str, WeightStats]


class SamplesEvent(_Envelope):
    type: Literal["samples"] = "samples"
    views: list[SampleView]


class _Said(_Envelope):
    """An event with a sentence for people: its English, and where it comes from the
    catalog (layerlab.messages) its key and parameters, for the reader's language."""

    message: str = Field(description="The message in English")
    key: str = Field(default="", description=KEY_DESCRIPTION)
    params: dict[str, Param] = Field(default_factory=dict, description=PARAMS_DESCRIPTION)

    def __init__(self, **data: Any) -> None:
        # A catalog message (layerlab.messages.Message) brings its key and parameters.
        message: Any = data.get("message")
        if not data.get("key") and getattr(message, "key", None):
            data = {**data, "message": str(message), "key": message.key}
            data["params"] = message.params
        super().__init__(**data)


class HealthEvent(_Said):
    essential = True
    type: Literal["health"] = "health"
    diagnosis: Diagnosis
    node: str | None = Field(
        description="The layer concerned (node id), or null for the whole network"
    )
    severity: Literal["warning", "error"] = "warning"
    active: bool = Field(default=True, description="False when a reported problem has cleared")
    value: Num = Field(default=None, description="The measurement behind the diagnosis")


class ExecutionInfo(_Model):
    """How the run's steps execute on its device, as resolved from the config (train/
    execution.py): what `auto` chose, and how long the fast path took to compile."""

    precision: PrecisionUsed = Field(
        description="off: float32; bf16 or fp16: the forward under autocast (fp16 with a "
        "gradient scaler)"
    )
    execution: ExecutionUsed = Field(
        description="eager: steps run as written; fast: the forward and loss compiled"
    )
    cuda_graphs: bool = Field(
        default=False, description="Fast on CUDA: compiled steps replay as CUDA graphs"
    )
    channels_last: bool = Field(
        default=False, description="Convolutions keep their images channels-last (CUDA)"
    )
    tf32: bool = Field(default=False, description="float32 matmuls on TF32 tensor cores (CUDA)")
    compiling: bool = Field(
        default=False, description="Fast: the first compiled step is still compiling"
    )
    compile_s: Num = Field(
        default=None, description="Fast: seconds the first compiled step took, compiling included"
    )


class StatusEvent(_Said):
    essential = True
    type: Literal["status"] = "status"
    status: RunStatus
    message: str = Field(
        default="", description="Why, in English (early stopping, a stop's reason, ...)"
    )
    total_steps: int | None = Field(
        default=None, description="Steps the run will take if it is not stopped early"
    )
    dataset: str | None = Field(
        default=None,
        max_length=200,
        description="On running: the data it trains on ('mnist', or a stand-in, said so)",
    )
    execution: ExecutionInfo | None = Field(
        default=None,
        description="On running: how steps execute; with execution fast, again (compiling "
        "false, compile_s set) once the first compiled step is done",
    )


class CheckpointEvent(_Envelope):
    essential = True
    type: Literal["checkpoint"] = "checkpoint"
    name: str = Field(description="Checkpoint directory name, e.g. step-00000120")
    reason: Literal["interval", "epoch", "stop", "final"]


class LogEvent(_Envelope):
    essential = True
    type: Literal["log"] = "log"
    level: Literal["info", "warning", "error"] = "info"
    message: str


Event = Annotated[
    MetricsEvent
    | GradNormsEvent
    | ActivationsEvent
    | WeightsEvent
    | SamplesEvent
    | HealthEvent
    | StatusEvent
    | CheckpointEvent
    | LogEvent,
    Field(discriminator="type"),
]
EVENT_CLASSES: tuple[type[_Envelope], ...] = get_args(get_args(Event)[0])
"""Every event's model, in the union's order."""
EVENT_TYPES: tuple[str, ...] = tuple(cls.model_fields["type"].default for cls in EVENT_CLASSES)
"""Every event's `type`, in the union's order: the one list of them."""
ESSENTIAL_TYPES = frozenset(
    cls.model_fields["type"].default for cls in EVENT_CLASSES if cls.essential
)
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(text: str | bytes) -> Event:
    """One event from its JSON text (what a viewer or a test reads back)."""
    return EVENT_ADAPTER.validate_json(text)


def event_json(event: Event) -> str:
    return event.model_dump_json()
