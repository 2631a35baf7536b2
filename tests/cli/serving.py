"""`layerlab serve` as a process, for the tests that need a real one (tests/cli,
tests/server/test_server_kill.py, tests/worker/test_end_to_end.py, tests/test_wheel.py)."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

START_TIMEOUT = 60.0
LAYERLAB = [sys.executable, "-m", "layerlab.cli"]
"""The command, as this interpreter runs it."""


def spawn_serve(
    data_dir: Path,
    env: dict[str, str],
    port: int = 0,
    workers: int = 0,
    command: list[str] = LAYERLAB,
    cwd: Path | None = None,
) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """`layerlab serve` as a process, and a queue its output lines arrive in (read on a
    thread, so its pipe never fills); `wait_for_url` reads its address from them."""
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port)]
        + ["--data-dir", str(data_dir), "--workers", str(workers)],
        cwd=cwd,
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


def wait_for_url(
    lines: queue.Queue[str], process: subprocess.Popen[str], seen: list[str] | None = None
) -> str:
    """The server's address, once it listens; the lines read meanwhile go to `seen`."""
    seen = [] if seen is None else seen
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


def interrupt(process: subprocess.Popen[str], timeout: float = 30) -> int:
    """Ctrl-C, as a person stops the server; its exit status (killed if it hangs)."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
