"""Synthetic regression sets: a noisy sine (x (N, 1)) and a tilted plane (x (N, 2)).

Targets are float32 (N, 1) values, so a Linear(1) head and an MSE loss fit them as is.
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


class RegressionOptions(DatasetOptions):
    size: int = Field(default=500, ge=4, le=1_000_000, description="Number of samples")
    noise: float = Field(
        default=0.1, ge=0.0, le=1.0, description="Gaussian noise std added to the target"
    )


class RegressionSource(DatasetSource[RegressionOptions]):
    kind = "points"
    Options: ClassVar[type[DatasetOptions]] = RegressionOptions
    input_features: ClassVar[int]
    formula: ClassVar[str]

    def draw(self, gen: torch.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs (N, features) and clean targets (N, 1), float64."""
        raise NotImplementedError

    def load(self, options: RegressionOptions, ctx: LoadContext) -> LoadedDataset:
        gen = torch.Generator().manual_seed(options.seed)
        x, clean = self.draw(gen, options.size)
        y = clean + options.noise * torch.randn(clean.shape, generator=gen, dtype=torch.float64)
        train, val = split(
            x.to(torch.float32), y.to(torch.float32), options.val_fraction, options.seed
        )
        info = DatasetInfo(
            name=self.name,
            kind="points",
            input_shape=[self.input_features],
            target="value",
            target_shape=[1],
            train_size=len(train),
            val_size=len(val),
            notes=[
                f"{options.size} generated samples of {self.formula}, noise std {options.noise:g}"
            ],
        )
        return LoadedDataset(info=info, train=train, val=val)


class Sine(RegressionSource):
    name = "sine"
    summary = "y = sin(x) on [-pi, pi] with Gaussian noise"
    input_features = 1
    formula = "y = sin(x), x uniform in [-pi, pi]"

    def draw(self, gen: torch.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = (torch.rand(size, 1, generator=gen, dtype=torch.float64) * 2 - 1) * math.pi
        return x, torch.sin(x)


class Plane(RegressionSource):
    name = "plane"
    summary = "y = (x1 + x2) / 10 on [-6, 6]^2 (TensorFlow Playground 'plane')"
    input_features = 2
    formula = "y = (x1 + x2) / 10, x uniform in [-6, 6]^2"

    def draw(self, gen: torch.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = (torch.rand(size, 2, generator=gen, dtype=torch.float64) * 2 - 1) * 6.0
        return x, x.sum(dim=1, keepdim=True) / 10.0
