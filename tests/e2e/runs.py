"""What the run-dashboard browser tests share: a server with one local worker, runs
queued over REST with short configs, and the stored events (the oracle) read back."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.server import ROOT, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

PRESET = ROOT / "graphs" / "mlp_playground.json"


def moons_document(**training: Any) -> dict[str, Any]:
    """The two-moons MLP preset, its training section overridden."""
    doc: dict[str, Any] = json.loads(PRESET.read_text())
    doc["training"] = {**doc["training"], "device": "cpu", **training}
    return doc


class Rest:
    """The server's REST API, as the tests' oracle."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def create(self, document: dict[str, Any], **config: Any) -> str:
        return str(self.call("POST", "/api/runs", {"document": document, "config": config})["id"])

    def run(self, run_id: str) -> dict[str, Any]:
        record: dict[str, Any] = self.call("GET", f"/api/runs/{run_id}")
        return record

    def wait(self, run_id: str, statuses: tuple[str, ...], timeout: float = 90.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            record = self.run(run_id)
            if record["status"] in statuses:
                return record
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} is {record['status']}, not {statuses}")
            time.sleep(0.2)  # polling with a deadline

    def events(self, run_id: str, types: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        since = 0
        while True:
            query = f"?since={since}&limit=5000" + (f"&types={types}" if types else "")
            page = self.call("GET", f"/api/runs/{run_id}/events{query}")
            found += page["events"]
            since = page["next_since"]
            if not page["more"]:
                return found

    def loss_points(self, run_id: str) -> int:
        """How many training-loss points the stored events hold: what the chart must draw."""
        return sum("train/loss" in e["values"] for e in self.events(run_id, "metrics"))


def loss_points(page: Page) -> int:
    value = page.get_by_test_id("loss-chart").get_attribute("data-points")
    return int(value or 0)


def expect_points_at_least(page: Page, count: int, timeout: float = 30_000) -> None:
    """Until the loss chart draws at least `count` points."""
    page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=loss-chart]')?.dataset.points ?? 0) >= n",
        arg=count,
        timeout=timeout,
    )


def expect_status(page: Page, status: str, timeout: float = 60_000) -> None:
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", status, timeout=timeout
    )


def screenshot(page: Page, name: str) -> Path:
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
