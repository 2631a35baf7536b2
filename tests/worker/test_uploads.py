"""A run on an uploaded file trains on any worker: the worker (its own data dir, as on
another machine) fetches the file from the server over its authenticated channel,
checks its sha256, keeps it, and trains; the upload cannot be deleted meanwhile."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from layerlab.graph.document import load_document
from layerlab.store.runs import NewRun, create_run
from layerlab.train.config import config_of
from tests.server.test_datasets_api import iris_like, tabular_document
from tests.server.test_faults import served_with_workers, status_events
from tests.worker.harness import moons_document, wait_for


def test_an_upload_trains_on_a_worker_with_its_own_data_dir(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        data = iris_like(120)
        uploaded = client.post("/api/datasets", files={"file": ("iris.csv", data)})
        assert uploaded.status_code == 201, uploaded.text
        record = uploaded.json()
        document = tabular_document(2, 2)
        document["training"].update({"epochs": 30, "batch_size": 16, "lr": 0.05})
        response = client.post("/api/runs", json={"document": document, "config": record["config"]})
        assert response.status_code == 201, response.text
        run_id = response.json()["id"]

        worker_copy = tmp_path / "workers" / "remote" / "uploads" / record["sha256"] / "data"
        server_copy = live.app.state.settings.data_dir / "uploads" / record["sha256"] / "data"
        assert server_copy.is_file() and not worker_copy.exists()
        worker = start("remote")
        api.wait_status(run_id, ("running", "finished"))
        refused = client.delete(f"/api/datasets/{record['id']}")
        if api.run(run_id)["status"] == "running":  # it may already have finished
            assert refused.status_code == 409 and refused.json()["code"] == "dataset_in_use"
        finished = api.wait_status(run_id, ("finished", "failed", "stopped"))
        assert finished["status"] == "finished", status_events(api.events(run_id))

        assert hashlib.sha256(worker_copy.read_bytes()).hexdigest() == record["sha256"]
        assert finished["dataset_used"] == "csv"
        metrics = [e for e in api.events(run_id) if e["type"] == "metrics"]
        accuracy = [e["values"]["val/acc"] for e in metrics if "val/acc" in e["values"]]
        assert accuracy and accuracy[-1] >= 0.9, accuracy
        wait_for(
            lambda: client.delete(f"/api/datasets/{record['id']}").status_code in (204, 404),
            30,
            "the finished run to release its upload",
        )
        assert worker.alive()

        # MNIST's files are absent from the worker: the run trains on its stand-in and
        # its record says so.
        response = client.post("/api/runs", json={"document": tiny_mnist()})
        assert response.status_code == 201, response.text
        stand_in = api.wait_status(response.json()["id"], "finished")
        assert stand_in["dataset_used"] == (
            "scikit-learn digits upsampled to 28x28 (stand-in for mnist)"
        )


def tiny_mnist() -> dict[str, Any]:
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": "tiny",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [1, 28, 28]}},
            {"id": "flat", "type": "Flatten"},
            {"id": "fc", "type": "Linear", "params": {"out_features": 10}},
            {"id": "y", "type": "Output"},
        ],
        "edges": [
            {"source": "x", "target": "flat"},
            {"source": "flat", "target": "fc"},
            {"source": "fc", "target": "y"},
        ],
        "training": {"task": "classification", "dataset": "mnist", "max_steps": 2},
    }


def test_a_worker_refuses_a_path_that_the_server_never_checked(tmp_path: Path) -> None:
    """Defence in depth: a run row that skipped intake (written straight into the
    database) with a path out of the worker's data dir fails there, naming the option,
    and the file beside the data dir is neither read into the run nor echoed."""
    secret = tmp_path / "workers" / "secret.csv"
    secret.parent.mkdir(parents=True)
    secret.write_text("a,b\nSECRET-41,x\nSECRET-42,y\n")
    document = moons_document(dataset="csv", dataset_options={"path": "../secret.csv"})
    config = config_of(load_document(document)).model_dump(mode="json")
    with served_with_workers(tmp_path) as (live, _client, api, start):
        with live.app.state.database.session() as session:
            run_id = create_run(
                session, NewRun(document=document, config=config, client_id="test")
            ).id
        start("careful")
        failed = api.wait_status(run_id, ("failed", "finished", "stopped"))
        assert failed["status"] == "failed"
        message = status_events(api.events(run_id))[-1]["message"]
        assert "option 'path': the path uses '..' to leave the data dir" in message
        assert "SECRET" not in str(api.events(run_id))
