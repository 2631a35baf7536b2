"""Dependencies shared by the routes: the app's state (settings, database, hub,
scheduler; the one place that reads `app.state`), a database session, safely parsed
JSON bodies and graph documents, and a bounded pool for CPU-bound work.

Request bodies are parsed here, never by FastAPI's default JSON reader: the core's
`parse_json` refuses NaN/Infinity, oversized and deeply nested input, and
`load_document` reports every problem with its location.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from layerlab.graph.document import GraphDocument, load_document, parse_json
from layerlab.graph.errors import Code, GraphError, GraphIssue
from layerlab.server.errors import ApiError
from layerlab.server.settings import Settings
from layerlab.server.viewers.hub import Hub
from layerlab.server.workers.scheduler import Scheduler
from layerlab.store.db import Database

if TYPE_CHECKING:  # the runner's modules import this one
    from layerlab.server.sweeps.runner import SweepRunner

T = TypeVar("T")

# The app's state, for requests and websockets alike (both are HTTPConnections).


def get_settings(connection: HTTPConnection) -> Settings:
    return cast(Settings, connection.app.state.settings)


def get_database(connection: HTTPConnection) -> Database:
    return cast(Database, connection.app.state.database)


def get_hub(connection: HTTPConnection) -> Hub:
    return cast(Hub, connection.app.state.hub)


def get_scheduler(connection: HTTPConnection) -> Scheduler:
    return cast(Scheduler, connection.app.state.scheduler)


def get_sweeps(connection: HTTPConnection) -> SweepRunner:
    """The sweep runner (routes/sweeps.py declares its dependency type)."""
    return cast("SweepRunner", connection.app.state.sweeps)


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
HubDep = Annotated[Hub, Depends(get_hub)]
SchedulerDep = Annotated[Scheduler, Depends(get_scheduler)]
SessionDep = Annotated[Session, Depends(get_session)]


async def run_cpu(request: Request, func: Callable[[], T]) -> T:
    """Run CPU-bound work in a thread, at most `settings.cpu_slots` at a time, so the
    event loop keeps answering while a large document is checked or exported."""
    limiter: CapacityLimiter = request.app.state.cpu_limiter
    return await anyio.to_thread.run_sync(func, limiter=limiter)


def invalid_document(issues: list[GraphIssue]) -> ApiError:
    first = issues[0].message if issues else "invalid document"
    code = issues[0].code if issues else Code.INVALID_DOCUMENT
    return ApiError(422, str(code), first, field="body", issues=issues)


def _refuse_lone_surrogates(value: Any) -> None:
    # JSON may escape half of a UTF-16 pair ("\ud800"); such a string cannot be
    # written as UTF-8 (responses) or stored (PostgreSQL), so it is refused here.
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise GraphError(
            [GraphIssue(code=Code.INVALID_DOCUMENT, key="document.lone_surrogate", params={})]
        ) from None


def _check_content_type(request: Request) -> None:
    kind = request.headers.get("content-type")
    if kind is None:
        return
    main = kind.split(";", 1)[0].strip().lower()
    if main != "application/json" and not main.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")


async def json_body(request: Request, settings: SettingsDep) -> Any:
    """The request's JSON body, parsed safely (off the event loop)."""
    _check_content_type(request)
    body = await request.body()
    if not body:
        raise ApiError(422, "invalid_request", "the request needs a JSON body", field="body")

    def parse() -> Any:
        value = parse_json(body, settings.limits)
        _refuse_lone_surrogates(value)
        return value

    try:
        return await run_cpu(request, parse)
    except GraphError as exc:
        raise invalid_document(exc.issues) from None


def validate_document(raw: Any, settings: Settings) -> GraphDocument:
    try:
        return load_document(raw, settings.limits)
    except GraphError as exc:
        raise invalid_document(exc.issues) from None


async def document_body(
    request: Request, settings: SettingsDep, raw: Annotated[Any, Depends(json_body)]
) -> GraphDocument:
    """The request body as a graph document; 422 with every issue, located, if it is not one."""
    return await run_cpu(request, lambda: validate_document(raw, settings))


DocumentBody = Annotated[GraphDocument, Depends(document_body)]
JsonBody = Annotated[Any, Depends(json_body)]


M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], raw: Any) -> M:
    """`raw` (parsed JSON) as `model`; 422 naming the first field at fault."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        field = ".".join(["body", *(str(p) for p in errors[0]["loc"])])
        messages = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in errors[:5]
        )
        raise ApiError(422, "invalid_request", messages, field=field) from None
