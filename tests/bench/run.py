"""Run a script of bench/ as a person would (its own process, from the repository
root) and fail with the end of its output when it fails."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

TIMEOUT_S = 240


def run_bench(script: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
