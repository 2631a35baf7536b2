"""The OpenAPI document. Routes that take a graph document read their body themselves
(safe parsing, located errors), so FastAPI cannot see its model; `document_request_body`
declares it, and `build_openapi` adds the models those declarations refer to."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from layerlab.graph.document import GraphDocument
from layerlab.server.runs.schemas import CreateRun
from layerlab.server.schemas import ExportRequest
from layerlab.server.sweeps.schemas import CreateSweep
from layerlab.server.viewers.protocol import (
    ViewerAuth,
    ViewerError,
    ViewerEvents,
    ViewerResync,
    ViewerRun,
    ViewerWelcome,
)

REF = "#/components/schemas/{model}"
BODY_MODELS: list[type[Any]] = [GraphDocument, ExportRequest, CreateRun, CreateSweep]
VIEWER_MODELS: list[type[Any]] = [
    ViewerAuth,
    ViewerWelcome,
    ViewerEvents,
    ViewerRun,
    ViewerResync,
    ViewerError,
]
"""The viewer websocket's messages (no route declares them): published so the
browser's types are generated, like every REST model's."""
VIEWER_MESSAGE = "ViewerMessage"


def request_body(model: type[Any]) -> dict[str, Any]:
    """`openapi_extra` for a route whose JSON body is `model`."""
    schema = {"$ref": REF.format(model=model.__name__)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def document_request_body() -> dict[str, Any]:
    return request_body(GraphDocument)


def build_openapi(app: FastAPI, auth: bool) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        separate_input_output_schemas=False,
    )
    models: list[tuple[type[Any], Literal["validation"]]] = [
        (model, "validation") for model in BODY_MODELS + VIEWER_MODELS
    ]
    _, defs = models_json_schema(models, ref_template=REF)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, definition in defs.get("$defs", {}).items():
        schemas.setdefault(name, definition)
    # What the server sends a viewer: one of these, told apart by `type`.
    sent = [m for m in VIEWER_MODELS if m is not ViewerAuth]
    schemas[VIEWER_MESSAGE] = {
        "oneOf": [{"$ref": REF.format(model=m.__name__)} for m in sent],
        "discriminator": {
            "propertyName": "type",
            "mapping": {m.model_fields["type"].default: REF.format(model=m.__name__) for m in sent},
        },
    }
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "The server's token (LAYERLAB_TOKEN), when auth is on",
    }
    if auth:
        schema["security"] = [{"bearer": []}]
    return schema
