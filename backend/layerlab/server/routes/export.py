from __future__ import annotations

from fastapi import APIRouter, Request, Response

from layerlab.graph.errors import GraphError
from layerlab.graph.export_onnx import OnnxExportError
from layerlab.server.deps import JsonBody, SettingsDep, parse_model, run_cpu, validate_document
from layerlab.server.errors import ApiError
from layerlab.server.exporting import ExportTooLarge, export
from layerlab.server.openapi import request_body
from layerlab.server.schemas import ExportOptions, ExportRequest

router = APIRouter(tags=["export"])

BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.post(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "The file (Content-Disposition names it)",
            "content": {
                "text/x-python": {"schema": {"type": "string"}},
                "application/octet-stream": BINARY,
            },
        }
    },
    openapi_extra=request_body(ExportRequest),
    summary="A document as PyTorch source, safetensors weights or ONNX",
    description="The document must check without errors (422 with the errors otherwise). "
    "Weights are a fresh initialisation from `seed`; a run's trained weights will come "
    "with `run_id`.",
)
async def export_document(request: Request, raw: JsonBody, settings: SettingsDep) -> Response:
    if not isinstance(raw, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object", field="body")
    envelope = parse_model(ExportOptions, {k: v for k, v in raw.items() if k != "document"})
    if envelope.run_id is not None:
        raise ApiError(
            422,
            "runs_not_available",
            "exporting a run's weights is not available yet; send the document instead",
            field="body.run_id",
        )
    if raw.get("document") is None:  # left out or null: the schema requires a document
        raise ApiError(422, "invalid_request", "send the document to export", field="body.document")

    def work() -> Response:
        document = validate_document(raw["document"], settings)
        try:
            result = export(
                document,
                envelope.format,
                settings.limits,
                settings.max_export_params,
                seed=envelope.seed,
                network=envelope.network,
            )
        except GraphError as exc:
            raise ApiError(
                422,
                "graph_has_errors",
                "the graph has errors; fix them to export",
                issues=exc.issues,
            ) from None
        except (ExportTooLarge, OnnxExportError) as exc:
            raise ApiError(422, "export_failed", str(exc)) from None
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
        )

    return await run_cpu(request, work)
