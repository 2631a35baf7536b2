"""Sweeps through the REST API, on SQLite and PostgreSQL: a real server, real worker
processes, and Optuna's study in the server's own database."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import Databases
from tests.sweeps.harness import LR_SPACE, SEED, SweepApi, playground, sweep_server
from tests.worker.harness import WAIT, wait_for


def test_an_lr_sweep_of_the_playground_finds_a_trial_with_val_acc_095(
    backend: str, databases: Databases, tmp_path: Path
) -> None:
    with sweep_server(tmp_path, databases.new(backend)) as live, live.client() as client:
        api = SweepApi(client)
        created = api.create(
            playground(),
            space=LR_SPACE,
            objective={"metric": "val/acc", "direction": "maximize"},
            trials=8,
            parallel=2,
            seed=SEED,
        )
        assert created["status"] == "running"
        sweep = api.wait_ended(created["id"])

        assert sweep["status"] == "completed"
        trials = sweep["trial_list"]
        assert [t["number"] for t in trials] == list(range(8))
        assert all(t["status"] == "finished" and t["state"] == "complete" for t in trials)
        assert sweep["best"]["value"] >= 0.95
        best = trials[sweep["best"]["number"]]
        assert best["value"] == sweep["best"]["value"]
        assert 0.02 < best["params"]["lr"] < 0.5
        assert len(best["intermediate"]) == 8  # one value per epoch

        # Each trial is an ordinary run, tagged, of the document with its lr.
        runs = api.runs(created["id"])
        assert sorted(r["sweep"]["trial"] for r in runs) == list(range(8))
        assert {r["id"] for r in runs} == {t["run"] for t in trials}
        run = client.get(f"/api/runs/{best['run']}").json()
        assert run["config"]["lr"] == best["params"]["lr"]
        assert run["sweep"] == {"sweep": created["id"], "trial": best["number"]}

        listed = client.get("/api/sweeps").json()
        assert [s["id"] for s in listed["items"]] == [created["id"]]
        assert listed["items"][0]["counts"] == {
            "running": 0,
            "complete": 8,
            "pruned": 0,
            "failed": 0,
        }
        assert sweep["importance"] is None or set(sweep["importance"]) == {"lr"}


def test_a_deleted_trial_run_fails_its_trial_a_stopped_sweep_starts_no_more_and_a_deleted_one_takes_its_runs(
    databases: Databases, tmp_path: Path
) -> None:
    with (
        sweep_server(tmp_path, databases.new("sqlite"), workers=1) as live,
        live.client() as client,
    ):
        api = SweepApi(client)
        created = api.create(playground(epochs=30), space=LR_SPACE, trials=5, parallel=1, seed=SEED)
        sweep_id = created["id"]

        def statuses() -> list[str]:
            return [t["status"] for t in api.get(sweep_id)["trial_list"]]

        wait_for(lambda: statuses() == ["running"], WAIT, "the first trial to train")
        # A person deletes a trial's run: the trial fails (it is not trained again).
        first = api.get(sweep_id)["trial_list"][0]["run"]
        assert client.delete(f"/api/runs/{first}").status_code == 204
        wait_for(lambda: statuses() == ["failed", "running"], WAIT, "the next trial to train")
        trial = api.get(sweep_id)["trial_list"][0]
        assert (trial["message"], trial["message_key"]) == (
            "its run was deleted",
            "sweep.run_deleted",
        )

        stopping = client.post(f"/api/sweeps/{sweep_id}/stop")
        assert stopping.status_code == 200, stopping.text
        assert stopping.json()["status"] in ("stopping", "stopped")
        sweep = api.wait_ended(sweep_id)
        assert sweep["status"] == "stopped"
        deleted, trial = sweep["trial_list"]  # no trial started after the stop
        assert (deleted["state"], deleted["run"]) == ("fail", None)
        assert trial["status"] == "stopped" and trial["state"] == "fail"
        assert client.get(f"/api/runs/{trial['run']}").json()["status"] == "stopped"

        assert client.delete(f"/api/sweeps/{sweep_id}").status_code == 204
        assert client.get(f"/api/sweeps/{sweep_id}").status_code == 404
        assert client.get(f"/api/runs/{trial['run']}").status_code == 404
        assert api.runs(sweep_id) == []
        assert client.delete(f"/api/sweeps/{sweep_id}").status_code == 404


def test_a_space_that_does_not_fit_is_refused_at_its_path(
    databases: Databases, tmp_path: Path
) -> None:
    with (
        sweep_server(tmp_path, databases.new("sqlite"), workers=0) as live,
        live.client() as client,
    ):
        response = client.post(
            "/api/sweeps",
            json={
                "document": playground(),
                "space": {"nodes.fc9.params.out_features": {"int": [2, 8]}},
            },
        )
        assert response.status_code == 422
        body = response.json()
        assert (body["code"], body["field"]) == (
            "invalid_space",
            "body.space.nodes.fc9.params.out_features",
        )
        grid = client.post(
            "/api/sweeps",
            json={"document": playground(), "space": LR_SPACE, "sampler": "grid"},
        )
        assert (grid.status_code, grid.json()["field"]) == (422, "body.sampler")
        assert client.get("/api/sweeps").json()["total"] == 0
