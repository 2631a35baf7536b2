"""Arrays on disk: `.npy` files memory-mapped, for large tabular or pre-processed sets.

The `path` option names a folder holding `x.npy` (inputs) and `y.npy` (targets), or an
uncompressed `.npz` holding the same two (what `numpy.savez` writes; an upload is one).
x is (N, F) features, (N, H, W) grey images or (N, C, H, W) images, of any numeric
dtype (uint8 images are scaled to [0, 1]); y is (N,) integer class ids 0..K-1, or
float values (N,) or (N, K). Only the headers are parsed: nothing is unpickled (object
arrays are refused), and the data is read through a read-only memory map, a batch of
rows at a time, so a set of any size trains in bounded memory. Small arrays (under 1
GiB as float32) are read into memory instead, unless `storage: disk`.

Rows are split at random, as every other set (a permutation of the option's seed);
features are standardised per column, images per channel, with statistics from the
first 10,000 training rows.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
import torch
from pydantic import BaseModel, Field

from layerlab.train.data.base import (
    DataError,
    DataKind,
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
)
from layerlab.train.data.files import FileOptions, data_file, open_regular
from layerlab.train.data.image_files import MAX_OUTPUT_VALUES, Storage
from layerlab.train.data.lazy import Batch, Dataset, LazyDataset, LazyPart, _nothing

MAX_ARRAY_BYTES = 256 * 1024**3
MAX_UPLOAD_ARRAY_BYTES = 8 * 1024**3
STATISTICS_ROWS = 10_000
STATISTICS_BATCH = 1_024
MAX_HEADER_BYTES = 64 * 1024
ZIP_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the 30 bytes before a member's name
NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float


class ArrayOptions(FileOptions):
    target: Literal["auto", "class", "value"] = Field(
        default="auto", description="auto: integer y are class ids, float y are values"
    )
    standardize: bool = Field(
        default=True,
        description="Scale inputs to mean 0, std 1 (per feature, or per image channel)",
    )
    storage: Storage = Field(
        default="auto",
        description="memory: read the arrays at load; disk: read a batch of rows when "
        "needed; auto: memory when x fits 1 GiB as float32",
    )
    loader_workers: int = Field(
        default=0, ge=0, le=64, description="disk: processes that read batches ahead"
    )
    prefetch: int = Field(default=2, ge=1, le=64, description="Batches each loader keeps ready")


class ArrayFile(BaseModel):
    """Where an array's data starts in a file, and its layout (C order)."""

    path: str
    offset: int = Field(ge=0)
    dtype: str
    shape: list[int]


def read_header(stream: Any, where: str) -> tuple[list[int], np.dtype[Any], int]:
    """An .npy header at the stream's position: shape, dtype and the header's length."""
    start = stream.tell()
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                stream, max_header_size=MAX_HEADER_BYTES
            )
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                stream, max_header_size=MAX_HEADER_BYTES
            )
        else:
            raise ValueError(f"unknown .npy version {version}")
    except (ValueError, OSError, SyntaxError) as exc:
        raise DataError(f"{where}: not a .npy array ({exc})") from None
    if dtype.hasobject or dtype.kind not in NUMERIC_KINDS or dtype.fields is not None:
        raise DataError(f"{where}: holds {dtype} values; only numbers are read")
    if fortran and len(shape) > 1:
        raise DataError(f"{where}: is in Fortran order; save it in C order")
    return [int(n) for n in shape], dtype, stream.tell() - start


def has_array_members(archive: zipfile.ZipFile) -> bool:
    """Whether a zip is an .npz of a set: it holds x.npy and y.npy (an upload's sniff)."""
    names = set(archive.namelist())
    return {"x.npy", "y.npy"} <= names


def locate_arrays(path: Path, label: str, ctx: LoadContext) -> tuple[ArrayFile, ArrayFile]:
    """x and y in a folder of .npy files, or in an uncompressed .npz."""
    if path.is_dir():
        return (
            _npy_file(path / "x.npy", f"{label}/x.npy", ctx),
            _npy_file(path / "y.npy", f"{label}/y.npy", ctx),
        )
    with open_regular(path, ctx, label) as stream:
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError):
            raise DataError(
                f"{label}: neither a folder holding x.npy and y.npy nor an .npz file"
            ) from None
        with archive:
            return (
                _npz_member(archive, stream, "x.npy", label, path),
                _npz_member(archive, stream, "y.npy", label, path),
            )


def _npy_file(path: Path, label: str, ctx: LoadContext) -> ArrayFile:
    with open_regular(path, ctx, label) as stream:
        shape, dtype, length = read_header(stream, label)
        size = stream.seek(0, 2)
    _check_size(shape, dtype, size - length, label)
    return ArrayFile(path=str(path.resolve()), offset=length, dtype=dtype.str, shape=shape)


