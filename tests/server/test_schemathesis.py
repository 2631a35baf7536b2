"""Every operation of the OpenAPI schema fuzzed by schemathesis against a live server:
never a 5xx, every response matches the schema (status, content type, body), every
request the schema refuses is refused (`negative_data_rejection`), and every request
it admits is accepted (`positive_data_acceptance`), so that the schema and the server
cannot drift apart unnoticed.

One exception, stated: a schema-valid document may still be a graph that cannot be
exported or trained (errors, no parameters, an unknown dataset), and a schema-valid
upload a file that does not parse, which no JSON schema can say. On those routes a
schema-valid request may get a 422 for such a reason, never for being malformed
(`invalid_request`, `invalid_document`).

Bounded and repeatable: a few examples per operation, derandomized. The schema is
built from the app at import (schemathesis parametrizes at collection time; its
fixture-based lazy loader does not run on this pytest), and a test checks that the
live server serves that same schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import schemathesis
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from layerlab.server.app import create_app
from tests.server.conftest import LiveServer, make_settings

MAX_EXAMPLES = 10

APP = create_app(make_settings(Path("unused-data-dir")))
OPENAPI = APP.openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)

SEMANTIC = {
    ("POST", "/api/export"),
    ("POST", "/api/runs"),
    ("POST", "/api/datasets"),
    ("POST", "/api/sweeps"),
}
"""Operations whose schema-valid requests may still be refused for what the graph or the
file is (or, for a sweep, whether its space fits the graph)."""
MALFORMED = {"invalid_request", "invalid_document"}
"""Codes that say a request is malformed: never the answer to a schema-valid one."""


def schema_valid_requests_are_not_malformed(ctx: Any, response: Any, case: Any) -> None:
    """`positive_data_acceptance` for SEMANTIC operations: a 422 must name a reason the
    schema cannot state."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return
    code = response.json().get("code")
    assert code not in MALFORMED, f"a schema-valid request was refused as {code}: {response.text}"


def test_the_live_server_serves_the_fuzzed_schema(sqlite_server: LiveServer) -> None:
    with httpx.Client(base_url=sqlite_server.url) as client:
        assert client.get("/api/openapi.json").json() == OPENAPI


def test_every_api_route_is_in_the_fuzzed_schema() -> None:
    """Fuzzing covers the schema's operations; this makes sure no route hides from it."""
    routes = {
        (method.lower(), context.path)
        for context in iter_route_contexts(APP.routes)
        if isinstance(context.original_route, APIRoute)
        and context.path
        and context.path.startswith("/api/")
        for method in context.methods or ()
    }
    published = {(method, path) for path, item in OPENAPI["paths"].items() for method in item}
    assert len(routes) > 30 and routes <= published, routes - published
    assert {("post", "/api/datasets"), ("get", "/api/datasets/{dataset_id}")} <= published


UPLOAD = {"method": "POST", "path": "/api/datasets"}
UPLOAD_EXAMPLES = 8
"""Each upload is parsed in a child process (~2 s here, even for a file it refuses):
fewer examples keep this test short."""


@schema.exclude(**UPLOAD).parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any, sqlite_server: LiveServer) -> None:
    body = case.body
    if (
        case.operation.path == "/api/export"
        and isinstance(body, dict)
        and body.get("format") == "onnx"
    ):
        # ONNX takes ~15 s per export; the route runs the same code for every format.
        body["format"] = "python"
    _call_and_validate(case, sqlite_server)


@schema.include(**UPLOAD).parametrize()
@settings(
    max_examples=UPLOAD_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],  # the explicit phase adds one parsed upload per `kind`
    suppress_health_check=list(HealthCheck),
)
def test_upload(case: Any, sqlite_server: LiveServer) -> None:
    _call_and_validate(case, sqlite_server)


def _call_and_validate(case: Any, server: LiveServer) -> None:
    semantic = (case.operation.method.upper(), case.operation.path) in SEMANTIC
    case.call_and_validate(
        base_url=server.url,
        excluded_checks=[positive_data_acceptance] if semantic else [],
        checks=[schema_valid_requests_are_not_malformed] if semantic else [],
    )
