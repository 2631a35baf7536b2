"""What the sweep tests share: the mlp_playground preset made quick and deterministic,
a REST helper for sweeps, and a server with worker processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import GRAPHS
from tests.server.conftest import LiveServer
from tests.worker.harness import WAIT, serving, wait_for, worker_processes

LR_SPACE = {"lr": {"log_uniform": [1e-5, 1.0]}}
SEED = 0
"""TPE samples its first ten trials at random: with seed 0, trial 1 tries lr 0.038 and
trial 7 lr 0.29 (both learn the moons), the others 0.0013 to 0.017."""


def playground(epochs: int = 8, **training: Any) -> dict[str, Any]:
    """The mlp_playground preset (two moons), on the CPU with a fixed seed."""
    document: dict[str, Any] = json.loads((GRAPHS / "mlp_playground.json").read_text())
    document["training"].update(epochs=epochs, device="cpu", seed=0, **training)
    return document


class SweepApi:
    def __init__(self, client: httpx.Client):
        self.client = client

    def create(self, document: dict[str, Any], **settings: Any) -> dict[str, Any]:
        response = self.client.post("/api/sweeps", json={"document": document, **settings})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def get(self, sweep_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/sweeps/{sweep_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_ended(self, sweep_id: str, timeout: float = 4 * WAIT) -> dict[str, Any]:
        def ended() -> dict[str, Any] | None:
            sweep = self.get(sweep_id)
            return sweep if sweep["status"] in ("completed", "stopped") else None

        return wait_for(ended, timeout, f"sweep {sweep_id} to end", 0.2)

    def runs(self, sweep_id: str) -> list[dict[str, Any]]:
        response = self.client.get("/api/runs", params={"sweep_id": sweep_id, "limit": 500})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def last_step(self, run_id: str) -> int:
        """The step of the run's last event (its end)."""
        page = self.client.get(
            f"/api/runs/{run_id}/events", params={"types": "status", "limit": 5000}
        )
        events = page.json()["events"]
        return int(events[-1]["step"])


@contextmanager
def sweep_server(tmp: Path, database_url: str, workers: int = 2) -> Iterator[LiveServer]:
    """A fresh server (fast timers, its own database) and `workers` worker processes."""
    with (
        serving(tmp / "server", database_url) as live,
        worker_processes(live.url, tmp / "workers") as start,
    ):
        for i in range(workers):
            start(f"worker-{i}")
        yield live
