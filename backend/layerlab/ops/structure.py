"""Structure: where tensors enter and leave a network, and how they are routed."""

from __future__ import annotations

import math
from typing import Annotated, ClassVar

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
    DType,
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    Port,
    ShapeError,
    TensorSpec,
    spec,
)
from layerlab.text import Text

Dim = Annotated[int, Field(ge=1, le=1_000_000)]


def _axis(dim: int, rank: int, field: str) -> int:
    """A batch-excluded axis, negative counting from the end, checked against `rank`."""
    if not -rank <= dim < rank:
        raise ShapeError("shape.axis_range", field=field, name=field, dim=dim, rank=rank)
    return dim % rank


class InputParams(OpParams):
    shape: list[Dim] = Field(
        default=[1, 28, 28],
        min_length=1,
        max_length=5,
        description="Shape of one sample, batch excluded: [C, H, W] images, [T] tokens, [F] features",
        json_schema_extra={
            "description_zh": "单个样本的形状，不含批次维度：图像为 [C, H, W]，token 序列为 [T]，特征为 [F]"
        },
    )
    dtype: DType = Field(
        default="float32",
        description="float32 for values, int64 for token or class ids",
        json_schema_extra={"description_zh": "数值用 float32，token 或类别编号用 int64"},
    )


class Input(Op[InputParams]):
    name = "Input"
    category = "Structure"
    summary = "Where data enters the network: one sample's shape, batch excluded."
    summary_zh = "数据进入网络的地方：单个样本的形状，不含批次维度。"
    Params = InputParams
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs = (Port("y", "the sample batch", dtype="any"),)
    key_params = ("shape",)
    example: ClassVar[dict[str, TensorSpec]] = {}
    learn = LearnCard(
        formula="y = x (one sample of the data)",
        shape=Text(
            en="→ shape, batch excluded: (1, 28, 28) for MNIST, (T) for token ids",
            zh_cn="→ shape（不含批次维）：MNIST 为 (1, 28, 28)，token 序列为 (T)",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Every network starts here: set shape, and dtype int64 for token ids, to match one sample of the dataset.",
            zh_cn="每个网络都从这里开始：把 shape（token 编号还要把 dtype 设为 int64）设成与数据集中单个样本一致。",
        ),
        mistakes=Text(
            en="Putting the batch size into shape, or leaving token ids as float32 when an Embedding has to read them.",
            zh_cn="把批大小（batch size）也写进了 shape；或者要送入嵌入层的 token 编号仍用 float32。",
        ),
    )

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
    summary_zh = "网络的一个结果（logits、重建结果或一项损失）。"
    inputs = (Port("x", "the value to return", dtype="any"),)
    outputs: ClassVar[tuple[Port, ...]] = ()
    example = {"x": spec(10)}
    learn = LearnCard(
        formula="result = x",
        shape=Text(en="(…) → returned as is", zh_cn="(…) → 原样作为结果返回"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Marks what the network returns: the logits the loss compares with the targets, a reconstruction, or an extra loss term such as a VAE's KL.",
            zh_cn="标记网络的输出：与标签比较来计算损失的 logits、重建结果，或 VAE 的 KL 项这类额外的损失项。",
        ),
        mistakes=Text(
            en="Putting a Softmax right before it in a classifier: cross-entropy applies log-softmax to the raw logits itself.",
            zh_cn="在分类网络的输出前多加一个 Softmax：交叉熵损失会自己对原始 logits 做 log-softmax。",
        ),
    )

    def infer(self, p: OutputParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {}

    def module(self, p: OutputParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Identity)


class FlattenParams(OpParams):
    start_dim: int = Field(
        default=0,
        ge=-5,
        le=4,
        description="First axis to flatten (batch excluded)",
        json_schema_extra={"description_zh": "展平的起始维（不含批次维）"},
    )
    end_dim: int = Field(
        default=-1,
        ge=-5,
        le=4,
        description="Last axis to flatten (batch excluded)",
        json_schema_extra={"description_zh": "展平的结束维（不含批次维）"},
    )


class Flatten(Op[FlattenParams]):
    name = "Flatten"
    category = "Structure"
    summary = "Flatten a range of axes into one, e.g. (C, H, W) -> (C*H*W) before a Linear."
    summary_zh = "把若干个维度展平成一维，例如接全连接层前把 (C, H, W) 变成 (C*H*W)。"
    Params = FlattenParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "flattened tensor", dtype="any"),)
    shape_only = True
    example = {"x": spec(3, 4, 5)}
    learn = LearnCard(
        formula="y = flatten(x): the same values in row-major order",
        shape=Text(
            en="(…, d_start, …, d_end, …) → (…, d_start·…·d_end, …); by default (C, H, W) → (C·H·W)",
            zh_cn="(…, d_start, …, d_end, …) → (…, d_start·…·d_end, …)；默认 (C, H, W) → (C·H·W)",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Between the convolutional and pooling layers and the first Linear: a fully connected layer wants one vector per sample.",
            zh_cn="放在卷积层、池化层与第一个全连接层之间：全连接层要求每个样本是一个向量。",
        ),
        mistakes=Text(
            en="Flattening a (T, E) sequence that a Linear could process position by position (it acts on the last axis anyway), which ties the model to one length.",
            zh_cn="把 (T, E) 序列也展平了：全连接层本来就作用在最后一维上，可以逐位置处理，展平反而把模型绑死在一种序列长度上。",
        ),
    )

    def _range(self, p: FlattenParams, x: TensorSpec) -> tuple[int, int]:
        rank = len(x.shape)
        start = _axis(p.start_dim, rank, "start_dim")
        end = _axis(p.end_dim, rank, "end_dim")
        if start > end:
            raise ShapeError("shape.flatten_order", field="start_dim", start=start, end=end)
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
        json_schema_extra={"description_zh": "单个样本的新形状；可以有一项为 -1（自动推断）"},
    )


