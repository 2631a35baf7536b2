"""A run whose data never finishes loading does not hold its worker: a stop or a delete
ends it within 5 s, SIGTERM hands it back at once, and a load past the worker's time
limit fails the run naming the limit; the queue moves on each time.

A real server and real `layerlab worker` processes. The worker loads a user's file in a
child process that the fault `data_load_hang` keeps hanging (it is armed for the whole
worker, so the run queued behind uses a built-in set, which loads in-process).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from layerlab.train.data.isolated import HANG_FAULT
from layerlab.train.faults import FAULT_ENV
from tests.server.test_faults import served_with_workers, status_events
from tests.train.data.test_isolated import load_children
from tests.worker.harness import WAIT, WorkerProcess, moons_document, wait_for

TABLE = "table.csv"
PROMPT_S = 5.0
"""A stop, a delete or SIGTERM ends a load within this (RELIABILITY.md's data row)."""


def csv_document() -> dict[str, Any]:
    """The moons MLP on a user's CSV file: two features, two classes."""
    return moons_document(epochs=2, dataset="csv", dataset_options={"path": TABLE})


def write_table(folder: Path) -> None:
    """The file in a worker's data dir, which relative paths are resolved against."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [f"{i % 7 * 0.3:.1f},{i % 5 * 0.4:.1f},{'ab'[i % 2]}" for i in range(200)]
    (folder / TABLE).write_text("x1,x2,label\n" + "\n".join(rows) + "\n")


def hanging_worker(
    start: Callable[..., WorkerProcess], tmp_path: Path, name: str, *args: str
) -> WorkerProcess:
    write_table(tmp_path / "workers" / name)
    return start(name, *args, **{FAULT_ENV: HANG_FAULT})


def hangs(worker: WorkerProcess, times: int = 1) -> None:
    """Wait until the worker's load child has reached the hang `times` times in all."""
    marker = f"fault point {HANG_FAULT} reached"
    wait_for(lambda: worker.log().count(marker) >= times, WAIT, f"load {times} to hang")
    assert load_children(worker.pid)


def holds_nothing(client: httpx.Client, worker: WorkerProcess) -> bool:
    workers = {w["name"]: w for w in client.get("/api/workers").json()}
    return worker.name in workers and not workers[worker.name]["runs"]


def test_stop_and_delete_end_a_hanging_load_and_the_queue_moves_on(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (_live, client, api, start):
        first = api.create(csv_document())
        worker = hanging_worker(start, tmp_path, "loader")
        hangs(worker)
        behind = api.create(moons_document())
        asked = time.monotonic()
        assert api.control(first, "stop").status_code == 200
        stopped = api.wait_status(first, "stopped", timeout=PROMPT_S)
        assert time.monotonic() - asked < PROMPT_S
        assert (stopped["attempt"], stopped["failures"]) == (1, 0)
        assert status_events(api.events(first))[-1]["message"] == (
            "stopped while loading dataset 'csv'"
        )
        assert not load_children(worker.pid)
        api.wait_status(behind, "finished")

        doomed = api.create(csv_document())
        hangs(worker, times=2)
        after = api.create(moons_document())
        asked = time.monotonic()
        assert api.client.delete(f"/api/runs/{doomed}").status_code == 204
        wait_for(
            lambda: not load_children(worker.pid) and api.run(after)["status"] != "queued",
            PROMPT_S,
            "the deleted run's load to end and the next run to start",
        )
        assert time.monotonic() - asked < PROMPT_S
        assert api.client.get(f"/api/runs/{doomed}").status_code == 404
        api.wait_status(after, "finished")
        assert worker.alive()


def test_sigterm_during_a_load_hands_the_run_back_at_once(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (_live, client, api, start):
        run_id = api.create(csv_document())
        leaving = hanging_worker(start, tmp_path, "leaving")
        hangs(leaving)
        asked = time.monotonic()
        leaving.signal(signal.SIGTERM)
        assert leaving.wait(timeout=PROMPT_S) == 0  # its shutdown timeout is 60 s
        assert time.monotonic() - asked < PROMPT_S
        queued = api.wait_status(run_id, "queued", timeout=PROMPT_S)
        assert (queued["attempt"], queued["failures"]) == (1, 0), "no attempt lost"
        requeue = status_events(api.events(run_id))[-1]
        assert requeue["status"] == "queued" and "shutting down" in requeue["message"]

        write_table(tmp_path / "workers" / "staying")
        staying = start("staying")  # no fault: the same file loads, in a child, and trains
        finished = api.wait_status(run_id, "finished")
        assert (finished["attempt"], finished["failures"]) == (2, 0)
        statuses = [e["status"] for e in status_events(api.events(run_id))]
        # The first attempt never began training, so it never said "running".
        assert statuses == ["queued", "running", "finished"], statuses
        wait_for(lambda: holds_nothing(client, staying), WAIT, "the worker to be free")
        assert not load_children(staying.pid)


def test_a_load_past_the_time_limit_fails_the_run_and_the_next_one_trains(
    tmp_path: Path,
) -> None:
    with served_with_workers(tmp_path) as (_live, _client, api, start):
        slow = api.create(csv_document())
        behind = api.create(moons_document())
        worker = hanging_worker(start, tmp_path, "bounded", "--data-load-timeout", "4")
        failed = api.wait_status(slow, "failed")
        reason = failed["failure_reason"]
        assert reason.startswith("DataError: loading dataset 'csv' took longer than the 4 s limit")
        assert "--data-load-timeout" in reason
        assert status_events(api.events(slow))[-1]["message"] == reason
        api.wait_status(behind, "finished")
        assert not load_children(worker.pid)
