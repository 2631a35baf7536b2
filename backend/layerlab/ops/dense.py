"""Dense layers: the neuron (Linear), Dropout, and lookup tables (Embedding)."""

from __future__ import annotations

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import ModuleCall, Op, OpParams, Port, TensorSpec, spec


class LinearParams(OpParams):
    out_features: int = Field(
        default=10, ge=1, le=1_000_000, description="Number of output neurons"
    )
    bias: bool = Field(default=True, description="Learn an additive bias per output neuron")


class Linear(Op[LinearParams]):
    name = "Linear"
    category = "Dense"
    summary = "Fully connected layer y = xW^T + b over the last axis (in_features inferred)."
    Params = LinearParams
    key_params = ("out_features",)
    example = {"x": spec(8)}

    def infer(self, p: LinearParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        s = x["x"].shape
        return {"y": TensorSpec(shape=(*s[:-1], p.out_features))}

    def module(self, p: LinearParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(
            nn.Linear,
            {"in_features": x["x"].shape[-1], "out_features": p.out_features, "bias": p.bias},
        )

    def flops(self, p: LinearParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]) -> int:
        return 2 * x["x"].numel * p.out_features


class DropoutParams(OpParams):
    p: float = Field(
        default=0.5,
        ge=0.0,
        lt=1.0,
        description="Probability of zeroing each element while training",
    )


class Dropout(Op[DropoutParams]):
    name = "Dropout"
    category = "Dense"
    summary = "Randomly zero elements while training (a cure for overfitting)."
    Params = DropoutParams
    key_params = ("p",)
    example = {"x": spec(8)}

    def infer(self, p: DropoutParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: DropoutParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Dropout, {"p": p.p})


class EmbeddingParams(OpParams):
    num_embeddings: int = Field(
        default=128, ge=1, le=10_000_000, description="Vocabulary size: ids run from 0 to this - 1"
    )
    embedding_dim: int = Field(
        default=64, ge=1, le=100_000, description="Length of each id's learned vector"
    )


class Embedding(Op[EmbeddingParams]):
    name = "Embedding"
    category = "Dense"
    summary = "Look up a learned vector for each integer id (tokens, characters, classes)."
    Params = EmbeddingParams
    inputs = (Port("x", "integer ids", dtype="int64"),)
    key_params = ("num_embeddings", "embedding_dim")
    example = {"x": spec(6, dtype="int64")}

    def infer(self, p: EmbeddingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": TensorSpec(shape=(*x["x"].shape, p.embedding_dim))}

    def module(self, p: EmbeddingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(
            nn.Embedding,
            {"num_embeddings": p.num_embeddings, "embedding_dim": p.embedding_dim},
        )


class LogitScaleParams(OpParams):
    init: float = Field(
        default=1 / 0.07,
        gt=0.0,
        le=1e4,
        description="Starting multiplier (CLIP: 1 / 0.07, a temperature of 0.07)",
    )
    max_scale: float = Field(
        default=100.0, gt=0.0, le=1e6, description="Largest multiplier it may learn"
    )


class LogitScale(Op[LogitScaleParams]):
    name = "LogitScale"
    category = "Dense"
    summary = "Multiply by one learned positive number: CLIP's temperature for similarity logits."
    Params = LogitScaleParams
    key_params = ("init",)
    example = {"x": spec(8)}

    def infer(self, p: LogitScaleParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: LogitScaleParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.LogitScale, {"init": p.init, "max_scale": p.max_scale})