class Reshape(Op[ReshapeParams]):
    name = "Reshape"
    category = "Structure"
    summary = "Give each sample a new shape with the same number of elements."
    summary_zh = "在元素总数不变的前提下，给每个样本换一个形状。"
    Params = ReshapeParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "reshaped tensor", dtype="any"),)
    shape_only = True
    key_params = ("shape",)
    example = {"x": spec(2, 6)}
    learn = LearnCard(
        formula="y = reshape(x, shape): the same values in row-major order",
        shape=Text(
            en="(d₁, …, dₙ) → shape, with the same number of elements; one −1 is inferred",
            zh_cn="(d₁, …, dₙ) → shape，元素总数不变；其中一个 −1 由系统推断",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="To regroup axes, e.g. a decoder's (784) vector back into a (1, 28, 28) image, or (E) into (heads, E / heads).",
            zh_cn="用来重新划分维度，例如把解码器输出的 (784) 向量还原成 (1, 28, 28) 的图像，或把 (E) 拆成 (heads, E / heads)。",
        ),
        mistakes=Text(
            en="Using it to swap axes: (C, H·W) → (H·W, C) regroups values in memory order and scrambles them; it is not a transpose.",
            zh_cn="用它来交换维度：(C, H·W) → (H·W, C) 只是按内存顺序重新分组，数值会被打乱，这不是转置。",
        ),
    )

    def _shape(self, p: ReshapeParams, x: TensorSpec) -> tuple[int, ...]:
        unknown = [i for i, d in enumerate(p.shape) if d == -1]
        if len(unknown) > 1 or any(d == 0 or d < -1 for d in p.shape):
            raise ShapeError("shape.reshape_entries", field="shape")
        known = math.prod(d for d in p.shape if d != -1)
        if unknown:
            if x.numel % known:
                raise ShapeError(
                    "shape.reshape_indivisible", field="shape", got=str(x), shape=str(p.shape)
                )
            return tuple(x.numel // known if d == -1 else d for d in p.shape)
        if known != x.numel:
            raise ShapeError(
                "shape.reshape_count",
                field="shape",
                got=str(x),
                count=x.numel,
                shape=str(p.shape),
                target=known,
            )
        return tuple(p.shape)

    def infer(self, p: ReshapeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": TensorSpec(shape=self._shape(p, x["x"]), dtype=x["x"].dtype)}

    def module(self, p: ReshapeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Reshape, {"shape": self._shape(p, x["x"])})


class SelectParams(OpParams):
    dim: int = Field(
        default=0,
        ge=-5,
        le=4,
        description="Axis to pick from (batch excluded; 0 = first)",
        json_schema_extra={"description_zh": "从哪一维中选取（不含批次维；0 表示第一维）"},
    )
    index: int = Field(
        default=0,
        ge=-1_000_000,
        le=1_000_000,
        description="Position to keep; negative counts from the end",
        json_schema_extra={"description_zh": "要保留的位置；负数表示从末尾倒数"},
    )


class Select(Op[SelectParams]):
    name = "Select"
    category = "Structure"
    summary = (
        "Keep one position along an axis and drop the axis, e.g. ViT's class token (N, E) -> (E)."
    )
    summary_zh = "沿某一维保留一个位置并去掉这一维，例如 ViT 的分类 token：(N, E) -> (E)。"
    Params = SelectParams
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "the selected slice", dtype="any"),)
    key_params = ("dim", "index")
    example = {"x": spec(3, 4)}
    learn = LearnCard(
        formula="y = x.select(dim, index)",
        shape=Text(
            en="(…, d_dim, …) → (…, …): the axis dim is removed, e.g. (N, E) → (E)",
            zh_cn="(…, d_dim, …) → (…, …)：去掉第 dim 维，例如 (N, E) → (E)",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="To read one position: ViT's class token (index 0), or a sequence's last step (index −1) as its summary.",
            zh_cn="取出某一个位置：例如 ViT 的分类 token（index 0），或者用序列的最后一个时间步（index −1）作为整体表示。",
        ),
        mistakes=Text(
            en="Reading index 0 as the class token when the PatchEmbedding has class_token off, or counting dim with the batch axis (it is excluded here).",
            zh_cn="PatchEmbedding 没有开启 class_token，却把第 0 位当作分类 token；或者数 dim 时把批次维也算进去（这里不含批次维）。",
        ),
    )

    def _where(self, p: SelectParams, x: TensorSpec) -> tuple[int, int]:
        axis = _axis(p.dim, len(x.shape), "dim")
        size = x.shape[axis]
        if not -size <= p.index < size:
            raise ShapeError(
                "shape.select_index", field="index", index=p.index, dim=p.dim, got=str(x)
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
        json_schema_extra={
            "description_zh": "允许 b 沿长度为 1 的维度重复，广播成 a 的形状（例如逐通道的 (C, 1, 1) 加到每个像素上）；关闭时两者形状必须相同"
        },
    )


