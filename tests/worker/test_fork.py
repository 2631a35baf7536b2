"""Fork: a new run from a run's checkpoint, with edited settings, trained by a real
worker process against a real server; and what a fork request gets wrong, located."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import torch
from safetensors.torch import load

from tests.server.conftest import LiveServer
from tests.server.test_faults import served_with_workers
from tests.worker.harness import Api, moons_document, serving, wait_for

TINY_LR = 1e-12
"""So small that a fork's weights stay its start weights to float32 precision."""


@dataclass
class Trained:
    """A server, one real worker, and a run of it that finished."""

    live: LiveServer
    client: httpx.Client
    api: Api
    source: str


@contextmanager
def _trained(tmp_path: Path, document: dict[str, Any], **config: Any) -> Iterator[Trained]:
    with served_with_workers(tmp_path) as (live, client, api, start):
        start("w1")
        source = api.create(document, **config)
        api.wait_status(source, "finished")
        yield Trained(live, client, api, source)


def _status_messages(api: Api, run_id: str) -> list[str]:
    return [str(e["message"]) for e in api.events(run_id, types="status")]


def test_fork_starts_from_the_checkpoint_weights_with_edited_settings(tmp_path: Path) -> None:
    # The source run changes a setting by override: a fork inherits the run's
    # configuration, not its document's training section.
    document = moons_document(epochs=4, checkpoint_every=10)
    with _trained(tmp_path, document, batch_size=32) as trained:
        client, api, source = trained.client, trained.api, trained.source
        finished = api.run(source)
        assert finished["device"] == "cpu"  # where its attempt trained
        assert finished["fork"] is None

        kept = client.get(f"/api/runs/{source}/checkpoints").json()
        assert kept, "a finished run keeps checkpoints"
        assert [c["step"] for c in kept] == sorted((c["step"] for c in kept), reverse=True)
        latest = kept[0]
        download = client.get(f"/api/runs/{source}/checkpoint")  # the latest's weights
        assert download.headers["X-LayerLab-Checkpoint"] == latest["name"]
        start_weights = load(download.content)

        response = client.post(
            "/api/runs",
            json={"fork": {"run": source}, "config": {"lr": TINY_LR, "epochs": 1}},
        )
        assert response.status_code == 201, response.text
        fork = response.json()
        assert fork["fork"] == {"run": source, "checkpoint": latest["name"], "step": latest["step"]}
        assert fork["config"]["lr"] == TINY_LR and fork["config"]["epochs"] == 1
        assert fork["config"]["batch_size"] == 32  # the source run's, not the document's 16
        assert fork["document"] == api.run(source)["document"]

        # Deleting the source does not take the fork's start away.
        assert client.delete(f"/api/runs/{source}").status_code == 204
        done = api.wait_status(fork["id"], "finished")
        assert done["device"] == "cpu"
        assert done["fork"]["run"] == source  # history outlives the source
        messages = _status_messages(api, fork["id"])
        assert any(f"forked from run {source}" in m and latest["name"] in m for m in messages)

        ended = api.weights(fork["id"])
        assert ended.keys() == start_weights.keys()
        for name, tensor in start_weights.items():
            torch.testing.assert_close(ended[name], tensor, rtol=0, atol=1e-6, msg=name)

        # The fork counts its own steps from 0: one epoch of 320 training points at
        # batch 32 is 10 steps (the source ended at step 40).
        steps = [e["step"] for e in api.events(fork["id"], types="metrics")]
        assert latest["step"] == 40 and max(steps) == 320 // 32


def test_a_fork_from_an_older_checkpoint_learns_on_from_there(tmp_path: Path) -> None:
    """A fork of a chosen (not latest) checkpoint with a working learning rate: its first
    losses are the trained network's, far below a fresh network's."""
    with _trained(tmp_path, moons_document(epochs=6, checkpoint_every=25)) as trained:
        client, api, source = trained.client, trained.api, trained.source
        kept = client.get(f"/api/runs/{source}/checkpoints").json()
        assert len(kept) >= 2
        older = kept[1]
        response = client.post(
            "/api/runs",
            json={
                "fork": {"run": source, "checkpoint": older["name"]},
                "config": {"epochs": 2, "optimizer": "sgd", "lr": 0.05},
            },
        )
        assert response.status_code == 201, response.text
        fork = response.json()
        assert fork["fork"]["checkpoint"] == older["name"]
        assert fork["fork"]["step"] == older["step"]
        api.wait_status(fork["id"], "finished")

        def losses(run_id: str) -> list[float]:
            return [
                float(e["values"]["train/loss"])
                for e in api.events(run_id, types="metrics")
                if "train/loss" in e["values"]
            ]

        fresh = losses(source)
        forked = losses(fork["id"])
        assert forked[0] < 0.6 * fresh[0], (forked[:3], fresh[:3])


def _error(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return body


def test_fork_requests_that_cannot_be_met_say_what_and_where(tmp_path: Path) -> None:
    with serving(tmp_path) as live:
        client = httpx.Client(base_url=live.url, timeout=30)
        api = Api(client)
        # No worker: this run stays queued, without checkpoints.
        queued = api.create(moons_document())
        assert client.get(f"/api/runs/{queued}/checkpoints").json() == []
        assert api.run(queued)["device"] is None

        missing = client.post("/api/runs", json={"fork": {"run": "r_000000000000"}})
        assert missing.status_code == 404
        assert _error(missing)["field"] == "body.fork.run"

        none_yet = client.post("/api/runs", json={"fork": {"run": queued}})
        assert none_yet.status_code == 404
        assert _error(none_yet)["code"] == "no_checkpoint"
        assert "none yet" in _error(none_yet)["message"]

        both = client.post(
            "/api/runs", json={"fork": {"run": queued}, "document": moons_document()}
        )
        assert both.status_code == 422
        assert "one of" in _error(both)["message"]

        bad_name = client.post(
            "/api/runs", json={"fork": {"run": queued, "checkpoint": "../../etc"}}
        )
        assert bad_name.status_code == 422
        assert "checkpoint" in str(_error(bad_name).get("field"))

        listed = client.get("/api/runs").json()["items"]
        assert [r["id"] for r in listed] == [queued]  # nothing was queued by the refusals
        assert client.get("/api/runs/r_000000000000/checkpoints").status_code == 404


def test_invalid_fork_settings_are_refused_before_anything_is_copied(tmp_path: Path) -> None:
    with _trained(tmp_path, moons_document(epochs=1, checkpoint_every=10)) as trained:
        client, source = trained.client, trained.source
        response = client.post("/api/runs", json={"fork": {"run": source}, "config": {"lr": -1}})
        assert response.status_code == 422
        assert _error(response)["code"] == "invalid_config"
        assert "lr" in _error(response)["message"]
        root = trained.live.settings.checkpoints
        assert sorted(p.name for p in root.iterdir()) == [source]  # no half-made fork

        # A checkpoint whose files are gone (pruned meanwhile, or deleted by hand).
        latest = client.get(f"/api/runs/{source}/checkpoints").json()[0]["name"]
        [weights] = (root / source).rglob(f"{latest}.weights.safetensors")
        weights.unlink()
        gone = client.post("/api/runs", json={"fork": {"run": source, "checkpoint": latest}})
        assert gone.status_code == 409 and _error(gone)["code"] == "checkpoint_gone"
        assert _error(gone)["field"] == "body.fork.checkpoint"
        assert sorted(p.name for p in root.iterdir()) == [source]
        wait_for(lambda: len(client.get("/api/runs").json()["items"]) == 1, 5, "one run")
