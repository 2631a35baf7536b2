"""`layerlab serve` as a person runs it: a real process, stopped with a signal."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from layerlab.cli import parser

START_TIMEOUT = 60.0


def test_serve_flags_reach_the_settings() -> None:
    args = parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--db", "sqlite:///x.db", "--workers", "3"]
    )
    assert (args.host, args.port, args.db, args.workers) == ("0.0.0.0", 9000, "sqlite:///x.db", 3)
    defaults = parser().parse_args(["serve"])
    assert defaults.host is None and defaults.port is None  # Settings' defaults apply


def test_serve_starts_answers_with_the_token_and_stops_on_sigint(tmp_path: Path) -> None:
    env = {**os.environ, "LAYERLAB_TOKEN": "cli-test-token", "PYTHONUNBUFFERED": "1"}
    env.pop("LAYERLAB_DATABASE_URL", None)
    process, lines = spawn_serve(tmp_path / "data", env)
    try:
        url = _wait_for_url(lines, process)
        with httpx.Client(base_url=url) as client:
            assert client.get("/api/health").status_code == 401
            health = client.get("/api/health", headers={"Authorization": "Bearer cli-test-token"})
            assert health.status_code == 200 and health.json()["auth"] is True
        assert (tmp_path / "data" / "layerlab.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0


def spawn_serve(
    data_dir: Path, env: dict[str, str], port: int = 0, workers: int = 0
) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """`layerlab serve` as a process, and a queue its output lines arrive in (read on a
    thread, so its pipe never fills); `_wait_for_url` reads its address from them."""
    process = subprocess.Popen(
        [sys.executable, "-m", "layerlab.cli", "serve", "--port", str(port)]
        + ["--data-dir", str(data_dir), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, lines), daemon=True).start()
    return process, lines


def _read_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def _wait_for_url(lines: queue.Queue[str], process: subprocess.Popen[str]) -> str:
    seen: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if process.poll() is not None:
                raise RuntimeError("layerlab serve exited:\n" + "".join(seen)) from None
            continue
        seen.append(line)
        match = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
        if match:
            return match.group(1)
    raise TimeoutError("layerlab serve did not start:\n" + "".join(seen))
