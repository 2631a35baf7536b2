"""Images that stay on disk, one file (or zip member) per sample, decoded when a batch
needs them: the lazy part behind image folders and large image zips.

`ImageFiles` lists a part's files and labels. `fetch` decodes a batch with Pillow
(converted to RGB or grey, resized to `image_size` squared, stretched, as the in-memory
zip loader does) into uint8 (B, C, H, W); `finish` scales it on the training device
(to [0, 1], then standardised with the part's statistics, or to [-1, 1]), so loader
processes pass a quarter of the bytes a float batch would take. Statistics come from a
bounded sample: the first STATISTICS_IMAGES training images, summed in float64.

Every file is opened confined to the data dir (files.py) and read no further than its
limit; a file that cannot be read or decoded fails with its name and the reason (its
name is the user's own; its bytes are never quoted).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image
from pydantic import Field

from layerlab.train.data.base import (
    DataError,
    DatasetInfo,
    DatasetOptions,
    LoadContext,
    LoadedDataset,
    split,
)
from layerlab.train.data.feed import auto_workers
from layerlab.train.data.files import open_regular, read_confined, read_stream_bounded
from layerlab.train.data.images import PixelScaling, bytes_to_unit_float, image_info, scale_pixels
from layerlab.train.data.lazy import Batch, LazyDataset, LazyPart, _nothing

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
"""Files read as images (by their ending), in a folder or a zip."""
MAX_IMAGE_PIXELS = 40_000_000  # one decoded image; a 4-byte-per-pixel 40 MP image is 160 MB
MAX_IMAGE_BYTES = 64 * 1024 * 1024
"""One image file (or zip member) as stored."""
STATISTICS_IMAGES = 2_000
"""Training images whose pixels give a set on disk its normalisation statistics: enough
to pin a channel's mean and std far more closely than training notices, and decoded
once, at load."""
STATISTICS_BATCH = 256
MAX_OUTPUT_VALUES = 256 * 1024 * 1024
"""The most float32 values a set may decode to in memory (1 GiB); past it, disk."""
ColorMode = Literal["RGB", "L"]
Storage = Literal["auto", "memory", "disk"]


class LoaderOptions(DatasetOptions):
    """Options of a set that can stay on disk."""

    storage: Storage = Field(
        default="auto",
        description=(
            "memory: decode every image at load (fastest to train on, bounded by memory); "
            "disk: decode each batch as it is needed, in loader processes; auto: memory "
            "when the decoded set fits 1 GiB"
        ),
    )
    loader_workers: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description=(
            "disk: processes that decode batches ahead of training; default one per core "
            "beyond the trainer's first (at most 4), none on 2 cores or fewer"
        ),
    )
    prefetch: int = Field(
        default=2, ge=1, le=64, description="disk: batches each loader process keeps ready"
    )

    def workers(self) -> int:
        return auto_workers() if self.loader_workers is None else self.loader_workers


def decode_pixels(data: bytes, where: str, size: int, mode: ColorMode) -> npt.NDArray[np.uint8]:
    """Image file bytes as uint8 (size, size, channels); `where` names the file."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DataError(f"{where} is {width}x{height} pixels, over the limit")
            image.draft(mode, (size, size))  # lets JPEG decode at a reduced scale: much faster
            converted = image if image.mode == mode else image.convert(mode)
            if converted.size != (size, size):
                converted = converted.resize((size, size), Image.Resampling.BILINEAR)
            pixels = np.asarray(converted, dtype=np.uint8)
    except DataError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, Image.DecompressionBombError) as exc:
        raise DataError(f"{where} cannot be decoded as an image: {exc}") from None
    return pixels.reshape(size, size, -1)


