"""A user's CSV file: numeric feature columns and one target column.

The header row names the columns. Features must be numbers; they are standardised with
the training split's mean and std (the statistics are in `extras`, so predictions on new
rows can be scaled the same way). The target decides the task: text values are classes
(sorted names), numbers are a regression target unless `task` says "classification".

Errors name the file, the row and the column as a spreadsheet shows them: the header is
row 1, so the first data row is row 2; columns are numbered from 1. They never quote the
file's cells or header (a file that fails to parse may not be a CSV at all); the
preview shows a parsed file's column names.

Parsing is linear in the file's size: the header's duplicate check uses a set, and the
column count and the number of cells are bounded before anything is built from them.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt
import torch
from pydantic import Field

from layerlab.train.data.base import (
    DataError,
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
    split,
)
from layerlab.train.data.files import FileOptions, read_bounded

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_COLUMNS = 4096
MAX_CELLS = 10_000_000  # parsed cells are Python strings: ~60 bytes each, so ~600 MB at most
FEW_DISTINCT_VALUES = 20  # a numeric target with this few integer values is likely classes


class CsvOptions(FileOptions):
    target: str | None = Field(
        default=None, description="The target column (default: the last one)"
    )
    task: Literal["auto", "classification", "regression"] = Field(
        default="auto", description="auto: text targets are classes, numeric targets regression"
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="Field separator")
    standardize: bool = Field(
        default=True, description="Scale features to mean 0, std 1 (training statistics)"
    )


@dataclass
class Table:
    """The parsed CSV: column names, every data row's cells, and each row's line in the file."""

    file_name: str
    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]


def head_lines(head: bytes, count: int) -> list[str]:
    """The first `count` non-blank whole lines of a file's first bytes, decoded (a BOM
    dropped, undecodable bytes replaced). The last line read may be cut: it is left out
    unless it is the only one. For sniffing a CSV's delimiter and showing its head."""
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    return [line for line in lines[:-1] or lines if line.strip()][:count]


