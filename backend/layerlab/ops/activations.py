"""Activations: the nonlinearities between layers. Each keeps its input's shape."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from layerlab.ops.base import (
    HealthKind,
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    ShapeError,
    TensorSpec,
    spec,
)
from layerlab.text import Text


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
    summary_zh = "max(0, x)：计算简单，x > 0 时不会梯度消失；x < 0 时神经元可能“死亡”。"
    torch_class = nn.ReLU
    health_kind = HealthKind.RELU_LIKE
    learn = LearnCard(
        formula="y = max(0, x)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="The default activation function for the hidden layers of MLPs and CNNs: cheap, and its gradient does not vanish for x > 0.",
            zh_cn="多层感知机和卷积网络隐藏层的默认激活函数：计算便宜，x > 0 时梯度不会消失。",
        ),
        mistakes=Text(
            en="Dead neurons: a high learning rate pushes units below 0 for every input, where the gradient is 0 for good; and a ReLU after the last layer cuts off negative logits.",
            zh_cn="神经元死亡：学习率过大会让某些神经元对所有输入都小于 0，梯度恒为 0，再也学不动；另外，最后一层之后加 ReLU 会截掉负的 logits。",
        ),
    )


class ReLU6(Activation):
    name = "ReLU6"
    summary = "min(max(0, x), 6): a ReLU capped at 6, robust in low precision (MobileNet)."
    summary_zh = "min(max(0, x), 6)：上限为 6 的 ReLU，在低精度下更稳健（MobileNet）。"
    torch_class = nn.ReLU6
    health_kind = HealthKind.RELU_LIKE
    learn = LearnCard(
        formula="y = min(max(0, x), 6)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Mobile networks (MobileNet) and quantised, low-precision models, which like a bounded output range.",
            zh_cn="移动端网络（MobileNet）以及量化、低精度模型，它们需要有界的输出范围。",
        ),
        mistakes=Text(
            en="Forgetting that units above 6 get no gradient either, so it can die at both ends; in ordinary float32 training it has no advantage over ReLU.",
            zh_cn="忘了输出超过 6 的神经元同样没有梯度，两端都可能“死亡”；在普通 float32 训练中它并不比 ReLU 有优势。",
        ),
    )


class LeakyReLUParams(OpParams):
    negative_slope: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Slope for x < 0, so units never die",
        json_schema_extra={"description_zh": "x < 0 时的斜率，使神经元不会“死亡”"},
    )


class LeakyReLU(Activation):
    name = "LeakyReLU"
    summary = "x for x > 0, negative_slope * x otherwise: a ReLU whose units cannot die."
    summary_zh = "x > 0 时为 x，否则为 negative_slope * x：神经元不会“死亡”的 ReLU。"
    Params = LeakyReLUParams
    key_params = ("negative_slope",)
    torch_class = nn.LeakyReLU
    learn = LearnCard(
        formula="y = x if x > 0, else negative_slope · x",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Instead of ReLU when many neurons die, and in GAN discriminators.",
            zh_cn="当 ReLU 中有大量神经元死亡时替换它；GAN 的判别器中也很常用。",
        ),
        mistakes=Text(
            en="A negative_slope of 1 (the layer becomes linear) or 0 (it is a plain ReLU again).",
            zh_cn="negative_slope 设为 1（这一层变成线性的）或 0（又变回普通的 ReLU）。",
        ),
    )


class Sigmoid(Activation):
    name = "Sigmoid"
    summary = "1 / (1 + e^-x), into (0, 1): saturates, so deep stacks vanish gradients."
    summary_zh = "1 / (1 + e^-x)，输出在 (0, 1)：容易饱和，层数一深梯度就会消失。"
    torch_class = nn.Sigmoid
    health_kind = HealthKind.SATURATING
    saturated_outside = (0.02, 0.98)
    learn = LearnCard(
        formula="y = 1 / (1 + e⁻ˣ)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Outputs that must lie in (0, 1): yes/no probabilities, an autoencoder's pixel values, and gates; rarely hidden layers.",
            zh_cn="输出必须落在 (0, 1) 之间时：是/否概率、自编码器输出的像素值，以及门控；很少用在隐藏层。",
        ),
        mistakes=Text(
            en="Stacking it in deep hidden layers: it saturates and its slope is at most 0.25, so gradients vanish; its outputs are not zero-centred either.",
            zh_cn="在深层网络的隐藏层里堆叠使用：它会饱和，导数最大只有 0.25，于是梯度消失；而且输出不以零为中心。",
        ),
    )


class Tanh(Activation):
    name = "Tanh"
    summary = "tanh(x), into (-1, 1): zero-centred, but saturates like the sigmoid."
    summary_zh = "tanh(x)，输出在 (-1, 1)：以零为中心，但和 sigmoid 一样会饱和。"
    torch_class = nn.Tanh
    health_kind = HealthKind.SATURATING
    saturated_outside = (-0.96, 0.96)
    learn = LearnCard(
        formula="y = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Zero-centred outputs in (−1, 1): inside recurrent cells, and as a generator's last layer for images scaled to [−1, 1].",
            zh_cn="需要以零为中心、落在 (−1, 1) 的输出时：循环神经网络单元内部，以及图像缩放到 [−1, 1] 时生成器的最后一层。",
        ),
        mistakes=Text(
            en="Deep stacks saturate and gradients vanish as with the sigmoid; and a Tanh output for images whose values lie in [0, 1].",
            zh_cn="层数一深同样会饱和、梯度消失，与 Sigmoid 一样；以及图像取值在 [0, 1] 时却用 Tanh 作输出。",
        ),
    )


class SiLU(Activation):
    name = "SiLU"
    summary = "x * sigmoid(x) (swish): smooth, non-monotonic, used in modern CNNs."
    summary_zh = "x * sigmoid(x)（Swish）：平滑、非单调，现代 CNN 中常用的激活函数。"
    torch_class = nn.SiLU
    learn = LearnCard(
        formula="y = x · σ(x) = x / (1 + e⁻ˣ)",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Modern CNNs (EfficientNet) and diffusion U-Nets: a smooth ReLU that lets small negative values through.",
            zh_cn="现代卷积网络（EfficientNet）和扩散模型的 U-Net：平滑版的 ReLU，允许少量负值通过。",
        ),
        mistakes=Text(
            en="Expecting ReLU's exact zeros: its minimum is about −0.28, so it gives no sparse activations.",
            zh_cn="以为它像 ReLU 一样输出精确的 0：它的最小值约为 −0.28，因此不会产生稀疏激活。",
        ),
    )


class GELUParams(OpParams):
    approximate: Literal["none", "tanh"] = Field(
        default="none",
        description="Exact erf form, or the tanh approximation",
        json_schema_extra={"description_zh": "精确的 erf 形式，或 tanh 近似"},
    )


class GELU(Activation):
    name = "GELU"
    summary = "x * Phi(x): the Transformer's smooth ReLU."
    summary_zh = "x * Phi(x)：Transformer 中常用的平滑版 ReLU。"
    Params = GELUParams
    torch_class = nn.GELU
    learn = LearnCard(
        formula="y = x · Φ(x), Φ the standard normal CDF",
        shape=Text(en="(…) → (…), unchanged", zh_cn="(…) → (…)，形状不变"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="The feed-forward blocks of Transformers (BERT, GPT, ViT): a smooth ReLU that weights x by the chance that it is positive.",
            zh_cn="Transformer（BERT、GPT、ViT）前馈层的常用激活函数：按 x 为正的概率对 x 加权的平滑 ReLU。",
        ),
        mistakes=Text(
            en="Mixing the exact form and approximate = tanh between training and a reference implementation, so outputs differ slightly.",
            zh_cn="训练时与参考实现用了不同的形式（精确的 erf 形式与 tanh 近似），输出会有细微差别。",
        ),
    )


class SoftmaxParams(OpParams):
    dim: int = Field(
        default=-1,
        ge=-5,
        le=4,
        description="Axis whose entries become probabilities (batch excluded)",
        json_schema_extra={"description_zh": "沿哪一维的数值转成概率（不含批次维）"},
    )


class Softmax(Activation):
    name = "Softmax"
    summary = "exp(x) normalised to sum to 1 along an axis: class probabilities."
    summary_zh = "沿某一维取 exp(x) 并归一化使其和为 1：得到类别概率。"
    Params = SoftmaxParams
    torch_class = nn.Softmax
    learn = LearnCard(
        formula="yᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along dim",
        shape=Text(
            en="(…) → (…); the entries along dim sum to 1", zh_cn="(…) → (…)；沿 dim 的各项之和为 1"
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="To turn scores into a probability distribution for reading or sampling, as inside attention.",
            zh_cn="把分数转换成概率分布以便解读或采样，注意力机制内部也用它。",
        ),
        mistakes=Text(
            en="Putting it before a cross-entropy loss that expects raw logits (softmax twice, slow learning), or normalising over the wrong dim.",
            zh_cn="在要求原始 logits 的交叉熵损失之前再加 Softmax（相当于做了两次 softmax，学习变慢）；或者在错误的维度上归一化。",
        ),
    )

    def module(self, p: OpParams, x: dict[str, TensorSpec]) -> ModuleCall:
        assert isinstance(p, SoftmaxParams)
        rank = len(x["x"].shape)
        if not -rank <= p.dim < rank:
            raise ShapeError("shape.axis_range", field="dim", name="dim", dim=p.dim, rank=rank)
        return ModuleCall(nn.Softmax, {"dim": p.dim % rank + 1})

    def infer(self, p: OpParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        self.module(p, x)  # validates dim
        return {"y": x["x"]}
