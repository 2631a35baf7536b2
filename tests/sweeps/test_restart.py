"""The server killed mid-sweep: `layerlab serve` as a real process on a fixed port and
data folder (SQLite, Optuna's study in the same file), its workers real processes that
reconnect when it comes back. Killed once at a fault point between a trial being asked
for (and sampled) and its run being queued, then with SIGKILL while trials train: every
trial ends exactly once, none is lost, none has two runs, and the sweep carries on to
its end."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import httpx

from layerlab.train.events import END_STATUSES
from layerlab.train.faults import FAULT_ENV, FAULT_EXIT_CODE
from tests.cli.serving import spawn_serve, wait_for_url
from tests.server.test_server_kill import ServeProcess
from tests.sweeps.harness import LR_SPACE, SEED, SweepApi, playground
from tests.worker.harness import WAIT, WORKER_TOKEN, free_port, wait_for, worker_processes

TRIALS = 6


class FaultyServe(ServeProcess):
    """A ServeProcess whose next start may arm a fault point."""

    fault: str | None = None

    def start(self) -> str:
        if self.fault is None:
            return super().start()
        self.output()
        self.seen.append(f"---- layerlab serve starts, {self.fault} armed ----\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAYERLAB_")}
        env.update(PYTHONUNBUFFERED="1", LAYERLAB_WORKER_TOKEN=WORKER_TOKEN)
        env[FAULT_ENV] = self.fault
        self.process, self.lines = spawn_serve(self.data, env, port=self.port)
        return wait_for_url(self.lines, self.process)


def test_a_server_killed_mid_sweep_loses_no_trial_and_runs_none_twice(tmp_path: Path) -> None:
    port = free_port()
    server = FaultyServe(tmp_path / "data", port)
    document = playground(epochs=6, batch_size=16, dataset_options={"size": 800})
    try:
        with worker_processes(server.url, tmp_path / "workers") as start:
            # 1. Dies (as kill -9 would) right after asking for trial 0, before its run.
            server.fault = "sweep_trial_asked"
            server.start()
            for i in range(2):
                start(f"worker-{i}")
            with httpx.Client(base_url=server.url, timeout=60) as client:
                response = client.post(
                    "/api/sweeps",
                    json={
                        "document": document,
                        "space": LR_SPACE,
                        "trials": TRIALS,
                        "parallel": 2,
                        "seed": SEED,
                    },
                )
                assert response.status_code == 201, response.text
                sweep_id = response.json()["id"]
            assert server.process is not None
            assert server.process.wait(WAIT) == FAULT_EXIT_CODE

            # 2. Back without the fault: trial 0 is started now; killed while trials train.
            server.fault = None
            server.start()
            with httpx.Client(base_url=server.url, timeout=60) as client:
                api = SweepApi(client)

                def under_way() -> dict[str, Any] | None:
                    sweep = api.get(sweep_id)
                    counts = sweep["counts"]
                    return sweep if counts["complete"] >= 1 and counts["running"] >= 1 else None

                before = wait_for(under_way, 2 * WAIT, "a trial done and others training", 0.1)
                assert before["trial_list"][0]["run"] is not None, "trial 0 was started"
            server.kill9()

            # 3. Back again: the sweep carries on to its end.
            server.start()
            with httpx.Client(base_url=server.url, timeout=60) as client:
                api = SweepApi(client)
                sweep = api.wait_ended(sweep_id)
                assert sweep["status"] == "completed", sweep["message"]
                trials = sweep["trial_list"]
                assert [t["number"] for t in trials] == list(range(TRIALS)), "none lost, none added"
                assert all(t["state"] == "complete" and t["status"] == "finished" for t in trials)
                for old in before["trial_list"]:
                    if old["state"] == "complete":  # told before the kill: unchanged
                        assert trials[old["number"]]["value"] == old["value"]

                runs = api.runs(sweep_id)
                assert sorted(r["sweep"]["trial"] for r in runs) == list(range(TRIALS)), (
                    "one run per trial"
                )
                assert {r["id"] for r in runs} == {t["run"] for t in trials}
                for run in runs:
                    events = client.get(
                        f"/api/runs/{run['id']}/events", params={"types": "status"}
                    ).json()["events"]
                    ends = [e["status"] for e in events if e["status"] in END_STATUSES]
                    assert ends == ["finished"], (run["id"], [e["status"] for e in events])
                    assert run["status"] == "finished"
    except BaseException:
        print(f"---- layerlab serve output ----\n{server.output()[-8000:]}")
        raise
    finally:
        if server.alive() and server.process is not None:
            server.process.send_signal(signal.SIGKILL)
        server.stop()
