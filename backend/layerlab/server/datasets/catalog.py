"""The built-in datasets as this server sees them: each one's facts with its default
options, and whether it can train here (its files are here, it is generated, an offline
stand-in trains instead, or it needs a file uploaded).

Found by loading each set once with its defaults (the stand-in where the real files are
absent), cached per data dir: MNIST's shape is known before its files are.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from layerlab.server.datasets.schemas import Availability, BuiltinDataset
from layerlab.train.data import DATASETS, DataError, LoadContext, MissingDataError, load_dataset
from layerlab.train.data.base import DatasetSource
from layerlab.train.data.lazy import Dataset
from layerlab.train.data.official import OFFICIAL_FILES
from layerlab.train.data.registry import SubstitutableSource

log = logging.getLogger(__name__)

_catalog: dict[Path, list[BuiltinDataset]] = {}


def builtin_datasets(data_dir: Path) -> list[BuiltinDataset]:
    """Every declared dataset with its facts and availability (blocking: run off the loop)."""
    if data_dir not in _catalog:
        _catalog[data_dir] = [
            _describe(name, source, data_dir) for name, source in DATASETS.items()
        ]
    return _catalog[data_dir]


def _describe(name: str, source: DatasetSource[Any], data_dir: Path) -> BuiltinDataset:
    loaded, availability = _availability(name, source, LoadContext(data_dir))
    facts: dict[str, Any] = {}
    if loaded is not None:
        info = loaded.info
        facts = {
            "input_shape": info.input_shape,
            "input_dtype": info.input_dtype,
            "target": info.target,
            "num_classes": info.num_classes,
            "notes": info.notes,
        }
    return BuiltinDataset.model_validate({**source.schema(), **facts, "availability": availability})


def _availability(
    name: str, source: DatasetSource[Any], ctx: LoadContext
) -> tuple[Dataset | None, Availability]:
    if source.max_upload_bytes:
        return None, Availability(
            state="needs_file", message=f"upload a file to train on ({name})", upload_kind=name
        )
    try:
        loaded = load_dataset(name, {}, ctx)
    except MissingDataError as missing:
        if isinstance(source, SubstitutableSource):
            stand_in = load_dataset(name, {}, ctx, allow_substitute=True)
            return stand_in, Availability(
                state="stand_in",
                message=f"not available here: trains on {source.substitute_summary} instead",
            )
        files = ", ".join(remote.name for remote in OFFICIAL_FILES.get(name, ()))
        log.info("dataset %s is not available: %s", name, missing.summary)
        return None, Availability(
            state="needs_file",
            message=f"not available here: upload {files or 'its file'}",
            upload_kind=_upload_kind_for(source),
        )
    except DataError as exc:
        log.warning("dataset %s does not load with its defaults: %s", name, exc)
        return None, Availability(state="needs_file", message=f"not available here: {exc}")
    if name in OFFICIAL_FILES:
        return loaded, Availability(state="on_server", message="on this server")
    return loaded, Availability(state="generated", message="generated on the fly")


def _upload_kind_for(source: DatasetSource[Any]) -> str | None:
    """The uploadable set of the same kind (a text corpus for tiny Shakespeare)."""
    for name, other in DATASETS.items():
        if other.max_upload_bytes and other.kind == source.kind:
            return name
    return None
