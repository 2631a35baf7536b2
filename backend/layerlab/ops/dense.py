"""Dense layers: the neuron (Linear), Dropout, and lookup tables (Embedding)."""

from __future__ import annotations

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import LearnCard, ModuleCall, Op, OpParams, Port, TensorSpec, spec
from layerlab.text import Text


class LinearParams(OpParams):
    out_features: int = Field(
        default=10,
        ge=1,
        le=1_000_000,
        description="Number of output neurons",
        json_schema_extra={"description_zh": "输出神经元的个数"},
    )
    bias: bool = Field(
        default=True,
        description="Learn an additive bias per output neuron",
        json_schema_extra={"description_zh": "为每个输出神经元学习一个偏置"},
    )


class Linear(Op[LinearParams]):
    name = "Linear"
    category = "Dense"
    summary = "Fully connected layer y = xW^T + b over the last axis (in_features inferred)."
    summary_zh = "全连接层 y = xW^T + b，作用于最后一维（in_features 自动推断）。"
    Params = LinearParams
    key_params = ("out_features",)
    example = {"x": spec(8)}
    learn = LearnCard(
        formula="y = x·Wᵀ + b",
        shape=Text(
            en="(…, in_features) → (…, out_features)", zh_cn="(…, in_features) → (…, out_features)"
        ),
        params=Text(
            en="out_features × in_features + out_features (bias)",
            zh_cn="out_features × in_features + out_features（偏置）",
        ),
        when=Text(
            en="To mix all features into new ones: the hidden layers of an MLP, and the last layer of a classifier (out_features = number of classes).",
            zh_cn="把所有输入特征组合成新的特征：多层感知机的隐藏层，以及分类网络的最后一层（out_features = 类别数）。",
        ),
        mistakes=Text(
            en="Stacking Linears with no activation function between them (they collapse into one linear map), or feeding an image without Flatten (it acts on the last axis only).",
            zh_cn="两个全连接层之间没有激活函数（多层会退化成一个线性变换）；或者图像没有先展平就接全连接层（它只作用于最后一维）。",
        ),
    )

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
        json_schema_extra={"description_zh": "训练时每个元素被置零的概率"},
    )


class Dropout(Op[DropoutParams]):
    name = "Dropout"
    category = "Dense"
    summary = "Randomly zero elements while training (a cure for overfitting)."
    summary_zh = "训练时随机把部分元素置零（缓解过拟合的常用手段）。"
    Params = DropoutParams
    key_params = ("p",)
    example = {"x": spec(8)}
    learn = LearnCard(
        formula="y = m ⊙ x / (1 − p), m ~ Bernoulli(1 − p) while training; y = x in eval",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Against overfitting, when training accuracy runs far ahead of validation accuracy: after large fully connected layers, and inside Transformers.",
            zh_cn="用来缓解过拟合（训练准确率远高于验证准确率时）：放在较大的全连接层之后，Transformer 内部也会用到。",
        ),
        mistakes=Text(
            en="A p so high that the network underfits, or being surprised that it is off in eval mode (so validation loss can be lower than training loss).",
            zh_cn="p 设得太大导致欠拟合；或者不知道它在评估模式下是关闭的（所以验证损失可能比训练损失还低）。",
        ),
    )

    def infer(self, p: DropoutParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: DropoutParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(nn.Dropout, {"p": p.p})


class EmbeddingParams(OpParams):
    num_embeddings: int = Field(
        default=128,
        ge=1,
        le=10_000_000,
        description="Vocabulary size: ids run from 0 to this - 1",
        json_schema_extra={"description_zh": "词表大小：编号从 0 到该值减 1"},
    )
    embedding_dim: int = Field(
        default=64,
        ge=1,
        le=100_000,
        description="Length of each id's learned vector",
        json_schema_extra={"description_zh": "每个编号对应的可学习向量的长度"},
    )


class Embedding(Op[EmbeddingParams]):
    name = "Embedding"
    category = "Dense"
    summary = "Look up a learned vector for each integer id (tokens, characters, classes)."
    summary_zh = "为每个整数编号查出一个可学习的向量（token、字符、类别）。"
    Params = EmbeddingParams
    inputs = (Port("x", "integer ids", dtype="int64"),)
    key_params = ("num_embeddings", "embedding_dim")
    example = {"x": spec(6, dtype="int64")}
    learn = LearnCard(
        formula="y = W[x]: row x of a learned table",
        shape=Text(
            en="(…) int64 ids → (…, embedding_dim)", zh_cn="(…) int64 编号 → (…, embedding_dim)"
        ),
        params=Text(en="num_embeddings × embedding_dim", zh_cn="num_embeddings × embedding_dim"),
        when=Text(
            en="To turn discrete ids (tokens, characters, categories) into learned dense vectors: the first layer of a language model.",
            zh_cn="把离散的编号（token、字符、类别）映射成可学习的稠密向量：语言模型的第一层。",
        ),
        mistakes=Text(
            en="num_embeddings smaller than the vocabulary (larger ids fail), or float values where integer ids belong.",
            zh_cn="num_embeddings 小于词表大小（超出范围的编号会出错）；或者输入的是浮点数而不是整数编号。",
        ),
    )

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
        json_schema_extra={"description_zh": "初始缩放倍数（CLIP 中为 1 / 0.07，即温度 0.07）"},
    )
    max_scale: float = Field(
        default=100.0,
        gt=0.0,
        le=1e6,
        description="Largest multiplier it may learn",
        json_schema_extra={"description_zh": "可学到的最大缩放倍数"},
    )


class LogitScale(Op[LogitScaleParams]):
    name = "LogitScale"
    category = "Dense"
    summary = "Multiply by one learned positive number: CLIP's temperature for similarity logits."
    summary_zh = "乘以一个可学习的正数：CLIP 中相似度 logits 的温度系数。"
    Params = LogitScaleParams
    key_params = ("init",)
    example = {"x": spec(8)}
    learn = LearnCard(
        formula="y = min(eˢ, max_scale) · x, s learned from s₀ = ln(init)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="1 (the log-scale s)", zh_cn="1（对数缩放系数 s）"),
        when=Text(
            en="After cosine similarities in contrastive learning (CLIP): a learned temperature that stretches similarities in [−1, 1] into sharp logits.",
            zh_cn="在对比学习（CLIP）中接在余弦相似度之后：一个可学习的温度系数，把 [−1, 1] 的相似度放大成足够尖锐的 logits。",
        ),
        mistakes=Text(
            en="Scaling vectors that are not normalised (their lengths then fight the scale), or an init so large that training starts unstable.",
            zh_cn="作用在没有归一化的向量上（向量长度会和缩放系数相互干扰）；或者 init 太大，训练一开始就不稳定。",
        ),
    )

    def infer(self, p: LogitScaleParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"]}

    def module(self, p: LogitScaleParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.LogitScale, {"init": p.init, "max_scale": p.max_scale})
