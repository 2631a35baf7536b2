"""Datasets: the catalog (built-in sets with their availability, and uploads), uploading
a file as a dataset, its record and preview, and deleting it."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Request, Response
from starlette.datastructures import UploadFile

from layerlab.ids import DATASET_ID_PATTERN
from layerlab.server.datasets.catalog import builtin_datasets
from layerlab.server.datasets.records import (
    accept_upload,
    dataset_record,
    delete_upload,
    find_dataset,
    upload_form,
)
from layerlab.server.datasets.schemas import (
    DatasetCatalog,
    DatasetPreview,
    DatasetRecord,
)
from layerlab.server.datasets.uploads import upload_kinds
from layerlab.server.deps import DatabaseDep, SessionDep, SettingsDep
from layerlab.server.errors import ErrorBody
from layerlab.store.datasets import list_datasets

router = APIRouter(tags=["datasets"])
log = logging.getLogger(__name__)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such dataset"}
}
DatasetId = Annotated[str, Path(pattern=DATASET_ID_PATTERN, description="d_ + 12 hex")]


@router.get("/datasets", response_model=DatasetCatalog, summary="Built-in and uploaded datasets")
async def catalog(settings: SettingsDep, session: SessionDep) -> DatasetCatalog:
    builtin = await anyio.to_thread.run_sync(builtin_datasets, settings.data_dir)
    uploads = [dataset_record(row) for row in list_datasets(session)]
    return DatasetCatalog(builtin=builtin, uploads=uploads)


@router.post(
    "/datasets",
    response_model=DatasetRecord,
    status_code=201,
    summary="Upload a file (multipart: file, name?, kind?) as a dataset",
    responses={
        200: {"model": DatasetRecord, "description": "Those bytes were there already"},
        413: {"model": ErrorBody, "description": "The file is over its kind's size limit"},
        415: {"model": ErrorBody, "description": "Not a multipart/form-data body"},
        422: {"model": ErrorBody, "description": "The file does not parse: where, and why"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "name": {"type": "string", "maxLength": 200},
                            "kind": {
                                "type": "string",
                                "enum": list(upload_kinds()),
                                "description": "What the file is; sniffed when absent",
                            },
                        },
                    }
                }
            },
        }
    },
)
async def upload(
    request: Request, response: Response, settings: SettingsDep, database: DatabaseDep
) -> DatasetRecord:
    form = await upload_form(request)
    try:
        record, created = await accept_upload(database, form, settings)
    finally:
        for value in form.values():
            if isinstance(value, UploadFile):
                await value.close()
    if not created:
        response.status_code = 200
    return record


@router.get(
    "/datasets/{dataset_id}",
    response_model=DatasetRecord,
    summary="An upload's record",
    responses=NOT_FOUND,
)
async def record(dataset_id: DatasetId, session: SessionDep) -> DatasetRecord:
    return dataset_record(find_dataset(session, dataset_id))


@router.get(
    "/datasets/{dataset_id}/preview",
    response_model=DatasetPreview,
    summary="An upload's first rows, thumbnails or text, and its class counts",
    responses=NOT_FOUND,
)
async def preview(dataset_id: DatasetId, session: SessionDep) -> DatasetPreview:
    return DatasetPreview.model_validate(find_dataset(session, dataset_id).preview)


@router.delete(
    "/datasets/{dataset_id}",
    status_code=204,
    summary="Delete an upload (409 while a queued or running run uses it)",
    responses={
        **NOT_FOUND,
        409: {"model": ErrorBody, "description": "A queued or running run uses it"},
    },
)
async def delete(dataset_id: DatasetId, session: SessionDep, settings: SettingsDep) -> Response:
    delete_upload(session, dataset_id, settings.data_dir)
    return Response(status_code=204)
