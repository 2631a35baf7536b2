"""Two-dimensional toy classification sets, as in TensorFlow Playground (plus moons).

Each set draws `size` points split evenly between two classes, x float32 (N, 2) and
y int64 (N,) class ids. Units follow the Playground: points lie roughly in [-6, 6]^2
and `noise` is the Playground's 0..0.5 slider (a share of the radius 5), except for
moons, which uses scikit-learn's units (moon radius 1, `noise` a Gaussian std).

One deliberate difference from the Playground: there the noise changes the *label* of
a clean point (labels are taken at the noisy position); here the noise moves the point
and the label is the class it was drawn from. Both blur the boundary the same way; ours
keeps each class's points where the generator put its shape.
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch
from pydantic import Field

from layerlab.train.data.base import (
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    split,
)

PLAYGROUND_RADIUS = 5.0


class PointsOptions(DatasetOptions):
    size: int = Field(
        default=500, ge=4, le=1_000_000, description="Number of points, both classes together"
    )
    noise: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Noise, as the Playground's slider (0..0.5 typical)",
    )


class MoonsOptions(PointsOptions):
    noise: float = Field(
        default=0.1, ge=0.0, le=1.0, description="Gaussian noise std, in moon radii"
    )


def _uniform(gen: torch.Generator, n: int, low: float, high: float) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, generator=gen, dtype=torch.float64)


def _class_sizes(size: int) -> tuple[int, int]:
    """Two classes as even as possible: 7 points -> (3, 4)."""
    return size // 2, size - size // 2


class PointsSource(DatasetSource[PointsOptions]):
    """Shared plumbing: subclasses draw the points of each class."""

    kind = "points"
    Options: ClassVar[type[DatasetOptions]] = PointsOptions
    class_names: ClassVar[tuple[str, str]] = ("class 0", "class 1")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(n0, 2) points of class 0 and (n1, 2) points of class 1, float64."""
        raise NotImplementedError

    def load(self, options: PointsOptions, ctx: LoadContext) -> LoadedDataset:
        gen = torch.Generator().manual_seed(options.seed)
        n0, n1 = _class_sizes(options.size)
        first, second = self.draw(gen, n0, n1, options.noise)
        x = torch.cat([first, second]).to(torch.float32)  # (N, 2)
        y = torch.cat([torch.zeros(n0, dtype=torch.int64), torch.ones(n1, dtype=torch.int64)])
        train, val = split(x, y, options.val_fraction, options.seed)
        info = DatasetInfo(
            name=self.name,
            kind="points",
            input_shape=[2],
            target="class",
            target_shape=[],
            num_classes=2,
            classes=list(self.class_names),
            train_size=len(train),
            val_size=len(val),
            notes=[
                f"{options.size} generated points, noise {options.noise:g}, seed {options.seed}"
            ],
        )
        return LoadedDataset(info=info, train=train, val=val)


def _polar(radius: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    return torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)], dim=1)


def _playground_noise(gen: torch.Generator, n: int, noise: float) -> torch.Tensor:
    """(n, 2) uniform jitter of up to noise * radius along each axis, as the Playground."""
    return torch.stack(
        [_uniform(gen, n, -PLAYGROUND_RADIUS, PLAYGROUND_RADIUS) * noise for _ in range(2)], 1
    )


class Circles(PointsSource):
    name = "circles"
    summary = "A disc inside a ring (TensorFlow Playground 'circle')"
    class_names = ("inside", "outside")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        def ring(n: int, r_low: float, r_high: float) -> torch.Tensor:
            radius = _uniform(gen, n, r_low, r_high)
            angle = _uniform(gen, n, 0.0, 2 * math.pi)
            return _polar(radius, angle) + _playground_noise(gen, n, noise)

        return ring(n0, 0.0, 0.5 * PLAYGROUND_RADIUS), ring(
            n1, 0.7 * PLAYGROUND_RADIUS, PLAYGROUND_RADIUS
        )


class Xor(PointsSource):
    name = "xor"
    summary = "Four quadrants, opposite corners alike (TensorFlow Playground 'exclusive or')"
    class_names = ("same sign", "opposite sign")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        padding = 0.3  # keeps clean points off the axes, as the Playground does

        def quadrant_points(n: int, same_sign: bool) -> torch.Tensor:
            magnitude = _uniform(gen, n * 2, padding, PLAYGROUND_RADIUS).reshape(n, 2)
            first_sign = torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0).to(
                torch.float64
            )
            second_sign = first_sign if same_sign else -first_sign
            signs = torch.stack([first_sign, second_sign], dim=1)
            return magnitude * signs + _playground_noise(gen, n, noise)

        return quadrant_points(n0, True), quadrant_points(n1, False)


class Gaussians(PointsSource):
    name = "gaussians"
    summary = "Two Gaussian blobs at (2, 2) and (-2, -2) (TensorFlow Playground 'gaussian')"
    class_names = ("(2, 2) blob", "(-2, -2) blob")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # The Playground maps noise 0..0.5 linearly to a variance of 0.5..4.
        variance = 0.5 + noise / 0.5 * 3.5
        std = math.sqrt(variance)

        def blob(n: int, centre: float) -> torch.Tensor:
            return centre + std * torch.randn(n, 2, generator=gen, dtype=torch.float64)

        return blob(n0, 2.0), blob(n1, -2.0)


class Spirals(PointsSource):
    name = "spirals"
    summary = "Two interleaved spiral arms (TensorFlow Playground 'spiral')"
    class_names = ("arm 0", "arm 1")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        def arm(n: int, phase: float) -> torch.Tensor:
            progress = torch.arange(n, dtype=torch.float64) / n  # 0 at the centre, ->1 at the tip
            radius = progress * PLAYGROUND_RADIUS
            angle = 1.75 * progress * 2 * math.pi + phase  # 1.75 turns, as the Playground
            # The Playground's spiral noise is uniform in [-noise, noise], not scaled by 5.
            jitter = torch.stack([_uniform(gen, n, -1.0, 1.0) * noise for _ in range(2)], 1)
            return _polar(radius, angle) + jitter

        return arm(n0, 0.0), arm(n1, math.pi)


class Moons(PointsSource):
    name = "moons"
    summary = "Two interleaving half circles (scikit-learn's make_moons)"
    Options: ClassVar[type[DatasetOptions]] = MoonsOptions
    class_names = ("upper moon", "lower moon")

    def draw(
        self, gen: torch.Generator, n0: int, n1: int, noise: float
    ) -> tuple[torch.Tensor, torch.Tensor]:
        upper_angle = _uniform(gen, n0, 0.0, math.pi)
        lower_angle = _uniform(gen, n1, 0.0, math.pi)
        upper = torch.stack([torch.cos(upper_angle), torch.sin(upper_angle)], 1)
        lower = torch.stack([1.0 - torch.cos(lower_angle), 0.5 - torch.sin(lower_angle)], 1)
        upper = upper + noise * torch.randn(n0, 2, generator=gen, dtype=torch.float64)
        lower = lower + noise * torch.randn(n1, 2, generator=gen, dtype=torch.float64)
        return upper, lower
