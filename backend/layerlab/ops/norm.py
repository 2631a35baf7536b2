"""Normalisation: keep activations well scaled so deep networks train."""

from __future__ import annotations

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import ModuleCall, Op, OpParams, ShapeError, TensorSpec, need_rank, spec


class BatchNormParams(OpParams):
    eps: float = Field(
        default=1e-5, gt=0.0, le=1.0, description="Added to the variance for stability"
    )
    momentum: float = Field(
        default=0.1, gt=0.0, le=1.0, description="Weight of each batch in the running statistics"
    )
    affine: bool = Field(default=True, description="Learn a scale and shift per channel")


class _BatchNorm(Op[BatchNormParams]):
    category = "Normalisation"
    Params = BatchNormParams
    ranks: tuple[int, ...]
    layout: str
    torch_class: type[nn.Module]

    def infer(self, p: BatchNormParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], self.ranks, self.layout)
        return {"y": x["x"]}

    def module(self, p: BatchNormParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(self.torch_class, {"num_features": x["x"].shape[0], **p.model_dump()})


class BatchNorm1d(_BatchNorm):
    name = "BatchNorm1d"
    summary = "Normalise each feature over the batch: (F) features or (C, L) sequences."
    ranks = (1, 2)
    layout = "(F) or (C, L)"
    torch_class = nn.BatchNorm1d
    example = {"x": spec(6)}


class BatchNorm2d(_BatchNorm):
    name = "BatchNorm2d"
    summary = "Normalise each channel of (C, H, W) images over the batch and the pixels."
    ranks = (3,)
    layout = "(C, H, W)"
    torch_class = nn.BatchNorm2d
    example = {"x": spec(3, 4, 4)}


class LayerNormParams(OpParams):
    dims: int = Field(
        default=1,
        ge=1,
        le=5,
        description="How many trailing axes to normalise over (normalized_shape inferred)",
    )
    eps: float = Field(
        default=1e-5, gt=0.0, le=1.0, description="Added to the variance for stability"
    )
    elementwise_affine: bool = Field(
        default=True, description="Learn a scale and shift per element"
    )


class LayerNorm(Op[LayerNormParams]):
    name = "LayerNorm"
    category = "Normalisation"
    summary = "Normalise each sample over its last axes: the Transformer's normalisation."
    Params = LayerNormParams
    example = {"x": spec(5, 8)}

    def _normalized_shape(self, p: LayerNormParams, x: TensorSpec) -> tuple[int, ...]:
        if p.dims > len(x.shape):
            raise ShapeError(
                f"dims={p.dims} exceeds the input's rank {len(x.shape)} ({x})", field="dims"
            )
        return x.shape[-p.dims :]

    def infer(self, p: LayerNormParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        self._normalized_shape(p, x["x"])
        return {"y": x["x"]}

    def module(self, p: LayerNormParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(
            nn.LayerNorm,
            {
                "normalized_shape": self._normalized_shape(p, x["x"]),
                "eps": p.eps,
                "elementwise_affine": p.elementwise_affine,
            },
        )


class GroupNormParams(OpParams):
    num_groups: int = Field(
        default=8,
        ge=1,
        le=65_536,
        description="Groups the channels are split into; must divide them",
    )
    eps: float = Field(
        default=1e-5, gt=0.0, le=1.0, description="Added to the variance for stability"
    )
    affine: bool = Field(default=True, description="Learn a scale and shift per channel")


class GroupNorm(Op[GroupNormParams]):
    name = "GroupNorm"
    category = "Normalisation"
    summary = "Normalise each sample over groups of channels: batch-independent (diffusion U-Nets)."
    Params = GroupNormParams
    key_params = ("num_groups",)
    example = {"x": spec(8, 4, 4)}

    def infer(self, p: GroupNormParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2, 3), "(C, L) or (C, H, W)")
        channels = x["x"].shape[0]
        if channels % p.num_groups:
            raise ShapeError(
                f"{channels} channels are not divisible into {p.num_groups} groups",
                field="num_groups",
            )
        return {"y": x["x"]}

    def module(self, p: GroupNormParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.GroupNorm, {"num_channels": x["x"].shape[0], **p.model_dump()})


class NormalizeParams(OpParams):
    dim: int = Field(
        default=-1, ge=-5, le=4, description="Axis whose vectors get unit length (batch excluded)"
    )
    eps: float = Field(
        default=1e-12, gt=0.0, le=1.0, description="Smallest norm divided by, for stability"
    )


class Normalize(Op[NormalizeParams]):
    name = "Normalize"
    category = "Normalisation"
    summary = "Scale each vector to unit length (L2): dot products become cosine similarities."
    Params = NormalizeParams
    key_params = ("dim",)
    example = {"x": spec(3, 8)}

    def _dim(self, p: NormalizeParams, x: TensorSpec) -> int:
        rank = len(x.shape)
        if not -rank <= p.dim < rank:
            raise ShapeError(f"dim={p.dim} is out of range for a rank-{rank} input", field="dim")
        return p.dim % rank + 1  # the batch axis comes first

    def infer(self, p: NormalizeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        self._dim(p, x["x"])
        return {"y": x["x"]}

    def module(self, p: NormalizeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Normalize, {"dim": self._dim(p, x["x"]), "eps": p.eps})
