"""Denoising diffusion (DDPM, Ho et al. 2020): learn to predict the noise mixed into an
image at a random noise level, then generate by removing noise step by step.

A noise schedule fixes T levels t = 0 .. T-1 with betas beta_t and alpha_bar_t =
prod(1 - beta_s, s <= t). Training draws t and noise eps for each image x0 and shows the
network x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps with t; the loss is the
mean squared error between eps and the network's guess. Sampling starts from pure noise
x_T and walks back through every level (ancestral sampling): the guessed noise gives a
guess of the clean image, x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps_hat) /
sqrt(alpha_bar_t), clipped to the data's range as Ho et al.'s code does, and x_{t-1} is
drawn from q(x_{t-1} | x_t, x0_hat), a Gaussian whose mean mixes x0_hat and x_t; the
last step adds no noise.

The network takes two Inputs: the noisy image (the dataset's sample shape, float) and
the step number (1) int64 (embed it with TimestepEmbedding); its prediction is the noise,
shaped like the image. Images should be scaled to [-1, 1] (MNIST's normalize: tanh).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
import torch.nn.functional as F

from layerlab.train.data.base import Split
from layerlab.train.data.lazy import input_probe
from layerlab.train.events import ImageGridView, SampleView
from layerlab.train.tasks.base import (
    ANY_FLOAT_TARGET,
    Evaluation,
    Phase,
    Task,
    TaskError,
    as_floats,
    scalar,
)
from layerlab.train.views import images

SHOWN_SAMPLES = 8
"""Samples in the denoising view, each shown at SHOWN_LEVELS points of its walk."""
SHOWN_LEVELS = 6
COSINE_OFFSET = 0.008
"""Nichol and Dhariwal's s: keeps the first betas from vanishing."""
MAX_BETA = 0.999


def noise_schedule(kind: str, steps: int) -> torch.Tensor:
    """The betas (T,) of a linear schedule (Ho et al.'s 1e-4 .. 0.02 over 1,000 steps,
    stretched to T steps) or a cosine one (Nichol and Dhariwal 2021), float64."""
    if kind == "linear":
        scale = 1000 / steps
        return torch.linspace(scale * 1e-4, scale * 0.02, steps, dtype=torch.float64)
    t = torch.arange(steps + 1, dtype=torch.float64) / steps
    alpha_bar = torch.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    return (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=MAX_BETA)


