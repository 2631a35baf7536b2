"""Errors as JSON: `{code, message, ...location}` with a proper 4xx status.

Handlers raise `ApiError`; FastAPI's own errors (unknown route, bad query parameter)
and anything unexpected are mapped to the same `ErrorBody`, so a client reads one
shape for every failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from layerlab.graph.errors import GraphIssue

# Codes for statuses that carry no more specific one.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    428: "precondition_required",
    500: "internal_error",
}


class ErrorBody(BaseModel):
    code: str = Field(
        description="What went wrong, for programs: not_found, invalid_document, "
        "version_conflict, unauthorized, body_too_large, ..."
    )
    message: str = Field(description="What went wrong, for people")
    field: str | None = Field(
        default=None, description="The request part at fault: body.nodes.0.params, query.limit"
    )
    issues: list[GraphIssue] = Field(
        default_factory=list, description="Every problem found in a graph document, located"
    )
    current_version: int | None = Field(
        default=None, description="On version_conflict: the graph's newest version"
    )


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        issues: Sequence[GraphIssue] = (),
        current_version: int | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})
        self.body = ErrorBody(
            code=code,
            message=message,
            field=field,
            issues=list(issues),
            current_version=current_version,
        )


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON error for code outside FastAPI's handlers (the ASGI middlewares)."""
    return _render(status, ErrorBody(code=code, message=message), headers)


def _render(status: int, body: ErrorBody, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body.model_dump(mode="json", exclude_defaults=True),
        status_code=status,
        headers=headers,
    )


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _render(exc.status, exc.body, exc.headers)


def _allowed_methods(request: Request) -> str:
    """Every method the path answers to. Starlette's own 405 names only those of the
    first route that matched the path, and a path may have several (GET and POST)."""
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        if context.path and compile_path(context.path)[0].match(request.url.path):
            methods |= context.methods or set()
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return _render(exc.status_code, ErrorBody(code=code, message=message), headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    field = _location(first.get("loc", ()))
    messages = [f"{_location(e.get('loc', ()))}: {e.get('msg', '')}" for e in errors[:5]]
    body = ErrorBody(code="invalid_request", message="; ".join(messages), field=field or None)
    return _render(422, body)


async def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
    # Starlette re-raises the exception after this response, and uvicorn logs it.
    return _render(500, ErrorBody(code="internal_error", message="internal server error"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)


# Failures any route can answer, documented once for all (see app.py).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Host header not accepted"},
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token (when auth is on)"},
    403: {"model": ErrorBody, "description": "Origin not accepted"},
    413: {"model": ErrorBody, "description": "Request body over the limit"},
    422: {"model": ErrorBody, "description": "Invalid request or document"},
}
