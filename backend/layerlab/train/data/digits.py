"""scikit-learn's bundled 8x8 digits: the real image set that is always offline.

1,797 handwritten digits from the UCI "optical recognition" set, ships inside
scikit-learn, so it loads anywhere. It is also the stand-in for MNIST, Fashion-MNIST and
CIFAR-10 when their files are absent (`load_dataset(..., allow_substitute=True)`),
upsampled to their image size and always named as such in info.notes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F

from layerlab.train.data.base import (
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    split,
)
from layerlab.train.data.images import ImageOptions, image_info, scale_pixels

DIGIT_CLASSES = [str(digit) for digit in range(10)]
DIGITS_MAX_VALUE = 16.0  # the set's pixels are counts 0..16 of an original 32x32 bitmap


def digits_images(size: int = 8, channels: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """All 1,797 digits as x float32 (N, channels, size, size) in [0, 1], y int64 (N,).

    Upsampling is bilinear; extra channels repeat the grey one, so a 3-channel model
    (a CIFAR-10 preset) sees grey images of the right shape.
    """
    pixels, labels = _read_bundled_digits()
    x = torch.as_tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / DIGITS_MAX_VALUE
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).clamp_(0, 1)
    if channels != 1:
        x = x.repeat(1, channels, 1, 1)
    y = torch.as_tensor(labels, dtype=torch.int64)
    return x.contiguous(), y


def _read_bundled_digits() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Pixels (1797, 64) and labels (1797,) from the CSV that scikit-learn ships.

    Importing scikit-learn costs about 3 s here (scipy), so we read its bundled file
    directly (0.1 s) and fall back to `load_digits` only if the file has moved.
    """
    spec = importlib.util.find_spec("sklearn")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        bundled = Path(location) / "datasets" / "data" / "digits.csv.gz"
        if bundled.is_file():
            table = np.loadtxt(bundled, delimiter=",")  # (1797, 65): 64 pixels, then the label
            return table[:, :-1], table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]

    bunch = load_digits()
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)


def load_digits_as(
    name: str, options: ImageOptions, size: int, channels: int, notes: list[str]
) -> LoadedDataset:
    """The digits, split and normalised per `options`, reported under `name`."""
    x, y = digits_images(size, channels)
    train, val = split(x, y, options.val_fraction, options.seed)
    train, val, extras, scaling_note = scale_pixels(options.normalize, train, val)
    info = image_info(name, train, val, list(DIGIT_CLASSES), [*notes, scaling_note])
    return LoadedDataset(info=info, train=train, val=val, extras=extras)


class Digits(DatasetSource[ImageOptions]):
    name = "digits"
    summary = "1,797 handwritten digits, 8x8 grey (scikit-learn, always offline)"
    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = ImageOptions

    def load(self, options: ImageOptions, ctx: LoadContext) -> LoadedDataset:
        notes = [f"scikit-learn digits: 1,797 images, split {1 - options.val_fraction:.0%} train"]
        return load_digits_as(self.name, options, size=8, channels=1, notes=notes)
