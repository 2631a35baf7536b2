"""A user's IDX files (MNIST's layout), uploaded together as one zip.

The zip holds an images file and a labels file for training (`train-images-idx3-ubyte`,
`train-labels-idx1-ubyte`), for testing (`t10k-...`), or both; gzipped or not, at any
folder depth. Images may be any size; labels are class ids 0..K-1 and the classes are
named by their ids. As with MNIST: both pairs give train and validation, one pair is
split by `val_fraction`. Members are read in memory through the same bounded reader as
an image zip, and every entry is checked as if it were to be unpacked.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from typing import ClassVar

import numpy as np
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
from layerlab.train.data.files import FileOptions
from layerlab.train.data.idx import MAX_IDX_BYTES, parse_idx, read_idx_bytes
from layerlab.train.data.image_zip import open_zip, safe_members
from layerlab.train.data.images import ImageOptions, bytes_to_unit_float, image_info, scale_pixels

MEMBER = re.compile(r"^(train|t10k)-(images|labels)-idx[13]-ubyte(\.gz)?$")
MAX_CLASSES = 1000


class IdxZipOptions(FileOptions, ImageOptions):
    validate_on_test_set: bool = Field(
        default=True,
        description="With both pairs, validate on the t10k images (else split the training ones)",
    )


def idx_members(label: str, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's IDX entries by role ("train-images", ...), every entry checked safe."""
    found: dict[str, zipfile.ZipInfo] = {}
    for member in safe_members(label, archive):
        match = MEMBER.match(PurePosixPath(member.filename).name)
        if match and not member.is_dir():
            role = f"{match.group(1)}-{match.group(2)}"
            if role in found:
                raise DataError(f"{label}: holds two {role} files")
            found[role] = member
    return found


def has_idx_members(archive: zipfile.ZipFile) -> bool:
    """Whether a zip looks like IDX files rather than folders of images (for sniffing)."""
    return any(MEMBER.match(PurePosixPath(m.filename).name) for m in archive.infolist())


def _read_pair(
    label: str, archive: zipfile.ZipFile, images: zipfile.ZipInfo, labels: zipfile.ZipInfo
) -> tuple[np.ndarray, np.ndarray]:
    arrays = []
    for member, dims in ((images, 3), (labels, 1)):
        if member.file_size > MAX_IDX_BYTES:
            raise DataError(f"{label}: an IDX entry is over the {MAX_IDX_BYTES:,}-byte limit")
        name = PurePosixPath(member.filename).name
        with archive.open(member) as stream:
            arrays.append(parse_idx(read_idx_bytes(stream, name), name, expected_dims=dims))
    x, y = arrays
    if x.shape[0] != y.shape[0]:
        raise DataError(
            f"{label}: {PurePosixPath(images.filename).name} holds {x.shape[0]:,} images but "
            f"{PurePosixPath(labels.filename).name} holds {y.shape[0]:,} labels"
        )
    return x, y


class IdxZip(DatasetSource[IdxZipOptions]):
    name = "idx"
    summary = "Your own IDX files (MNIST's layout: images and labels), zipped together"
    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = IdxZipOptions
    max_upload_bytes = MAX_IDX_BYTES

    def load(self, options: IdxZipOptions, ctx: LoadContext) -> LoadedDataset:
        path, label = options.file(ctx)
        with open_zip(path, label, ctx) as archive:
            found = idx_members(label, archive)
            pairs = {
                part: _read_pair(label, archive, found[f"{part}-images"], found[f"{part}-labels"])
                for part in ("train", "t10k")
                if f"{part}-images" in found and f"{part}-labels" in found
            }
        if not pairs:
            raise DataError(
                f"{label}: no pair of IDX files found; the zip needs train-images-idx3-ubyte "
                "and train-labels-idx1-ubyte (or the t10k pair), gzipped or not"
            )
        shapes = {x.shape[1:] for x, _ in pairs.values()}
        if len(shapes) > 1:
            raise DataError(f"{label}: the train and t10k images differ in size")
        num_classes = max(int(y.max()) for _, y in pairs.values() if y.size) + 1
        if num_classes > MAX_CLASSES or num_classes < 2:
            raise DataError(
                f"{label}: labels must be class ids 0..K-1 with 2 <= K <= {MAX_CLASSES}"
            )
        data = {part: _split_of(x, y) for part, (x, y) in pairs.items()}
        notes = []
        if len(data) == 2 and options.validate_on_test_set:
            train, val = data["train"], data["t10k"]
            notes.append(f"{label}: train images train, t10k images validate")
        else:
            whole = data["train"] if "train" in data else data["t10k"]
            train, val = split(whole.x, whole.y, options.val_fraction, options.seed)
            notes.append(f"{label}: {len(whole):,} images split {len(train):,} / {len(val):,}")
        train, val, extras, scaling_note = scale_pixels(options.normalize, train, val)
        notes.append(scaling_note)
        classes = [str(i) for i in range(num_classes)]
        return LoadedDataset(
            info=image_info(self.name, train, val, classes, notes),
            train=train,
            val=val,
            extras=extras,
        )


def _split_of(images: np.ndarray, labels: np.ndarray) -> Split:
    """uint8 images (N, H, W) and labels (N,) as x (N, 1, H, W) in [0, 1] and y int64 (N,)."""
    x = bytes_to_unit_float(images).unsqueeze(1)
    return Split(x, torch.from_numpy(labels.astype(np.int64)))
