"""Structure: where tensors enter and leave a network, and how they are routed."""

from __future__ import annotations

import math
from typing import Annotated, ClassVar

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
    DType,
    ModuleCall,
    Op,
    OpParams,
    Port,
    ShapeError,
    TensorSpec,
    spec,
)

Dim = Annotated[int, Field(ge=1, le=1_000_000)]


def _axis(dim: int, rank: int, field: str) -> int:
    """A batch-excluded axis, negative counting from the end, checked against `rank`."""
    if not -rank <= dim < rank:
        raise ShapeError(f"{field}={dim} is out of range for a rank-{rank} input", field=field)
    return dim % rank


class InputParams(OpParams):
    shape: list[Dim] = Field(
        default=[1, 28, 28],
        min_length=1,
        max_length=5,
        description="Shape of one sample, batch excluded: [C, H, W] images, [T] tokens, [F] features",
    )
    dtype: DType = Field(
        default="float32", description="float32 for values, int64 for token or class ids"
    )


class Input(Op[InputParams]):
    name = "Input"
    category = "Structure"
    summary = "Where data enters the network: one sample's shape, batch excluded."
    Params = InputParams
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs = (Port("y", "the sample batch", dtype="any"),)
    key_params = ("shape",)
    example: ClassVar[dict[str, TensorSpec]] = {}

    def infer(self, p: InputParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": TensorSpec(shape=tuple(p.shape), dtype=p.dtype)}

    def module(self, p: InputParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Identity)


class OutputParams(OpParams):
    pass


class Output(Op[OutputParams]):
    name = "Output"
    category = "Structure"
    summary = "A result of the network (logits, a reconstruction, a loss term)."
    inputs = (Port("x", "the value to return", dtype="any"),)
    outputs: ClassVar[tuple[Port, ...]] = ()
    example = {"x": spec(10)}

    def infer(self, p: OutputParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {}

    def module(self, p: OutputParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Identity)


class FlattenParams(OpParams):
    start_dim: int = Field(
        default=0, ge=-5, le=4, description="First axis to flatten (batch excluded)"
    )
    end_dim: int = Field(
        default=-1, ge=-5, le=4, description="Last axis to flatten (batch excluded)"
    )


class Flatten(Op[FlattenParams]):
    name = "Flatten"
    category = "Structure"
    summary = "Flatten a range of axes into one, e.g. (C, H, W) -> (C*H*W) before a Linear."
    Params = FlattenParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "flattened tensor", dtype="any"),)
    shape_only = True
    example = {"x": spec(3, 4, 5)}

    def _range(self, p: FlattenParams, x: TensorSpec) -> tuple[int, int]:
        rank = len(x.shape)
        start = _axis(p.start_dim, rank, "start_dim")
        end = _axis(p.end_dim, rank, "end_dim")
        if start > end:
            raise ShapeError(f"start_dim {start} comes after end_dim {end}", field="start_dim")
        return start, end

    def infer(self, p: FlattenParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        s = x["x"].shape
        start, end = self._range(p, x["x"])
        shape = (*s[:start], math.prod(s[start : end + 1]), *s[end + 1 :])
        return {"y": TensorSpec(shape=shape, dtype=x["x"].dtype)}

    def module(self, p: FlattenParams, x: dict[str, TensorSpec]) -> ModuleCall:
        start, end = self._range(p, x["x"])
        last = end == len(x["x"].shape) - 1  # keep torch's readable end_dim=-1
        return ModuleCall(nn.Flatten, {"start_dim": start + 1, "end_dim": -1 if last else end + 1})


class ReshapeParams(OpParams):
    shape: list[int] = Field(
        default=[-1],
        min_length=1,
        max_length=5,
        description="New shape of one sample; one entry may be -1 (inferred)",
    )


class Reshape(Op[ReshapeParams]):
    name = "Reshape"
    category = "Structure"
    summary = "Give each sample a new shape with the same number of elements."
    Params = ReshapeParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "reshaped tensor", dtype="any"),)
    shape_only = True
    key_params = ("shape",)
    example = {"x": spec(2, 6)}

    def _shape(self, p: ReshapeParams, x: TensorSpec) -> tuple[int, ...]:
        unknown = [i for i, d in enumerate(p.shape) if d == -1]
        if len(unknown) > 1 or any(d == 0 or d < -1 for d in p.shape):
            raise ShapeError("shape entries must be positive, with at most one -1", field="shape")
        known = math.prod(d for d in p.shape if d != -1)
        if unknown:
            if x.numel % known:
                raise ShapeError(f"cannot reshape {x} into {p.shape}", field="shape")
            return tuple(x.numel // known if d == -1 else d for d in p.shape)
        if known != x.numel:
            raise ShapeError(
                f"cannot reshape {x} ({x.numel} elements) into {p.shape} ({known})", field="shape"
            )
        return tuple(p.shape)

    def infer(self, p: ReshapeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": TensorSpec(shape=self._shape(p, x["x"]), dtype=x["x"].dtype)}

    def module(self, p: ReshapeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Reshape, {"shape": self._shape(p, x["x"])})


class SelectParams(OpParams):
    dim: int = Field(
        default=0, ge=-5, le=4, description="Axis to pick from (batch excluded; 0 = first)"
    )
    index: int = Field(
        default=0,
        ge=-1_000_000,
        le=1_000_000,
        description="Position to keep; negative counts from the end",
    )


class Select(Op[SelectParams]):
    name = "Select"
    category = "Structure"
    summary = (
        "Keep one position along an axis and drop the axis, e.g. ViT's class token (N, E) -> (E)."
    )
    Params = SelectParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "the selected slice", dtype="any"),)
    key_params = ("dim", "index")
    example = {"x": spec(3, 4)}

    def _where(self, p: SelectParams, x: TensorSpec) -> tuple[int, int]:
        axis = _axis(p.dim, len(x.shape), "dim")
        size = x.shape[axis]
        if not -size <= p.index < size:
            raise ShapeError(
                f"index {p.index} is out of range for axis {p.dim} of {x}", field="index"
            )
        return axis, p.index % size

    def infer(self, p: SelectParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        axis, _ = self._where(p, x["x"])
        s = x["x"].shape
        return {"y": TensorSpec(shape=(*s[:axis], *s[axis + 1 :]), dtype=x["x"].dtype)}

    def module(self, p: SelectParams, x: dict[str, TensorSpec]) -> ModuleCall:
        axis, index = self._where(p, x["x"])
        return ModuleCall(tm.Select, {"dim": axis + 1, "index": index})


class AddParams(OpParams):
    broadcast: bool = Field(
        default=False,
        description="Let b repeat along its axes of size 1 to a's shape (a per-channel "
        "(C, 1, 1) added to every pixel); off: the shapes must be equal",
    )


class Add(Op[AddParams]):
    name = "Add"
    category = "Structure"
    summary = "Sum two tensors of the same shape (the residual connection), or broadcast b over a."
    Params = AddParams
    inputs = (Port("a", "first summand"), Port("b", "second summand (e.g. the skip path)"))
    example = {"a": spec(4, 3), "b": spec(4, 3)}

    def infer(self, p: AddParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        a, b = x["a"], x["b"]
        fits = len(a.shape) == len(b.shape) and all(
            m == n or (p.broadcast and m == 1) for m, n in zip(b.shape, a.shape, strict=True)
        )
        if not fits:
            hint = (
                "; with broadcast, b needs a's rank and each axis equal or 1" if p.broadcast else ""
            )
            raise ShapeError(f"shape mismatch: a is {a} but b is {b}{hint}", port="b")
        return {"y": a}

    def module(self, p: AddParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Add)


class ConcatParams(OpParams):
    dim: int = Field(
        default=0, ge=-5, le=4, description="Axis to join along (batch excluded; 0 = channels)"
    )


class Concat(Op[ConcatParams]):
    name = "Concat"
    category = "Structure"
    summary = "Join two to four tensors along one axis (channels by default)."
    Params = ConcatParams
    inputs = (
        Port("a", "first part"),
        Port("b", "second part"),
        Port("c", "third part", optional=True),
        Port("d", "fourth part", optional=True),
    )
    key_params = ("dim",)
    example = {"a": spec(2, 3), "b": spec(5, 3)}

    def infer(self, p: ConcatParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        first = x["a"]
        axis = _axis(p.dim, len(first.shape), "dim")
        total = 0
        for port, part in x.items():
            same_rank = len(part.shape) == len(first.shape)
            others_match = same_rank and all(
                d == e
                for i, (d, e) in enumerate(zip(part.shape, first.shape, strict=True))
                if i != axis
            )
            if not others_match:
                raise ShapeError(
                    f"shape mismatch along axes other than {p.dim}: a is {first} but {port} is {part}",
                    port=port,
                )
            total += part.shape[axis]
        shape = (*first.shape[:axis], total, *first.shape[axis + 1 :])
        return {"y": TensorSpec(shape=shape, dtype=first.dtype)}

    def module(self, p: ConcatParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Concat, {"dim": _axis(p.dim, len(x["a"].shape), "dim") + 1})


class IdentityParams(OpParams):
    pass


class Identity(Op[IdentityParams]):
    name = "Identity"
    category = "Structure"
    summary = "Pass the input through unchanged (a named point in the graph)."
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "the same tensor", dtype="any"),)
    shape_only = True
    example = {"x": spec(3)}

    def infer(self, p: IdentityParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: IdentityParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Identity)
