"""Saved graphs: CRUD, versions, optimistic concurrency (409, nothing lost)."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.server.conftest import LiveServer, lenet


def renamed(name: str) -> dict[str, Any]:
    document = lenet()
    document["name"] = name
    return document


def create(client: httpx.Client, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/graphs", json=document)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_get_list_update_delete(client: httpx.Client) -> None:
    created = create(client, renamed("crud"))
    graph_id = created["id"]
    assert created["version"] == 1 and created["name"] == "crud"
    assert [n["id"] for n in created["document"]["nodes"]] == [n["id"] for n in lenet()["nodes"]]

    got = client.get(f"/api/graphs/{graph_id}")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json() == created

    listed = client.get("/api/graphs", params={"limit": 500}).json()
    assert graph_id in [g["id"] for g in listed["items"]]
    assert listed["total"] >= 1

    changed = renamed("crud, second")
    changed["nodes"][1]["params"]["out_channels"] = 8
    updated = client.put(f"/api/graphs/{graph_id}", json=changed, headers={"If-Match": '"1"'})
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2 and updated.headers["etag"] == '"2"'
    assert client.get(f"/api/graphs/{graph_id}").json()["document"]["nodes"][1]["params"] == {
        **lenet()["nodes"][1]["params"],
        "out_channels": 8,
    }

    assert client.delete(f"/api/graphs/{graph_id}").status_code == 204
    assert client.get(f"/api/graphs/{graph_id}").status_code == 404
    assert client.get(f"/api/graphs/{graph_id}/versions").status_code == 404
    assert client.delete(f"/api/graphs/{graph_id}").status_code == 404


def test_every_save_keeps_a_version(client: httpx.Client) -> None:
    graph_id = create(client, renamed("v1"))["id"]
    for n in range(2, 5):
        response = client.put(
            f"/api/graphs/{graph_id}", json=renamed(f"v{n}"), headers={"If-Match": str(n - 1)}
        )
        assert response.status_code == 200, response.text
    versions = client.get(f"/api/graphs/{graph_id}/versions").json()
    assert [(v["version"], v["name"]) for v in versions] == [
        (4, "v4"),
        (3, "v3"),
        (2, "v2"),
        (1, "v1"),
    ]
    assert (
        client.get(f"/api/graphs/{graph_id}/versions", params={"limit": 2, "offset": 1}).json()[0][
            "version"
        ]
        == 3
    )
    for n in range(1, 5):
        old = client.get(f"/api/graphs/{graph_id}/versions/{n}").json()
        assert old["version"] == n and old["graph_id"] == graph_id
        assert old["document"]["name"] == f"v{n}"
    missing = client.get(f"/api/graphs/{graph_id}/versions/5")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_two_tabs_stale_save_gets_409_and_nothing_is_lost(client: httpx.Client) -> None:
    graph_id = create(client, renamed("shared"))["id"]
    # Two tabs load version 1 and each edits something different.
    tab_a = client.get(f"/api/graphs/{graph_id}").json()
    tab_b = client.get(f"/api/graphs/{graph_id}").json()
    doc_a = copy.deepcopy(tab_a["document"])
    doc_a["description"] = "tab A's edit"
    doc_b = copy.deepcopy(tab_b["document"])
    doc_b["name"] = "tab B's edit"

    first = client.put(
        f"/api/graphs/{graph_id}", json=doc_a, headers={"If-Match": f'"{tab_a["version"]}"'}
    )
    assert first.status_code == 200
    stale = client.put(
        f"/api/graphs/{graph_id}", json=doc_b, headers={"If-Match": f'"{tab_b["version"]}"'}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["current_version"] == 2
    # Nothing was overwritten: the graph holds tab A's save, and both versions exist.
    current = client.get(f"/api/graphs/{graph_id}").json()
    assert current["version"] == 2 and current["document"]["description"] == "tab A's edit"
    assert [v["version"] for v in client.get(f"/api/graphs/{graph_id}/versions").json()] == [2, 1]
    # Tab B reloads, merges, and saves on top of version 2.
    merged = copy.deepcopy(current["document"])
    merged["name"] = "tab B's edit"
    again = client.put(f"/api/graphs/{graph_id}", json=merged, headers={"If-Match": '"2"'})
    assert again.status_code == 200 and again.json()["version"] == 3
    final = again.json()["document"]
    assert final["name"] == "tab B's edit" and final["description"] == "tab A's edit"


def test_concurrent_saves_on_one_version_exactly_one_wins(server: LiveServer) -> None:
    with server.client() as client:
        graph_id = create(client, renamed("race"))["id"]

    def save(i: int) -> int:
        with server.client() as c:
            response = c.put(
                f"/api/graphs/{graph_id}", json=renamed(f"racer {i}"), headers={"If-Match": "1"}
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(save, range(8)))
    assert codes == [200] + [409] * 7
    with server.client() as client:
        versions = client.get(f"/api/graphs/{graph_id}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]


def test_put_needs_if_match(client: httpx.Client) -> None:
    graph_id = create(client, renamed("precondition"))["id"]
    missing = client.put(f"/api/graphs/{graph_id}", json=renamed("x"))
    assert missing.status_code == 422 and missing.json()["field"].lower() == "header.if-match"
    for bad in ("*", "abc", '"1", "2"', "-1"):
        response = client.put(
            f"/api/graphs/{graph_id}", json=renamed("x"), headers={"If-Match": bad}
        )
        assert response.status_code == 422, bad
    assert client.get(f"/api/graphs/{graph_id}").json()["version"] == 1


def test_delete_with_if_match_refuses_a_stale_version(client: httpx.Client) -> None:
    graph_id = create(client, renamed("delete me"))["id"]
    client.put(f"/api/graphs/{graph_id}", json=renamed("newer"), headers={"If-Match": "1"})
    stale = client.delete(f"/api/graphs/{graph_id}", headers={"If-Match": "1"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert client.get(f"/api/graphs/{graph_id}").status_code == 200
    assert client.delete(f"/api/graphs/{graph_id}", headers={"If-Match": "2"}).status_code == 204


def test_a_graph_with_check_errors_can_be_saved(client: httpx.Client) -> None:
    document = renamed("work in progress")
    document["nodes"].append({"id": "loose", "type": "Linear", "params": {"out_features": 3}})
    document["nodes"].append({"id": "mystery", "type": "NoSuchLayer"})
    created = create(client, document)
    assert {n["id"] for n in created["document"]["nodes"]} >= {"loose", "mystery"}
    check = client.post("/api/check", json=created["document"]).json()
    assert not check["ok"]
    assert "mystery" in {e["node_id"] for e in check["errors"]}


def test_unknown_and_malformed_ids(client: httpx.Client) -> None:
    assert client.get("/api/graphs/g_000000000000").status_code == 404
    for bad in ("nope", "g_XYZ", "..%2f..%2fetc", "g_000000000000x"):
        response = client.get(f"/api/graphs/{bad}")
        assert response.status_code in (404, 422), bad
        assert response.json()["code"] in ("not_found", "invalid_request")
    response = client.put("/api/graphs/g_000000000000", json=lenet(), headers={"If-Match": "1"})
    assert response.status_code == 404


def test_unparseable_documents_are_refused_with_located_issues(client: httpx.Client) -> None:
    document = lenet()
    document["nodes"][1]["bogus"] = 1
    response = client.post("/api/graphs", json=document)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_document"
    assert body["issues"][0]["node_id"] == document["nodes"][1]["id"]
    assert "bogus" in body["issues"][0]["field"]
