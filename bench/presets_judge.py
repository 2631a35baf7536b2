"""A trained LeNet as the judge of generated digits.

Pixel losses say little about whether a generated image looks like a digit. A
classifier trained on the same data does: a clear digit is classified with high
confidence, and a generator that covers the data makes every class about equally
often (a collapsed one makes one or two). The judge is the LeNet-5 preset trained by
its own benchmark row, so its accuracy on real held-out digits is in the same table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from layerlab.train.model import Net

COVERAGE_SHARE = 0.02
"""A class counts as covered when at least this share of the samples is judged to be it
(a uniform spread over ten classes gives each 0.10)."""


@dataclass(frozen=True)
class Verdict:
    confidence: float
    """Mean top-class probability."""
    classes_covered: int
    """Classes judged for at least COVERAGE_SHARE of the samples."""
    entropy: float
    """Entropy of the judged-class histogram over log(classes): 1.0 is perfectly even."""
    shares: tuple[float, ...]
    """Share of the samples judged as each class."""
    accuracy: float | None = None
    """Share judged as their labels, when the images have labels (reconstructions)."""

    def text(self) -> str:
        rarest = min(range(len(self.shares)), key=self.shares.__getitem__)
        parts = [
            f"judge confidence {self.confidence:.3f}",
            f"classes {self.classes_covered}/{len(self.shares)} "
            f"(rarest: {rarest} at {self.shares[rarest]:.1%})",
            f"class entropy {self.entropy:.2f}",
        ]
        if self.accuracy is not None:
            parts.insert(0, f"judge accuracy {self.accuracy:.3f}")
        return ", ".join(parts)


@dataclass
class Judge:
    net: Net
    mean: torch.Tensor
    """Per-channel pixel statistics the judge was trained with, shaped (1, C, 1, 1)."""
    std: torch.Tensor
    real_accuracy: float
    """The judge's own validation accuracy on real digits."""

    @torch.no_grad()
    def probabilities(self, pixels: torch.Tensor) -> torch.Tensor:
        """(N, 10) class probabilities of images (N, 1, 28, 28) with pixels in [0, 1]."""
        self.net.module.train(False)
        x = (pixels.clamp(0, 1) - self.mean) / self.std
        return torch.cat([self.net(chunk).softmax(dim=1) for chunk in x.split(500)])

    def judge(self, pixels: torch.Tensor, labels: torch.Tensor | None = None) -> Verdict:
        probs = self.probabilities(pixels)
        confidence, chosen = probs.max(dim=1)
        counts = torch.bincount(chosen, minlength=probs.shape[1]).double()
        shares = counts / counts.sum()
        present = shares[shares > 0]
        entropy = max(0.0, float(-(present * present.log()).sum()) / math.log(probs.shape[1]))
        accuracy = None if labels is None else float((chosen == labels).double().mean())
        return Verdict(
            confidence=float(confidence.double().mean()),
            classes_covered=int((shares >= COVERAGE_SHARE).sum()),
            entropy=entropy,
            shares=tuple(float(share) for share in shares),
            accuracy=accuracy,
        )


def channel_statistics(extras: dict[str, object], channels: int) -> tuple[torch.Tensor, ...]:
    """The dataset's standardisation as broadcastable tensors (identity when unscaled)."""
    mean = extras.get("mean", [0.0] * channels)
    std = extras.get("std", [1.0] * channels)
    return (
        torch.tensor(mean, dtype=torch.float32).reshape(1, -1, 1, 1),
        torch.tensor(std, dtype=torch.float32).reshape(1, -1, 1, 1),
    )