def _npz_member(
    archive: zipfile.ZipFile, stream: Any, name: str, label: str, path: Path
) -> ArrayFile:
    where = f"{label}: {name}"
    try:
        member = archive.getinfo(name)
    except KeyError:
        raise DataError(f"{label}: no {name} in the archive (it needs x.npy and y.npy)") from None
    if member.compress_type != zipfile.ZIP_STORED:
        raise DataError(f"{where} is compressed; save with numpy.savez, not savez_compressed")
    stream.seek(member.header_offset)
    fields = ZIP_LOCAL_HEADER.unpack(stream.read(ZIP_LOCAL_HEADER.size))
    if fields[0] != b"PK\x03\x04":
        raise DataError(f"{where}: the archive's member header is damaged")
    data = member.header_offset + ZIP_LOCAL_HEADER.size + fields[-2] + fields[-1]
    stream.seek(data)
    shape, dtype, length = read_header(stream, where)
    _check_size(shape, dtype, member.file_size - length, where)
    return ArrayFile(path=str(path.resolve()), offset=data + length, dtype=dtype.str, shape=shape)


def _check_size(shape: list[int], dtype: np.dtype[Any], available: int, where: str) -> None:
    needed = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if not shape or needed > available:
        raise DataError(f"{where}: the header promises {needed:,} bytes; the file holds fewer")
    if needed > MAX_ARRAY_BYTES:
        raise DataError(f"{where}: {needed:,} bytes is over the limit of {MAX_ARRAY_BYTES:,}")


class ArrayRows(LazyPart):
    """Rows of x and y: those a seeded permutation gives this part."""

    kind: Literal["arrays"] = "arrays"
    x: ArrayFile
    y: ArrayFile
    seed: int
    validation: bool = Field(description="The permutation's first val_rows, else the rest")
    val_rows: int = Field(ge=0)
    limit: int | None = Field(default=None, description="Only the first this many rows")
    scale: float = Field(default=1.0, description="x is multiplied by this (1/255 for bytes)")
    mean: list[float] = Field(default_factory=list)
    std: list[float] = Field(default_factory=list)
    y_float: bool = False

    def __len__(self) -> int:
        count = self.val_rows if self.validation else self.x.shape[0] - self.val_rows
        return count if self.limit is None else min(count, self.limit)

    def rows(self) -> npt.NDArray[np.int64]:
        """Row numbers of this part, in its order (computed once per process)."""
        if self._handle is None:
            count = self.x.shape[0]
            order = torch.randperm(count, generator=torch.Generator().manual_seed(self.seed))
            chosen = order[: self.val_rows] if self.validation else order[self.val_rows :]
            self._handle = chosen[: len(self)].numpy()
        rows: npt.NDArray[np.int64] = self._handle
        return rows

    def _map(self, array: ArrayFile) -> npt.NDArray[Any]:
        """The array as a read-only memory map, mapped afresh for each batch (a map kept
        for the run would keep every page it touched in this process's memory)."""
        path = self.check_file(Path(array.path))
        shape = tuple(array.shape)
        mapped: npt.NDArray[Any] = np.memmap(
            path, dtype=np.dtype(array.dtype), mode="r", offset=array.offset, shape=shape
        )
        return mapped

    def fetch(self, indices: Sequence[int], mark: Callable[[int], None] = _nothing) -> Batch:
        rows = self.rows()[np.asarray(indices, dtype=np.int64)]
        inputs = torch.from_numpy(np.ascontiguousarray(self._map(self.x)[rows]))
        targets = torch.from_numpy(np.ascontiguousarray(self._map(self.y)[rows]))
        if inputs.dim() == 3:  # (B, H, W) grey images
            inputs = inputs.unsqueeze(1)
        return inputs, targets

    def finish(self, x: torch.Tensor, y: torch.Tensor) -> Batch:
        x = x.to(torch.float32)
        if self.scale != 1.0:
            x = x.mul_(self.scale)
        if self.mean:
            shape = (1, -1) if x.dim() == 2 else (1, -1, 1, 1)
            x = x.sub_(torch.tensor(self.mean, device=x.device).view(shape))
            x = x.div_(torch.tensor(self.std, device=x.device).view(shape))
        y = y.to(torch.float32) if self.y_float else y.to(torch.int64)
        return x, y

    def class_ids(self) -> Sequence[int]:
        if self.y_float:
            return []
        labels: list[int] = np.asarray(self._map(self.y)[np.sort(self.rows())]).tolist()
        return labels

    def describe(self, index: int) -> str:
        return f"{self.label}, row {int(self.rows()[index]):,}"

    def head_part(self, count: int) -> ArrayRows:
        return self.model_copy(update={"limit": min(count, len(self))})