class ImageFiles(LazyPart):
    """Images in a folder (paths relative to `root`) or a zip (`root` is the zip, the
    files its members), with a class id each."""

    kind: Literal["images"] = "images"
    root: str = Field(description="The folder or zip (absolute), inside data_dir")
    archive: bool = Field(default=False, description="root is a zip; files are its members")
    files: list[str]
    labels: list[int]
    image_size: int = Field(ge=1)
    color: ColorMode = "RGB"
    scaling: PixelScaling = "none"
    mean: list[float] = Field(default_factory=list, description="standard: per channel")
    std: list[float] = Field(default_factory=list, description="standard: per channel")

    def __len__(self) -> int:
        return len(self.files)

    @property
    def channels(self) -> int:
        return 3 if self.color == "RGB" else 1

    def fetch(self, indices: Sequence[int], mark: Callable[[int], None] = _nothing) -> Batch:
        size = self.image_size
        pixels = np.empty((len(indices), size, size, self.channels), dtype=np.uint8)
        for row, index in enumerate(indices):
            mark(index)
            pixels[row] = decode_pixels(self._read(index), self._where(index), size, self.color)
        x = torch.from_numpy(pixels).permute(0, 3, 1, 2).contiguous()  # (B, C, H, W) uint8
        y = torch.tensor([self.labels[i] for i in indices], dtype=torch.int64)
        return x, y

    def finish(self, x: torch.Tensor, y: torch.Tensor) -> Batch:
        x = x.to(torch.float32).div_(255.0)
        if self.scaling == "standard":
            shape = (1, -1, 1, 1)
            mean = torch.tensor(self.mean, device=x.device).view(shape)
            std = torch.tensor(self.std, device=x.device).view(shape)
            x.sub_(mean).div_(std)
        elif self.scaling == "tanh":
            x.mul_(2.0).sub_(1.0)
        return x, y

    def describe(self, index: int) -> str:
        return self._where(index) if 0 <= index < len(self.files) else super().describe(index)

    def class_ids(self) -> Sequence[int]:
        return self.labels

    def head_part(self, count: int) -> ImageFiles:
        return self.model_copy(update={"files": self.files[:count], "labels": self.labels[:count]})

    def _where(self, index: int) -> str:
        return f"{self.label}: {self.files[index]!r}"

    def _read(self, index: int) -> bytes:
        name = self.files[index]
        if not self.archive:
            if self._handle is None:  # resolved once per process
                self._handle = os.path.realpath(self.data_dir)
            path = os.path.join(self.root, name)
            return read_confined(path, self._handle, MAX_IMAGE_BYTES, self._where(index))
        archive = self._archive()
        try:
            member = archive.getinfo(name)
        except KeyError:
            raise DataError(f"{self._where(index)} is not in the zip any more") from None
        try:
            with archive.open(member) as stream:  # CRC-checked when read to its end
                return read_stream_bounded(stream, member.file_size, self._where(index))
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise DataError(f"{self._where(index)} cannot be decoded as an image: {exc}") from None

    def _archive(self) -> zipfile.ZipFile:
        if self._handle is None:
            ctx = LoadContext(Path(self.data_dir))
            stream = open_regular(Path(self.root), ctx, self.label)
            try:
                self._handle = zipfile.ZipFile(stream)
            except (zipfile.BadZipFile, OSError):
                stream.close()
                raise DataError(f"{self.label}: not a zip file any more") from None
        archive: zipfile.ZipFile = self._handle
        return archive


def image_statistics(part: ImageFiles, count: int = STATISTICS_IMAGES) -> tuple[Any, Any]:
    """Per-channel mean and std (unbiased, as torch.std) of the part's first `count`
    images in [0, 1], summed in float64 a batch at a time: memory stays one batch."""
    total = min(count, len(part))
    sums = torch.zeros(part.channels, dtype=torch.float64)
    squares = torch.zeros(part.channels, dtype=torch.float64)
    for start in range(0, total, STATISTICS_BATCH):
        x, _ = part.fetch(range(start, min(start + STATISTICS_BATCH, total)))
        values = x.to(torch.float64).div_(255.0)
        sums += values.sum(dim=(0, 2, 3))
        squares += (values * values).sum(dim=(0, 2, 3))
    n = total * part.image_size**2
    mean = sums / n
    var = (squares - n * mean * mean) / max(n - 1, 1)
    std = var.clamp_min(0).sqrt().to(torch.float32).clamp_min(1e-6)
    return mean.to(torch.float32).tolist(), std.tolist()


