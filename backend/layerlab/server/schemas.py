"""The API's request and response models (what OpenAPI documents, and what the
browser's TypeScript types are generated from). Store rows and core objects are
mapped to these in the routes; none of them is sent as it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from layerlab.graph.document import GraphDocument, JsonInt
from layerlab.ids import GRAPH_ID_PATTERN, RUN_ID_PATTERN
from layerlab.ops.base import LearnCard


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    database: str = Field(description="sqlite or postgresql")
    auth: bool = Field(description="Whether REST routes need the bearer token")


# -- node types and datasets --------------------------------------------------------


class PortSchema(BaseModel):
    name: str
    description: str
    optional: bool
    dtype: str = Field(description="float32, int64 or any")


class OpSchema(BaseModel):
    """One node type: the palette entry and the inspector form."""

    type: str = Field(description="Type id, a torch class name: Conv2d, Linear, ...")
    category: str
    summary: str
    summary_zh: str = Field(
        default="",
        description="summary in Simplified Chinese: the server sends one for every type",
    )
    inputs: list[PortSchema]
    outputs: list[PortSchema]
    key_params: list[str] = Field(description="Parameters shown on the node itself")
    params_schema: dict[str, Any] = Field(
        description="JSON Schema of the parameters: each property's description, and "
        "description_zh beside it in Simplified Chinese"
    )
    learn: LearnCard | None = Field(
        default=None,
        description="The inspector's Learn card: the server sends one for every type",
    )


class DatasetSchema(BaseModel):
    name: str
    summary: str
    kind: str = Field(description="points, image, sequence, text or tabular")
    options_schema: dict[str, Any] = Field(description="JSON Schema of the dataset's options")
    input_shape: list[int] | None = Field(
        default=None, description="One sample's shape with the default options; null if unknown"
    )
    input_dtype: str | None = Field(default=None, description="float32 or int64")
    target: str | None = Field(default=None, description="class, value, sequence or none")
    num_classes: int | None = Field(default=None, description="Classes (or vocabulary size)")
    notes: list[str] = Field(
        default_factory=list, description="How the default load went (splits, substitutes)"
    )


# -- presets --------------------------------------------------------------------------


class SketchNode(BaseModel):
    id: str
    type: str = Field(description="Node type, or the name of the block it instantiates")
    repeat: int = Field(default=1, description="Chained copies (a block repeated)")


class SketchEdge(BaseModel):
    source: str
    target: str


class PresetSketch(BaseModel):
    """A preset's top level, enough to draw a small picture of it."""

    nodes: list[SketchNode]
    edges: list[SketchEdge]


class PresetSummary(BaseModel):
    name: str = Field(description="File stem, the preset's id: lenet5_mnist")
    title: str
    title_zh: str = Field(default="", description="title in Simplified Chinese")
    family: str = Field(default="Other", description="Start-screen group: MLP, CNN, RNN, ...")
    teaches: str = Field(default="", description="What the preset teaches, in one line")
    teaches_zh: str = Field(default="", description="teaches in Simplified Chinese")
    description: str = Field(default="", description="The document's description")
    twin: str | None = Field(
        default=None, description="The preset to train beside it (the cure of what it shows)"
    )
    cpu_seconds: float | None = Field(
        default=None, description="About how long its training takes on a 2-core CPU"
    )
    dataset: str | None = Field(default=None, description="training.dataset")
    params: int | None = Field(default=None, description="Parameters (null: does not check)")
    sketch: PresetSketch | None = None


class Preset(PresetSummary):
    document: GraphDocument


# -- graphs ---------------------------------------------------------------------------


class GraphSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(pattern=GRAPH_ID_PATTERN)
    name: str
    version: int = Field(description="Newest version; send it as If-Match to save on top of it")
    created_at: datetime
    updated_at: datetime


class GraphList(BaseModel):
    items: list[GraphSummary]
    total: int


class GraphRecord(GraphSummary):
    document: GraphDocument = Field(description="The newest version's document")


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    name: str
    created_at: datetime


class VersionRecord(VersionSummary):
    graph_id: str
    document: GraphDocument


# -- export ---------------------------------------------------------------------------

ExportFormat = Literal["python", "safetensors", "onnx"]


class ExportOptions(BaseModel):
    """An export request without its document (the route reads the document itself,
    for located errors)."""

    model_config = ConfigDict(extra="forbid")

    format: ExportFormat = Field(
        description="python: PyTorch source (text); safetensors: weights of a fresh "
        "initialisation; onnx: the network as ONNX (one network per file)"
    )
    run_id: str | None = Field(
        default=None, pattern=RUN_ID_PATTERN, description="Reserved: a run's weights"
    )
    seed: JsonInt = Field(default=0, ge=0, le=2**63 - 1, description="Seed of the initialisation")
    network: str | None = Field(
        default=None, max_length=64, description="Which network, for ONNX of a multi-network graph"
    )


class ExportRequest(ExportOptions):
    """What to export: `document`, always (`run_id`, a run's trained weights, is
    reserved and refused until then)."""

    document: GraphDocument = Field(description="The graph to export")
