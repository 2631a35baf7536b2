"""A run's downloads: a kept checkpoint's weights, the events (JSON lines), the scalars
(CSV) and the reproducibility bundle (zip: model source, a plain PyTorch training
script, config and seed, the data as loaded, the weights)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from layerlab.ids import RUN_ID_PATTERN
from layerlab.server.database import in_session
from layerlab.server.deps import SettingsDep, get_database, run_cpu
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.runs import downloads
from layerlab.store.runs import RunNotFound

router = APIRouter(prefix="/runs", tags=["runs"])
T = TypeVar("T")

RunId = Annotated[str, Path(pattern=RUN_ID_PATTERN)]
CHECKPOINT_NAME = r"^[A-Za-z0-9_.-]{1,100}$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such run (or checkpoint)"}
}


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _in_session(request: Request, work: Callable[[Session], T]) -> T:
    try:
        return await in_session(get_database(request), work)
    except RunNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None


@router.get(
    "/{run_id}/checkpoints/{name}/weights",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **NOT_FOUND},
    summary="A kept checkpoint's weights, as safetensors",
)
async def checkpoint_weights(
    request: Request,
    settings: SettingsDep,
    run_id: RunId,
    name: Annotated[str, Path(pattern=CHECKPOINT_NAME, description="From GET .../checkpoints")],
) -> FileResponse:
    path = await _in_session(
        request, lambda s: downloads.checkpoint_weights(s, settings, run_id, name)
    )
    return FileResponse(
        path, media_type="application/octet-stream", filename=f"{run_id}-{name}.safetensors"
    )


@router.get(
    "/{run_id}/events.jsonl",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}, **NOT_FOUND},
    summary="Every stored event of the run, one JSON object per line",
)
async def events_jsonl(request: Request, run_id: RunId) -> Response:
    lines = await _in_session(request, lambda s: b"".join(downloads.event_lines(s, run_id)))
    return _file(lines, "application/x-ndjson", f"{run_id}-events.jsonl")


@router.get(
    "/{run_id}/scalars.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **NOT_FOUND},
    summary="The run's metrics events as a table: step, epoch, time, then each value",
)
async def scalars_csv(request: Request, run_id: RunId) -> Response:
    text = await _in_session(request, lambda s: downloads.scalars_csv(s, run_id))
    return _file(text.encode(), "text/csv; charset=utf-8", f"{run_id}-scalars.csv")


@router.get(
    "/{run_id}/bundle.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, **NOT_FOUND},
    summary="A reproducibility bundle: model source, a plain PyTorch training script, "
    "config and seed, the data as loaded, the weights",
)
async def bundle_zip(
    request: Request,
    settings: SettingsDep,
    run_id: RunId,
    checkpoint: Annotated[
        str | None,
        Query(pattern=CHECKPOINT_NAME, description="A kept checkpoint; default the newest"),
    ] = None,
) -> Response:
    inputs = await _in_session(
        request, lambda s: downloads.bundle_inputs(s, settings, run_id, checkpoint)
    )
    zipped = await run_cpu(request, lambda: downloads.run_bundle(inputs, settings))
    return _file(zipped, "application/zip", f"{run_id}-bundle.zip")