def image_set(
    name: str,
    whole: ImageFiles,
    classes: list[str],
    options: LoaderOptions,
    normalize: PixelScaling,
    notes: list[str],
    storage: Storage | None = None,
) -> LazyDataset | LoadedDataset:
    """The images of `whole` (every file, in class order) as a dataset: split at random
    as `split` does, then decoded now (memory) or kept on disk, as `storage` (by default
    `options.storage`) says; auto keeps them on disk when they would not fit 1 GiB."""
    count, size, channels = len(whole), whole.image_size, whole.channels
    decoded = count * channels * size * size
    storage = storage or options.storage
    on_disk = storage == "disk" or (storage == "auto" and decoded > MAX_OUTPUT_VALUES)
    if not on_disk:
        if decoded > MAX_OUTPUT_VALUES:
            raise DataError(
                f"{whole.label}: {count:,} images at {size}x{size} would not fit in memory; "
                "lower image_size, or use storage: disk"
            )
        return _in_memory(name, whole, classes, options, normalize, notes)
    order = torch.randperm(count, generator=torch.Generator().manual_seed(options.seed))
    n_val = int(round(count * options.val_fraction))

    def part(indices: list[int]) -> ImageFiles:
        return whole.model_copy(
            update={
                "files": [whole.files[i] for i in indices],
                "labels": [whole.labels[i] for i in indices],
                "loader_workers": options.workers(),
                "prefetch": options.prefetch,
            }
        )

    train, val = part(order[n_val:].tolist()), part(order[:n_val].tolist())
    scaling: dict[str, Any] = {"scaling": normalize}
    extras: dict[str, Any] = {"mean": [0.0] * channels, "std": [1.0] * channels}
    if normalize == "standard" and len(train):
        mean, std = image_statistics(train)
        scaling.update(mean=mean, std=std)
        extras = {"mean": mean, "std": std}
        note = (
            f"pixels scaled to [0, 1], then standardised per channel with the statistics of "
            f"{min(len(train), STATISTICS_IMAGES):,} training images"
        )
    elif normalize == "tanh":
        extras = {"mean": [0.5] * channels, "std": [0.5] * channels}
        note = "pixels scaled to [-1, 1]"
    else:
        note = "pixels scaled to [0, 1]"
    train, val = train.model_copy(update=scaling), val.model_copy(update=scaling)
    workers = train.loader_workers
    info = DatasetInfo(
        name=name,
        kind="image",
        input_shape=[channels, size, size],
        target="class",
        target_shape=[],
        num_classes=len(classes),
        classes=classes,
        train_size=len(train),
        val_size=len(val),
        notes=[
            *notes,
            note,
            f"kept on disk ({decoded * 4 / 2**30:.1f} GiB decoded): each batch is decoded when "
            f"needed, by {workers} loader process{'es' if workers != 1 else ''}"
            if workers
            else "kept on disk: each batch is decoded when needed, by the trainer",
        ],
    )
    return LazyDataset(info=info, train=train, val=val, extras=extras)


def _in_memory(
    name: str,
    whole: ImageFiles,
    classes: list[str],
    options: LoaderOptions,
    normalize: PixelScaling,
    notes: list[str],
) -> LoadedDataset:
    """Every image decoded now (per image by nature: once, at load, never per step)."""
    pixels, labels = whole.fetch(range(len(whole)))  # (N, C, H, W) uint8, (N,)
    x = bytes_to_unit_float(pixels.numpy())
    train, val = split(x, labels, options.val_fraction, options.seed)
    train, val, extras, scaling_note = scale_pixels(normalize, train, val)
    info = image_info(name, train, val, classes, [*notes, scaling_note])
    return LoadedDataset(info=info, train=train, val=val, extras=extras)
