"""`layerlab serve` as a subprocess on a free loopback port, and where Chromium lives:
shared by the browser tests and bench/editor.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("LAYERLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`layerlab serve` as a subprocess; start() returns once /api/health answers. With
    `token`, auth is on: every REST request needs it (LAYERLAB_TOKEN)."""

    def __init__(
        self, data_dir: Path, port: int | None = None, workers: int = 0, token: str | None = None
    ):
        self.data_dir = data_dir
        self.token = token
        self.workers = workers  # local worker processes (`--workers`); 0 keeps runs queued
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def start(self, timeout: float = 90.0) -> None:
        exe = Path(sys.executable).with_name("layerlab")
        command = [str(exe)] if exe.exists() else [sys.executable, "-m", "layerlab.cli"]
        env = {
            **os.environ,
            "LAYERLAB_WORKERS": "0",
            "LAYERLAB_FRONTEND_DIST": str(DIST),
        }
        env.pop("LAYERLAB_TOKEN", None)
        if self.token:
            env["LAYERLAB_TOKEN"] = self.token
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *command,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                    "--workers",
                    str(self.workers),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.request("/api/health"), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)  # polling a health check with a deadline, not a guess
        raise RuntimeError(
            f"server did not answer within {timeout}s: {self.log.read_text()[-2000:]}"
        )

    def request(self, path: str) -> urllib.request.Request:
        """A GET of `path` on this server, with the token when auth is on."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return urllib.request.Request(self.url + path, headers=headers)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def require_playwright() -> None:
    """Skip the calling test module when Playwright is missing (fail under
    LAYERLAB_REQUIRE_BROWSER=1): call before importing playwright."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("LAYERLAB_REQUIRE_BROWSER") == "1":
            raise
        import pytest

        pytest.skip(
            "the playwright package is not installed (make browser-deps)", allow_module_level=True
        )


def keep(page: Any, name: str) -> None:
    """Save a screenshot of `page` as test-artifacts/<name>.png (CI keeps the folder)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
