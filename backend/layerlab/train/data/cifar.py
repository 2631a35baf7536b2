"""CIFAR-10 from its binary distribution (never the pickled one: nothing is unpickled).

Each `.bin` file is a run of 3,073-byte records: one label byte (0..9), then a 32x32
image as 1,024 red, 1,024 green and 1,024 blue bytes, rows top to bottom. So a file
reshapes straight to labels (N,) and images (N, 3, 32, 32) without a per-record loop.

Files are looked for in the `path` option's folder, else `<data_dir>/cifar10/`, or in
a `cifar-10-batches-bin/` folder inside it (as the official archive unpacks). With
downloads allowed, the official archive is fetched, its md5 checked, and only the
expected regular files are copied out of it, by name, never extracted wholesale.
"""

from __future__ import annotations

import tarfile
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
from layerlab.train.data.digits import load_digits_as
from layerlab.train.data.download import RemoteFile, fetch
from layerlab.train.data.files import DataPath, dataset_folder, read_bounded
from layerlab.train.data.images import (
    ImageOptions,
    bytes_to_unit_float,
    image_info,
    scale_pixels,
)
from layerlab.train.data.official import OFFICIAL_FILES
from layerlab.train.data.registry import MissingDataError, SubstitutableSource

TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILE = "test_batch.bin"
ARCHIVE_FOLDER = "cifar-10-batches-bin"
RECORD_BYTES = 1 + 3 * 32 * 32
RECORDS_PER_FILE = 10_000
CIFAR10_CLASSES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]

CIFAR10_ARCHIVE = OFFICIAL_FILES["cifar10"][0]
MAX_BATCH_BYTES = 64 * 1024 * 1024  # an official batch is 30.7 MB


class CifarOptions(ImageOptions):
    path: DataPath | None = Field(
        default=None, description="Folder with the .bin files (default: <data dir>/cifar10)"
    )
    validate_on_test_set: bool = Field(
        default=True,
        description="Validate on test_batch.bin (else split the training batches by val_fraction)",
    )


def read_cifar_records(path: Path, ctx: LoadContext) -> npt.NDArray[np.uint8]:
    """One binary batch file (inside the data dir) as its checked records, uint8 (N, 3073)."""
    raw = read_bounded(path, MAX_BATCH_BYTES, ctx)
    if not raw or len(raw) % RECORD_BYTES:
        raise DataError(
            f"{path.name}: {len(raw):,} bytes is not a whole number of {RECORD_BYTES:,}-byte "
            "CIFAR-10 records (truncated or not a CIFAR-10 binary file)"
        )
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    labels = records[:, 0]
    if int(labels.max()) >= len(CIFAR10_CLASSES):
        bad_record = int(np.argmax(labels >= len(CIFAR10_CLASSES)))
        raise DataError(
            f"{path.name}: record {bad_record} has a label over 9 "
            "(not a CIFAR-10 binary file, or a CIFAR-100 one)"
        )
    return records


def records_to_split(parts: list[npt.NDArray[np.uint8]]) -> Split:
    """Records of one or more files as x float32 (N, 3, 32, 32) in [0, 1] and y int64 (N,).

    Files are joined while still bytes, so the float tensor is made once (4x the size).
    """
    records = np.concatenate(parts) if len(parts) > 1 else parts[0]
    images = records[:, 1:].reshape(-1, 3, 32, 32)
    return Split(bytes_to_unit_float(images), torch.from_numpy(records[:, 0].astype(np.int64)))


