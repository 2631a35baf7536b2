"""One connected worker, as the scheduler and its session see it."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from pydantic import BaseModel
from starlette.websockets import WebSocket

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class HeldRunState:
    attempt: int
    fencing: int


@dataclass
class WorkerConnection:
    websocket: WebSocket
    worker_id: str
    name: str
    device: str
    memory_bytes: int | None
    processes: int = 1
    """Most data-parallel ranks one run may have there."""
    cpus: int | None = None
    gpus: int = 0
    runs: dict[str, HeldRunState] = field(default_factory=dict)
    idle: bool = False
    """It said `ready` and holds no run."""
    last_heard: float = field(default_factory=time.monotonic)
    closed: bool = False
    _send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def heard(self) -> None:
        self.last_heard = time.monotonic()

    def silent_for(self) -> float:
        return time.monotonic() - self.last_heard

    async def send(self, message: BaseModel) -> bool:
        """Send one message; False (and the connection is marked closed) if it fails."""
        if self.closed:
            return False
        try:
            async with self._send_lock, asyncio.timeout(SEND_TIMEOUT_S):
                await self.websocket.send_text(message.model_dump_json())
        except Exception as exc:  # a closed or stuck socket: the worker reconnects
            log.info("worker %s: send failed (%s)", self.worker_id, type(exc).__name__)
            self.closed = True
            return False
        return True

    async def close(self, code: int = 1001, reason: str = "") -> None:
        if self.closed:
            return
        self.closed = True
        try:
            await asyncio.wait_for(self.websocket.close(code, reason), 2.0)
        except Exception:  # already gone
            log.debug("worker %s: close failed", self.worker_id, exc_info=True)
