"""A run that starts from imported weights (issue 18): an ONNX file imported over the API
becomes a document and kept weights; `start_weights` on POST /api/runs trains that
document from them, on a real worker. The run keeps its own copy (the import may go),
and weights that do not fit the graph, or an unknown id, are refused at once, located."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
from safetensors.torch import load as load_safetensors

from layerlab.server.importing import weights_path
from tests.imports.onnx_files import exported_preset
from tests.worker.harness import Api, same_weights, serving, worker_processes

# A learning rate so small that a step moves no weight past float32's resolution here:
# the run's last weights are its first ones, so they show where it started.
STILL = {"epochs": 1, "optimizer": "sgd", "lr": 1e-12, "momentum": 0.0, "weight_decay": 0.0}


def _imported(client: httpx.Client, tmp_path: Path) -> tuple[dict[str, Any], str]:
    onnx_bytes, _model = exported_preset("mlp_playground", tmp_path)
    body = client.post("/api/import/onnx", files={"file": ("mlp.onnx", onnx_bytes)}).json()
    assert body["ok"], body["unsupported"]
    document = body["document"]
    document["training"] = {"task": "classification", "dataset": "moons", "batch_size": 32}
    return document, str(body["weights_id"])


def test_a_run_trains_an_imported_model_from_its_imported_weights(tmp_path: Path) -> None:
    with (
        serving(tmp_path) as live,
        live.client() as client,
        worker_processes(live.url, tmp_path / "workers") as start,
    ):
        api = Api(client)
        document, weights_id = _imported(client, tmp_path)
        imported = load_safetensors(client.get(f"/api/import/weights/{weights_id}").content)

        created = client.post(
            "/api/runs",
            json={"document": document, "config": STILL, "start_weights": weights_id},
        )
        assert created.status_code == 201, created.text
        run_id = created.json()["id"]
        assert created.json()["start_weights"] == weights_id
        # The run holds its own copy: the import can go before a worker takes the run.
        kept = weights_path(live.settings.data_dir, weights_id)
        assert kept is not None
        kept.unlink()
        fresh = api.create(document, **STILL)  # the same graph, from its own random start

        start("one")
        for run in (run_id, fresh):
            assert api.wait_status(run, "finished")["status"] == "finished"
        assert same_weights(api.weights(run_id), imported, atol=1e-6)
        assert not same_weights(api.weights(fresh), imported, atol=1e-6), (
            "a run without start_weights"
        )
        notes = [e["message"] for e in api.events(run_id) if e["type"] == "status"]
        assert any(f"starts from the imported weights {weights_id}" in m for m in notes), notes


def test_start_weights_that_do_not_fit_or_do_not_exist_are_refused_located(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as live, live.client() as client:
        document, weights_id = _imported(client, tmp_path)

        def create(**body: Any) -> httpx.Response:
            return client.post("/api/runs", json={"document": document, **body})

        missing = create(start_weights="onnx_" + "0" * 16)
        assert missing.status_code == 404
        assert missing.json()["field"] == "body.start_weights"

        wider = copy.deepcopy(document)
        linear = next(n for n in wider["nodes"] if n["type"] == "Linear")
        linear["params"]["out_features"] += 1
        mismatch = client.post("/api/runs", json={"document": wider, "start_weights": weights_id})
        assert mismatch.status_code == 422, mismatch.text
        error = mismatch.json()
        assert error["code"] == "weights_mismatch" and error["field"] == "body.start_weights"
        assert linear["id"] in error["message"], error["message"]

        malformed = create(start_weights="../../etc/passwd")
        assert malformed.status_code == 422
        assert malformed.json()["field"] == "body.start_weights"
        fork = {"run": "r_" + "0" * 12, "checkpoint": "step-00000010"}
        forked = client.post("/api/runs", json={"fork": fork, "start_weights": weights_id})
        assert forked.status_code == 422 and forked.json()["field"] == "body.start_weights"
        # No refusal queued a run or left start weights behind.
        assert client.get("/api/runs").json()["items"] == []
        runs_folder = live.settings.checkpoints
        assert not runs_folder.exists() or not any(runs_folder.iterdir())