def read_table(path: Path, label: str, delimiter: str, ctx: LoadContext) -> Table:
    """The CSV at `path` (inside the data dir); `label` is what messages call it."""
    raw = read_bounded(path, MAX_CSV_BYTES, ctx, label)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: not UTF-8 text (byte {exc.start:,} cannot be decoded)") from None
    del raw
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next((row for row in reader if row), None)
        if header is None:
            raise DataError(f"{label} is empty: expected a header row naming the columns")
        columns = [name.strip() for name in header]
        _check_header(label, columns, delimiter)
        rows: list[list[str]] = []
        numbers: list[int] = []
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue  # blank lines carry no sample
            if len(row) != len(columns):
                raise DataError(
                    f"{label} row {reader.line_num} has {len(row)} fields, the header has {len(columns)}"
                )
            if (len(rows) + 1) * len(columns) > MAX_CELLS:
                raise DataError(f"{label}: over the limit of {MAX_CELLS:,} cells")
            rows.append(row)
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(f"{label} row {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise DataError(f"{label} has a header but no data rows")
    return Table(label, columns, rows, numbers)


def _check_header(file_name: str, columns: list[str], delimiter: str) -> None:
    if len(columns) < 2:
        raise DataError(f"{file_name}: not a CSV: no {delimiter!r} found in the first line")
    if len(columns) > MAX_COLUMNS:
        raise DataError(
            f"{file_name}: {len(columns):,} columns is over the limit of {MAX_COLUMNS:,}"
        )
    first_of: dict[str, int] = {}
    for index, name in enumerate(columns):
        if not name:
            raise DataError(f"{file_name}: column {index + 1} has no name in the header row")
        if name in first_of:
            raise DataError(
                f"{file_name}: columns {first_of[name] + 1} and {index + 1} have the same name"
            )
        first_of[name] = index


def column_index(table: Table, name: str | None) -> int:
    if name is None:
        return len(table.columns) - 1
    if name in table.columns:
        return table.columns.index(name)
    raise DataError(
        f"{table.file_name} has no column named {name[:100]!r} among its {len(table.columns)} "
        "columns (the dataset preview lists them)"
    )


def numeric_column(table: Table, index: int) -> npt.NDArray[np.float64]:
    """One column as float64 (N,), or a DataError naming the first bad cell."""
    cells = [row[index].strip() for row in table.rows]
    try:
        values = np.array(cells, dtype=np.float64)  # fast path: numpy parses the whole column
        if np.isfinite(values).all():
            return values
    except ValueError:
        pass
    for cell, row_number in zip(cells, table.row_numbers, strict=True):
        _parse_number(table, index, cell, row_number)
    raise AssertionError("numpy rejected a column whose every cell parses")  # pragma: no cover


def _parse_number(table: Table, index: int, cell: str, row_number: int) -> float:
    where = f"{table.file_name} row {row_number}, column {index + 1}"
    if not cell:
        raise DataError(f"{where} is empty")
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{where} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{where} is not a finite number")
    return value


def _is_numeric(table: Table, index: int) -> bool:
    try:
        numeric_column(table, index)
    except DataError:
        return False
    return True


def class_targets(table: Table, index: int, numeric: bool) -> tuple[torch.Tensor, list[str]]:
    """Class ids (N,) int64 and class names in id order (numbers sorted by value)."""
    for cell, row_number in zip(table.rows, table.row_numbers, strict=True):
        if not cell[index].strip():
            raise DataError(f"{table.file_name} row {row_number}, column {index + 1} is empty")
    if numeric:
        values = numeric_column(table, index)
        distinct = np.unique(values)
        ids = np.searchsorted(distinct, values)
        names = [f"{v:g}" for v in distinct]
    else:
        labels = [row[index].strip() for row in table.rows]
        names = sorted(set(labels))
        lookup = {name: i for i, name in enumerate(names)}
        ids = np.array([lookup[label] for label in labels])
    if len(names) < 2:
        raise DataError(
            f"{table.file_name}: the target (column {index + 1}) holds one class only; "
            "classification needs at least 2"
        )
    return torch.from_numpy(ids.astype(np.int64)), names


def standardize(train: Split, val: Split) -> tuple[Split, Split, dict[str, list[float]]]:
    """Features (N, F) to mean 0, std 1 per column, with training statistics only."""
    mean = train.x.mean(dim=0)
    std = train.x.std(dim=0) if len(train) > 1 else torch.ones_like(mean)
    std = torch.where(std > 1e-12, std, torch.ones_like(std))  # a constant column stays as is
    scaled = (Split((train.x - mean) / std, train.y), Split((val.x - mean) / std, val.y))
    return *scaled, {"feature_mean": mean.tolist(), "feature_std": std.tolist()}


class CsvDataset(DatasetSource[CsvOptions]):
    name = "csv"
    summary = "Your own table: a CSV file with a header row, numeric features and a target column"
    kind = "tabular"
    Options: ClassVar[type[DatasetOptions]] = CsvOptions
    max_upload_bytes = MAX_CSV_BYTES

    def load(self, options: CsvOptions, ctx: LoadContext) -> LoadedDataset:
        table = read_table(*options.file(ctx), options.delimiter, ctx)
        target_index = column_index(table, options.target)
        feature_indices = [i for i in range(len(table.columns)) if i != target_index]
        if not feature_indices:
            raise DataError(
                f"{table.file_name}: only the target column; no feature columns to learn from"
            )
        features = np.stack([numeric_column(table, i) for i in feature_indices], axis=1)  # (N, F)
        x = torch.from_numpy(features.astype(np.float32))
        target_name = table.columns[target_index]
        numeric_target = _is_numeric(table, target_index)
        notes = [
            f"{table.file_name}: {len(table.rows):,} rows, {len(feature_indices)} features, target {target_name!r}"
        ]
        if options.task == "regression" or (options.task == "auto" and numeric_target):
            target_values = numeric_column(table, target_index)  # names a non-number, if any
            y = torch.from_numpy(target_values.astype(np.float32)).unsqueeze(1)  # (N, 1)
            classes: list[str] | None = None
            notes.append("numeric target: regression")
            if options.task == "auto" and _looks_like_classes(target_values):
                notes.append(
                    "the target holds few whole numbers: set task='classification' if they are classes"
                )
        else:
            y, classes = class_targets(table, target_index, numeric_target)
        train, val = split(x, y, options.val_fraction, options.seed)
        extras: dict[str, object] = {
            "feature_names": [table.columns[i] for i in feature_indices],
            "target_column": target_name,
        }
        if options.standardize:
            train, val, stats = standardize(train, val)
            extras.update(stats)
            notes.append("features standardised with the training split's mean and std")
        info = DatasetInfo(
            name=self.name,
            kind="tabular",
            input_shape=[len(feature_indices)],
            target="value" if classes is None else "class",
            target_shape=[1] if classes is None else [],
            num_classes=None if classes is None else len(classes),
            classes=classes,
            train_size=len(train),
            val_size=len(val),
            notes=notes,
        )
        return LoadedDataset(info=info, train=train, val=val, extras=extras)


def _looks_like_classes(values: npt.NDArray[np.float64]) -> bool:
    return (
        bool(np.all(values == np.round(values))) and len(np.unique(values)) <= FEW_DISTINCT_VALUES
    )
