"""Normalisation: keep activations well scaled so deep networks train."""

from __future__ import annotations

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    ShapeError,
    TensorSpec,
    need_rank,
    spec,
)
from layerlab.text import Text


class BatchNormParams(OpParams):
    eps: float = Field(
        default=1e-5,
        gt=0.0,
        le=1.0,
        description="Added to the variance for stability",
        json_schema_extra={"description_zh": "加到方差上的小常数，保证数值稳定"},
    )
    momentum: float = Field(
        default=0.1,
        gt=0.0,
        le=1.0,
        description="Weight of each batch in the running statistics",
        json_schema_extra={"description_zh": "每个批次在滑动平均统计量中所占的权重"},
    )
    affine: bool = Field(
        default=True,
        description="Learn a scale and shift per channel",
        json_schema_extra={"description_zh": "为每个通道学习缩放和平移参数"},
    )


class _BatchNorm(Op[BatchNormParams]):
    category = "Normalisation"
    Params = BatchNormParams
    ranks: tuple[int, ...]
    layout: str | tuple[str, str]
    torch_class: type[nn.Module]

    def infer(self, p: BatchNormParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], self.ranks, self.layout)
        return {"y": x["x"]}

    def module(self, p: BatchNormParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(self.torch_class, {"num_features": x["x"].shape[0], **p.model_dump()})


class BatchNorm1d(_BatchNorm):
    name = "BatchNorm1d"
    summary = "Normalise each feature over the batch: (F) features or (C, L) sequences."
    summary_zh = "对每个特征在批次上做归一化：输入为 (F) 特征或 (C, L) 序列。"
    ranks = (1, 2)
    layout = ("(F)", "(C, L)")
    torch_class = nn.BatchNorm1d
    example = {"x": spec(6)}
    learn = LearnCard(
        formula="y = (x − μ_B) / √(σ²_B + eps) · γ + β, μ_B and σ²_B over the batch (running averages in eval)",
        shape=Text(en="(F) or (C, L) → the same shape", zh_cn="(F) 或 (C, L) → 形状不变"),
        params=Text(
            en="2 × num_features (weight γ, bias β) with affine; without it none",
            zh_cn="开启 affine 时为 2 × num_features（权重 γ 和偏置 β）；关闭时为无",
        ),
        when=Text(
            en="After a Linear or Conv1d and before its activation function: steadier, faster training that tolerates larger learning rates.",
            zh_cn="放在全连接层或一维卷积之后、激活函数之前：训练更稳定、更快，也能承受更大的学习率。",
        ),
        mistakes=Text(
            en="Tiny batches (noisy statistics; a batch of 1 fails in training), and reading inference results in training mode, which uses the batch's own statistics.",
            zh_cn="批太小（统计量噪声大，批大小为 1 时训练会报错）；推理时仍处于训练模式，用的是当前批自身的统计量。",
        ),
    )


class BatchNorm2d(_BatchNorm):
    name = "BatchNorm2d"
    summary = "Normalise each channel of (C, H, W) images over the batch and the pixels."
    summary_zh = "对 (C, H, W) 图像的每个通道，在批次和所有像素上做归一化。"
    ranks = (3,)
    layout = "(C, H, W)"
    torch_class = nn.BatchNorm2d
    example = {"x": spec(3, 4, 4)}
    learn = LearnCard(
        formula="y = (x − μ_c) / √(σ²_c + eps) · γ_c + β_c, μ_c and σ²_c per channel over the batch, H and W",
        shape=Text(en="(C, H, W) → (C, H, W)", zh_cn="(C, H, W) → (C, H, W)"),
        params=Text(
            en="2 × num_features (weight γ, bias β per channel) with affine; without it none",
            zh_cn="开启 affine 时为 2 × num_features（每个通道的权重 γ 和偏置 β）；关闭时为无",
        ),
        when=Text(
            en="Between a Conv2d and its activation function in CNNs such as ResNet: steadier gradients, faster training and a little regularisation.",
            zh_cn="在卷积网络（如 ResNet）中放在卷积层与激活函数之间：梯度更平稳，训练更快，还带一点正则化效果。",
        ),
        mistakes=Text(
            en="Small batches (use GroupNorm instead), and a bias in the Conv2d before it, which it cancels (set bias to false).",
            zh_cn="批太小（改用 GroupNorm）；前面的卷积层还保留偏置——会被批归一化抵消，应把 bias 设为 false。",
        ),
    )


class LayerNormParams(OpParams):
    dims: int = Field(
        default=1,
        ge=1,
        le=5,
        description="How many trailing axes to normalise over (normalized_shape inferred)",
        json_schema_extra={"description_zh": "在最后几维上做归一化（normalized_shape 自动推断）"},
    )
    eps: float = Field(
        default=1e-5,
        gt=0.0,
        le=1.0,
        description="Added to the variance for stability",
        json_schema_extra={"description_zh": "加到方差上的小常数，保证数值稳定"},
    )
    elementwise_affine: bool = Field(
        default=True,
        description="Learn a scale and shift per element",
        json_schema_extra={"description_zh": "为每个元素学习缩放和平移参数"},
    )


class LayerNorm(Op[LayerNormParams]):
    name = "LayerNorm"
    category = "Normalisation"
    summary = "Normalise each sample over its last axes: the Transformer's normalisation."
    summary_zh = "对每个样本在最后几维上做归一化：Transformer 使用的归一化方式。"
    Params = LayerNormParams
    example = {"x": spec(5, 8)}
    learn = LearnCard(
        formula="y = (x − μ) / √(σ² + eps) · γ + β, μ and σ² over the last dims axes of each sample",
        shape=Text(
            en="(…) → (…); normalized_shape = the last dims axes",
            zh_cn="(…) → (…)；normalized_shape 为最后 dims 个维度",
        ),
        params=Text(
            en="2 × ∏ normalized_shape (weight γ, bias β) with elementwise_affine; without it none",
            zh_cn="开启 elementwise_affine 时为 2 × ∏ normalized_shape（权重 γ 和偏置 β）；关闭时为无",
        ),
        when=Text(
            en="Transformers and RNNs: statistics per sample, so it works for any batch size and sequence length.",
            zh_cn="Transformer 和循环神经网络：按单个样本计算统计量，与批大小和序列长度无关。",
        ),
        mistakes=Text(
            en="Normalising a (T, E) sequence with dims 2, which mixes positions (dims 1 normalises each position's E), and confusing pre-norm with post-norm when copying an architecture.",
            zh_cn="对 (T, E) 序列用 dims = 2，把不同位置混在一起归一化（dims = 1 才是对每个位置的 E 归一化）；照搬网络结构时混淆了 Pre-Norm 与 Post-Norm。",
        ),
    )

    def _normalized_shape(self, p: LayerNormParams, x: TensorSpec) -> tuple[int, ...]:
        if p.dims > len(x.shape):
            raise ShapeError(
                "shape.layernorm_dims", field="dims", dims=p.dims, rank=len(x.shape), got=str(x)
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
        json_schema_extra={"description_zh": "通道分成的组数；必须能整除通道数"},
    )
    eps: float = Field(
        default=1e-5,
        gt=0.0,
        le=1.0,
        description="Added to the variance for stability",
        json_schema_extra={"description_zh": "加到方差上的小常数，保证数值稳定"},
    )
    affine: bool = Field(
        default=True,
        description="Learn a scale and shift per channel",
        json_schema_extra={"description_zh": "为每个通道学习缩放和平移参数"},
    )


class GroupNorm(Op[GroupNormParams]):
    name = "GroupNorm"
    category = "Normalisation"
    summary = "Normalise each sample over groups of channels: batch-independent (diffusion U-Nets)."
    summary_zh = "对每个样本按通道分组做归一化：不依赖批次大小（扩散模型的 U-Net）。"
    Params = GroupNormParams
    key_params = ("num_groups",)
    example = {"x": spec(8, 4, 4)}
    learn = LearnCard(
        formula="y = (x − μ_g) / √(σ²_g + eps) · γ + β, μ_g and σ²_g per sample over each group of C / num_groups channels",
        shape=Text(
            en="(C, L) or (C, H, W) → the same shape; num_groups must divide C",
            zh_cn="(C, L) 或 (C, H, W) → 形状不变；num_groups 必须整除 C",
        ),
        params=Text(
            en="2 × num_channels (weight γ, bias β per channel) with affine; without it none",
            zh_cn="开启 affine 时为 2 × num_channels（每个通道的权重 γ 和偏置 β）；关闭时为无",
        ),
        when=Text(
            en="CNNs trained with small batches (detection, segmentation, diffusion U-Nets), where batch normalisation's statistics are too noisy.",
            zh_cn="小批量训练的卷积网络（目标检测、语义分割、扩散模型的 U-Net），这时批归一化的统计量噪声太大。",
        ),
        mistakes=Text(
            en="A num_groups that does not divide the channels: 32 is usual for wide layers, narrow layers need fewer groups.",
            zh_cn="num_groups 不能整除通道数：通道多时常用 32 组，通道少时要相应减少组数。",
        ),
    )

    def infer(self, p: GroupNormParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2, 3), ("(C, L)", "(C, H, W)"))
        channels = x["x"].shape[0]
        if channels % p.num_groups:
            raise ShapeError(
                "shape.groupnorm_groups",
                field="num_groups",
                channels=channels,
                groups=p.num_groups,
            )
        return {"y": x["x"]}

    def module(self, p: GroupNormParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.GroupNorm, {"num_channels": x["x"].shape[0], **p.model_dump()})


