"""Looking a dataset up by name and loading it with checked options.

`load_dataset` is the one entry point the fit loop, the CLI and the worker call. It turns
every way a request can be wrong (an unknown name, a bad option, missing files) into a
`DataError` whose message a person can act on, and it checks that what a loader returns
agrees with the `DatasetInfo` it declares, so a loader bug fails here and not three
layers down in a shape mismatch.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping
from typing import Any

import pydantic

from layerlab.train.data.base import (
    DATASETS,
    DataError,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
)
from layerlab.train.data.lazy import Dataset, LazyDataset

log = logging.getLogger(__name__)


class MissingDataError(DataError):
    """The files of a real data set are absent and could not be downloaded.

    Kept apart from other `DataError`s so that `load_dataset(..., allow_substitute=True)`
    substitutes only for absent files, never for a corrupt one. `summary` is the short
    statement ("MNIST not found in /data/mnist") that a substitution note quotes; the
    full message adds what to do about it.
    """

    def __init__(self, message: str, *, summary: str | None = None) -> None:
        super().__init__(message)
        self.summary = summary or message


class SubstitutableSource:
    """Mixin for a source that can stand in an offline look-alike when its files are absent."""

    substitute_summary: str = ""
    """One line for the palette, e.g. "scikit-learn digits upsampled to 28x28"."""

    def load_substitute(self, options: Any, ctx: LoadContext, reason: str) -> LoadedDataset:
        """Load the stand-in; `reason` (why the real set is missing) opens its note."""
        raise NotImplementedError


class OptionsError(DataError):
    """Options that do not fit the dataset's Options; `fields` names them ("path")."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


def get_source(name: str) -> DatasetSource[Any]:
    """The registered source called `name`, or a DataError suggesting close names."""
    source = DATASETS.get(name)
    if source is not None:
        return source
    close = difflib.get_close_matches(name, list(DATASETS), n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    known = ", ".join(sorted(DATASETS))
    raise DataError(f"unknown dataset {name[:64]!r}{hint} (known: {known})")


def parse_options(source: DatasetSource[Any], raw: Mapping[str, Any] | None) -> DatasetOptions:
    """Validate `raw` against the source's Options; the error names the offending field."""
    try:
        options: DatasetOptions = source.parse_options(dict(raw or {}))
    except pydantic.ValidationError as exc:
        problems = []
        fields = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "options"
            fields.append(field)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"option {field!r}: {message}")
        raise OptionsError(f"dataset {source.name!r}: " + "; ".join(problems), fields) from None
    return options


def load_dataset(
    name: str,
    options: Mapping[str, Any] | None,
    ctx: LoadContext,
    *,
    allow_substitute: bool = False,
) -> Dataset:
    """Load the dataset `name` with `options` (a plain dict, validated here).

    With `allow_substitute`, a real data set whose files are absent and cannot be
    downloaded is replaced by its declared offline stand-in, and info.notes says so.
    """
    source = get_source(name)
    parsed = parse_options(source, options)
    try:
        loaded = source.load(parsed, ctx)
    except MissingDataError as missing:
        if not (allow_substitute and isinstance(source, SubstitutableSource)):
            raise
        log.warning("dataset %s: %s; substituting %s", name, missing, source.substitute_summary)
        loaded = source.load_substitute(parsed, ctx, reason=missing.summary)
        loaded.info = loaded.info.model_copy(update={"stand_in": source.substitute_summary})
    check_consistent(loaded)
    info = loaded.info
    log.info(
        "dataset %s: %d train, %d validation; %s",
        name,
        info.train_size,
        info.val_size,
        "; ".join(info.notes),
    )
    return loaded


def describe_datasets() -> list[dict[str, Any]]:
    """Every dataset's name, summary, kind and options JSON Schema, in declaration order."""
    return [source.schema() for source in DATASETS.values()]


CHECKED_SAMPLES = 2
"""Samples of each lazy part fetched to check them against the info."""


def check_consistent(loaded: Dataset) -> None:
    """Raise if the tensors disagree with the info (a loader bug, not a user error). Of
    a lazy set, the first samples of each part are fetched and checked."""
    info = loaded.info
    expected_x_dtype = {"float32": "torch.float32", "int64": "torch.int64"}[info.input_dtype]
    parts: tuple[tuple[str, Split], ...]
    if isinstance(loaded, LazyDataset):
        parts = (
            ("train", loaded.train.probe(CHECKED_SAMPLES)),
            ("val", loaded.val.probe(CHECKED_SAMPLES)),
        )
    else:
        parts = (("train", loaded.train), ("val", loaded.val))
    for part, data in parts:
        _check_split(info.name, part, data, info.input_shape, info.target_shape)
        if str(data.x.dtype) != expected_x_dtype:
            raise RuntimeError(
                f"{info.name} {part}: x is {data.x.dtype}, info says {info.input_dtype}"
            )
    if (info.train_size, info.val_size) != (len(loaded.train), len(loaded.val)):
        raise RuntimeError(
            f"{info.name}: info sizes {info.train_size}/{info.val_size} but tensors hold "
            f"{len(loaded.train)}/{len(loaded.val)}"
        )
    if info.classes is not None and info.num_classes != len(info.classes):
        raise RuntimeError(
            f"{info.name}: num_classes {info.num_classes} but {len(info.classes)} names"
        )


def _check_split(
    name: str, part: str, data: Split, input_shape: list[int], target_shape: list[int]
) -> None:
    if list(data.x.shape[1:]) != input_shape:
        raise RuntimeError(
            f"{name} {part}: x shape {list(data.x.shape)} vs input_shape {input_shape}"
        )
    if list(data.y.shape[1:]) != target_shape:
        raise RuntimeError(
            f"{name} {part}: y shape {list(data.y.shape)} vs target_shape {target_shape}"
        )
    if data.x.shape[0] != data.y.shape[0]:
        raise RuntimeError(f"{name} {part}: {data.x.shape[0]} inputs but {data.y.shape[0]} targets")
