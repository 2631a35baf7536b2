"""Where workers connect: the websocket `/ws/worker` (see `worker/protocol.py`), and
the checkpoint routes under `/api/worker`, which take the worker token (never a
user's) and act only for the worker that holds the run's lease, with its current
fencing token.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

import anyio
from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Header, Path, Request, WebSocket, status
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from layerlab.ids import CHECKPOINT_NAME_PATTERN, RUN_ID_PATTERN, WORKER_ID_PATTERN
from layerlab.server.database import in_session
from layerlab.server.deps import DatabaseDep, HubDep, SchedulerDep, SettingsDep, run_cpu
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.fields import PlainInt
from layerlab.server.runs.checkpoint_files import CheckpointFiles
from layerlab.server.runs.schemas import CheckpointStored
from layerlab.server.workers.session import WorkerSession
from layerlab.store import run_checkpoints
from layerlab.store import workers as worker_store
from layerlab.store.datasets import run_config, upload_of
from layerlab.store.events import StaleLease
from layerlab.store.fencing import check_lease
from layerlab.store.runs import RunNotFound
from layerlab.store.runs import latest_checkpoint as latest_checkpoint_row
from layerlab.train.data.files import upload_path
from layerlab.worker.pack import PackError
from layerlab.worker.protocol import (
    FENCING_HEADER,
    KEY_HEADER,
    NAME_HEADER,
    SHA256_HEADER,
    STEP_HEADER,
    WORKER_HEADER,
)

WORKER_PREFIX = "/worker"
KEEP_CHECKPOINTS = 3
"""Checkpoints kept per run on the server; older ones are deleted."""

ws_router = APIRouter()

RunId = Annotated[str, Path(pattern=RUN_ID_PATTERN)]
CheckpointName = Annotated[str, Path(pattern=CHECKPOINT_NAME_PATTERN)]
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or wrong worker token"},
    403: {"model": ErrorBody, "description": "Unknown worker, or a wrong worker key"},
    404: {"model": ErrorBody, "description": "No such run (or no checkpoint of it)"},
    409: {"model": ErrorBody, "description": "This worker does not hold the run's lease now"},
}


class WorkerLease:
    """The caller, checked: a worker holding the run's lease with this fencing token."""

    def __init__(self, worker_id: str, run_id: str, fencing: int):
        self.worker_id = worker_id
        self.run_id = run_id
        self.fencing = fencing


async def worker_token(settings: SettingsDep, authorization: Annotated[str, Header()] = "") -> None:
    """401 unless the request carries the worker token: before the worker headers are
    validated, so an unauthenticated caller learns nothing about what else a request
    needs (a 422 naming them would tell)."""
    expected = settings.worker_token
    given = authorization.encode("latin-1", "replace")
    if expected is None or not hmac.compare_digest(
        given, f"Bearer {expected.get_secret_value()}".encode()
    ):
        raise ApiError(
            401,
            "unauthorized",
            "send the worker token as 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def worker_lease(
    database: DatabaseDep,
    run_id: RunId,
    worker_id: Annotated[str, Header(alias=WORKER_HEADER, pattern=WORKER_ID_PATTERN)],
    worker_key: Annotated[str, Header(alias=KEY_HEADER, max_length=128)],
    fencing: Annotated[int, Ge(1), Le(2**62), PlainInt, Header(alias=FENCING_HEADER)],
) -> WorkerLease:
    def check(session: Session) -> None:
        if not worker_store.verify_key(session, worker_id, worker_key):
            raise ApiError(403, "forbidden", "unknown worker or wrong worker key")
        try:
            check_lease(session, run_id, worker_id, fencing)
        except RunNotFound as exc:
            raise ApiError(404, "not_found", str(exc)) from None
        except StaleLease as exc:
            raise ApiError(409, "stale_lease", str(exc)) from None

    await in_session(database, check)
    return WorkerLease(worker_id, run_id, fencing)


LeaseDep = Annotated[WorkerLease, Depends(worker_lease)]
router = APIRouter(prefix=WORKER_PREFIX, tags=["worker"], dependencies=[Depends(worker_token)])
"""Every route checks the token first (router dependencies run before the route's own)."""


async def _receive(request: Request, path: anyio.Path, limit: int) -> None:
    received = 0
    async with await anyio.open_file(path, "wb") as out:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise ApiError(
                    413, "body_too_large", f"a checkpoint may take at most {limit:,} bytes"
                )
            await out.write(chunk)


