"""POST /api/import/onnx: an ONNX file becomes a document and weights kept on the
server, or the located list of operators it refuses; GET /api/import/weights/{id}."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
import torch
from safetensors.torch import load

import layerlab
from tests.imports.onnx_files import conv_bn_net, unsupported_net
from tests.server.conftest import LiveServer, live_server, make_settings

ONNX_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("imports"), max_onnx_bytes=ONNX_LIMIT)
    with live_server(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def test_an_onnx_file_imports_with_its_weights_kept(client: httpx.Client) -> None:
    response = client.post("/api/import/onnx", files={"file": ("Mine.onnx", conv_bn_net())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and body["unsupported"] == []
    document = layerlab.load_graph(body["document"])
    assert document.name == "Mine"
    assert layerlab.check(document).ok
    weights = client.get(f"/api/import/weights/{body['weights_id']}")
    assert weights.status_code == 200
    tensors = load(weights.content)
    assert len(tensors) == body["tensors"]
    model = layerlab.build(document)
    model.load_state_dict(tensors)
    assert torch.isfinite(model(torch.randn(2, 3, 8, 8))).all()
    # The same file again: the same weights id (named by the file's hash).
    again = client.post("/api/import/onnx", files={"file": ("net.onnx", conv_bn_net())})
    assert again.json()["weights_id"] == body["weights_id"]


def test_unsupported_operators_come_back_located(client: httpx.Client) -> None:
    body = client.post("/api/import/onnx", files={"file": ("u.onnx", unsupported_net())}).json()
    assert body["ok"] is False and body["document"] is None and body["weights_id"] is None
    assert [(u["call"], u["where"]) for u in body["unsupported"]] == [
        ("Erf", "node 1 'erf'"),
        ("Pad", "node 2 'pad'"),
    ]


def test_bytes_that_are_not_onnx_are_refused(client: httpx.Client) -> None:
    body = client.post("/api/import/onnx", files={"file": ("x.onnx", b"\x01\x02junk")}).json()
    assert body["ok"] is False
    assert "not an ONNX model" in body["unsupported"][0]["reason"]


def test_form_problems_are_4xx(client: httpx.Client) -> None:
    assert client.post("/api/import/onnx", json={"file": "x"}).status_code == 415
    missing = client.post("/api/import/onnx", files={"other": ("a", b"x")})
    assert (missing.status_code, missing.json()["field"]) == (422, "body.file")
    big = client.post(
        "/api/import/onnx", files={"file": ("big.onnx", io.BytesIO(b"0" * (2 * ONNX_LIMIT)))}
    )
    assert big.status_code == 413
    assert client.get("/api/import/weights/onnx_0123456789abcdef").status_code == 404
    assert client.get("/api/import/weights/..%2Fsecrets").status_code in (404, 422)
