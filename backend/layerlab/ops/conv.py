"""Convolution, pooling and resampling over 1-D sequences (C, L) and 2-D images (C, H, W)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field
from torch import nn

from layerlab.ops.base import (
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    ShapeError,
    TensorSpec,
    conv_out,
    need_rank,
    spec,
)
from layerlab.text import Text

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
        default=16,
        ge=1,
        le=65_536,
        description="Number of filters (output channels)",
        json_schema_extra={"description_zh": "卷积核个数（输出通道数）"},
    )
    kernel_size: Size2 = Field(
        default=3,
        description="Filter size, one number or one per axis",
        json_schema_extra={"description_zh": "卷积核大小，一个数或每个维度各一个数"},
    )
    stride: Size2 = Field(
        default=1,
        description="Step between filter positions",
        json_schema_extra={"description_zh": "卷积核每次移动的步长"},
    )
    padding: Pad2 | Literal["same", "valid"] = Field(
        default=0,
        description='Zeros added on each side, or "same" (keep size, stride 1) or "valid" (none)',
        json_schema_extra={
            "description_zh": '每侧补零的个数；或 "same"（保持尺寸不变，要求步长为 1），或 "valid"（不填充）'
        },
    )
    dilation: Size2 = Field(
        default=1,
        description="Spacing between filter taps (atrous convolution)",
        json_schema_extra={"description_zh": "卷积核各元素之间的间隔（空洞卷积的膨胀率）"},
    )
    groups: int = Field(
        default=1,
        ge=1,
        le=65_536,
        description="Split channels into groups convolved separately",
        json_schema_extra={"description_zh": "把通道分成若干组，各组分别卷积"},
    )
    bias: bool = Field(
        default=True,
        description="Learn an additive bias per output channel",
        json_schema_extra={"description_zh": "为每个输出通道学习一个偏置"},
    )


class Conv1dParams(ConvParams):
    kernel_size: Size = Field(
        default=3, description="Filter length", json_schema_extra={"description_zh": "卷积核长度"}
    )
    stride: Size = Field(
        default=1,
        description="Step between filter positions",
        json_schema_extra={"description_zh": "卷积核每次移动的步长"},
    )
    padding: Pad | Literal["same", "valid"] = Field(
        default=0,
        description='Zeros added on each side, or "same" (keep length, stride 1) or "valid" (none)',
        json_schema_extra={
            "description_zh": '每侧补零的个数；或 "same"（保持长度不变，要求步长为 1），或 "valid"（不填充）'
        },
    )
    dilation: Size = Field(
        default=1,
        description="Spacing between filter taps",
        json_schema_extra={"description_zh": "卷积核各元素之间的间隔（膨胀率）"},
    )


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
                    "shape.groups", field="groups", name=field, value=value, groups=p.groups
                )
        kernel = per_axis(p.kernel_size, self.axes)
        stride = per_axis(p.stride, self.axes)
        dilation = per_axis(p.dilation, self.axes)
        if p.padding == "same":
            if any(s != 1 for s in stride):
                raise ShapeError("shape.same_padding_stride", field="padding")
            return channels, tuple(spatial)
        padding = per_axis(0 if p.padding == "valid" else p.padding, self.axes)
        out = tuple(
            conv_out(n, k, s, pd, d)
            for n, k, s, pd, d in zip(spatial, kernel, stride, padding, dilation, strict=True)
        )
        if any(o < 1 for o in out):
            raise ShapeError(
                "shape.conv_too_small",
                field="kernel_size",
                got=str(x),
                kernel=str(kernel),
                padding=str(padding),
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
    summary_zh = "一维卷积，作用于 (C, L) 序列：可学习的卷积核沿时间方向滑动。"
    Params = Conv1dParams
    axes = 1
    torch_class = nn.Conv1d
    example = {"x": spec(3, 12)}
    learn = LearnCard(
        formula="y[o] = b[o] + Σ_c W[o, c] ⋆ x[c], ⋆ a 1-D cross-correlation along L",
        shape=Text(
            en="(C_in, L) → (out_channels, L_out), L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1",
            zh_cn="(C_in, L) → (out_channels, L_out)，L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1",
        ),
        params=Text(
            en="out_channels × (C_in / groups) × kernel_size + out_channels (bias)",
            zh_cn="out_channels × (C_in / groups) × kernel_size + out_channels（偏置）",
        ),
        when=Text(
            en="Local patterns in sequences: audio, sensor signals, or text as (channels, length).",
            zh_cn="提取序列中的局部模式：音频、传感器信号，或以 (通道, 长度) 表示的文本。",
        ),
        mistakes=Text(
            en="Feeding a (T, F) sequence as it is: Conv1d wants channels first, (F, T), unlike the recurrent layers.",
            zh_cn="直接输入 (T, F) 形状的序列：一维卷积要求通道在前，即 (F, T)，这和循环层的约定正好相反。",
        ),
    )


class Conv2d(_Conv):
    name = "Conv2d"
    summary = "2-D convolution over (C, H, W) images: learned filters slid over space."
    summary_zh = "二维卷积，作用于 (C, H, W) 图像：可学习的卷积核在空间上滑动。"
    Params = ConvParams
    axes = 2
    torch_class = nn.Conv2d
    example = {"x": spec(3, 8, 8)}
    learn = LearnCard(
        formula="y[o] = b[o] + Σ_c W[o, c] ⋆ x[c], ⋆ a 2-D cross-correlation",
        shape=Text(
            en="(C_in, H, W) → (out_channels, H_out, W_out), H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1",
            zh_cn="(C_in, H, W) → (out_channels, H_out, W_out)，H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1",
        ),
        params=Text(
            en="out_channels × (C_in / groups) × kernel_h × kernel_w + out_channels (bias)",
            zh_cn="out_channels × (C_in / groups) × kernel_h × kernel_w + out_channels（偏置）",
        ),
        when=Text(
            en="Images and other grids: one small filter slides over every position, so it learns local features with few parameters.",
            zh_cn="处理图像等网格数据：同一个小卷积核在所有位置上滑动（权值共享），用很少的参数学习局部特征。",
        ),
        mistakes=Text(
            en="Forgetting padding so the image shrinks at every layer (a 3×3 kernel needs padding 1 to keep H and W), and a bias right before BatchNorm, which cancels it.",
            zh_cn="忘了填充，特征图每过一层就缩小一圈（3×3 卷积核需要 padding 1 才能保持尺寸）；紧接批归一化时还保留偏置——它会被批归一化抵消。",
        ),
    )


class ConvTranspose2dParams(OpParams):
    out_channels: int = Field(
        default=16,
        ge=1,
        le=65_536,
        description="Number of output channels",
        json_schema_extra={"description_zh": "输出通道数"},
    )
    kernel_size: Size2 = Field(
        default=4, description="Filter size", json_schema_extra={"description_zh": "卷积核大小"}
    )
    stride: Size2 = Field(
        default=2,
        description="Upsampling factor: output grows by this step",
        json_schema_extra={"description_zh": "上采样倍数：输出尺寸按这个步长放大"},
    )
    padding: Pad2 = Field(
        default=1,
        description="Implicit zeros removed from each side of the output",
        json_schema_extra={"description_zh": "从输出每一侧裁掉的隐式填充"},
    )
    output_padding: Pad2 = Field(
        default=0,
        description="Extra size added to one side, smaller than stride",
        json_schema_extra={"description_zh": "在输出一侧额外增加的尺寸，必须小于步长"},
    )
    dilation: Size2 = Field(
        default=1,
        description="Spacing between filter taps",
        json_schema_extra={"description_zh": "卷积核各元素之间的间隔（膨胀率）"},
    )
    groups: int = Field(
        default=1,
        ge=1,
        le=65_536,
        description="Split channels into groups",
        json_schema_extra={"description_zh": "把通道分成若干组"},
    )
    bias: bool = Field(
        default=True,
        description="Learn an additive bias per output channel",
        json_schema_extra={"description_zh": "为每个输出通道学习一个偏置"},
    )


class ConvTranspose2d(Op[ConvTranspose2dParams]):
    name = "ConvTranspose2d"
    category = "Convolution"
    summary = "Transposed 2-D convolution: learned upsampling, as in DCGAN generators."
    summary_zh = "二维转置卷积：可学习的上采样，DCGAN 的生成器就用它。"
    Params = ConvTranspose2dParams
    key_params = ("out_channels", "kernel_size", "stride")
    example = {"x": spec(4, 5, 5)}
    learn = LearnCard(
        formula="y[o] = b[o] + Σ_c x[c] ⊛ W[c, o]: each input pixel stamps a weighted kernel, stride apart",
        shape=Text(
            en="(C_in, H, W) → (out_channels, H_out, W_out), H_out = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1",
            zh_cn="(C_in, H, W) → (out_channels, H_out, W_out)，H_out = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1",
        ),
        params=Text(
            en="C_in × (out_channels / groups) × kernel_h × kernel_w + out_channels (bias)",
            zh_cn="C_in × (out_channels / groups) × kernel_h × kernel_w + out_channels（偏置）",
        ),
        when=Text(
            en="Learned upsampling: DCGAN generators and the decoders of autoencoders and segmentation networks.",
            zh_cn="可学习的上采样：DCGAN 的生成器，以及自编码器和语义分割网络的解码器。",
        ),
        mistakes=Text(
            en="A kernel size not divisible by the stride, which leaves checkerboard artefacts (kernel 4 with stride 2 is safe), and taking it for the inverse of a convolution: it restores the shape, not the values.",
            zh_cn="卷积核大小不能被步长整除，会产生棋盘格伪影（kernel 4 配 stride 2 比较稳妥）；以及把它当成卷积的逆运算：它只还原形状，不还原数值。",
        ),
    )

    def _geometry(self, p: ConvTranspose2dParams, x: TensorSpec) -> tuple[int, tuple[int, int]]:
        need_rank(x, (3,), "(C, H, W)")
        channels = x.shape[0]
        for value, field in ((channels, "in_channels"), (p.out_channels, "out_channels")):
            if value % p.groups:
                raise ShapeError(
                    "shape.groups", field="groups", name=field, value=value, groups=p.groups
                )
        k, s, pd, op, d = (
            per_axis(v, 2)
            for v in (p.kernel_size, p.stride, p.padding, p.output_padding, p.dilation)
        )
        if any(o >= max(st, dl) for o, st, dl in zip(op, s, d, strict=True)):
            raise ShapeError("shape.output_padding", field="output_padding")
        h, w = (
            (n - 1) * s[i] - 2 * pd[i] + d[i] * (k[i] - 1) + op[i] + 1
            for i, n in enumerate(x.shape[1:])
        )
        if h < 1 or w < 1:
            raise ShapeError(
                "shape.transpose_no_output", field="padding", padding=str(pd), got=str(x)
            )
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
    kernel_size: Size2 = Field(
        default=2, description="Window size", json_schema_extra={"description_zh": "池化窗口大小"}
    )
    stride: Size2 | None = Field(
        default=None,
        description="Step between windows (default: the window size)",
        json_schema_extra={"description_zh": "窗口每次移动的步长（默认等于窗口大小）"},
    )
    padding: Pad2 = Field(
        default=0,
        description="Implicit padding on each side, at most half the window",
        json_schema_extra={"description_zh": "每侧的隐式填充，最多为窗口大小的一半"},
    )
    ceil_mode: bool = Field(
        default=False,
        description="Round the output size up instead of down",
        json_schema_extra={"description_zh": "输出尺寸向上取整，而不是向下取整"},
    )


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
            raise ShapeError("shape.pool_padding", field="padding")
        out = []
        for n, kk, ss, pad in zip(x["x"].shape[1:], k, s, pd, strict=True):
            span = n + 2 * pad - kk
            size = (-(-span // ss) if p.ceil_mode else span // ss) + 1
            if p.ceil_mode and (size - 1) * ss >= n + pad:
                size -= 1  # torch: the last window must start inside the input
            out.append(size)
        if any(o < 1 for o in out):
            raise ShapeError(
                "shape.pool_too_small", field="kernel_size", got=str(x["x"]), kernel=str(k)
            )
        return {"y": TensorSpec(shape=(x["x"].shape[0], *out))}

    def module(self, p: PoolParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(self.torch_class, {k: torch_arg(v) for k, v in p.model_dump().items()})


class MaxPool2d(_Pool2d):
    name = "MaxPool2d"
    summary = "Keep the largest value in each window: downsampling with a little invariance."
    summary_zh = "取每个窗口中的最大值：下采样，并带来少许平移不变性。"
    torch_class = nn.MaxPool2d
    learn = LearnCard(
        formula="y[c, i, j] = max of x[c] over the kernel_size window at (i·stride, j·stride)",
        shape=Text(
            en="(C, H, W) → (C, H_out, W_out), H_out = ⌊(H + 2·padding − kernel_size) / stride⌋ + 1; stride defaults to kernel_size",
            zh_cn="(C, H, W) → (C, H_out, W_out)，H_out = ⌊(H + 2·padding − kernel_size) / stride⌋ + 1；stride 默认等于 kernel_size",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Downsampling in CNNs: a 2×2 window halves H and W and keeps the strongest responses, with a little translation invariance.",
            zh_cn="卷积网络中的下采样：2×2 的窗口把高和宽减半，保留最强的响应，并带来一定的平移不变性。",
        ),
        mistakes=Text(
            en="Pooling too early or too often, so a small image shrinks to nothing (28 → 14 → 7 → 3 → 1) before useful features are learned.",
            zh_cn="池化过早或过多：小图像在学到有用特征之前就被缩没了（28 → 14 → 7 → 3 → 1）。",
        ),
    )


class AvgPool2d(_Pool2d):
    name = "AvgPool2d"
    summary = "Average each window: smooth downsampling (LeNet's subsampling)."
    summary_zh = "取每个窗口的平均值：平滑的下采样（LeNet 的子采样层）。"
    torch_class = nn.AvgPool2d
    learn = LearnCard(
        formula="y[c, i, j] = mean of x[c] over the kernel_size window at (i·stride, j·stride)",
        shape=Text(
            en="(C, H, W) → (C, H_out, W_out), H_out = ⌊(H + 2·padding − kernel_size) / stride⌋ + 1; stride defaults to kernel_size",
            zh_cn="(C, H, W) → (C, H_out, W_out)，H_out = ⌊(H + 2·padding − kernel_size) / stride⌋ + 1；stride 默认等于 kernel_size",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Smooth downsampling in which every input counts, as in LeNet; gentler than max pooling.",
            zh_cn="平滑的下采样，每个输入都有贡献（LeNet 的做法）；比最大池化更温和。",
        ),
        mistakes=Text(
            en="Averaging away a strong local response that max pooling would keep; with padding, the zeros count in the average and darken the border.",
            zh_cn="把最大池化能保留下来的强局部响应平均掉了；使用填充时，补的 0 也计入平均，边缘的数值会偏小。",
        ),
    )


class AdaptiveAvgPool2dParams(OpParams):
    output_size: Size2 = Field(
        default=1,
        description="Output height and width, whatever the input size",
        json_schema_extra={"description_zh": "输出的高和宽，与输入尺寸无关"},
    )


class AdaptiveAvgPool2d(Op[AdaptiveAvgPool2dParams]):
    name = "AdaptiveAvgPool2d"
    category = "Convolution"
    summary = "Average down to a fixed size (1 = global average pooling, as in ResNet)."
    summary_zh = "平均池化到固定大小（1 即全局平均池化，如 ResNet）。"
    Params = AdaptiveAvgPool2dParams
    key_params = ("output_size",)
    example = {"x": spec(3, 7, 7)}
    learn = LearnCard(
        formula="y[c, i, j] = mean of x[c] over the (i, j)-th of output_size × output_size near-equal regions",
        shape=Text(
            en="(C, H, W) → (C, output_size, output_size), whatever H and W are",
            zh_cn="(C, H, W) → (C, output_size, output_size)，与 H、W 无关",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Global average pooling (output_size 1) before the classifier, as in ResNet: far fewer parameters than Flatten + Linear, and any image size works.",
            zh_cn="在分类层之前做全局平均池化（output_size 为 1），如 ResNet：参数比“展平 + 全连接层”少得多，而且适用于任意图像尺寸。",
        ),
        mistakes=Text(
            en="No Flatten after it: (C, 1, 1) must become (C) first, or a Linear acts on the last axis of size 1.",
            zh_cn="后面忘了接展平：(C, 1, 1) 要先变成 (C)，否则全连接层作用在大小为 1 的最后一维上。",
        ),
    )

    def infer(self, p: AdaptiveAvgPool2dParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        return {"y": TensorSpec(shape=(x["x"].shape[0], *per_axis(p.output_size, 2)))}

    def module(self, p: AdaptiveAvgPool2dParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.AdaptiveAvgPool2d, {"output_size": torch_arg(p.output_size)})


class UpsampleParams(OpParams):
    scale_factor: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Multiply height and width by this",
        json_schema_extra={"description_zh": "高和宽放大的倍数"},
    )
    mode: Literal["nearest", "bilinear"] = Field(
        default="nearest",
        description="How new pixels are filled in",
        json_schema_extra={"description_zh": "新像素的填充方式（插值方法）"},
    )


class Upsample(Op[UpsampleParams]):
    name = "Upsample"
    category = "Convolution"
    summary = "Enlarge (C, H, W) images by an integer factor, without learned weights."
    summary_zh = "把 (C, H, W) 图像按整数倍放大，没有可学习的权重。"
    Params = UpsampleParams
    key_params = ("scale_factor", "mode")
    example = {"x": spec(2, 4, 4)}
    learn = LearnCard(
        formula="y[c, i, j] = x[c, ⌊i / s⌋, ⌊j / s⌋], s = scale_factor (nearest; bilinear interpolates)",
        shape=Text(en="(C, H, W) → (C, s·H, s·W)", zh_cn="(C, H, W) → (C, s·H, s·W)"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Enlarging feature maps in decoders and U-Nets, usually followed by a Conv2d, which avoids the checkerboard artefacts of transposed convolutions.",
            zh_cn="在解码器和 U-Net 中放大特征图，通常后接一个卷积层，可以避免转置卷积的棋盘格伪影。",
        ),
        mistakes=Text(
            en="Expecting it to learn (it has no parameters: follow it with a convolution), or applying it to (T, E) sequences (it needs (C, H, W)).",
            zh_cn="以为它能学习（它没有参数，后面要接卷积层）；或者用在 (T, E) 序列上（它要求 (C, H, W) 的输入）。",
        ),
    )

    def infer(self, p: UpsampleParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        c, h, w = x["x"].shape
        return {"y": TensorSpec(shape=(c, h * p.scale_factor, w * p.scale_factor))}

    def module(self, p: UpsampleParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Upsample, {"scale_factor": float(p.scale_factor), "mode": p.mode})
