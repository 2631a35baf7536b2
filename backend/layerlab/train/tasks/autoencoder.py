"""Autoencoders: reconstruct the input (plain), the clean input from a corrupted one
(denoising), or reconstruct through a sampled code with a KL penalty (VAE)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import ClassVar

import torch

from layerlab.ops import torch_modules as tm
from layerlab.train.config import TaskName
from layerlab.train.data.base import Split
from layerlab.train.data.lazy import input_probe
from layerlab.train.events import ReconstructionsView, SampleView, VectorReconstructionsView
from layerlab.train.inside import latent_view
from layerlab.train.tasks.base import (
    ANY_FLOAT_TARGET,
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    regression_loss,
    scalar,
)
from layerlab.train.views import MAX_ITEMS, images, is_image, label, rounded


class Autoencoder(Task):
    name: ClassVar[TaskName] = "autoencoder"  # widened: the two below derive from it
    targets = ANY_FLOAT_TARGET
    summary = "Reconstruct the input through a bottleneck: reconstruction error, reconstructions."

    def check(self) -> None:
        net = self.single_net()
        if self.config.loss == "cross_entropy":
            raise TaskError(f"{self.name} reconstructs values: use mse, l1, smooth_l1 or bce")
        if self.info.input_dtype != "float32":
            raise TaskError(
                f"{self.name} needs float inputs; dataset {self.info.name!r} has tokens"
            )
        self.check_inputs(net, [self.info.input_shape], "float32")
        self.check_prediction(
            net, math.prod(self.info.input_shape), "a reconstruction of the input"
        )
        self.net = net
        self.loss = self.config.loss if self.config.loss != "auto" else self.auto_loss()

    def auto_loss(self) -> str:
        """Binary cross-entropy when a Sigmoid reconstructs inputs that lie in [0, 1]
        (pixels as probabilities of ink: a VAE's Bernoulli likelihood); otherwise the
        mean squared error."""
        x = input_probe(self.data)
        unit = len(x) > 0 and float(x.min()) >= 0.0 and float(x.max()) <= 1.0
        return "bce" if unit and self.net.prediction_source == "Sigmoid" else "mse"

    def corrupt(self, x: torch.Tensor, training: bool) -> torch.Tensor:
        """What the network sees; the target is always the clean x."""
        return x

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape)

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        loss = regression_loss(self.loss, self.reconstruct(self.corrupt(x, True)), x)
        yield Phase("model", loss)

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        out = self.reconstruct(self.corrupt(x, False))
        return {"loss": regression_loss(self.loss, out, x, reduction="sum")}

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        return Evaluation(
            {"loss": scalar(values, "loss") / (count * math.prod(self.info.input_shape))}
        )

    def samples(self, val: Split) -> list[SampleView]:
        clean = val.x[:MAX_ITEMS]
        seen = self.corrupt(clean, False)
        out = self.reconstruct(seen)
        latent = self.latent(val)
        if not is_image(self.info.input_shape):
            return [
                VectorReconstructionsView(
                    inputs=[rounded(v, limit=32) for v in seen],
                    outputs=[rounded(v, limit=32) for v in out],
                ),
                *latent,
            ]
        low, high = float(clean.min()), float(clean.max())
        corrupted = seen is not clean
        return [
            ReconstructionsView(
                inputs=images(seen, low, high),
                outputs=images(out, low, high),
                originals=images(clean, low, high) if corrupted else None,
            ),
            *latent,
        ]

    def latent(self, val: Split) -> list[SampleView]:
        """The validation codes in 2-D, by class when the data has classes (the clean
        inputs: where the network puts the data itself)."""
        labelled = self.info.target == "class" and bool(self.info.num_classes)
        classes = None
        if labelled:
            classes = [label(i, self.info.classes) for i in range(self.info.num_classes or 0)]
        view = latent_view(
            self.net, self.trainee.layers, val.x, val.y if labelled else None, classes
        )
        return [view] if view is not None else []


class DenoisingAutoencoder(Autoencoder):
    """Gaussian noise corrupts the input and the target stays clean. A graph may corrupt
    its own input with a Noise node (active while training only); then the task adds
    noise only for validation and samples, with that node's std."""

    name = "denoising_autoencoder"
    summary = "Reconstruct the clean input from a noisy one: denoising error, before/after views."

    def check(self) -> None:
        super().check()
        graph_noise = [m for m in self.net.module.modules() if isinstance(m, tm.Noise)]
        self.graph_corrupts = bool(graph_noise)
        self.std = graph_noise[0].std if graph_noise else self.config.noise_std
        # Validation noise is fixed, so val/loss compares epochs on the same corruption.
        self.val_seed = self.config.seed + 1

    def corrupt(self, x: torch.Tensor, training: bool) -> torch.Tensor:
        if training:
            return x if self.graph_corrupts else x + torch.randn_like(x) * self.std
        generator = torch.Generator(device=x.device).manual_seed(self.val_seed)
        noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
        return x + noise * self.std


class VAE(Autoencoder):
    """Loss per sample: reconstruction error summed over the input's values, plus
    kl_weight times the KL term of the graph's Reparameterize node (an Output fed by its
    `kl` port), averaged over the batch: the negative evidence lower bound."""

    name = "vae"
    summary = "Variational autoencoder: reconstruction + KL, reconstructions."

    def check(self) -> None:
        super().check()
        if not self.net.kl_outputs:
            raise TaskError(
                "the vae task needs the KL term: add an Output fed by the Reparameterize "
                "node's kl port"
            )

    def terms(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction error per sample (B,), KL per sample (B,))."""
        outputs = self.net.outputs(x)
        out = outputs[self.net.prediction_id].reshape(x.shape)
        error = regression_loss(self.loss, out, x, reduction="none")
        kl = torch.stack([outputs[k].reshape(x.shape[0]) for k in self.net.kl_outputs]).sum(dim=0)
        return error.reshape(x.shape[0], -1).sum(dim=1), kl

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        error, kl = self.terms(x)
        loss = (error + self.config.kl_weight * kl).mean()
        yield Phase(
            "model",
            loss,
            lambda: {"reconstruction": error.detach().mean(), "kl": kl.detach().mean()},
        )

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        error, kl = self.terms(x)
        return {"reconstruction": error.sum(), "kl": kl.sum()}

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        error, kl = scalar(values, "reconstruction") / count, scalar(values, "kl") / count
        return Evaluation(
            {"loss": error + self.config.kl_weight * kl, "reconstruction": error, "kl": kl}
        )
