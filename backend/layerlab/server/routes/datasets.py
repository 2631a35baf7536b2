from __future__ import annotations

from fastapi import APIRouter

from layerlab.server.schemas import DatasetSchema
from layerlab.train.data import DATASETS

router = APIRouter(tags=["datasets"])


@router.get(
    "/datasets", response_model=list[DatasetSchema], summary="Every dataset and its options"
)
def list_datasets() -> list[DatasetSchema]:
    return [DatasetSchema.model_validate(source.schema()) for source in DATASETS.values()]
