"""The one declaration a node type needs.

A node type is a subclass of `Op` in one `ops/*.py` module. Defining the class
registers it; from it come parameter validation (`Params`, a pydantic model),
shape inference (`infer`), FLOPs (`flops`), the torch module (`module`, which is
also what the Python exporter prints), the palette entry and the inspector form
(`schema()`), the reference page `docs/ops.md`, how telemetry reads its outputs
(`health_kind`), and the inspector's Learn card (`learn`).

Shapes exclude the batch dimension throughout.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar, Generic, Literal, TypeVar

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from layerlab.messages import MessageError, Param
from layerlab.text import Text

DType = Literal["float32", "int64"]
TORCH_DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "int64": torch.int64}
DTYPE_BYTES: dict[str, int] = {"float32": 4, "int64": 8}


class TensorSpec(BaseModel):
    """What flows along an edge: a shape without the batch dimension, and a dtype."""

    model_config = ConfigDict(frozen=True)

    shape: tuple[int, ...]
    dtype: DType = "float32"

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    def __str__(self) -> str:
        dims = ", ".join(str(d) for d in self.shape)
        suffix = "" if self.dtype == "float32" else f" {self.dtype}"
        return f"({dims}){suffix}"


def spec(*shape: int, dtype: DType = "float32") -> TensorSpec:
    """Shorthand for declarations and tests: spec(3, 32, 32)."""
    return TensorSpec(shape=tuple(shape), dtype=dtype)


@dataclass(frozen=True)
class Port:
    """A named input or output of a node type."""

    name: str
    description: str
    optional: bool = False
    dtype: DType | Literal["any"] = "float32"


class LearnCard(BaseModel):
    """What a node type teaches: the inspector's Learn card and its section of docs/ops.md,
    in English and Simplified Chinese."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    formula: str = Field(
        min_length=1,
        max_length=300,
        description="What it computes, one line of plain-text math (y = x·Wᵀ + b)",
    )
    shape: Text = Field(description="Its shape rule: (…, in_features) → (…, out_features)")
    params: Text = Field(
        description="Its parameter count in its parameters' names; starts with none when "
        "it has no parameters"
    )
    when: Text = Field(description="When to use it")
    mistakes: Text = Field(description="The common mistakes")


class ParamTerm(BaseModel):
    """One parameter tensor of a node's module: weight (16, 2) holds 32 numbers."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(
        description="The torch parameter's name: weight, bias, self_attn.in_proj_weight"
    )
    shape: tuple[int, ...]
    count: int = Field(description="Numbers it holds: the product of its shape")


class HealthKind(Enum):
    """How telemetry reads an activation's outputs."""

    RELU_LIKE = "relu_like"  # zeros mean inactive units
    SATURATING = "saturating"  # outputs near the asymptotes mean flat gradients
    OTHER = "other"


