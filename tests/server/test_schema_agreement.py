"""Where the OpenAPI schema and the server once disagreed (found by the generated tests
of test_schemathesis.py), each case pinned: the schema says it, and the server does it.

The stricter reading won every time: booleans are not numbers, dict keys follow their
pattern, a field that may be left out is not sent as null, a required document is
required, and a path integer is plain ASCII digits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from layerlab.server.app import create_app
from tests.server.conftest import LiveServer, make_settings
from tests.worker.harness import moons_document

OPENAPI = create_app(make_settings(Path("unused-data-dir"))).openapi()
SCHEMAS = OPENAPI["components"]["schemas"]


def _with_node(**fields: Any) -> dict[str, Any]:
    document = moons_document()
    document["nodes"][0].update(fields)
    return document


def _block(params: dict[str, Any]) -> dict[str, Any]:
    body = [
        {"id": "x", "type": "Input"},
        {"id": "act", "type": "ReLU"},
        {"id": "y", "type": "Output"},
    ]
    edges = [{"source": "x", "target": "act"}, {"source": "act", "target": "y"}]
    block = {"name": "Act", "params": params, "nodes": body, "edges": edges}
    return {**moons_document(), "blocks": [block]}


@pytest.mark.parametrize("path", ["/api/graphs", "/api/check"])
@pytest.mark.parametrize(
    ("name", "document", "field"),
    [
        ("position.y false", _with_node(position={"x": 0, "y": False}), "nodes.0.position.y"),
        ("position.x true", _with_node(position={"x": True, "y": 0}), "nodes.0.position.x"),
        ("position.x a string", _with_node(position={"x": "1", "y": 0}), "nodes.0.position.x"),
        ("repeat true", _with_node(repeat=True), "nodes.0.repeat"),
        ("repeat a string", _with_node(repeat="2"), "nodes.0.repeat"),
        ("block parameter key", _block({"9lives": 1}), "blocks.0.params.9lives.[key]"),
        (
            "block parameter key, a space",
            _block({"has space": 1}),
            "blocks.0.params.has space.[key]",
        ),
    ],
)
def test_documents_outside_the_schema_are_refused(
    sqlite_server: LiveServer, path: str, name: str, document: dict[str, Any], field: str
) -> None:
    with sqlite_server.client() as client:
        response = client.post(path, json=document)
    assert response.status_code == 422, (name, response.text[:300])
    assert [i["field"] for i in response.json()["issues"]] == [field], name


def test_what_the_schema_admits_is_taken(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        ints = _with_node(position={"x": 3, "y": -2.5})  # integers are numbers
        saved = client.post("/api/graphs", json=ints)
        assert saved.status_code == 201, saved.text[:300]
        assert saved.json()["document"]["nodes"][0]["position"] == {"x": 3.0, "y": -2.5}
        keyed = client.post("/api/graphs", json=_block({"width": 4, "_depth": 2}))
        assert keyed.status_code == 201, keyed.text[:300]


def test_the_schema_states_the_stricter_rules() -> None:
    position = SCHEMAS["Position"]["properties"]
    assert position["x"]["type"] == position["y"]["type"] == "number"
    keys = SCHEMAS["BlockDoc"]["properties"]["params"]
    assert keys["propertyNames"]["pattern"] == "^[A-Za-z_][A-Za-z0-9_]*$"
    assert "patternProperties" not in keys  # would let other keys through

    assert "document" in SCHEMAS["ExportRequest"]["required"]
    assert "$ref" in SCHEMAS["ExportRequest"]["properties"]["document"]  # not nullable
    create = SCHEMAS["CreateRun"]
    assert create["oneOf"] == [{"required": [s]} for s in ("document", "graph_id", "fork")]
    assert create["dependentRequired"] == {"graph_version": ["graph_id"]}
    for name in ("document", "graph_id", "graph_version", "fork"):
        assert "null" not in str(create["properties"][name]), name
        assert "default" not in create["properties"][name], name

    graph = OPENAPI["paths"]["/api/graphs/{graph_id}"]
    if_match = next(p for p in graph["delete"]["parameters"] if p["name"] == "If-Match")
    assert not if_match["required"] and if_match["schema"]["type"] == "string"
    assert "anyOf" not in if_match["schema"]
    version = OPENAPI["paths"]["/api/graphs/{graph_id}/versions/{version}"]["get"]
    bounds = next(p for p in version["parameters"] if p["name"] == "version")["schema"]
    assert (bounds["type"], bounds["minimum"], bounds["maximum"]) == ("integer", 1, 2**31 - 1)


def test_if_match_null_is_refused(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        graph = client.post("/api/graphs", json=moons_document()).json()
        url = f"/api/graphs/{graph['id']}"
        for value in ("null", "", "3x"):
            refused = client.delete(url, headers={"If-Match": value})
            assert refused.status_code == 422, (value, refused.text)
            assert refused.json()["field"] == "header.If-Match"
        assert client.get(url).status_code == 200  # not deleted
        assert client.delete(url, headers={"If-Match": '"1"'}).status_code == 204


def test_a_null_document_is_refused_on_export_and_runs(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        export = client.post("/api/export", json={"document": None, "format": "python"})
        assert export.status_code == 422 and export.json()["field"] == "body.document"
        graph = client.post("/api/graphs", json=moons_document()).json()
        for body, field in [
            ({"document": None}, "body.document"),
            ({"document": None, "graph_id": graph["id"]}, "body.document"),
            ({"graph_id": None, "document": moons_document()}, "body.graph_id"),
            ({"graph_id": graph["id"], "graph_version": None}, "body.graph_version"),
            ({"fork": None, "graph_id": graph["id"]}, "body.fork"),
            ({"graph_id": graph["id"], "graph_version": True}, "body.graph_version"),
            ({"graph_id": graph["id"], "graph_version": "1"}, "body.graph_version"),
            ({"document": moons_document(), "graph_version": 1}, "body.graph_version"),
        ]:
            refused = client.post("/api/runs", json=body)
            assert refused.status_code == 422, (body.keys(), refused.text[:300])
            assert refused.json()["field"] == field, (body.keys(), refused.json())
        taken = client.post("/api/runs", json={"graph_id": graph["id"], "graph_version": 1.0})
        assert taken.status_code == 201, taken.text[:300]  # 1.0 is an integer in JSON Schema
        assert client.delete(f"/api/runs/{taken.json()['id']}").status_code == 204


@pytest.mark.parametrize("version", ["1%0A", "%201", "+1", "1_0", "1.0", "0x1", "%EF%BC%91"])
def test_path_integers_are_plain_ascii_digits(sqlite_server: LiveServer, version: str) -> None:
    with sqlite_server.client() as client:
        graph = client.post("/api/graphs", json=moons_document()).json()
        base = f"/api/graphs/{graph['id']}/versions/"
        assert client.get(base + "1").status_code == 200
        assert client.get(base + "01").status_code == 200  # digits, leading zeros and all
        refused = client.get(base + version)
        assert refused.status_code == 422, (version, refused.text)
        assert refused.json()["field"] == "path.version"
