"""`GET /api/workers`: the workers connected now, and what they hold."""

from __future__ import annotations

from fastapi import APIRouter

from layerlab.server.deps import SchedulerDep
from layerlab.server.runs.schemas import WorkerRecord

router = APIRouter(prefix="/workers", tags=["workers"])


@router.get("", response_model=list[WorkerRecord], summary="Connected workers")
async def list_workers(scheduler: SchedulerDep) -> list[WorkerRecord]:
    return [
        WorkerRecord(
            id=c.worker_id,
            name=c.name,
            device=c.device,
            memory_bytes=c.memory_bytes,
            processes=c.processes,
            cpus=c.cpus,
            gpus=c.gpus,
            busy=bool(c.runs),
            runs=sorted(c.runs),
        )
        for c in list(scheduler.connections.values())
    ]
