"""Synthetic sequence sets for RNN, LSTM and GRU: bit parity and sine forecasting.

Inputs are float32 (N, T, 1): T time steps of one feature, batch first, as the
recurrent ops take them.
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


class ParityOptions(DatasetOptions):
    size: int = Field(default=2000, ge=10, le=1_000_000, description="Number of bit strings")
    length: int = Field(default=8, ge=1, le=1024, description="Bits per string (time steps)")


class SineForecastOptions(DatasetOptions):
    size: int = Field(default=2000, ge=10, le=1_000_000, description="Number of windows")
    length: int = Field(default=20, ge=2, le=1024, description="Observed time steps per window")
    noise: float = Field(
        default=0.05, ge=0.0, le=1.0, description="Gaussian noise std on every value"
    )


class Parity(DatasetSource[ParityOptions]):
    name = "parity"
    summary = "Is the number of 1 bits odd? A long-range memory test for recurrent nets"
    kind = "sequence"
    Options: ClassVar[type[DatasetOptions]] = ParityOptions

    def load(self, options: ParityOptions, ctx: LoadContext) -> LoadedDataset:
        gen = torch.Generator().manual_seed(options.seed)
        bits = torch.randint(0, 2, (options.size, options.length), generator=gen)
        x = bits.to(torch.float32).unsqueeze(-1)  # (N, T, 1)
        y = bits.sum(dim=1) % 2  # (N,) int64: 1 when the count of ones is odd
        train, val = split(x, y, options.val_fraction, options.seed)
        info = DatasetInfo(
            name=self.name,
            kind="sequence",
            input_shape=[options.length, 1],
            target="class",
            target_shape=[],
            num_classes=2,
            classes=["even", "odd"],
            train_size=len(train),
            val_size=len(val),
            notes=[
                f"{options.size:,} random {options.length}-bit strings; class = parity of the ones"
            ],
        )
        return LoadedDataset(info=info, train=train, val=val)


class SineForecast(DatasetSource[SineForecastOptions]):
    name = "sine_forecast"
    summary = "Predict the next value of a sine wave from the last T values"
    kind = "sequence"
    Options: ClassVar[type[DatasetOptions]] = SineForecastOptions

    # Each window has its own phase and frequency, so the net must read them off the
    # inputs: 0.2..0.6 radians per step is a period of about 10 to 31 steps.
    min_step_radians: ClassVar[float] = 0.2
    max_step_radians: ClassVar[float] = 0.6

    def load(self, options: SineForecastOptions, ctx: LoadContext) -> LoadedDataset:
        gen = torch.Generator().manual_seed(options.seed)
        n, steps = options.size, options.length
        phase = torch.rand(n, 1, generator=gen, dtype=torch.float64) * 2 * math.pi
        step = self.min_step_radians + (self.max_step_radians - self.min_step_radians) * torch.rand(
            n, 1, generator=gen, dtype=torch.float64
        )
        time = torch.arange(steps + 1, dtype=torch.float64)  # T observed steps, then the target
        series = torch.sin(phase + step * time)  # (N, T + 1)
        series = series + options.noise * torch.randn(
            series.shape, generator=gen, dtype=torch.float64
        )
        x = series[:, :steps].to(torch.float32).unsqueeze(-1)  # (N, T, 1)
        y = series[:, steps:].to(torch.float32)  # (N, 1): the value one step after the window
        train, val = split(x, y, options.val_fraction, options.seed)
        info = DatasetInfo(
            name=self.name,
            kind="sequence",
            input_shape=[steps, 1],
            target="value",
            target_shape=[1],
            train_size=len(train),
            val_size=len(val),
            notes=[
                f"{n:,} windows of sin(phase + w t), w in [{self.min_step_radians}, "
                f"{self.max_step_radians}] rad/step, noise std {options.noise:g}; target = the next value"
            ],
        )
        return LoadedDataset(info=info, train=train, val=val)
