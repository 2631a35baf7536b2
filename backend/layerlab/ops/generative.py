"""Generative models' pieces: the VAE's reparameterisation, a noise source, and the
diffusion step's embedding."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
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


class ReparameterizeParams(OpParams):
    pass


class Reparameterize(Op[ReparameterizeParams]):
    name = "Reparameterize"
    category = "Generative"
    summary = "VAE sampling z = mean + sigma * eps (differentiable), plus the KL term to N(0, I)."
    summary_zh = "VAE 采样 z = mean + sigma * eps（可微），并给出与 N(0, I) 的 KL 项。"
    inputs = (
        Port("mean", "the encoder's mean of q(z|x)"),
        Port("logvar", "the encoder's log-variance, same shape"),
    )
    outputs = (
        Port("z", "a sample (the mean in eval mode)"),
        Port("kl", "KL(q(z|x) || N(0, I)) per sample: a scalar to add to the loss"),
    )
    example = {"mean": spec(4), "logvar": spec(4)}
    learn = LearnCard(
        formula="z = μ + exp(logvar / 2) ⊙ ε, ε ~ N(0, I); kl = −½ Σ (1 + logvar − μ² − exp(logvar))",
        shape=Text(
            en="mean (…), logvar (…) → z (…), kl ()", zh_cn="mean (…)，logvar (…) → z (…)，kl ()"
        ),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="The middle of a variational autoencoder (VAE): sampling stays differentiable, and kl, added to the loss, keeps the latent space close to N(0, I).",
            zh_cn="变分自编码器（VAE）的中间层：重参数化让采样可以求导，kl 加进损失后使隐空间接近标准正态分布 N(0, I)。",
        ),
        mistakes=Text(
            en="Leaving the kl output unconnected (it becomes a plain autoencoder), or wiring a standard deviation into logvar.",
            zh_cn="kl 输出没有接到损失上（模型就退化成普通的自编码器）；或者把标准差而不是对数方差接到了 logvar。",
        ),
    )

    def infer(self, p: ReparameterizeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        if x["mean"].shape != x["logvar"].shape:
            raise ShapeError(
                "shape.mean_logvar", port="logvar", mean=str(x["mean"]), logvar=str(x["logvar"])
            )
        return {"z": x["mean"], "kl": spec()}

    def module(self, p: ReparameterizeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Reparameterize)


class NoiseParams(OpParams):
    std: float = Field(
        default=1.0,
        ge=0.0,
        le=100.0,
        description="Standard deviation of the Gaussian noise",
        json_schema_extra={"description_zh": "高斯噪声的标准差"},
    )
    shape: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        default=[100],
        min_length=1,
        max_length=5,
        description="Sample shape when used as a source (no input)",
        json_schema_extra={"description_zh": "作为噪声源（不接输入）时单个样本的形状"},
    )
    train_only: bool = Field(
        default=True,
        description="With an input: add noise only while training",
        json_schema_extra={"description_zh": "接了输入时：只在训练时加噪声"},
    )


class Noise(Op[NoiseParams]):
    name = "Noise"
    category = "Generative"
    summary = (
        "Gaussian noise: a latent source for GAN generators, or added to an input (denoising)."
    )
    summary_zh = "高斯噪声：作为 GAN 生成器的潜在向量来源，或加到输入上（去噪）。"
    Params = NoiseParams
    inputs = (
        Port("x", "a tensor to corrupt; leave unconnected for a noise source", optional=True),
    )
    key_params = ("std", "shape")
    example = {"x": spec(6)}
    learn = LearnCard(
        formula="y = x + std · ε (while training, with train_only), or y = std · ε as a source; ε ~ N(0, I)",
        shape=Text(en="(…) → (…), or → shape with no input", zh_cn="(…) → (…)；不接输入时 → shape"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="The latent input z of a GAN generator (no input connected), or corrupting the inputs of a denoising autoencoder.",
            zh_cn="GAN 生成器的隐变量输入 z（不连接输入时），或者为去噪自编码器的输入加噪声。",
        ),
        mistakes=Text(
            en="A std far from the data's scale, and expecting noise at evaluation while train_only is on.",
            zh_cn="std 与数据的尺度相差太大；开启 train_only 时却以为评估阶段也会加噪声。",
        ),
    )

    def infer(self, p: NoiseParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"] if "x" in x else TensorSpec(shape=tuple(p.shape))}

    def module(self, p: NoiseParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(
            tm.Noise, {"std": p.std, "shape": tuple(p.shape), "train_only": p.train_only}
        )


class TimestepEmbeddingParams(OpParams):
    dim: int = Field(
        default=64,
        ge=2,
        le=65_536,
        multiple_of=2,
        description="Length of the embedding (even)",
        json_schema_extra={"description_zh": "嵌入向量的长度（须为偶数）"},
    )
    max_period: float = Field(
        default=10_000.0,
        ge=1.0,
        le=1e9,
        description="Longest period of the sinusoids, in steps (the slowest frequency)",
        json_schema_extra={"description_zh": "正弦函数的最长周期，以步数计（对应最低频率）"},
    )


class TimestepEmbedding(Op[TimestepEmbeddingParams]):
    name = "TimestepEmbedding"
    category = "Generative"
    summary = "A diffusion step t as sines and cosines at many frequencies: (1) -> (dim)."
    summary_zh = "把扩散步数 t 编码成多种频率的正弦和余弦：(1) -> (dim)。"
    Params = TimestepEmbeddingParams
    inputs = (Port("t", "the step number, one per sample: (1)", dtype="any"),)
    key_params = ("dim",)
    example = {"t": spec(1, dtype="int64")}
    learn = LearnCard(
        formula="y = [sin(t·ωᵢ), cos(t·ωᵢ)], ωᵢ = max_period^(−i / (dim/2)), i = 0 … dim/2 − 1",
        shape=Text(en="(1) → (dim)", zh_cn="(1) → (dim)"),
        params=Text(en="none", zh_cn="无"),
        when=Text(
            en="Telling a diffusion model's denoiser which noise step t it is at, usually through a small MLP added to its feature maps.",
            zh_cn="告诉扩散模型的去噪网络当前处于第几步 t，通常再经过一个小的多层感知机，加到特征图上。",
        ),
        mistakes=Text(
            en="Feeding the raw t straight into a Linear (badly scaled and hard to learn), or a max_period smaller than the number of diffusion steps.",
            zh_cn="把原始的 t 直接送入全连接层（数值尺度差，难以学习）；或者 max_period 小于扩散的总步数。",
        ),
    )

    def infer(self, p: TimestepEmbeddingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        if x["t"].shape != (1,):
            raise ShapeError("shape.timestep", port="t", got=str(x["t"]))
        return {"y": spec(p.dim)}

    def module(self, p: TimestepEmbeddingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.TimestepEmbedding, {"dim": p.dim, "max_period": p.max_period})
