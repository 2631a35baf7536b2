"""Local workers: `layerlab serve --workers N` starts N `layerlab worker` processes that
talk to this server exactly as remote GPU workers do (same websocket, same token
scope), with a worker token the server generates when none is configured.

The workers are started once the server listens (its port is known only then, when
it was 0), restarted when they die, and asked to stop (SIGTERM: checkpoint and hand
the run back) before the server closes its connections, so a restart of the server
costs its runs no attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from layerlab.server.listener import uvicorn_config
from layerlab.server.settings import Settings

log = logging.getLogger(__name__)

RESTART_BACKOFF_MAX_S = 30.0
STOP_TIMEOUT_S = 60.0
"""How long workers get to checkpoint and hand their runs back before they are killed."""


def with_worker_token(settings: Settings) -> Settings:
    """The settings with a worker token: LAYERLAB_WORKER_TOKEN, or a fresh random one
    (local workers get it from this process; remote ones need it configured)."""
    if settings.worker_token is not None:
        return settings
    token = secrets.token_urlsafe(24)
    log.info("LAYERLAB_WORKER_TOKEN is not set; a token was generated for local workers")
    return settings.model_copy(update={"worker_token": SecretStr(token)})


def connect_host(host: str) -> str:
    """Where a local process reaches a server bound to `host`."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class LocalWorkers:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.count = settings.local_workers
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * self.count
        self.restarts = [0] * self.count
        self.url: str | None = None
        self._monitor: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self, port: int) -> None:
        """Start the workers (once), for a server listening on `port`."""
        if self.url is not None or self.count == 0 or self._stopping:
            return
        self.url = f"http://{connect_host(self.settings.host)}:{port}"
        for index in range(self.count):
            self._spawn(index)
        self._monitor = asyncio.get_running_loop().create_task(self._watch())

    def _spawn(self, index: int) -> None:
        assert self.url is not None and self.settings.worker_token is not None
        folder = self.settings.data_dir / "workers" / f"local-{index}"
        command = [
            sys.executable,
            "-m",
            "layerlab.cli",
            "worker",
            "--server",
            self.url,
            "--name",
            f"local-{index}",
            "--data-dir",
            str(folder.resolve()),
            "--exit-with-parent",
        ]
        env = {
            **os.environ,
            "LAYERLAB_WORKER_TOKEN": self.settings.worker_token.get_secret_value(),
        }
        process = subprocess.Popen(command, env=env)
        self.processes[index] = process
        log.info("local worker %d started (pid %d)", index, process.pid)

    async def _watch(self) -> None:
        while not self._stopping:
            await asyncio.sleep(1.0)
            for index, process in enumerate(self.processes):
                if self._stopping or process is None or process.poll() is None:
                    continue
                self.restarts[index] += 1
                delay = min(RESTART_BACKOFF_MAX_S, 2.0 ** min(self.restarts[index], 5))
                log.warning(
                    "local worker %d exited with %s; restarting in %.0f s",
                    index,
                    process.returncode,
                    delay,
                )
                self.processes[index] = None
                asyncio.get_running_loop().call_later(delay, self._respawn, index)

    def _respawn(self, index: int) -> None:
        if not self._stopping and self.processes[index] is None:
            self._spawn(index)

    async def stop(self) -> None:
        """SIGTERM every worker (they hand their runs back), then wait; SIGKILL stragglers."""
        self._stopping = True
        if self._monitor is not None:
            self._monitor.cancel()
        running = [p for p in self.processes if p is not None and p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while any(p.poll() is None for p in running) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for process in running:
            if process.poll() is None:
                log.warning("local worker pid %d did not stop; killing it", process.pid)
                process.kill()
                process.wait()


class Server(uvicorn.Server):
    """uvicorn, starting the app's local workers once it listens and stopping them
    before it closes connections (they need theirs to hand runs back)."""

    def __init__(self, config: uvicorn.Config, workers: LocalWorkers):
        super().__init__(config)
        self.workers = workers

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.servers and self.servers[0].sockets:
            self.workers.start(int(self.servers[0].sockets[0].getsockname()[1]))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.workers.stop()
        await super().shutdown(sockets)


def serve(app: FastAPI, settings: Settings) -> None:
    """Run the app with uvicorn until interrupted (`layerlab serve`)."""
    config = uvicorn_config(app, settings)
    # uvicorn raises the Ctrl-C it handled again once it is done; that is the end.
    with contextlib.suppress(KeyboardInterrupt):
        Server(config, app.state.local_workers).run()