class NormalizeParams(OpParams):
    dim: int = Field(
        default=-1,
        ge=-5,
        le=4,
        description="Axis whose vectors get unit length (batch excluded)",
        json_schema_extra={"description_zh": "沿哪一维把向量缩放为单位长度（不含批次维）"},
    )
    eps: float = Field(
        default=1e-12,
        gt=0.0,
        le=1.0,
        description="Smallest norm divided by, for stability",
        json_schema_extra={"description_zh": "作除数的范数下限，保证数值稳定"},
    )


class Normalize(Op[NormalizeParams]):
    name = "Normalize"
    category = "Normalisation"
    summary = "Scale each vector to unit length (L2): dot products become cosine similarities."
    summary_zh = "把每个向量缩放到单位长度（L2）：点积就成了余弦相似度。"
    Params = NormalizeParams
    key_params = ("dim",)
    example = {"x": spec(3, 8)}
    learn = LearnCard(
        formula="y = x / max(‖x‖₂, eps) along dim",
        shape=Text(
            en="(…) → (…); every vector along dim has length 1",
            zh_cn="(…) → (…)；沿 dim 的每个向量长度为 1",
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Before comparing embeddings (CLIP, retrieval, contrastive losses): dot products of unit vectors are cosine similarities.",
            zh_cn="在比较嵌入向量之前（CLIP、检索、对比学习损失）：单位向量的点积就是余弦相似度。",
        ),
        mistakes=Text(
            en="Normalising along the wrong dim, or feeding the similarities in [−1, 1] to a softmax without a temperature (LogitScale), so the probabilities stay nearly uniform.",
            zh_cn="在错误的维度上归一化；或者把 [−1, 1] 的相似度直接送进 softmax 而没有温度系数（LogitScale），得到的概率几乎是均匀分布。",
        ),
    )

    def _dim(self, p: NormalizeParams, x: TensorSpec) -> int:
        rank = len(x.shape)
        if not -rank <= p.dim < rank:
            raise ShapeError("shape.axis_range", field="dim", name="dim", dim=p.dim, rank=rank)
        return p.dim % rank + 1  # the batch axis comes first

    def infer(self, p: NormalizeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        self._dim(p, x["x"])
        return {"y": x["x"]}

    def module(self, p: NormalizeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Normalize, {"dim": self._dim(p, x["x"]), "eps": p.eps})
