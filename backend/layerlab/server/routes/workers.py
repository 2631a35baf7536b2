"""`GET /api/workers`: the workers connected now, and what they hold."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request

from layerlab.server.run_schemas import WorkerRecord
from layerlab.server.scheduler import Scheduler

router = APIRouter(prefix="/workers", tags=["workers"])


@router.get("", response_model=list[WorkerRecord], summary="Connected workers")
async def list_workers(request: Request) -> list[WorkerRecord]:
    scheduler = cast(Scheduler, request.app.state.scheduler)
    return [
        WorkerRecord(
            id=c.worker_id,
            name=c.name,
            device=c.device,
            memory_bytes=c.memory_bytes,
            busy=bool(c.runs),
            runs=sorted(c.runs),
        )
        for c in list(scheduler.connections.values())
    ]