def _statistics(part: ArrayRows) -> tuple[list[float], list[float]]:
    """Per feature (or channel) mean and std of the first STATISTICS_ROWS rows, in float64."""
    total = min(STATISTICS_ROWS, len(part))
    sums: torch.Tensor | None = None
    squares: torch.Tensor | None = None
    count = 0
    for start in range(0, total, STATISTICS_BATCH):
        x, _ = part.fetch(range(start, min(start + STATISTICS_BATCH, total)))
        values = x.to(torch.float64) * part.scale
        axes = (0,) if values.dim() == 2 else (0, 2, 3)
        batch_sums, batch_squares = values.sum(dim=axes), (values * values).sum(dim=axes)
        sums = batch_sums if sums is None else sums + batch_sums
        squares = batch_squares if squares is None else squares + batch_squares
        count += values.numel() // batch_sums.numel()
    if sums is None or squares is None:
        return [], []
    mean = sums / count
    var = (squares - count * mean * mean) / max(count - 1, 1)
    std = var.clamp_min(0).sqrt()
    std = torch.where(std > 1e-12, std, torch.ones_like(std))  # a constant column stays
    return mean.tolist(), std.tolist()


class Arrays(DatasetSource[ArrayOptions]):
    name = "arrays"
    summary = "Pre-processed arrays: x.npy and y.npy in a folder, or an .npz, memory-mapped"
    kind = "tabular"
    Options: ClassVar[type[DatasetOptions]] = ArrayOptions
    max_upload_bytes = MAX_UPLOAD_ARRAY_BYTES

    def load(self, options: ArrayOptions, ctx: LoadContext) -> Dataset:
        path, label = data_file(options.path, options.upload, ctx)
        if not path.exists():
            raise DataError(f"{label}: not found in the data dir")
        x, y = locate_arrays(path, label, ctx)
        rows = x.shape[0]
        if y.shape[:1] != [rows] or len(y.shape) > 2:
            raise DataError(f"{label}: x has {rows:,} rows but y is shaped {y.shape}")
        if len(x.shape) not in (2, 3, 4) or rows < 2:
            raise DataError(
                f"{label}: x is shaped {x.shape}; it must be (N, F), (N, H, W) or (N, C, H, W)"
            )
        x_dtype, y_dtype = np.dtype(x.dtype), np.dtype(y.dtype)
        classes = options.target == "class" or (
            options.target == "auto" and y_dtype.kind in "biu" and len(y.shape) == 1
        )
        kind: DataKind = "tabular" if len(x.shape) == 2 else "image"
        input_shape = x.shape[1:] if len(x.shape) != 3 else [1, *x.shape[1:]]
        part = ArrayRows(
            data_dir=str(ctx.data_dir.resolve()),
            label=label,
            x=x,
            y=y,
            seed=options.seed,
            validation=False,
            val_rows=int(round(rows * options.val_fraction)),
            scale=1 / 255 if x_dtype == np.uint8 and kind == "image" else 1.0,
            y_float=not classes,
            loader_workers=options.loader_workers,
            prefetch=options.prefetch,
        )
        notes = [f"{label}: x {x.shape} {x_dtype}, y {y.shape} {y_dtype}"]
        if options.standardize:
            mean, std = _statistics(part)
            part = part.model_copy(update={"mean": mean, "std": std})
            notes.append(
                "inputs standardised with the statistics of the first "
                f"{min(STATISTICS_ROWS, len(part)):,} training rows"
            )
        train, val = part, part.model_copy(update={"validation": True})
        num_classes = _class_count(train, label) if classes else None
        target_shape = [] if classes else ([1] if len(y.shape) == 1 else y.shape[1:])
        info = DatasetInfo(
            name=self.name,
            kind=kind,
            input_shape=input_shape,
            target="class" if classes else "value",
            target_shape=target_shape,
            num_classes=num_classes,
            classes=[str(c) for c in range(num_classes)] if num_classes else None,
            train_size=len(train),
            val_size=len(val),
            notes=notes,
        )
        values = rows * int(np.prod(input_shape))
        if options.storage == "memory" or (
            options.storage == "auto" and values <= MAX_OUTPUT_VALUES
        ):
            return _in_memory(info, train, val, notes)
        notes.append("kept on disk: each batch of rows is read from a memory map when needed")
        return LazyDataset(info=info, train=_as_column(train, y), val=_as_column(val, y))


def _as_column(part: ArrayRows, y: ArrayFile) -> ArrayRows:
    """A (N,) float target is (N, 1) for the network: reshaped as the file is read."""
    if part.y_float and len(y.shape) == 1:
        return part.model_copy(update={"y": y.model_copy(update={"shape": [y.shape[0], 1]})})
    return part


def _class_count(part: ArrayRows, label: str) -> int:
    """K, from every row's class id (read through the memory map, a pass over y)."""
    ids = part._map(part.y)
    if int(ids.min()) < 0:
        raise DataError(f"{label}: y holds negative class ids; classes are 0..K-1")
    count = int(ids.max()) + 1
    if count < 2:
        raise DataError(f"{label}: y holds one class only; classification needs at least 2")
    return count


def _in_memory(
    info: DatasetInfo, train: ArrayRows, val: ArrayRows, notes: list[str]
) -> LoadedDataset:
    parts = []
    for part in (train, val):
        x, y = part.finish(*part.fetch(range(len(part))))
        parts.append(Split(x, y.reshape(len(y), *info.target_shape)))
    info = info.model_copy(update={"notes": [*notes, "read into memory"]})
    return LoadedDataset(info=info, train=parts[0], val=parts[1])
