"""The median pruner, on a real server with real workers: trials whose learning rate is
hopeless stop before their last epoch, end as `pruned` with their checkpoint kept, and
trained fewer steps than the trials that finished."""

from __future__ import annotations

from pathlib import Path

from layerlab.messages import render
from tests.sweeps.harness import LR_SPACE, SweepApi, playground, sweep_server

EPOCHS = 10
SEED = 101
"""TPE's first ten trials are random draws from its seed; this one's eight learning rates
are 3.8e-3 and 7.1e-3 (the two that finish first, both good), then 1.4e-5 and 7.2e-5
(hopeless), 2.7e-2, 0.15, 3.4e-4 and 0.29. Seed 0 drew none under 1e-3: whether
anything was pruned then hung on noise in the accuracies of eight good trials."""


def test_the_median_pruner_stops_hopeless_trials_early_as_pruned(tmp_path: Path) -> None:
    # 40 steps an epoch, ten epochs: a prune lands well before a trial's last epoch.
    document = playground(epochs=EPOCHS, batch_size=16, dataset_options={"size": 800})
    with sweep_server(tmp_path, "") as live, live.client() as client:
        api = SweepApi(client)
        created = api.create(
            document, space=LR_SPACE, trials=8, parallel=2, pruner="median", seed=SEED
        )
        sweep = api.wait_ended(created["id"])
        assert sweep["status"] == "completed", sweep["message"]
        trials = sweep["trial_list"]
        pruned = [t for t in trials if t["state"] == "pruned"]
        finished = [t for t in trials if t["state"] == "complete"]
        assert pruned, [(t["params"], t["intermediate"]) for t in trials]
        assert finished and len(pruned) + len(finished) == 8
        assert sweep["counts"]["pruned"] == len(pruned)

        steps = {t["number"]: api.last_step(t["run"]) for t in trials}
        full = {steps[t["number"]] for t in finished}
        assert len(full) == 1, "every finished trial trained every epoch"
        for trial in pruned:
            assert trial["status"] == "pruned"
            assert "pruned after epoch" in trial["message"]
            # The same message from the catalog, for the sweep page in the reader's language.
            key, params = trial["message_key"], trial["message_params"]
            assert key == "sweep.pruned" and render(key, params) == trial["message"]
            assert render(key, params, "zh-CN").startswith(f"第 {params['epoch']} 轮后被剪枝：")
            assert len(trial["intermediate"]) < EPOCHS
            assert steps[trial["number"]] < min(full), "a pruned trial trained fewer steps"
            run = client.get(f"/api/runs/{trial['run']}").json()
            assert run["status"] == "pruned"
            statuses = [
                e["status"]
                for e in client.get(
                    f"/api/runs/{trial['run']}/events", params={"types": "status"}
                ).json()["events"]
            ]
            assert statuses[-1] == "pruned" and "stopped" not in statuses
            kept = client.get(f"/api/runs/{trial['run']}/checkpoints").json()
            assert kept, "a pruned trial keeps its checkpoint"
        # The pruned are the hopeless: each worse at its last epoch than the best trial.
        best = sweep["best"]["value"]
        assert all(t["intermediate"][-1]["value"] < best for t in pruned)
