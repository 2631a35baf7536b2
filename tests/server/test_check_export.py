"""POST /api/check and POST /api/export."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import torch
from safetensors.torch import load

import layerlab
from tests.server.conftest import LiveServer, lenet


def test_check_a_valid_document(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        response = client.post("/api/check", json=lenet(), params={"batch_size": 8})
    assert response.status_code == 200
    body = response.json()
    expected = layerlab.check(lenet(), batch_size=8)
    assert body["ok"] is True and body["errors"] == []
    assert body["totals"]["params"] == expected.totals.params > 0
    assert body["totals"]["flops"] == expected.totals.flops > 0
    assert body["totals"]["batch_size"] == 8
    assert body["totals"]["memory_bytes"] == expected.totals.memory_bytes
    shapes = {n["id"]: n["outputs"] for n in body["nodes"]}
    assert [spec["shape"] for spec in shapes["conv1"].values()] == [[6, 28, 28]]


def test_check_locates_errors_per_node(sqlite_server: LiveServer) -> None:
    document = lenet()
    conv = next(n for n in document["nodes"] if n["type"] == "Conv2d")
    conv["params"]["kernel_size"] = 64  # larger than the 28x28 input
    document["nodes"].append({"id": "ghost", "type": "__import__"})
    with sqlite_server.client() as client:
        response = client.post("/api/check", json=document)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    located = {(e["node_id"], e["code"]) for e in body["errors"]}
    assert ("ghost", "unknown_type") in located
    assert conv["id"] in {e["node_id"] for e in body["errors"]}


def _export(server: LiveServer, fmt: str, **extra: Any) -> Any:
    with server.client() as client:
        return client.post("/api/export", json={"format": fmt, "document": lenet(), **extra})


def test_export_python_source(sqlite_server: LiveServer) -> None:
    response = _export(sqlite_server, "python")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text == layerlab.export_python(lenet())
    compile(response.text, "exported.py", "exec")


def test_export_safetensors_is_the_seeded_initialisation(sqlite_server: LiveServer) -> None:
    first = _export(sqlite_server, "safetensors", seed=7)
    again = _export(sqlite_server, "safetensors", seed=7)
    other = _export(sqlite_server, "safetensors", seed=8)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/octet-stream"
    tensors = load(first.content)
    torch.manual_seed(7)
    model = layerlab.build(lenet())
    assert set(tensors) == set(model.state_dict())
    for key, value in model.state_dict().items():
        assert torch.equal(tensors[key], value), key
    assert first.content == again.content
    assert first.content != other.content


@pytest.mark.slow
def test_export_onnx(sqlite_server: LiveServer) -> None:
    onnx = pytest.importorskip("onnx")
    response = _export(sqlite_server, "onnx")
    assert response.status_code == 200, response.text[:500]
    model = onnx.load_model(io.BytesIO(response.content))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == ["image"]


def test_export_refuses_graphs_with_errors_and_run_ids(sqlite_server: LiveServer) -> None:
    document = lenet()
    document["nodes"].append({"id": "ghost", "type": "NoSuchLayer"})
    with sqlite_server.client() as client:
        broken = client.post("/api/export", json={"format": "python", "document": document})
        assert broken.status_code == 422
        assert broken.json()["code"] == "graph_has_errors"
        assert "ghost" in {i["node_id"] for i in broken.json()["issues"]}

        run = client.post("/api/export", json={"format": "safetensors", "run_id": "r_0123456789ab"})
        assert run.status_code == 422 and run.json()["code"] == "runs_not_available"

        nothing = client.post("/api/export", json={"format": "python"})
        assert nothing.status_code == 422 and nothing.json()["field"] == "body.document"

        bad_format = client.post("/api/export", json={"format": "pickle", "document": lenet()})
        assert bad_format.status_code == 422 and bad_format.json()["field"] == "body.format"


def test_export_refuses_models_over_the_server_limit(sqlite_server: LiveServer) -> None:
    document = lenet()
    linear = next(n for n in document["nodes"] if n["type"] == "Linear")
    linear["params"]["out_features"] = 200_000  # ~80M parameters: over the test server's limit
    with sqlite_server.client() as client:
        response = client.post("/api/export", json={"format": "safetensors", "document": document})
    assert response.status_code == 422 and response.json()["code"] == "export_failed"


def test_a_check_in_progress_does_not_block_the_server(
    sqlite_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layerlab.server.routes import check as check_route

    started, release = threading.Event(), threading.Event()
    real_check = check_route.check

    def held_check(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(timeout=30)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(check_route, "check", held_check)
    with ThreadPoolExecutor(max_workers=1) as pool, sqlite_server.client() as client:
        pending = pool.submit(client.post, "/api/check", json=lenet())
        assert started.wait(timeout=30), "the check never started"
        with sqlite_server.client() as other:
            health = other.get("/api/health", timeout=5)
            graphs = other.get("/api/graphs", timeout=5)
        assert health.status_code == 200 and graphs.status_code == 200
        assert not pending.done()
        release.set()
        assert pending.result(timeout=30).json()["ok"] is True