@router.put(
    "/runs/{run_id}/checkpoints/{name}",
    response_model=CheckpointStored,
    status_code=status.HTTP_201_CREATED,
    responses={**REFUSALS, 413: {"model": ErrorBody, "description": "Checkpoint too large"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
    summary="Upload a checkpoint pack (the lease holder only)",
)
async def upload_checkpoint(
    request: Request,
    name: CheckpointName,
    lease: LeaseDep,
    settings: SettingsDep,
    database: DatabaseDep,
) -> CheckpointStored:
    files = CheckpointFiles(settings.checkpoints)
    upload = files.temporary(lease.run_id)
    stored_path = run_checkpoints.checkpoint_path(lease.run_id, lease.fencing, name)
    try:
        await _receive(request, anyio.Path(upload), settings.runs.max_checkpoint_bytes)
        step = await run_cpu(request, lambda: files.commit(upload, stored_path))
    except PackError as exc:
        raise ApiError(422, "invalid_checkpoint", str(exc)) from None
    finally:
        upload.unlink(missing_ok=True)

    def record(session: Session) -> list[str]:
        return run_checkpoints.add_checkpoint(
            session,
            lease.run_id,
            lease.worker_id,
            lease.fencing,
            step,
            stored_path,
            KEEP_CHECKPOINTS,
        )

    try:
        pruned = await in_session(database, record)
    except StaleLease as exc:
        # Lost the lease while uploading: the files must not outlive the refusal.
        files.delete(stored_path)
        raise ApiError(409, "stale_lease", str(exc)) from None
    except RunNotFound as exc:
        files.delete(stored_path)
        raise ApiError(404, "not_found", str(exc)) from None
    for path in pruned:
        files.delete(path)
    return CheckpointStored(run=lease.run_id, name=name, step=step)


@router.get(
    "/runs/{run_id}/checkpoint",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **REFUSALS},
    summary="The run's latest checkpoint pack, to resume it (the lease holder only)",
)
async def download_checkpoint(
    lease: LeaseDep, settings: SettingsDep, database: DatabaseDep
) -> FileResponse:
    row = await in_session(database, lambda s: latest_checkpoint_row(s, lease.run_id))
    if row is None:
        raise ApiError(404, "no_checkpoint", f"run {lease.run_id} has no checkpoint")
    name = run_checkpoints.checkpoint_name(row.path)
    pack = CheckpointFiles(settings.checkpoints).pack(row.path)
    if not pack.is_file():  # deleted by hand: say so, rather than fail
        raise ApiError(404, "no_checkpoint", f"run {lease.run_id}: checkpoint {name} is missing")
    return FileResponse(
        pack,
        media_type="application/octet-stream",
        headers={NAME_HEADER: name, STEP_HEADER: str(row.step)},
    )


@router.get(
    "/runs/{run_id}/start-weights",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **REFUSALS},
    summary="The weights a forked run starts from (the lease holder only)",
)
async def download_start_weights(lease: LeaseDep, settings: SettingsDep) -> FileResponse:
    path = CheckpointFiles(settings.checkpoints).start_weights(lease.run_id)
    if not path.is_file():
        raise ApiError(404, "no_start_weights", f"run {lease.run_id} has no start weights")
    return FileResponse(path, media_type="application/octet-stream")


@router.get(
    "/runs/{run_id}/dataset",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **REFUSALS},
    summary="The uploaded file a run trains on (the lease holder only)",
)
async def download_dataset(
    lease: LeaseDep, settings: SettingsDep, database: DatabaseDep
) -> FileResponse:
    config = await in_session(database, lambda s: run_config(s, lease.run_id))
    sha256 = upload_of(config)
    if sha256 is None:
        raise ApiError(404, "no_upload", f"run {lease.run_id} trains on no uploaded file")
    path = upload_path(settings.data_dir, sha256)
    if not path.is_file():
        raise ApiError(404, "upload_gone", f"the file run {lease.run_id} trains on was deleted")
    return FileResponse(
        path, media_type="application/octet-stream", headers={SHA256_HEADER: sha256}
    )


@ws_router.websocket("/ws/worker")
async def worker_socket(
    websocket: WebSocket,
    settings: SettingsDep,
    database: DatabaseDep,
    scheduler: SchedulerDep,
    hub: HubDep,
) -> None:
    await WorkerSession(websocket, settings, database, scheduler, hub).serve()
