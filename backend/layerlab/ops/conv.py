"""Convolution, pooling and resampling over 1-D sequences (C, L) and 2-D images (C, H, W)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field
from torch import nn

from layerlab.ops.base import (
    ModuleCall,
    Op,
    OpParams,
    ShapeError,
    TensorSpec,
    conv_out,
    need_rank,
    spec,
)

Size = Annotated[int, Field(ge=1, le=4096)]
Pad = Annotated[int, Field(ge=0, le=4096)]
# A size along every spatial axis, or one per axis: 3 or [3, 5].
Size2 = Size | Annotated[list[Size], Field(min_length=2, max_length=2)]
Pad2 = Pad | Annotated[list[Pad], Field(min_length=2, max_length=2)]


def per_axis(value: int | list[int], axes: int) -> tuple[int, ...]:
    return (value,) * axes if isinstance(value, int) else tuple(value)


def torch_arg(value: int | list[int] | str) -> int | tuple[int, ...] | str:
    """Parameters as torch takes them (tuples, not lists), for modules and exported code."""
    return tuple(value) if isinstance(value, list) else value


class ConvParams(OpParams):
    out_channels: int = Field(
        default=16, ge=1, le=65_536, description="Number of filters (output channels)"
    )
    kernel_size: Size2 = Field(default=3, description="Filter size, one number or one per axis")
    stride: Size2 = Field(default=1, description="Step between filter positions")
    padding: Pad2 | Literal["same", "valid"] = Field(
        default=0,
        description='Zeros added on each side, or "same" (keep size, stride 1) or "valid" (none)',
    )
    dilation: Size2 = Field(
        default=1, description="Spacing between filter taps (atrous convolution)"
    )
    groups: int = Field(
        default=1, ge=1, le=65_536, description="Split channels into groups convolved separately"
    )
    bias: bool = Field(default=True, description="Learn an additive bias per output channel")


class Conv1dParams(ConvParams):
    kernel_size: Size = Field(default=3, description="Filter length")
    stride: Size = Field(default=1, description="Step between filter positions")
    padding: Pad | Literal["same", "valid"] = Field(
        default=0,
        description='Zeros added on each side, or "same" (keep length, stride 1) or "valid" (none)',
    )
    dilation: Size = Field(default=1, description="Spacing between filter taps")


class _Conv(Op[ConvParams]):
    """Conv1d and Conv2d share everything but the number of spatial axes."""

    category = "Convolution"
    axes: int
    torch_class: type[nn.Module]
    key_params = ("out_channels", "kernel_size", "stride", "padding")

    def _geometry(self, p: ConvParams, x: TensorSpec) -> tuple[int, tuple[int, ...]]:
        """(in_channels, output spatial size), with every rule torch enforces."""
        need_rank(x, (self.axes + 1,), "(C, L)" if self.axes == 1 else "(C, H, W)")
        channels, spatial = x.shape[0], x.shape[1:]
        for value, field in ((channels, "in_channels"), (p.out_channels, "out_channels")):
            if value % p.groups:
                raise ShapeError(
                    f"{field} {value} is not divisible by groups {p.groups}", field="groups"
                )
        kernel = per_axis(p.kernel_size, self.axes)
        stride = per_axis(p.stride, self.axes)
        dilation = per_axis(p.dilation, self.axes)
        if p.padding == "same":
            if any(s != 1 for s in stride):
                raise ShapeError('padding "same" needs stride 1', field="padding")
            return channels, tuple(spatial)
        padding = per_axis(0 if p.padding == "valid" else p.padding, self.axes)
        out = tuple(
            conv_out(n, k, s, pd, d)
            for n, k, s, pd, d in zip(spatial, kernel, stride, padding, dilation, strict=True)
        )
        if any(o < 1 for o in out):
            raise ShapeError(
                f"input {x} is too small for kernel {kernel} with padding {padding}",
                field="kernel_size",
            )
        return channels, out

    def infer(self, p: ConvParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        _, out = self._geometry(p, x["x"])
        return {"y": TensorSpec(shape=(p.out_channels, *out))}

    def module(self, p: ConvParams, x: dict[str, TensorSpec]) -> ModuleCall:
        channels, _ = self._geometry(p, x["x"])
        kwargs: dict[str, Any] = {"in_channels": channels, "out_channels": p.out_channels}
        kwargs |= {k: torch_arg(v) for k, v in p.model_dump(exclude={"out_channels"}).items()}
        return ModuleCall(self.torch_class, kwargs)

    def flops(self, p: ConvParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]) -> int:
        kernel = math.prod(per_axis(p.kernel_size, self.axes))
        return 2 * y["y"].numel * (x["x"].shape[0] // p.groups) * kernel


class Conv1d(_Conv):
    name = "Conv1d"
    summary = "1-D convolution over (C, L) sequences: learned filters slid along time."
    Params = Conv1dParams
    axes = 1
    torch_class = nn.Conv1d
    example = {"x": spec(3, 12)}


class Conv2d(_Conv):
    name = "Conv2d"
    summary = "2-D convolution over (C, H, W) images: learned filters slid over space."
    Params = ConvParams
    axes = 2
    torch_class = nn.Conv2d
    example = {"x": spec(3, 8, 8)}


class ConvTranspose2dParams(OpParams):
    out_channels: int = Field(default=16, ge=1, le=65_536, description="Number of output channels")
    kernel_size: Size2 = Field(default=4, description="Filter size")
    stride: Size2 = Field(default=2, description="Upsampling factor: output grows by this step")
    padding: Pad2 = Field(
        default=1, description="Implicit zeros removed from each side of the output"
    )
    output_padding: Pad2 = Field(
        default=0, description="Extra size added to one side, smaller than stride"
    )
    dilation: Size2 = Field(default=1, description="Spacing between filter taps")
    groups: int = Field(default=1, ge=1, le=65_536, description="Split channels into groups")
    bias: bool = Field(default=True, description="Learn an additive bias per output channel")


class ConvTranspose2d(Op[ConvTranspose2dParams]):
    name = "ConvTranspose2d"
    category = "Convolution"
    summary = "Transposed 2-D convolution: learned upsampling, as in DCGAN generators."
    Params = ConvTranspose2dParams
    key_params = ("out_channels", "kernel_size", "stride")
    example = {"x": spec(4, 5, 5)}

    def _geometry(self, p: ConvTranspose2dParams, x: TensorSpec) -> tuple[int, tuple[int, int]]:
        need_rank(x, (3,), "(C, H, W)")
        channels = x.shape[0]
        for value, field in ((channels, "in_channels"), (p.out_channels, "out_channels")):
            if value % p.groups:
                raise ShapeError(
                    f"{field} {value} is not divisible by groups {p.groups}", field="groups"
                )
        k, s, pd, op, d = (
            per_axis(v, 2)
            for v in (p.kernel_size, p.stride, p.padding, p.output_padding, p.dilation)
        )
        if any(o >= max(st, dl) for o, st, dl in zip(op, s, d, strict=True)):
            raise ShapeError(
                "output_padding must be smaller than stride or dilation", field="output_padding"
            )
        h, w = (
            (n - 1) * s[i] - 2 * pd[i] + d[i] * (k[i] - 1) + op[i] + 1
            for i, n in enumerate(x.shape[1:])
        )
        if h < 1 or w < 1:
            raise ShapeError(f"padding {pd} leaves no output for input {x}", field="padding")
        return channels, (h, w)

    def infer(self, p: ConvTranspose2dParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        _, out = self._geometry(p, x["x"])
        return {"y": TensorSpec(shape=(p.out_channels, *out))}

    def module(self, p: ConvTranspose2dParams, x: dict[str, TensorSpec]) -> ModuleCall:
        channels, _ = self._geometry(p, x["x"])
        kwargs: dict[str, Any] = {"in_channels": channels, "out_channels": p.out_channels}
        kwargs |= {k: torch_arg(v) for k, v in p.model_dump(exclude={"out_channels"}).items()}
        return ModuleCall(nn.ConvTranspose2d, kwargs)

    def flops(
        self, p: ConvTranspose2dParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        # torch counts transposed convolutions over the input positions.
        kernel = math.prod(per_axis(p.kernel_size, 2))
        return 2 * x["x"].numel * (p.out_channels // p.groups) * kernel


class PoolParams(OpParams):
    kernel_size: Size2 = Field(default=2, description="Window size")
    stride: Size2 | None = Field(
        default=None, description="Step between windows (default: the window size)"
    )
    padding: Pad2 = Field(
        default=0, description="Implicit padding on each side, at most half the window"
    )
    ceil_mode: bool = Field(default=False, description="Round the output size up instead of down")


class _Pool2d(Op[PoolParams]):
    category = "Convolution"
    Params = PoolParams
    torch_class: type[nn.Module]
    key_params = ("kernel_size", "stride")
    example = {"x": spec(3, 8, 8)}

    def infer(self, p: PoolParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        k = per_axis(p.kernel_size, 2)
        s = per_axis(p.stride if p.stride is not None else p.kernel_size, 2)
        pd = per_axis(p.padding, 2)
        if any(pad * 2 > kk for pad, kk in zip(pd, k, strict=True)):
            raise ShapeError("padding must be at most half the kernel size", field="padding")
        out = []
        for n, kk, ss, pad in zip(x["x"].shape[1:], k, s, pd, strict=True):
            span = n + 2 * pad - kk
            size = (-(-span // ss) if p.ceil_mode else span // ss) + 1
            if p.ceil_mode and (size - 1) * ss >= n + pad:
                size -= 1  # torch: the last window must start inside the input
            out.append(size)
        if any(o < 1 for o in out):
            raise ShapeError(f"input {x['x']} is smaller than the window {k}", field="kernel_size")
        return {"y": TensorSpec(shape=(x["x"].shape[0], *out))}

    def module(self, p: PoolParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(self.torch_class, {k: torch_arg(v) for k, v in p.model_dump().items()})


class MaxPool2d(_Pool2d):
    name = "MaxPool2d"
    summary = "Keep the largest value in each window: downsampling with a little invariance."
    torch_class = nn.MaxPool2d


class AvgPool2d(_Pool2d):
    name = "AvgPool2d"
    summary = "Average each window: smooth downsampling (LeNet's subsampling)."
    torch_class = nn.AvgPool2d


class AdaptiveAvgPool2dParams(OpParams):
    output_size: Size2 = Field(
        default=1, description="Output height and width, whatever the input size"
    )


class AdaptiveAvgPool2d(Op[AdaptiveAvgPool2dParams]):
    name = "AdaptiveAvgPool2d"
    category = "Convolution"
    summary = "Average down to a fixed size (1 = global average pooling, as in ResNet)."
    Params = AdaptiveAvgPool2dParams
    key_params = ("output_size",)
    example = {"x": spec(3, 7, 7)}

    def infer(self, p: AdaptiveAvgPool2dParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        return {"y": TensorSpec(shape=(x["x"].shape[0], *per_axis(p.output_size, 2)))}

    def module(self, p: AdaptiveAvgPool2dParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.AdaptiveAvgPool2d, {"output_size": torch_arg(p.output_size)})


class UpsampleParams(OpParams):
    scale_factor: int = Field(
        default=2, ge=1, le=64, description="Multiply height and width by this"
    )
    mode: Literal["nearest", "bilinear"] = Field(
        default="nearest", description="How new pixels are filled in"
    )


class Upsample(Op[UpsampleParams]):
    name = "Upsample"
    category = "Convolution"
    summary = "Enlarge (C, H, W) images by an integer factor, without learned weights."
    Params = UpsampleParams
    key_params = ("scale_factor", "mode")
    example = {"x": spec(2, 4, 4)}

    def infer(self, p: UpsampleParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        c, h, w = x["x"].shape
        return {"y": TensorSpec(shape=(c, h * p.scale_factor, w * p.scale_factor))}

    def module(self, p: UpsampleParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Upsample, {"scale_factor": float(p.scale_factor), "mode": p.mode})
