"""`layerlab worker --ray local` (issue 14): a run's ranks train on a local Ray cluster
(two CPUs) behind a real server, as one process would, through a rank killed with
SIGKILL, with pause and stop reaching the ranks and no rank outliving its run."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import torch
from safetensors.torch import load_file

from layerlab.graph.document import load_document
from layerlab.train.config import parse_config
from layerlab.train.entry import train_document
from layerlab.train.events import Event
from layerlab.train.run import RunOptions
from tests.train.helpers import registry
from tests.worker.harness import (
    WAIT,
    Api,
    moons_document,
    seqs,
    serving,
    wait_for,
    worker_processes,
)

pytest.importorskip("ray", reason="Ray is not installed (pip install 'layerlab[ray]')")

EVERY_STEP = {"scalars_every": 1, "max_events_per_s": 10_000, "activations_every": 1000}
RAY_WAIT = 240.0
"""Ray starts a cluster, then a controller and two rank processes: slow on two cores."""


def rank_processes() -> list[int]:
    """Pids of Ray Train's rank processes on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if b"RayTrainWorker" in command and state != "Z":
            found.append(int(entry.name))
    return found


def step_losses(events: list[dict[str, Any]]) -> list[tuple[int, float]]:
    return [
        (e["step"], e["values"]["train/loss"])
        for e in events
        if e["type"] == "metrics" and e["values"].get("train/loss") is not None
    ]


def reference(document: dict[str, Any], folder: Path) -> tuple[dict[int, float], dict[str, Any]]:
    """The same run in this process, one rank: its loss per step and final weights."""
    events: list[Event] = []
    doc = load_document(document)
    config = parse_config({**document["training"], "processes": 1})
    data = registry("moons", **document["training"]["dataset_options"])
    result = train_document(
        doc, config, data=data, options=RunOptions(sink=events.append, checkpoint_dir=folder)
    )
    assert result.status == "finished" and result.checkpoint is not None
    losses = {
        e.step: float(e.values["train/loss"])  # type: ignore[attr-defined]
        for e in events
        if e.type == "metrics" and e.values.get("train/loss") is not None  # type: ignore[attr-defined]
    }
    return losses, load_file(result.checkpoint / "model.safetensors")


@contextmanager
def ray_worker(tmp_path: Path) -> Iterator[tuple[httpx.Client, Api]]:
    """A server and one `layerlab worker --ray local` on a two-CPU cluster, connected."""
    with (
        serving(tmp_path / "server") as live,
        worker_processes(live.url, tmp_path) as start,
        httpx.Client(base_url=live.url, timeout=60) as client,
    ):
        start("ray", "--ray", "local", "--ray-cpus", "2")
        wait_for(lambda: client.get("/api/workers").json(), RAY_WAIT, "the Ray worker")
        yield client, Api(client)


def test_ranks_on_ray_train_as_one_process_through_a_killed_rank(tmp_path: Path) -> None:
    document = moons_document(
        epochs=30, size=400, checkpoint_every=20, processes=2, telemetry=EVERY_STEP
    )
    expected_losses, expected_weights = reference(document, tmp_path / "reference")
    with ray_worker(tmp_path) as (client, api):
        worker = client.get("/api/workers").json()[0]
        assert worker["processes"] == 2 and worker["cpus"] == 2, worker
        run_id = api.create(document)

        # Past the second checkpoint, one rank dies.
        wait_for(
            lambda: any(s >= 50 for s, _ in step_losses(api.events(run_id, types="metrics"))),
            RAY_WAIT,
            "step 50",
        )
        victims = wait_for(rank_processes, WAIT, "the rank processes")
        os.kill(victims[-1], signal.SIGKILL)

        run = api.wait_status(run_id, ("finished", "failed"), timeout=RAY_WAIT)
        events = api.events(run_id)
        said = [e.get("message") for e in events if e["type"] in ("log", "status")]
        assert run["status"] == "finished", "\n".join(str(m) for m in said)
        assert (run["attempt"], run["failures"]) == (1, 1)  # the restart counts as a loss
        assert seqs(events) == list(range(1, len(events) + 1))  # gapless, no duplicate seq
        messages = " ".join(e.get("message", "") for e in events if e["type"] == "log")
        assert "Ray restarted the rank group" in messages
        losses = step_losses(events)
        steps = [s for s, _ in losses]
        assert set(steps) == set(expected_losses)
        assert len(steps) - len(set(steps)) <= 20  # at most one checkpoint interval redone
        for step, loss in losses:
            assert loss == pytest.approx(expected_losses[step], abs=1e-5), step
        weights = api.weights(run_id)
        assert weights.keys() == expected_weights.keys()
        for name, value in expected_weights.items():
            torch.testing.assert_close(weights[name], value, atol=1e-5, rtol=0)
        wait_for(lambda: not rank_processes(), WAIT, "the rank processes to end")


def test_pause_and_stop_reach_the_ray_ranks_and_deletion_leaves_none(tmp_path: Path) -> None:
    document = moons_document(epochs=100_000, checkpoint_every=50, processes=2)
    with ray_worker(tmp_path) as (client, api):
        run_id = api.create(document)
        api.wait_status(run_id, "running", timeout=RAY_WAIT)
        wait_for(lambda: api.events(run_id, types="metrics"), RAY_WAIT, "the first metrics")

        asked = time.monotonic()
        assert api.control(run_id, "pause").status_code in (200, 202)
        api.wait_status(run_id, "paused", timeout=WAIT)
        pause_s = time.monotonic() - asked
        assert pause_s < 2.0, f"pause took {pause_s:.2f} s"
        last_step = max(e["step"] for e in api.events(run_id, types="metrics"))
        assert api.control(run_id, "resume").status_code in (200, 202)
        wait_for(
            lambda: max(e["step"] for e in api.events(run_id, types="metrics")) > last_step,
            WAIT,
            "training to go on",
        )

        asked = time.monotonic()
        assert api.control(run_id, "stop").status_code in (200, 202)
        api.wait_status(run_id, "stopped", timeout=WAIT)
        stop_s = time.monotonic() - asked
        assert stop_s < 2.0, f"stop took {stop_s:.2f} s"
        wait_for(lambda: not rank_processes(), WAIT, "the rank processes to end")

        # A run deleted while it trains: the worker loses its lease; Ray's job goes.
        second = api.create(document)
        wait_for(lambda: api.events(second, types="metrics"), RAY_WAIT, "the second run")
        assert rank_processes()
        assert client.delete(f"/api/runs/{second}").status_code in (200, 204)
        wait_for(lambda: not rank_processes(), WAIT, "the deleted run's ranks to end")
