"""Helpers shared by the image sets: uint8 arrays to float tensors, normalisation, info."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import torch
from pydantic import Field, field_validator

from layerlab.train.data.base import DatasetInfo, DatasetOptions, Split

STATISTICS_SAMPLES = 10_000  # training images that give the normalisation statistics


PixelScaling = Literal["standard", "tanh", "none"]


class ImageOptions(DatasetOptions):
    normalize: PixelScaling = Field(
        default="standard",
        description=(
            "standard: each channel to mean 0, std 1 (training statistics); "
            "tanh: pixels to [-1, 1], for generators ending in Tanh; none: pixels in [0, 1]. "
            "true and false mean standard and none"
        ),
    )

    @field_validator("normalize", mode="before")
    @classmethod
    def _booleans_name_a_mode(cls, value: object) -> object:
        if isinstance(value, bool):
            return "standard" if value else "none"
        return value


def bytes_to_unit_float(pixels: npt.NDArray[np.uint8]) -> torch.Tensor:
    """uint8 pixels (any shape) to float32 in [0, 1].

    The conversion runs in torch (multi-threaded, about 3x numpy's astype here); the uint8
    copy first makes the array writable and contiguous, as torch.from_numpy wants.
    """
    return (
        torch.from_numpy(np.array(pixels, dtype=np.uint8, order="C")).to(torch.float32).div_(255.0)
    )


def normalize_channels(train: Split, val: Split) -> tuple[Split, Split, dict[str, list[float]]]:
    """Standardise x (N, C, H, W) per channel with the training split's mean and std.

    Statistics come from the training split only, so nothing of the validation images
    leaks into training; the first 10,000 training images give them (5x faster than all
    50,000 of CIFAR-10, and a sample that size pins a channel's mean and std far more
    precisely than training can notice). Scales in place: the loaders own these fresh
    tensors, and a CIFAR-10 copy would cost 600 MB. Returns the splits and
    {"mean": [C], "std": [C]} so that a sample view can undo the scaling.
    """
    if len(train) == 0:
        return train, val, {}
    sample = train.x[:STATISTICS_SAMPLES]
    std, mean = torch.std_mean(sample, dim=(0, 2, 3))  # (C,) each, without a transposed copy
    std = std.clamp_min(1e-6)  # a constant channel stays finite
    shape = (1, -1, 1, 1)
    for part in (train, val):
        part.x.sub_(mean.view(shape)).div_(std.view(shape))
    return train, val, {"mean": mean.tolist(), "std": std.tolist()}


def image_info(
    name: str,
    train: Split,
    val: Split,
    classes: list[str],
    notes: list[str],
) -> DatasetInfo:
    return DatasetInfo(
        name=name,
        kind="image",
        input_shape=list(train.x.shape[1:]),
        target="class",
        target_shape=[],
        num_classes=len(classes),
        classes=classes,
        train_size=len(train),
        val_size=len(val),
        notes=notes,
    )


def scale_pixels(
    mode: PixelScaling, train: Split, val: Split
) -> tuple[Split, Split, dict[str, object], str]:
    """Apply the `normalize` option to x in [0, 1]; return the extras and a note.

    extras always hold per-channel "mean" and "std" such that x * std + mean gives the
    [0, 1] pixels back, whichever mode was used, so a sample view needs no case analysis.
    """
    channels = int(train.x.shape[1])
    if mode == "standard":
        train, val, stats = normalize_channels(train, val)
        return (
            train,
            val,
            dict(stats),
            "pixels scaled to [0, 1], then standardised per channel with training statistics",
        )
    if mode == "tanh":
        for part in (train, val):
            part.x.mul_(2.0).sub_(1.0)
        return (
            train,
            val,
            {"mean": [0.5] * channels, "std": [0.5] * channels},
            "pixels scaled to [-1, 1]",
        )
    return (
        train,
        val,
        {"mean": [0.0] * channels, "std": [1.0] * channels},
        "pixels scaled to [0, 1]",
    )
