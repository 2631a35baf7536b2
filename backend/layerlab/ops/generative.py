"""Generative models' pieces: the VAE's reparameterisation, a noise source, and the
diffusion step's embedding."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import ModuleCall, Op, OpParams, Port, ShapeError, TensorSpec, spec


class ReparameterizeParams(OpParams):
    pass


class Reparameterize(Op[ReparameterizeParams]):
    name = "Reparameterize"
    category = "Generative"
    summary = "VAE sampling z = mean + sigma * eps (differentiable), plus the KL term to N(0, I)."
    inputs = (
        Port("mean", "the encoder's mean of q(z|x)"),
        Port("logvar", "the encoder's log-variance, same shape"),
    )
    outputs = (
        Port("z", "a sample (the mean in eval mode)"),
        Port("kl", "KL(q(z|x) || N(0, I)) per sample: a scalar to add to the loss"),
    )
    example = {"mean": spec(4), "logvar": spec(4)}

    def infer(self, p: ReparameterizeParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        if x["mean"].shape != x["logvar"].shape:
            raise ShapeError(
                f"shape mismatch: mean is {x['mean']} but logvar is {x['logvar']}", port="logvar"
            )
        return {"z": x["mean"], "kl": spec()}

    def module(self, p: ReparameterizeParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.Reparameterize)


class NoiseParams(OpParams):
    std: float = Field(
        default=1.0, ge=0.0, le=100.0, description="Standard deviation of the Gaussian noise"
    )
    shape: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        default=[100],
        min_length=1,
        max_length=5,
        description="Sample shape when used as a source (no input)",
    )
    train_only: bool = Field(
        default=True, description="With an input: add noise only while training"
    )


class Noise(Op[NoiseParams]):
    name = "Noise"
    category = "Generative"
    summary = (
        "Gaussian noise: a latent source for GAN generators, or added to an input (denoising)."
    )
    Params = NoiseParams
    inputs = (
        Port("x", "a tensor to corrupt; leave unconnected for a noise source", optional=True),
    )
    key_params = ("std", "shape")
    example = {"x": spec(6)}

    def infer(self, p: NoiseParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        return {"y": x["x"] if "x" in x else TensorSpec(shape=tuple(p.shape))}

    def module(self, p: NoiseParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(
            tm.Noise, {"std": p.std, "shape": tuple(p.shape), "train_only": p.train_only}
        )


class TimestepEmbeddingParams(OpParams):
    dim: int = Field(
        default=64, ge=2, le=65_536, multiple_of=2, description="Length of the embedding (even)"
    )
    max_period: float = Field(
        default=10_000.0,
        ge=1.0,
        le=1e9,
        description="Longest period of the sinusoids, in steps (the slowest frequency)",
    )


class TimestepEmbedding(Op[TimestepEmbeddingParams]):
    name = "TimestepEmbedding"
    category = "Generative"
    summary = "A diffusion step t as sines and cosines at many frequencies: (1) -> (dim)."
    Params = TimestepEmbeddingParams
    inputs = (Port("t", "the step number, one per sample: (1)", dtype="any"),)
    key_params = ("dim",)
    example = {"t": spec(1, dtype="int64")}

    def infer(self, p: TimestepEmbeddingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        if x["t"].shape != (1,):
            raise ShapeError(f"expects one step number per sample, (1), got {x['t']}", port="t")
        return {"y": spec(p.dim)}

    def module(self, p: TimestepEmbeddingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.TimestepEmbedding, {"dim": p.dim, "max_period": p.max_period})