class Add(Op[AddParams]):
    name = "Add"
    category = "Structure"
    summary = "Sum two tensors of the same shape (the residual connection), or broadcast b over a."
    summary_zh = "两个同形状张量相加（残差连接），或把 b 广播到 a 上相加。"
    Params = AddParams
    inputs = (Port("a", "first summand"), Port("b", "second summand (e.g. the skip path)"))
    example = {"a": spec(4, 3), "b": spec(4, 3)}
    learn = LearnCard(
        formula="y = a + b",
        shape=Text(
            en="a (…), b (…) → (…): equal shapes; with broadcast, b's axes may be 1",
            zh_cn="a (…)，b (…) → (…)：形状必须相同；开启 broadcast 时 b 的某些维可以为 1",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Residual connections, y = x + F(x) (ResNet, Transformers): gradients flow straight through the sum, so very deep networks still train.",
            zh_cn="残差连接 y = x + F(x)（ResNet、Transformer）：梯度可以沿捷径直接回传，所以很深的网络也能训练。",
        ),
        mistakes=Text(
            en="Adding paths of different shapes: when the main path changes the channels or uses a stride, the skip path needs a 1×1 convolution to match.",
            zh_cn="两条支路形状不同就相加：主路径改变了通道数或用了步长时，捷径上需要一个 1×1 卷积来对齐形状。",
        ),
    )

    def infer(self, p: AddParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        a, b = x["a"], x["b"]
        fits = len(a.shape) == len(b.shape) and all(
            m == n or (p.broadcast and m == 1) for m, n in zip(b.shape, a.shape, strict=True)
        )
        if not fits:
            key = "shape.add_broadcast" if p.broadcast else "shape.add"
            raise ShapeError(key, port="b", a=str(a), b=str(b))
        return {"y": a}

    def module(self, p: AddParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Add)


class ConcatParams(OpParams):
    dim: int = Field(
        default=0,
        ge=-5,
        le=4,
        description="Axis to join along (batch excluded; 0 = channels)",
        json_schema_extra={"description_zh": "沿哪一维拼接（不含批次维；0 表示通道维）"},
    )


class Concat(Op[ConcatParams]):
    name = "Concat"
    category = "Structure"
    summary = "Join two to four tensors along one axis (channels by default)."
    summary_zh = "沿某一维把 2 到 4 个张量拼接起来（默认沿通道维）。"
    Params = ConcatParams
    inputs = (
        Port("a", "first part"),
        Port("b", "second part"),
        Port("c", "third part", optional=True),
        Port("d", "fourth part", optional=True),
    )
    key_params = ("dim",)
    example = {"a": spec(2, 3), "b": spec(5, 3)}
    learn = LearnCard(
        formula="y = [a; b; c; d] along dim",
        shape=Text(
            en="(…, n_a, …), (…, n_b, …) → (…, n_a + n_b (+ n_c + n_d), …); all other axes equal",
            zh_cn="(…, n_a, …)，(…, n_b, …) → (…, n_a + n_b (+ n_c + n_d), …)；其余各维必须相同",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="To merge the features of several branches while keeping them apart: U-Net skip connections, Inception modules, DenseNet.",
            zh_cn="合并多条支路的特征，同时保留各自的信息：U-Net 的跳跃连接、Inception 模块、DenseNet。",
        ),
        mistakes=Text(
            en="Joining along the wrong axis: dim 0 is the channels of an image but the positions of a (T, E) sequence.",
            zh_cn="拼接的轴选错了：对图像来说 dim 0 是通道，而对 (T, E) 序列来说 dim 0 是位置。",
        ),
    )

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
                    "shape.concat", port=port, dim=p.dim, a=str(first), other=port, part=str(part)
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
    summary_zh = "原样输出输入（图中一个有名字的节点）。"
    inputs = (Port("x", "input tensor", dtype="any"),)
    outputs = (Port("y", "the same tensor", dtype="any"),)
    shape_only = True
    example = {"x": spec(3)}
    learn = LearnCard(
        formula="y = x",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="A named point in the graph: a placeholder while drafting, or a place to watch a tensor.",
            zh_cn="图中一个有名字的点：搭建网络时的占位符，或用来观察某个张量的位置。",
        ),
        mistakes=Text(
            en="Expecting it to compute something: it does nothing, in training and in the exported model.",
            zh_cn="以为它会做某种计算：无论训练还是导出的模型中，它都不做任何运算。",
        ),
    )

    def infer(self, p: IdentityParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: IdentityParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Identity)
