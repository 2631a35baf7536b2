from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from layerlab.graph.check import CheckResult, check
from layerlab.server.deps import DocumentBody, SchedulerDep, SettingsDep, run_cpu
from layerlab.server.openapi import document_request_body

router = APIRouter(tags=["check"])


@router.post(
    "/check",
    response_model=CheckResult,
    openapi_extra=document_request_body(),
    summary="Shapes, parameters, FLOPs, memory and every error of a document, per node",
    description="A document that parses is answered with 200 and a CheckResult, its "
    "errors (if any) located by node; one that does not parse gets 422. With a worker "
    "connected, the totals say the largest batch that fits its device.",
)
async def check_document(
    request: Request,
    document: DocumentBody,
    settings: SettingsDep,
    scheduler: SchedulerDep,
    batch_size: Annotated[
        int | None, Query(ge=1, le=65_536, description="Batch size of the memory estimate")
    ] = None,
) -> CheckResult:
    device = scheduler.largest_device()
    return await run_cpu(request, lambda: check(document, settings.limits, batch_size, device))