class OpParams(BaseModel):
    """Base of every op's parameter model: unknown fields are errors, values are frozen,
    and types are strict (`true` is not the number 1, "3" is not 3)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ShapeError(MessageError):
    """An input the node cannot accept; `port` and `field` say where, when known. Its
    text is the catalog's message `key` (`shape.*`) with `params`, less the node's type
    (`op`), which the graph check adds."""

    def __init__(
        self, key: str, /, *, port: str | None = None, field: str | None = None, **params: Param
    ):
        super().__init__(key, **params)
        self.port = port
        self.field = field


@dataclass(frozen=True)
class ModuleCall:
    """A torch module constructor with its keyword arguments.

    The same value builds the module for training (`build`) and prints the
    constructor in exported source (`source`), so the two can never disagree.
    """

    cls: type[nn.Module]
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def build(self) -> nn.Module:
        return self.cls(**self.kwargs)

    def source(self) -> str:
        """`nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5)`: keyword arguments
        equal to the constructor's own defaults are left out, for readability."""
        module = self.cls.__module__
        prefix = "nn." if module.startswith("torch.nn") else ""
        defaults = {
            name: p.default
            for name, p in inspect.signature(self.cls.__init__).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        args = ", ".join(
            f"{key}={value!r}"
            for key, value in self.kwargs.items()
            if key not in defaults
            or defaults[key] != value
            or type(defaults[key]) is not type(value)
        )
        return f"{prefix}{self.cls.__name__}({args})"


P = TypeVar("P", bound=OpParams)

REGISTRY: dict[str, Op[Any]] = {}
"""Every node type by its type id, in declaration order (the palette's order)."""


class Op(Generic[P]):
    """Base class of node types. Subclasses set the class attributes and override
    `infer` and `module` (and `flops` where the type multiplies)."""

    name: ClassVar[str]
    category: ClassVar[str]
    summary: ClassVar[str]
    """One line for the palette and the docs."""
    summary_zh: ClassVar[str]
    """`summary` in Simplified Chinese, declared next to it. Every type declares its own
    (a family's base class does not lend one)."""
    Params: ClassVar[type[OpParams]] = OpParams
    inputs: ClassVar[tuple[Port, ...]] = (Port("x", "input tensor"),)
    outputs: ClassVar[tuple[Port, ...]] = (Port("y", "output tensor"),)
    key_params: ClassVar[tuple[str, ...]] = ()
    """Parameters worth showing on the node's face in the editor."""
    example: ClassVar[dict[str, TensorSpec]]
    """Inputs that the default parameters accept: used by the registry-wide tests and docs."""
    example_params: ClassVar[dict[str, Any]] = {}
    """Parameters to use with `example` when the defaults need something (e.g. Input's shape)."""
    health_kind: ClassVar[HealthKind | None] = None
    """Set on activations: telemetry watches their outputs (dead units, saturation) as well
    as every layer with parameters. None: not an activation."""
    shape_only: ClassVar[bool] = False
    """True for a node that rearranges its input's values without changing them (Flatten,
    Reshape, Identity): a task looks through it to the node that made the values."""
    saturated_outside: ClassVar[tuple[float, float] | None] = None
    """With health_kind SATURATING, and only then: outputs below the first value or above
    the second sit in the flat tails (slope under ~8% of its peak) and count as saturated."""
    learn: ClassVar[LearnCard]
    """The Learn card: formula, shape rule, parameter count, when to use it, common
    mistakes. Every type declares its own (a family's base class does not lend one)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            saturating = cls.health_kind is HealthKind.SATURATING
            if saturating != (cls.saturated_outside is not None):
                raise RuntimeError(
                    f"node type {cls.name!r}: saturated_outside goes with health_kind SATURATING"
                )
            if not isinstance(cls.__dict__.get("learn"), LearnCard):
                raise RuntimeError(f"node type {cls.name!r} declares no learn card (learn = ...)")
            summary_zh = cls.__dict__.get("summary_zh")
            if not isinstance(summary_zh, str) or not summary_zh.strip():
                raise RuntimeError(
                    f"node type {cls.name!r} declares no Chinese summary (summary_zh = ...)"
                )
            if cls.name in REGISTRY:
                raise RuntimeError(f"node type {cls.name!r} declared twice")
            REGISTRY[cls.name] = cls()

    # -- what every type provides --------------------------------------------------

    def infer(self, p: P, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        """Output specs by port name, from connected input specs by port name."""
        raise NotImplementedError

    def module(self, p: P, x: dict[str, TensorSpec]) -> ModuleCall:
        """The torch module that computes this node, its inputs in port order."""
        raise NotImplementedError

    def flops(self, p: P, x: dict[str, TensorSpec], y: dict[str, TensorSpec]) -> int:
        """Forward FLOPs of one sample, counted as torch's FlopCounterMode does
        (2 per multiply-add of matmuls, convolutions and attention; elementwise is free)."""
        return 0

    def kept_bytes(self, p: P, x: dict[str, TensorSpec], y: dict[str, TensorSpec]) -> int:
        """Bytes of one sample's activations kept for the backward pass: the outputs, plus
        what a type keeps besides (attention's weights), for the training-memory estimate."""
        return sum(s.numel * DTYPE_BYTES[s.dtype] for s in y.values())

    # -- derived ------------------------------------------------------------------

    def parse_params(self, raw: Mapping[str, Any]) -> P:
        return self.Params.model_validate(dict(raw))  # type: ignore[return-value]

    def param_terms(self, p: P, x: dict[str, TensorSpec]) -> list[ParamTerm]:
        """Each parameter tensor of the module, in torch's order, found by building the
        module on the meta device: no memory is allocated however large the layer is."""
        with torch.device("meta"):
            built = self.module(p, x).build()
        return [
            ParamTerm(name=name, shape=tuple(t.shape), count=t.numel())
            for name, t in built.named_parameters()
        ]

    def param_count(self, p: P, x: dict[str, TensorSpec]) -> int:
        """Parameters: the sum of `param_terms`."""
        return sum(term.count for term in self.param_terms(p, x))

    def schema(self) -> dict[str, Any]:
        """The palette entry: type id, category, help (English and Chinese), ports and the
        params' JSON Schema (each parameter's `description` with its `description_zh`)."""

        def port(p: Port) -> dict[str, Any]:
            return {
                "name": p.name,
                "description": p.description,
                "optional": p.optional,
                "dtype": p.dtype,
            }

        return {
            "type": self.name,
            "category": self.category,
            "summary": self.summary,
            "summary_zh": self.summary_zh,
            "inputs": [port(p) for p in self.inputs],
            "outputs": [port(p) for p in self.outputs],
            "key_params": list(self.key_params),
            "params_schema": self.Params.model_json_schema(),
            "learn": self.learn.model_dump(by_alias=True),
        }


# -- small shape helpers shared by the families -------------------------------------


def need_rank(
    x: TensorSpec,
    ranks: tuple[int, ...],
    layout: str | tuple[str, str],
    port: str = "x",
    sequence: bool = False,
) -> None:
    """Refuse an input whose rank is not in `ranks`; `layout` names each rank's axes,
    `(C, H, W)` (two ranks: two layouts); `sequence` says it is a sequence."""
    if len(x.shape) in ranks:
        return
    if isinstance(layout, tuple):
        raise ShapeError(
            "shape.rank_either",
            port=port,
            rank=ranks[0],
            rank2=ranks[1],
            layout=layout[0],
            layout2=layout[1],
            got=str(x),
        )
    key = "shape.rank_sequence" if sequence else "shape.rank"
    raise ShapeError(key, port=port, rank=ranks[0], layout=layout, got=str(x))


def pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """torch's output length of a convolution or pooling along one axis."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
