"""GAN: a generator and a discriminator, two optimizers, alternating updates.

The document holds two networks, `generator` and `discriminator`. The discriminator
returns one logit per sample (real vs generated). Each step first updates the
discriminator on a real batch and a detached fake batch, then the generator through
the updated discriminator. The generator's default loss is the non-saturating
-log D(G(z)) (Goodfellow et al. 2014), which gives gradients while D still wins
easily; `minimax` minimises log(1 - D(G(z))), the objective as the game states it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from layerlab.train.data.base import Split
from layerlab.train.events import ImageGridView, PointsView, SampleView
from layerlab.train.tasks.base import (
    ANY_FLOAT_TARGET,
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    scalar,
)
from layerlab.train.views import images, is_image

GRID_IMAGES = 16
"""Images in the fixed-noise grid."""
POINTS = 200
"""Real and generated points shown for 2-D data."""


class GAN(Task):
    name = "gan"
    targets = ANY_FLOAT_TARGET
    summary = "Generator vs discriminator: both losses, D(x), D(G(z)), fixed-noise sample grids."
    optimizers = ("discriminator", "generator")

    def check(self) -> None:
        names = set(self.trainee.nets)
        if names != {"generator", "discriminator"}:
            raise TaskError(
                "the gan task needs two networks named generator and discriminator "
                f"(set each node's network); the document has {', '.join(sorted(names))}"
            )
        self.generator = self.trainee.net("generator")
        self.discriminator = self.trainee.net("discriminator")
        if self.info.input_dtype != "float32":
            raise TaskError(
                f"the gan task needs float samples; dataset {self.info.name!r} has tokens"
            )
        self.check_inputs(self.discriminator, [self.info.input_shape], "float32")
        self.check_prediction(self.discriminator, 1, "a real-or-fake score")
        fake = self.generator.output_specs[self.generator.prediction_id]
        if list(fake.shape) != list(self.info.input_shape):
            raise TaskError(
                f"the generator makes {fake} samples but dataset {self.info.name!r} has "
                f"({', '.join(str(d) for d in self.info.input_shape)}): make them match"
            )
        if not self.generator.signature.needs_batch_size and len(self.generator.input_specs) != 1:
            raise TaskError("the generator needs one Input (fed noise) or a Noise source")
        self.fixed_seed = self.config.seed + 7

    def parameters(self, optimizer: str) -> list[nn.Parameter]:
        return self.trainee.net(optimizer).parameters()

    @classmethod
    def trained_networks(cls, optimizer: str, networks: Sequence[str]) -> list[str]:
        return [optimizer]  # each optimizer trains the network of its name

    def fake(self, count: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """`count` generated samples; a generator with an Input is fed N(0, I) noise."""
        if self.generator.signature.needs_batch_size:
            return self.generator(batch_size=count)
        shape = (count, *self.generator.input_specs[0].shape)
        z = torch.randn(shape, generator=generator, device=self.device)
        return self.generator(z)

    def score(self, x: torch.Tensor) -> torch.Tensor:
        return self.discriminator(x).reshape(x.shape[0])  # (B,) logits

    @staticmethod
    def discriminator_loss(real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
        """-log D(x) - log(1 - D(G(z))): real scored 1, generated scored 0."""
        real = F.binary_cross_entropy_with_logits(real_score, torch.ones_like(real_score))
        fake = F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score))
        return real + fake

    def generator_loss(self, fake_score: torch.Tensor) -> torch.Tensor:
        if self.config.gan_loss == "minimax":
            # minimise log(1 - D(G(z))) = -BCE(score, 0)
            return -F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score))
        return F.binary_cross_entropy_with_logits(fake_score, torch.ones_like(fake_score))

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        for _ in range(self.config.discriminator_steps):
            fake = self.fake(x.shape[0]).detach()
            real_score, fake_score = self.score(x), self.score(fake)
            d_loss = self.discriminator_loss(real_score, fake_score)
            yield Phase(
                "discriminator",
                d_loss,
                discriminator_metrics(d_loss, real_score, fake_score),
            )
        g_loss = self.generator_loss(self.score(self.fake(x.shape[0])))
        yield Phase("generator", g_loss, lambda: {"g_loss": g_loss.detach()})

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        count = x.shape[0]
        fake = self.fake(count)
        real_score, fake_score = self.score(x), self.score(fake)
        return {
            "d_loss": self.discriminator_loss(real_score, fake_score) * count,
            "g_loss": self.generator_loss(fake_score) * count,
            "d_real": torch.sigmoid(real_score).sum(),
            "d_fake": torch.sigmoid(fake_score).sum(),
        }

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        values = as_floats(sums)
        metrics = {
            key: scalar(values, key) / count for key in ("d_loss", "g_loss", "d_real", "d_fake")
        }
        metrics["loss"] = metrics["d_loss"] + metrics["g_loss"]
        return Evaluation(metrics)

    def fixed_fakes(self, count: int) -> torch.Tensor:
        """Samples from the same noise every time, so a grid shows learning, not luck.
        Noise sources draw from the global generator, seeded here (the loop runs samples
        inside a forked RNG, so training's random stream is untouched)."""
        torch.manual_seed(self.fixed_seed)
        generator = torch.Generator(device=self.device).manual_seed(self.fixed_seed)
        return self.fake(count, generator)

    def samples(self, val: Split) -> list[SampleView]:
        if is_image(self.info.input_shape):
            fakes = self.fixed_fakes(GRID_IMAGES)
            low, high = float(val.x.min()), float(val.x.max())
            grid = images(fakes, low, high, limit=GRID_IMAGES)
            return [ImageGridView(title="fixed-noise samples", images=grid)]
        if self.info.input_shape == [2]:
            fakes = self.fixed_fakes(POINTS)
            return [
                PointsView(
                    real=[(round(a, 4), round(b, 4)) for a, b in val.x[:POINTS].tolist()],
                    generated=[(round(a, 4), round(b, 4)) for a, b in fakes.tolist()],
                )
            ]
        return []


def discriminator_metrics(
    d_loss: torch.Tensor, real_score: torch.Tensor, fake_score: torch.Tensor
) -> Callable[[], dict[str, torch.Tensor]]:
    """The discriminator's step metrics, measured only when asked: its loss, and its
    mean belief that real samples are real (D(x)) and that fakes are (D(G(z)))."""
    return lambda: {
        "d_loss": d_loss.detach(),
        "d_real": torch.sigmoid(real_score.detach()).mean(),
        "d_fake": torch.sigmoid(fake_score.detach()).mean(),
    }
