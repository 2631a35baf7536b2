"""Importing models: ONNX files are data, so the server parses them (PyTorch modules
are code and come in through `layerlab import` on the person's own machine)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from layerlab.imports.onnx import OnnxUnavailable
from layerlab.server.datasets.records import upload_form
from layerlab.server.deps import SettingsDep, run_cpu
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.importing import (
    WEIGHTS_ID_PATTERN,
    OnnxImport,
    import_onnx,
    weights_path,
)

router = APIRouter(tags=["import"])

NAME_CHARS = 200


@router.post(
    "/import/onnx",
    response_model=OnnxImport,
    summary="Import an ONNX file (multipart: file) as a graph document named as the file",
    description="Each operator maps to a node type whose output equals ONNX's reference "
    "evaluator's to 1e-5, or the import is refused (`ok: false`) with every unsupported "
    "operator listed by index and name. The weights are kept on the server.",
    responses={
        413: {"model": ErrorBody, "description": "The file is over the size limit"},
        415: {"model": ErrorBody, "description": "Not a multipart/form-data body"},
        422: {"model": ErrorBody, "description": "No file in the form"},
        501: {"model": ErrorBody, "description": "The onnx package is not installed"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def onnx(request: Request, settings: SettingsDep) -> OnnxImport:
    form = await upload_form(request)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ApiError(
                422, "invalid_request", "the form needs a file in `file`", field="body.file"
            )
        name = PurePath(file.filename or "").stem[:NAME_CHARS] or None
        data = await file.read()
    finally:
        for value in form.values():
            if isinstance(value, UploadFile):
                await value.close()

    def work() -> OnnxImport:
        try:
            return import_onnx(data, name, settings.data_dir)
        except OnnxUnavailable as exc:
            raise ApiError(501, "onnx_unavailable", str(exc)) from None

    return await run_cpu(request, work)


WeightsId = Annotated[str, Path(pattern=WEIGHTS_ID_PATTERN, description="onnx_ + 16 hex")]


@router.get(
    "/import/weights/{weights_id}",
    response_class=FileResponse,
    summary="An import's weights (safetensors, keyed as the document builds them)",
    responses={
        200: {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }
        },
        404: {"model": ErrorBody, "description": "No such import"},
    },
)
async def weights(weights_id: WeightsId, settings: SettingsDep) -> Any:
    path = weights_path(settings.data_dir, weights_id)
    if path is None:
        raise ApiError(404, "not_found", f"no imported weights {weights_id}")
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=f"{weights_id}.safetensors",
    )
