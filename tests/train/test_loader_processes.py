"""Loader processes of a set on disk (issue 15), seen from outside: `layerlab train` as a
real process, stopped by SIGTERM, killed by SIGKILL, or with a loader that dies or
hangs. No loader outlives its trainer; a dead loader fails the run naming its file; a
stop is not held up by a stuck loader."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layerlab.train.faults import FAULT_ENV
from tests.conftest import ROOT
from tests.train.data.fixtures import write_image_folder

GONE_WITHIN_S = 5.0


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc: each process's parent)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: set[int], within: float = GONE_WITHIN_S) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loader-processes")
    write_image_folder(folder / "shapes", 400, side=8)
    return folder


def document(folder: Path, epochs: int = 1000) -> Path:
    nodes = [
        {"id": "x", "type": "Input", "params": {"shape": [3, 8, 8]}},
        {"id": "flat", "type": "Flatten"},
        {"id": "head", "type": "Linear", "params": {"out_features": 4}},
        {"id": "out", "type": "Output"},
    ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    training = {
        "dataset": "image_folder",
        "dataset_options": {
            "path": "shapes",
            "image_size": 8,
            "storage": "disk",
            "loader_workers": 2,
        },
        "epochs": epochs,
        "batch_size": 16,
        "device": "cpu",
        "telemetry": {"scalars_every": 1, "max_events_per_s": 1000},
    }
    path = folder / "doc.json"
    path.write_text(json.dumps({"name": "t", "nodes": nodes, "edges": edges, "training": training}))
    return path


class Trainer:
    """`layerlab train --json-events` in its own process, read line by line."""

    def __init__(self, data_dir: Path, fault: str | None = None, epochs: int = 1000):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
        env.pop(FAULT_ENV, None)
        if fault:
            env[FAULT_ENV] = fault
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "layerlab.cli",
                "train",
                str(document(data_dir, epochs)),
                "--data-dir",
                str(data_dir),
                "--checkpoint-dir",
                str(data_dir / f"checkpoints-{fault or 'none'}"),
                "--json-events",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.lines: Iterator[str] = iter(self.process.stdout)

    def events(self) -> Iterator[dict[str, Any]]:
        for line in self.lines:
            if line.startswith("{"):
                yield json.loads(line)

    def wait_for(self, kind: str, **fields: Any) -> dict[str, Any]:
        for event in self.events():
            if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
                return event
        raise AssertionError(f"no {kind} event; stderr: {self.stderr()}")

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read()[-3000:]

    def loaders(self) -> set[int]:
        """The trainer's loader processes (and their fork server), once they are up."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = descendants(self.process.pid)
            if len(found) >= 3:  # the fork server and its two loader workers
                return found
            time.sleep(0.1)
        raise AssertionError(f"no loader processes appeared: {found}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def trainers() -> Iterator[list[Trainer]]:
    started: list[Trainer] = []
    yield started
    for trainer in started:
        trainer.close()


def test_sigterm_stops_the_run_and_its_loaders(data_dir: Path, trainers: list[Trainer]) -> None:
    trainer = Trainer(data_dir)
    trainers.append(trainer)
    trainer.wait_for("metrics")
    loaders = trainer.loaders()
    trainer.process.send_signal(signal.SIGTERM)
    ended = trainer.wait_for("status", status="stopped")
    assert ended["message"] == "terminated"
    assert trainer.process.wait(timeout=30) == 0
    assert wait_gone(loaders) == set()


def test_sigkill_of_the_trainer_takes_its_loaders_with_it(
    data_dir: Path, trainers: list[Trainer]
) -> None:
    trainer = Trainer(data_dir)
    trainers.append(trainer)
    trainer.wait_for("metrics")
    loaders = trainer.loaders()
    trainer.process.kill()
    trainer.process.wait()
    assert wait_gone(loaders) == set()


def test_a_loader_that_dies_fails_the_run_naming_its_file(
    data_dir: Path, trainers: list[Trainer]
) -> None:
    trainer = Trainer(data_dir, fault="loader_crash")
    trainers.append(trainer)
    started = time.monotonic()
    ended = trainer.wait_for("status", status="failed")
    assert time.monotonic() - started < 60
    message = ended["message"]
    assert "a data loader process died while reading shapes: 'class" in message, message
    assert "exited unexpectedly" in message
    assert trainer.process.wait(timeout=30) == 1


def test_a_stuck_loader_does_not_hold_a_stop(data_dir: Path, trainers: list[Trainer]) -> None:
    trainer = Trainer(data_dir, fault="loader_hang")
    trainers.append(trainer)
    trainer.wait_for("status", status="running")
    loaders = trainer.loaders()
    time.sleep(1.0)  # the loop is waiting for its first batch now
    asked = time.monotonic()
    trainer.process.send_signal(signal.SIGTERM)
    trainer.wait_for("status", status="stopped")
    assert trainer.process.wait(timeout=30) == 0
    assert time.monotonic() - asked < GONE_WITHIN_S
    assert wait_gone(loaders) == set()