class Diffusion(Task):
    name = "diffusion"
    targets = ANY_FLOAT_TARGET
    summary = (
        "DDPM: predict the noise in noised images (MSE); samples walk back from pure "
        "noise through every step."
    )

    def check(self) -> None:
        net = self.single_net()
        if self.info.input_dtype != "float32" or len(self.info.input_shape) < 1:
            raise TaskError(
                f"the diffusion task needs float samples; dataset {self.info.name!r} has "
                f"{self.info.input_dtype} inputs"
            )
        if len(net.input_specs) != 2:
            raise TaskError(
                "the diffusion network needs two Inputs: the noisy sample (float) and the "
                f"step number, shape [1] int64; {net.name!r} has {len(net.input_specs)}"
            )
        kinds = [(list(spec.shape), spec.dtype) for spec in net.input_specs]
        image, step = (list(self.info.input_shape), "float32"), ([1], "int64")
        if sorted(kinds) != sorted([image, step]):
            raise TaskError(
                f"the diffusion network's Inputs take {', '.join(str(s) for s in net.input_specs)}"
                f"; it needs the noisy sample ({', '.join(map(str, self.info.input_shape))}) "
                "float32 and the step number (1) int64"
            )
        self.image_first = kinds[0] == image
        self.check_prediction(net, math.prod(self.info.input_shape), "the predicted noise")
        self.net = net
        self.steps = self.config.diffusion_steps
        betas = noise_schedule(self.config.noise_schedule, self.steps)
        self.betas = betas.float()
        self.alpha_bar = torch.cumprod(1 - betas, dim=0).float()
        probe = input_probe(self.data)
        self.low, self.high = float(probe.min()), float(probe.max())  # the data's range

    def schedule(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        if self.betas.device != device:
            self.betas, self.alpha_bar = self.betas.to(device), self.alpha_bar.to(device)
        return self.betas, self.alpha_bar

    def predict_noise(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """The network's guess of the noise in x_t (B, ...) at steps t (B,)."""
        steps = t.reshape(-1, 1)  # (B, 1)
        inputs = (x_t, steps) if self.image_first else (steps, x_t)
        return self.net(*inputs).reshape(x_t.shape)

    def noised(
        self, x0: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(x_t, t, eps): each sample noised at a random step."""
        _, alpha_bar = self.schedule(x0.device)
        t = torch.randint(0, self.steps, (x0.shape[0],), generator=generator, device=x0.device)
        eps = torch.randn(x0.shape, generator=generator, device=x0.device)
        keep = alpha_bar[t].reshape(-1, *([1] * (x0.dim() - 1)))  # (B, 1, ...)
        return keep.sqrt() * x0 + (1 - keep).sqrt() * eps, t, eps

    def training_step(self, x: torch.Tensor, y: torch.Tensor) -> Iterator[Phase]:
        x_t, t, eps = self.noised(x)
        yield Phase("model", F.mse_loss(self.predict_noise(x_t, t), eps))

    def validation_sums(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        # The same steps and noise for the same batch at every evaluation.
        generator = torch.Generator(device=x.device).manual_seed(self.config.seed + 1)
        x_t, t, eps = self.noised(x, generator)
        error = (self.predict_noise(x_t, t) - eps).pow(2).flatten(1).mean(dim=1)  # (B,)
        return {"loss": error.sum()}

    def summarize(self, sums: dict[str, torch.Tensor], count: int) -> Evaluation:
        return Evaluation({"loss": scalar(as_floats(sums), "loss") / count})

    @torch.no_grad()
    def sample(
        self,
        count: int,
        generator: torch.Generator | None = None,
        keep: tuple[int, ...] = (),
    ) -> tuple[torch.Tensor, dict[int, torch.Tensor]]:
        """`count` samples (count, ...) by ancestral sampling from pure noise, and the
        walk's state x_t at each level in `keep` (T: the starting noise)."""
        device = self.device
        betas, alpha_bar = self.schedule(device)
        shape = (count, *self.info.input_shape)
        x = torch.randn(shape, generator=generator, device=device)
        kept = {self.steps: x} if self.steps in keep else {}
        for t in reversed(range(self.steps)):
            step = torch.full((count,), t, dtype=torch.int64, device=device)
            eps = self.predict_noise(x, step)
            now, before = alpha_bar[t], alpha_bar[t - 1] if t > 0 else alpha_bar.new_ones(())
            clean = ((x - (1 - now).sqrt() * eps) / now.sqrt()).clamp(self.low, self.high)
            # The mean and variance of q(x_{t-1} | x_t, x0 = clean).
            from_clean = before.sqrt() * betas[t] / (1 - now)
            from_noisy = (1 - betas[t]).sqrt() * (1 - before) / (1 - now)
            x = from_clean * clean + from_noisy * x
            if t > 0:
                spread = (betas[t] * (1 - before) / (1 - now)).sqrt()
                x = x + spread * torch.randn(shape, generator=generator, device=device)
            if t in keep:
                kept[t] = x
        return x, kept

    def shown_levels(self) -> list[int]:
        """Where the denoising view looks: the pure noise, evenly spaced steps, the end."""
        levels = torch.linspace(self.steps, 0, SHOWN_LEVELS).round().long().tolist()
        return sorted(set(levels), reverse=True)

    def samples(self, val: Split) -> list[SampleView]:
        if len(self.info.input_shape) != 3:
            return []
        levels = self.shown_levels()
        generator = torch.Generator(device=self.device).manual_seed(self.config.seed + 7)
        _, kept = self.sample(SHOWN_SAMPLES, generator, tuple(levels))
        walk = torch.cat([kept[t] for t in levels])  # (levels * samples, C, H, W)
        low, high = float(val.x.min()), float(val.x.max())
        return [
            ImageGridView(
                title=f"{SHOWN_SAMPLES} samples denoised from pure noise over {self.steps} steps",
                images=images(walk.clamp(low, high), low, high, limit=walk.shape[0]),
                columns=SHOWN_SAMPLES,
                row_labels=[f"t = {t}" if t else "t = 0 (sample)" for t in levels],
            )
        ]
