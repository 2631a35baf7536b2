"""`layerlab train` as a real process for tests: its events as they come, the processes
below it (loader workers and their fork server), and their peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from layerlab.train.faults import FAULT_ENV
from tests.conftest import ROOT


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
    found: set[int] = set()
    frontier = {pid}
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


def wait_gone(pids: set[int], within: float) -> set[int]:
    """The processes of `pids` still alive after `within` seconds (none, one hopes)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


def peak_resident(pid: int) -> int | None:
    """A live process's peak resident memory so far (VmHWM), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class PeakMemory:
    """Polls a process and everything below it: each one's peak resident memory."""

    def __init__(self, pid: int, every_s: float = 0.1):
        self.pid, self.every_s = pid, every_s
        self.peaks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.is_set():
            for pid in {self.pid, *descendants(self.pid)}:
                peak = peak_resident(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0))
            self._done.wait(self.every_s)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    @property
    def trainer(self) -> int:
        return self.peaks.get(self.pid, 0)

    @property
    def loaders(self) -> int:
        """The largest peak of any process below the trainer."""
        return max((v for k, v in self.peaks.items() if k != self.pid), default=0)


class Trainer:
    """`layerlab train GRAPH --json-events` in its own process, read line by line."""

    def __init__(
        self,
        graph: Path,
        data_dir: Path,
        *args: str,
        fault: str | None = None,
        threads: int | None = None,
    ):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
        env.pop(FAULT_ENV, None)
        if fault:
            env[FAULT_ENV] = fault
        if threads:
            env["OMP_NUM_THREADS"] = str(threads)
        command = [sys.executable, "-m", "layerlab.cli", "train", str(graph)]
        command += ["--data-dir", str(data_dir), "--json-events", *args]
        # stderr to a file: a pipe nobody reads would stall a long run once it filled.
        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self.errors, text=True, env=env
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
        raise AssertionError(f"no {kind} event {fields}; stderr: {self.stderr()}")

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read()[-3000:]

    def loaders(self, count: int) -> set[int]:
        """The processes below the trainer, once there are at least `count`."""
        deadline = time.monotonic() + 60
        found: set[int] = set()
        while time.monotonic() < deadline:
            found = descendants(self.process.pid)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"fewer than {count} loader processes appeared: {found}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


def write_document(path: Path, nodes: list[dict[str, Any]], training: dict[str, Any]) -> Path:
    """A chain of `nodes` (Input first, Output last) with its training section."""
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    document = {"name": path.stem, "nodes": nodes, "edges": edges, "training": training}
    path.write_text(json.dumps(document))
    return path
