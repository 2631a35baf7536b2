"""Sweeps: start one (a document, or a saved graph, and a space to search), list them,
read one with its trials, stop one, delete one with its trials' runs.

A sweep is checked before it starts (see `sweeps/intake.py`); from then on it lives
in the database, and the sweep runner (`sweeps/runner.py`) queues its trials as runs.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import anyio.to_thread
import optuna
from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy.orm import Session

from layerlab.ids import SWEEP_ID_PATTERN, new_sweep_id
from layerlab.server.database import in_session
from layerlab.server.deps import (
    DatabaseDep,
    HubDep,
    JsonBody,
    SchedulerDep,
    SessionDep,
    SettingsDep,
    get_sweeps,
    run_cpu,
)
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.middleware.guards import client_identity
from layerlab.server.openapi import request_body
from layerlab.server.runs import sources
from layerlab.server.runs.removal import remove_run
from layerlab.server.sweeps import intake
from layerlab.server.sweeps.runner import SweepRunner
from layerlab.server.sweeps.schemas import CreateSweep, SweepDetail, SweepList, SweepRecord
from layerlab.server.sweeps.views import Importance, sweep_detail, sweep_record
from layerlab.store import sweeps as sweep_store
from layerlab.store.runs import RunNotFound
from layerlab.sweeps.study import create_study

router = APIRouter(prefix="/sweeps", tags=["sweeps"])

SweepId = Annotated[str, Path(pattern=SWEEP_ID_PATTERN, description="s_ + 12 hex digits")]
SweepsDep = Annotated[SweepRunner, Depends(get_sweeps)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such sweep"}
}
IMPORTANCE = Importance()


def _not_found(exc: sweep_store.SweepNotFound) -> ApiError:
    return ApiError(404, "not_found", str(exc))


def _detail(session: Session, runner: SweepRunner, sweep_id: str) -> SweepDetail:
    try:
        sweep = sweep_store.get_sweep(session, sweep_id)
    except sweep_store.SweepNotFound as exc:
        raise _not_found(exc) from None
    return sweep_detail(session, runner.study_storage(), sweep, IMPORTANCE)


@router.post(
    "",
    response_model=SweepDetail,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=request_body(CreateSweep),
    responses={404: {"model": ErrorBody, "description": "No such saved graph (or version)"}},
    summary="Start a sweep: trials of a document, each an ordinary run",
    description="The document is checked as a run of it would be, and every path of the "
    "space must name a place of it (422, located at body.space.<path>). Trials start as "
    "runs, at most `parallel` at a time; a trial whose document does not check is failed "
    "with the check's error, and the sweep goes on.",
)
async def create(
    request: Request,
    raw: JsonBody,
    settings: SettingsDep,
    database: DatabaseDep,
    scheduler: SchedulerDep,
    runner: SweepsDep,
    response: Response,
) -> SweepDetail:
    wanted = await run_cpu(request, lambda: intake.parse_request(raw, settings))
    source = await sources.resolve(request, wanted.source, settings)
    largest = scheduler.largest_memory()
    prepared = await run_cpu(
        request, lambda: intake.prepare(source.document, wanted.spec, settings, largest)
    )
    new = sweep_store.NewSweep(
        id=new_sweep_id(),
        name=source.document.name,
        document=prepared.document,
        spec=prepared.spec.model_dump(mode="json"),
        client_id=client_identity(request, settings.auth_required),
        graph_id=source.graph_id,
        graph_version=source.graph_version,
    )
    storage = runner.study_storage()
    # The study first: a sweep row is never without one (the runner makes it again if so).
    await anyio.to_thread.run_sync(lambda: create_study(storage, new.id, prepared.spec))

    def store(session: Session) -> SweepDetail:
        sweep_store.create_sweep(session, new)
        return _detail(session, runner, new.id)

    detail = await in_session(database, store)
    runner.wake()
    response.headers["Location"] = f"/api/sweeps/{detail.id}"
    return detail


@router.get("", response_model=SweepList, summary="Sweeps, the newest first")
def list_sweeps(
    session: SessionDep,
    runner: SweepsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> SweepList:
    rows, total = sweep_store.list_sweeps(session, limit, offset)
    storage = runner.study_storage()
    return SweepList(items=[sweep_record(session, storage, row) for row in rows], total=total)


@router.get(
    "/{sweep_id}",
    response_model=SweepDetail,
    responses=NOT_FOUND,
    summary="One sweep, with every trial (params, status, objective, run)",
)
def get_one(sweep_id: SweepId, session: SessionDep, runner: SweepsDep) -> SweepDetail:
    return _detail(session, runner, sweep_id)


@router.post(
    "/{sweep_id}/stop",
    response_model=SweepRecord,
    responses=NOT_FOUND,
    summary="Stop a sweep: no more trials start; those training stop (`stopping` until they have)",
)
async def stop(sweep_id: SweepId, database: DatabaseDep, runner: SweepsDep) -> SweepRecord:
    def work(session: Session) -> SweepRecord:
        try:
            sweep = sweep_store.request_stop(session, sweep_id)
        except sweep_store.SweepNotFound as exc:
            raise _not_found(exc) from None
        return sweep_record(session, runner.study_storage(), sweep)

    record = await in_session(database, work)
    runner.wake()
    return record


@router.delete(
    "/{sweep_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=NOT_FOUND,
    summary="Delete a sweep, its study and its trials' runs (those training are stopped)",
)
async def delete(
    sweep_id: SweepId,
    settings: SettingsDep,
    database: DatabaseDep,
    hub: HubDep,
    scheduler: SchedulerDep,
    runner: SweepsDep,
) -> Response:
    async with runner.holding(sweep_id):  # its driver takes no step meanwhile
        try:
            await in_session(database, lambda s: sweep_store.get_sweep(s, sweep_id))
        except sweep_store.SweepNotFound as exc:
            raise _not_found(exc) from None
        await in_session(database, lambda s: sweep_store.request_stop(s, sweep_id))
        for run_id in await in_session(database, lambda s: sweep_store.runs_of(s, sweep_id)):
            with contextlib.suppress(RunNotFound):  # deleted meanwhile
                await remove_run(run_id, settings, database, hub, scheduler)
        storage = runner.study_storage()
        await anyio.to_thread.run_sync(lambda: _delete_study(storage, sweep_id))
        with contextlib.suppress(sweep_store.SweepNotFound):  # deleted meanwhile
            await in_session(database, lambda s: sweep_store.delete_sweep(s, sweep_id))
        runner.forget(sweep_id)
        IMPORTANCE.forget(sweep_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _delete_study(storage: optuna.storages.BaseStorage, sweep_id: str) -> None:
    with contextlib.suppress(KeyError):  # none was made
        optuna.delete_study(study_name=sweep_id, storage=storage)
