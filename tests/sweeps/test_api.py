"""Sweeps through the REST API, on SQLite and PostgreSQL: a real server, real worker
processes, and Optuna's study in the server's own database."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import Databases
from tests.sweeps.harness import LR_SPACE, SEED, SweepApi, playground, sweep_server


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
