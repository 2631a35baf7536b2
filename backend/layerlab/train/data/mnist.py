"""MNIST and Fashion-MNIST from their standard IDX files.

Files are looked for in the `path` option's folder, else `<data_dir>/<name>/`, gzip or
not. With all four files, the official 60,000 training images train and the 10,000 test
images validate (or, with `validate_on_test_set` off, a `val_fraction` of the training
images do). With only the two t10k files (as in shared/datasets/mnist-t10k), the 10,000
test images are split `val_fraction` (default 8,000/2,000) by seed, and info.notes says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import torch
from pydantic import Field

from layerlab.train.data.base import (
    DataError,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
    split,
)
from layerlab.train.data.digits import DIGIT_CLASSES, load_digits_as
from layerlab.train.data.download import RemoteFile, fetch
from layerlab.train.data.files import DataPath, dataset_folder, find_file
from layerlab.train.data.idx import read_idx
from layerlab.train.data.images import (
    ImageOptions,
    bytes_to_unit_float,
    image_info,
    scale_pixels,
)
from layerlab.train.data.official import OFFICIAL_FILES
from layerlab.train.data.registry import MissingDataError, SubstitutableSource

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
IMAGE_SIDE = 28
NUM_CLASSES = 10

FASHION_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


class MnistOptions(ImageOptions):
    path: DataPath | None = Field(
        default=None, description="Folder with the IDX files (default: <data dir>/<dataset name>)"
    )
    validate_on_test_set: bool = Field(
        default=True,
        description="With the full set, validate on the official test images (else split the training images)",
    )


class MnistLikeSource(DatasetSource[MnistOptions], SubstitutableSource):
    """MNIST's file layout; subclasses name the set, its classes and its mirrors."""

    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = MnistOptions
    title: ClassVar[str]
    classes: ClassVar[list[str]]
    remotes: ClassVar[tuple[RemoteFile, ...]]
    substitute_summary = "scikit-learn digits upsampled to 28x28"

    def load(self, options: MnistOptions, ctx: LoadContext) -> LoadedDataset:
        folder = dataset_folder(options.path, ctx, self.name)
        have = {
            name: find_file(folder, name)
            for name in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
        }
        if not all(have.values()) and ctx.allow_download and options.path is None:
            # The default folder is ours to fill; a user's `path` folder is never written to.
            for remote in self.remotes:
                if have[remote.name] is None:
                    have[remote.name] = fetch(remote, folder)
        test = self._read_pair(have[TEST_IMAGES], have[TEST_LABELS], ctx)
        train_pair = self._read_pair(have[TRAIN_IMAGES], have[TRAIN_LABELS], ctx)
        notes: list[str] = []
        if train_pair is not None and test is not None and options.validate_on_test_set:
            train, val = train_pair, test
            notes.append(
                f"{self.title}: {len(train):,} official training images; validation is the "
                f"official {len(val):,}-image test set"
            )
        elif train_pair is not None:
            train, val = split(train_pair.x, train_pair.y, options.val_fraction, options.seed)
            notes.append(
                f"{self.title}: the official training images split {len(train):,} train / "
                f"{len(val):,} validation (seed {options.seed})"
            )
        elif test is not None:
            train, val = split(test.x, test.y, options.val_fraction, options.seed)
            notes.append(
                f"only the {len(test):,} {self.title} test images were found in {folder}; "
                f"they are split {len(train):,} train / {len(val):,} validation (seed {options.seed})"
            )
        else:
            raise self._missing(folder)
        train, val, extras, scaling_note = scale_pixels(options.normalize, train, val)
        notes.append(scaling_note)
        info = image_info(self.name, train, val, list(self.classes), notes)
        return LoadedDataset(info=info, train=train, val=val, extras=extras)

    def load_substitute(
        self, options: MnistOptions, ctx: LoadContext, reason: str
    ) -> LoadedDataset:
        note = f"{reason}; using scikit-learn digits (8x8 upsampled to 28x28) instead"
        return load_digits_as(self.name, options, size=IMAGE_SIDE, channels=1, notes=[note])

    def _missing(self, folder: Path) -> MissingDataError:
        return MissingDataError(
            f"{self.title} not found in {folder}: put {TRAIN_IMAGES}, {TRAIN_LABELS}, "
            f"{TEST_IMAGES} and {TEST_LABELS} there (gzipped or not; the two t10k files alone "
            "give an 8,000/2,000 split of the test set), set the `path` option to a folder "
            "holding them, or allow downloads",
            summary=f"{self.title} not found in {folder}",
        )

    def _read_pair(
        self, images_path: Path | None, labels_path: Path | None, ctx: LoadContext
    ) -> Split | None:
        """Images x (N, 1, 28, 28) in [0, 1] and labels y (N,), or None if a file is absent."""
        if images_path is None or labels_path is None:
            return None
        images = read_idx(images_path, ctx, expected_dims=3)
        labels = read_idx(labels_path, ctx, expected_dims=1)
        if images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise DataError(
                f"{images_path.name}: images are {images.shape[1]}x{images.shape[2]}, expected 28x28"
            )
        if images.shape[0] != labels.shape[0]:
            raise DataError(
                f"{images_path.name} holds {images.shape[0]} images but {labels_path.name} "
                f"holds {labels.shape[0]} labels"
            )
        _check_labels(labels, labels_path)
        x = bytes_to_unit_float(images).unsqueeze(1)  # (N, 1, 28, 28)
        return Split(x, _labels_tensor(labels))


def _check_labels(labels: npt.NDArray[np.uint8], path: Path) -> None:
    if labels.size and int(labels.max()) >= NUM_CLASSES:
        raise DataError(
            f"{path.name}: label {int(labels.max())} is out of range 0..{NUM_CLASSES - 1}"
        )


def _labels_tensor(labels: npt.NDArray[np.uint8]) -> torch.Tensor:
    return torch.from_numpy(labels.astype(np.int64))


class Mnist(MnistLikeSource):
    name = "mnist"
    summary = "Handwritten digits, 28x28 grey, 60,000 + 10,000 (LeCun, Cortes, Burges)"
    title = "MNIST"
    classes = DIGIT_CLASSES
    remotes = OFFICIAL_FILES["mnist"]


class FashionMnist(MnistLikeSource):
    name = "fashion_mnist"
    summary = "Zalando's clothing images, 28x28 grey, 10 classes, MNIST's layout"
    title = "Fashion-MNIST"
    classes = FASHION_CLASSES
    remotes = OFFICIAL_FILES["fashion_mnist"]
