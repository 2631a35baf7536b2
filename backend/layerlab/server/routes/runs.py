"""Runs: queue one (of a document, a saved graph, or a fork of a run's checkpoint),
list them, read one and its events, stop, pause, resume, delete, list its kept
checkpoints and download its latest weights.

A run is checked completely before it is queued (see `runs/intake.py`); from then on
it lives in the database, and the scheduler hands it to a worker.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from layerlab.graph.document import GraphDocument
from layerlab.ids import GRAPH_ID_PATTERN, RUN_ID_PATTERN, SWEEP_ID_PATTERN, new_run_id
from layerlab.server.database import in_session
from layerlab.server.deps import (
    DatabaseDep,
    HubDep,
    JsonBody,
    SchedulerDep,
    SessionDep,
    SettingsDep,
    get_database,
    get_hub,
    get_scheduler,
    run_cpu,
)
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.importing import fitting_weights
from layerlab.server.middleware.guards import client_identity
from layerlab.server.openapi import request_body
from layerlab.server.runs import intake, sources
from layerlab.server.runs.checkpoint_files import CheckpointFiles
from layerlab.server.runs.removal import remove_run
from layerlab.server.runs.schemas import (
    CheckpointRecord,
    CreateRun,
    EventPage,
    RunDetail,
    RunList,
    RunRecord,
)
from layerlab.server.viewers.publish import publish_record, status_event, store_and_publish
from layerlab.store import run_control
from layerlab.store.event_codec import to_event
from layerlab.store.events import MAX_PAGE, read_events
from layerlab.store.run_checkpoints import checkpoint_name
from layerlab.store.runs import (
    NewRun,
    RunNotFound,
    checkpoints_of,
    create_run,
    get_run,
)
from layerlab.store.runs import latest_checkpoint as latest_checkpoint_row
from layerlab.train.config import TrainingConfig
from layerlab.train.control import ControlAction
from layerlab.train.events import EVENT_TYPES, RunStatus

router = APIRouter(prefix="/runs", tags=["runs"])

RunId = Annotated[str, Path(pattern=RUN_ID_PATTERN, description="r_ + 12 hex digits")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such run"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The run has ended (or is stopping)"}
}
_ANY_TYPE = "|".join(EVENT_TYPES)
TYPES_PATTERN = rf"^({_ANY_TYPE})(,({_ANY_TYPE}))*$"
"""A comma-separated list of event types."""


def _not_found(exc: RunNotFound) -> ApiError:
    return ApiError(404, "not_found", str(exc))


def _detail(session: Session, run_id: str) -> RunDetail:
    try:
        run = get_run(session, run_id)
    except RunNotFound as exc:
        raise _not_found(exc) from None
    return RunDetail(
        **RunRecord.of(run).model_dump(),
        document=GraphDocument.model_validate(run.document),
        config=TrainingConfig.model_validate(run.config),
    )


@router.post(
    "",
    response_model=RunDetail,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=request_body(CreateRun),
    responses={
        404: {"model": ErrorBody, "description": "No such saved graph (or version)"},
        429: {"model": ErrorBody, "description": "Too many queued runs for this client"},
    },
    summary="Queue a run of a document (or of a saved graph's version)",
    description="The document is checked first: check errors are answered with 422 and "
    "every issue located by node; so are an invalid training config or dataset, and a "
    "memory estimate larger than the largest connected worker's memory.",
)
async def create(
    request: Request,
    raw: JsonBody,
    settings: SettingsDep,
    database: DatabaseDep,
    scheduler: SchedulerDep,
    response: Response,
) -> RunDetail:
    wanted = await run_cpu(request, lambda: intake.parse_request(raw, settings))
    source = await sources.resolve(request, wanted, settings)
    largest = scheduler.largest_memory()
    prepared = await run_cpu(
        request,
        lambda: intake.prepare(
            source.document, wanted.overrides, settings, largest, base=source.config
        ),
    )
    client = client_identity(request, settings.auth_required)
    new_id = new_run_id()
    files = CheckpointFiles(settings.checkpoints)
    if source.fork is not None:
        # The fork's own copy of its start, in place before the run can be leased.
        fork = source.fork
        try:
            await run_cpu(request, lambda: files.copy_start_weights(fork.stored_path, new_id))
        except FileNotFoundError:
            raise ApiError(
                409,
                "checkpoint_gone",
                f"run {fork.origin.run}: checkpoint {fork.origin.checkpoint} is no longer "
                "kept; pick a newer one",
                field="body.fork.checkpoint",
            ) from None

    imported = wanted.start_weights
    if imported is not None:
        document = source.document
        kept = await run_cpu(
            request, lambda: fitting_weights(settings.data_dir, imported, document)
        )
        # The run's own copy, in place before it can be leased (the import may be deleted).
        await run_cpu(request, lambda: files.copy_start_file(kept, new_id))

    def queue(session: Session) -> RunDetail:
        queued, _active = run_control.client_counts(session, client)
        session.rollback()  # end the read: the insert below starts its own transaction
        if queued >= settings.max_queued_runs_per_client:
            raise ApiError(
                429,
                "too_many_runs",
                f"this client has {queued} queued runs, the most allowed; "
                "wait for some to start, or stop some",
                headers={"Retry-After": "10"},
            )
        run = create_run(
            session,
            NewRun(
                id=new_id,
                fork=source.fork.origin if source.fork else None,
                imported_weights=imported,
                document=prepared.document,
                config=prepared.config.model_dump(mode="json"),
                client_id=client,
                graph_id=source.graph_id,
                graph_version=source.graph_version,
                max_attempts=settings.runs.max_attempts,
                memory_bytes=prepared.memory_bytes,
            ),
        )
        return _detail(session, run.id)

    try:
        detail = await in_session(database, queue)
    except Exception:  # refused (429) or failed: no start weights without their run
        if source.fork is not None or imported is not None:
            await run_cpu(request, lambda: files.delete_run(new_id, []))
        raise
    scheduler.wake()
    response.headers["Location"] = f"/api/runs/{detail.id}"
    return detail


@router.get("", response_model=RunList, summary="Runs, the newest first")
def list_runs(
    session: SessionDep,
    status_filter: Annotated[RunStatus | None, Query(alias="status")] = None,
    graph_id: Annotated[str | None, Query(pattern=GRAPH_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    sweep_id: Annotated[
        str | None, Query(pattern=SWEEP_ID_PATTERN, description="Only the trials of this sweep")
    ] = None,
) -> RunList:
    rows, total = run_control.list_runs(
        session, status_filter, graph_id, limit, offset, sweep_id=sweep_id
    )
    return RunList(items=[RunRecord.of(r) for r in rows], total=total)


@router.get("/{run_id}", response_model=RunDetail, responses=NOT_FOUND, summary="One run")
def get_one(run_id: RunId, session: SessionDep) -> RunDetail:
    return _detail(session, run_id)


@router.get(
    "/{run_id}/events",
    response_model=EventPage,
    responses=NOT_FOUND,
    summary="A run's stored events after `since`, in seq order, a page at a time",
)
def events(
    run_id: RunId,
    session: SessionDep,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
    types: Annotated[
        str | None,
        Query(
            pattern=TYPES_PATTERN,
            max_length=200,
            description="Comma-separated event types, e.g. metrics,status",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1_000,
) -> EventPage:
    wanted = types.split(",") if types else None
    try:
        page = read_events(session, run_id, since, wanted, limit)
    except RunNotFound as exc:
        raise _not_found(exc) from None
    return EventPage(
        events=[to_event(row) for row in page.events], next_since=page.next_since, more=page.more
    )


async def _control(request: Request, run_id: str, action: ControlAction) -> RunRecord:
    database, hub = get_database(request), get_hub(request)

    def record(session: Session) -> run_control.ControlOutcome:
        try:
            return run_control.request_control(session, run_id, action)
        except RunNotFound as exc:
            raise _not_found(exc) from None
        except run_control.RunConflict as exc:
            raise ApiError(409, "run_ended", str(exc)) from None

    outcome = await store_and_publish(database, hub, run_id, record, status_event)
    if outcome.notify_worker is not None:
        await get_scheduler(request).send_control(run_id, outcome.notify_worker, action)
    found = await publish_record(database, hub, run_id)
    if found is None:
        raise ApiError(404, "not_found", f"no run {run_id}")
    return found


@router.post(
    "/{run_id}/stop",
    response_model=RunRecord,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Stop a run: it ends as `stopped`, its last checkpoint kept",
    description="A queued run stops at once; a running one within a step, after a final "
    "checkpoint (its status changes when the worker reports it).",
)
async def stop(request: Request, run_id: RunId) -> RunRecord:
    return await _control(request, run_id, "stop")


@router.post(
    "/{run_id}/pause",
    response_model=RunRecord,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Pause a run (within a step); a queued run starts paused",
)
async def pause(request: Request, run_id: RunId) -> RunRecord:
    return await _control(request, run_id, "pause")


@router.post(
    "/{run_id}/resume",
    response_model=RunRecord,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Resume a paused run",
)
async def resume(request: Request, run_id: RunId) -> RunRecord:
    return await _control(request, run_id, "resume")


@router.delete(
    "/{run_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=NOT_FOUND,
    summary="Delete a run, its events and checkpoints (an active run is stopped first)",
)
async def delete(
    run_id: RunId,
    settings: SettingsDep,
    database: DatabaseDep,
    hub: HubDep,
    scheduler: SchedulerDep,
) -> Response:
    try:
        await remove_run(run_id, settings, database, hub, scheduler)
    except RunNotFound as exc:
        raise _not_found(exc) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{run_id}/checkpoints",
    response_model=list[CheckpointRecord],
    responses=NOT_FOUND,
    summary="The run's kept checkpoints, the newest first (to fork from)",
)
def checkpoints(run_id: RunId, session: SessionDep) -> list[CheckpointRecord]:
    try:
        get_run(session, run_id)
    except RunNotFound as exc:
        raise _not_found(exc) from None
    return [CheckpointRecord.of(row) for row in checkpoints_of(session, run_id)]


@router.get(
    "/{run_id}/checkpoint",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "The model's weights (safetensors), loadable with load_weights",
        },
        404: {"model": ErrorBody, "description": "No such run, or no checkpoint yet"},
    },
    summary="The run's latest weights, as safetensors",
)
def checkpoint(run_id: RunId, session: SessionDep, settings: SettingsDep) -> FileResponse:
    try:
        get_run(session, run_id)
    except RunNotFound as exc:
        raise _not_found(exc) from None
    row = latest_checkpoint_row(session, run_id)
    if row is None:
        raise ApiError(404, "no_checkpoint", f"run {run_id} has no checkpoint yet")
    path = CheckpointFiles(settings.checkpoints).weights(row.path)
    if not path.is_file():  # deleted from the disk by hand
        raise ApiError(404, "no_checkpoint", f"run {run_id}: its checkpoint file is missing")
    name = checkpoint_name(row.path)
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=f"{run_id}-{name}.safetensors",
        headers={"X-LayerLab-Step": str(row.step), "X-LayerLab-Checkpoint": name},
    )
