"""`layerlab serve --workers 1` as a person runs it: the server starts its own worker
process, which trains a run that a websocket viewer watches live to the end."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.cli.serving import interrupt, spawn_serve, wait_for_url
from tests.worker.harness import WAIT, Api, Viewer, finished_status, moons_document, wait_for


def _local_workers(folder: Path) -> list[int]:
    """Pids of live processes whose command line names `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if str(folder) in command and "worker" in command and state != "Z":
            found.append(int(entry.name))
    return found


def test_serve_starts_a_local_worker_that_trains_a_watched_run(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("LAYERLAB_DATABASE_URL", "LAYERLAB_TOKEN", "LAYERLAB_WORKER_TOKEN"):
        env.pop(name, None)
    data = tmp_path / "data"
    process, lines = spawn_serve(data, env, workers=1)
    try:
        url = wait_for_url(lines, process)
        with httpx.Client(base_url=url, timeout=60) as client:
            api = Api(client)
            wait_for(lambda: client.get("/api/workers").json(), WAIT, "the local worker")
            assert [w["name"] for w in client.get("/api/workers").json()] == ["local-0"]
            run_id = api.create(moons_document(epochs=8, checkpoint_every=None))
            viewer = Viewer.open(url, run_id)
            viewer.read_until(finished_status)
            viewer.close()
            assert api.wait_status(run_id, "finished")["attempt"] == 1
            assert viewer.events == api.events(run_id)
            losses = [
                e["values"]["train/loss"]
                for e in viewer.events
                if e["type"] == "metrics" and "train/loss" in e["values"]
            ]
            assert len(losses) >= 6
            assert sum(losses[-3:]) < 0.7 * sum(losses[:3]), losses
            assert api.weights(run_id)  # the final weights are kept
        assert _local_workers(data)
    finally:
        code = interrupt(process, timeout=60)
    assert code == 0
    wait_for(lambda: not _local_workers(data), 30, "the local worker to exit with the server")
