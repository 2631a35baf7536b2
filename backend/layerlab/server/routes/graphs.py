"""Saved graphs. Every save keeps a version.

Saving over a graph is optimistic: `PUT /graphs/{id}` must carry `If-Match` with the
version it was based on (as given by GET in `version` and in the `ETag` header). If
someone saved in between, the answer is 409 with `current_version` and nothing is
written; the client reloads, merges and saves again. A document with check errors is
saved all the same (work in progress); only a document that does not parse is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Header, Path, Query, Response, status

from layerlab.graph.document import GraphDocument
from layerlab.ids import GRAPH_ID_PATTERN
from layerlab.server.deps import DocumentBody, SessionDep
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.fields import PlainInt, without_null
from layerlab.server.openapi import document_request_body
from layerlab.server.schemas import (
    GraphList,
    GraphRecord,
    GraphSummary,
    VersionRecord,
    VersionSummary,
)
from layerlab.store import graphs as store
from layerlab.store.tables import GraphVersion

router = APIRouter(prefix="/graphs", tags=["graphs"])

GraphId = Annotated[str, Path(pattern=GRAPH_ID_PATTERN, description="g_ + 12 hex digits")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such graph (or version)"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorBody,
        "description": "The graph has a newer version than If-Match; see current_version",
    }
}
IF_MATCH = Header(
    alias="If-Match",
    pattern=r'^(W/)?"?[0-9]{1,12}"?$',
    description='The version this change is based on: "3" (an ETag from GET) or 3',
    json_schema_extra=without_null,  # optional on DELETE: left out, never `null`
)


def _stored(document: GraphDocument) -> dict[str, Any]:
    """The canonical form (defaults left out), naming its format and version so that a
    later LayerLab knows what to upgrade."""
    body = document.model_dump(mode="json", exclude_defaults=True)
    return {"format": document.format, "version": document.version, **body}


def _record(row: GraphVersion) -> GraphRecord:
    graph = row.graph
    return GraphRecord(
        id=graph.id,
        name=graph.name,
        version=graph.version,
        created_at=graph.created_at,
        updated_at=graph.updated_at,
        document=GraphDocument.model_validate(row.document),
    )


def _etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str) -> int:
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 12:
        raise ApiError(
            422,
            "invalid_request",
            'If-Match must name one version: "3" or 3',
            field="header.If-Match",
        )
    return int(text)


def _conflict(exc: store.VersionConflict) -> ApiError:
    return ApiError(409, "version_conflict", str(exc), current_version=exc.current)


@router.get("", response_model=GraphList, summary="Saved graphs, the most recently saved first")
def list_graphs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> GraphList:
    rows = store.list_graphs(session, limit=limit, offset=offset)
    return GraphList(
        items=[GraphSummary.model_validate(r) for r in rows], total=store.count_graphs(session)
    )


@router.post(
    "",
    response_model=GraphRecord,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=document_request_body(),
    summary="Save a new graph (version 1)",
)
def create_graph(document: DocumentBody, session: SessionDep, response: Response) -> GraphRecord:
    row = store.create_graph(session, document.name, _stored(document))
    response.headers["Location"] = f"/api/graphs/{row.graph_id}"
    response.headers["ETag"] = _etag(row.version)
    return _record(row)


@router.get(
    "/{graph_id}",
    response_model=GraphRecord,
    responses=NOT_FOUND,
    summary="A graph's newest version",
)
def get_graph(graph_id: GraphId, session: SessionDep, response: Response) -> GraphRecord:
    try:
        row = store.get_graph(session, graph_id)
    except store.NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    response.headers["ETag"] = _etag(row.version)
    return _record(row)


@router.put(
    "/{graph_id}",
    response_model=GraphRecord,
    responses={**NOT_FOUND, **CONFLICT},
    openapi_extra=document_request_body(),
    summary="Save a new version on top of the one named by If-Match",
)
def update_graph(
    graph_id: GraphId,
    document: DocumentBody,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str, IF_MATCH],
) -> GraphRecord:
    base = parse_if_match(if_match)
    try:
        row = store.update_graph(session, graph_id, base, document.name, _stored(document))
    except store.NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except store.VersionConflict as exc:
        raise _conflict(exc) from None
    response.headers["ETag"] = _etag(row.version)
    return _record(row)


@router.delete(
    "/{graph_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**NOT_FOUND, **CONFLICT},
    summary="Delete a graph and its versions (If-Match optional: only if still at that version)",
)
def delete_graph(
    graph_id: GraphId,
    session: SessionDep,
    if_match: Annotated[str | None, IF_MATCH] = None,
) -> Response:
    expected = None if if_match is None else parse_if_match(if_match)
    try:
        store.delete_graph(session, graph_id, expected)
    except store.NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except store.VersionConflict as exc:
        raise _conflict(exc) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{graph_id}/versions",
    response_model=list[VersionSummary],
    responses=NOT_FOUND,
    summary="A graph's versions, newest first",
)
def list_versions(
    graph_id: GraphId,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[VersionSummary]:
    try:
        rows = store.list_versions(session, graph_id, limit=limit, offset=offset)
    except store.NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return [VersionSummary.model_validate(r) for r in rows]


@router.get(
    "/{graph_id}/versions/{version}",
    response_model=VersionRecord,
    responses=NOT_FOUND,
    summary="One version of a graph, with its document",
)
def get_version(
    graph_id: GraphId,
    version: Annotated[int, Ge(1), Le(2**31 - 1), PlainInt, Path()],
    session: SessionDep,
) -> VersionRecord:
    try:
        row = store.get_version(session, graph_id, version)
    except store.NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return VersionRecord(
        graph_id=row.graph_id,
        version=row.version,
        name=row.name,
        created_at=row.created_at,
        document=GraphDocument.model_validate(row.document),
    )
