"""Activations: the nonlinearities between layers. Each keeps its input's shape."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from layerlab.ops.base import (
    HealthKind,
    ModuleCall,
    Op,
    OpParams,
    ShapeError,
    TensorSpec,
    spec,
)


class Activation(Op[OpParams]):
    """Shape-preserving, parameter-free nonlinearities: a subclass names its torch
    module in `torch_class` and its parameters pass through as keyword arguments."""

    category = "Activation"
    health_kind = HealthKind.OTHER
    torch_class: type[nn.Module]
    example = {"x": spec(4, 5)}

    def infer(self, p: OpParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: OpParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(self.torch_class, p.model_dump())


class ReLU(Activation):
    name = "ReLU"
    summary = "max(0, x): cheap, no vanishing gradient for x > 0; units can die at x < 0."
    torch_class = nn.ReLU
    health_kind = HealthKind.RELU_LIKE


class ReLU6(Activation):
    name = "ReLU6"
    summary = "min(max(0, x), 6): a ReLU capped at 6, robust in low precision (MobileNet)."
    torch_class = nn.ReLU6
    health_kind = HealthKind.RELU_LIKE


class LeakyReLUParams(OpParams):
    negative_slope: float = Field(
        default=0.01, ge=0.0, le=1.0, description="Slope for x < 0, so units never die"
    )


class LeakyReLU(Activation):
    name = "LeakyReLU"
    summary = "x for x > 0, negative_slope * x otherwise: a ReLU whose units cannot die."
    Params = LeakyReLUParams
    key_params = ("negative_slope",)
    torch_class = nn.LeakyReLU


class Sigmoid(Activation):
    name = "Sigmoid"
    summary = "1 / (1 + e^-x), into (0, 1): saturates, so deep stacks vanish gradients."
    torch_class = nn.Sigmoid
    health_kind = HealthKind.SATURATING
    saturated_outside = (0.02, 0.98)


class Tanh(Activation):
    name = "Tanh"
    summary = "tanh(x), into (-1, 1): zero-centred, but saturates like the sigmoid."
    torch_class = nn.Tanh
    health_kind = HealthKind.SATURATING
    saturated_outside = (-0.96, 0.96)


class SiLU(Activation):
    name = "SiLU"
    summary = "x * sigmoid(x) (swish): smooth, non-monotonic, used in modern CNNs."
    torch_class = nn.SiLU


class GELUParams(OpParams):
    approximate: Literal["none", "tanh"] = Field(
        default="none", description="Exact erf form, or the tanh approximation"
    )


class GELU(Activation):
    name = "GELU"
    summary = "x * Phi(x): the Transformer's smooth ReLU."
    Params = GELUParams
    torch_class = nn.GELU


class SoftmaxParams(OpParams):
    dim: int = Field(
        default=-1,
        ge=-5,
        le=4,
        description="Axis whose entries become probabilities (batch excluded)",
    )


class Softmax(Activation):
    name = "Softmax"
    summary = "exp(x) normalised to sum to 1 along an axis: class probabilities."
    Params = SoftmaxParams
    torch_class = nn.Softmax

    def module(self, p: OpParams, x: dict[str, TensorSpec]) -> ModuleCall:
        assert isinstance(p, SoftmaxParams)
        rank = len(x["x"].shape)
        if not -rank <= p.dim < rank:
            raise ShapeError(f"dim={p.dim} is out of range for a rank-{rank} input", field="dim")
        return ModuleCall(nn.Softmax, {"dim": p.dim % rank + 1})

    def infer(self, p: OpParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        self.module(p, x)  # validates dim
        return {"y": x["x"]}
