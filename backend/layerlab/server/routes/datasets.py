from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request

from layerlab.server.schemas import DatasetSchema
from layerlab.train.data import DATASETS, DataError, LoadContext, load_dataset

router = APIRouter(tags=["datasets"])
log = logging.getLogger(__name__)

# Facts of each dataset with its default options, found by loading it once (offline
# substitutes allowed, so MNIST's shape is known before its files are). Sets that need a
# file (CSV, zip, text) have no defaults to load and stay unknown.
_facts: dict[tuple[str, Path], dict[str, Any]] = {}


def _default_facts(name: str, data_dir: Path) -> dict[str, Any]:
    key = (name, data_dir)
    if key not in _facts:
        try:
            info = load_dataset(name, {}, LoadContext(data_dir), allow_substitute=True).info
            _facts[key] = {
                "input_shape": info.input_shape,
                "input_dtype": info.input_dtype,
                "target": info.target,
                "num_classes": info.num_classes,
                "notes": info.notes,
            }
        except (DataError, OSError) as exc:
            log.info("dataset %s has no default preview: %s", name, exc)
            _facts[key] = {}
    return _facts[key]


def _describe(data_dir: Path) -> list[DatasetSchema]:
    return [
        DatasetSchema.model_validate({**source.schema(), **_default_facts(name, data_dir)})
        for name, source in DATASETS.items()
    ]


@router.get(
    "/datasets", response_model=list[DatasetSchema], summary="Every dataset and its options"
)
async def list_datasets(request: Request) -> list[DatasetSchema]:
    data_dir: Path = request.app.state.settings.data_dir
    return await anyio.to_thread.run_sync(_describe, data_dir)