class Cifar10(DatasetSource[CifarOptions], SubstitutableSource):
    name = "cifar10"
    summary = "60,000 colour photos, 32x32, 10 classes (Krizhevsky, binary version)"
    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = CifarOptions
    substitute_summary = "scikit-learn digits upsampled to 32x32, grey in 3 channels"
    archive: ClassVar[RemoteFile] = CIFAR10_ARCHIVE

    def load(self, options: CifarOptions, ctx: LoadContext) -> LoadedDataset:
        folder = dataset_folder(options.path, ctx, self.name)
        files_folder = self._files_folder(folder)
        if files_folder is None and ctx.allow_download and options.path is None:
            files_folder = self._download(folder)
        if files_folder is None:
            raise MissingDataError(
                f"CIFAR-10 not found in {folder}: put {', '.join(TRAIN_FILES)} and {TEST_FILE} "
                f"(the binary version, {CIFAR10_ARCHIVE.name}) there or in {folder / ARCHIVE_FOLDER}, "
                "set the `path` option to a folder holding them, or allow downloads",
                summary=f"CIFAR-10 not found in {folder}",
            )
        notes: list[str] = []
        train_paths = [files_folder / n for n in TRAIN_FILES if (files_folder / n).is_file()]
        test_path = files_folder / TEST_FILE
        train_parts = [self._read_noting(p, notes, ctx) for p in train_paths]
        test_records = self._read_noting(test_path, notes, ctx) if test_path.is_file() else None
        test = records_to_split([test_records]) if test_records is not None else None
        if len(train_paths) < len(TRAIN_FILES):
            missing = [n for n in TRAIN_FILES if not (files_folder / n).is_file()]
            notes.append(f"training batches absent from {files_folder}: {', '.join(missing)}")
        if train_parts and test is not None and options.validate_on_test_set:
            train, val = records_to_split(train_parts), test
            notes.append(f"validation is the official {len(val):,}-image test batch")
        elif train_parts:
            joined = records_to_split(train_parts)
            train, val = split(joined.x, joined.y, options.val_fraction, options.seed)
            notes.append(
                f"the training batches split {len(train):,} / {len(val):,} (seed {options.seed})"
            )
        else:
            assert test is not None  # _files_folder found at least one file
            train, val = split(test.x, test.y, options.val_fraction, options.seed)
            notes.append(
                f"only {TEST_FILE} was found; its images are split {len(train):,} train / "
                f"{len(val):,} validation (seed {options.seed})"
            )
        train, val, extras, scaling_note = scale_pixels(options.normalize, train, val)
        notes.append(scaling_note)
        info = image_info(self.name, train, val, list(CIFAR10_CLASSES), notes)
        return LoadedDataset(info=info, train=train, val=val, extras=extras)

    def load_substitute(
        self, options: CifarOptions, ctx: LoadContext, reason: str
    ) -> LoadedDataset:
        note = (
            f"{reason}; using scikit-learn digits (8x8 upsampled to 32x32, the grey channel "
            "repeated 3 times) instead: the classes are digits, not CIFAR-10's"
        )
        return load_digits_as(self.name, options, size=32, channels=3, notes=[note])

    @staticmethod
    def _read_noting(path: Path, notes: list[str], ctx: LoadContext) -> npt.NDArray[np.uint8]:
        records = read_cifar_records(path, ctx)
        if len(records) != RECORDS_PER_FILE:
            notes.append(
                f"{path.name} holds {len(records):,} records, not the official {RECORDS_PER_FILE:,}"
            )
        return records

    @staticmethod
    def _files_folder(folder: Path) -> Path | None:
        """`folder` or its `cifar-10-batches-bin/` child, whichever holds any batch file."""
        for candidate in (folder, folder / ARCHIVE_FOLDER):
            if any((candidate / n).is_file() for n in (*TRAIN_FILES, TEST_FILE)):
                return candidate
        return None

    def _download(self, folder: Path) -> Path:
        archive = fetch(self.archive, folder)
        target = folder / ARCHIVE_FOLDER
        extract_members(archive, target, [*TRAIN_FILES, TEST_FILE])
        archive.unlink()
        return target


def extract_members(archive: Path, target: Path, names: list[str]) -> None:
    """Copy `ARCHIVE_FOLDER/<name>` for each name out of a .tar.gz, regular files only.

    Members are looked up by their exact expected names and written under names we
    choose, so no path stored in the archive ever decides where a file lands.
    """
    target.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for name in names:
                member = tar.getmember(f"{ARCHIVE_FOLDER}/{name}")
                source = tar.extractfile(member) if member.isfile() else None
                if source is None:
                    raise DataError(f"{archive.name}: {member.name} is not a regular file")
                with source, (target / name).open("wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise DataError(f"{archive.name}: cannot unpack: {exc}") from exc
