"""How long a request body may take, and a client that leaves mid-body.

Measured where the app waits for the body (each `receive`), so time the app spends
on what it already has never counts against the client. Two bounds, each answered
with 408 `request_timeout` and the connection closed:

- idle: no wait for the next bytes longer than `body_timeout_s`;
- rate: all the waiting together no longer than `body_timeout_s` plus one second per
  `body_min_bytes_per_s` bytes received, so that a client dripping a byte a second
  (never idle for long) is cut off too, while a large upload on a slow link is not.

A client that disconnects before its body ends is an ordinary event, logged at info
level, not an error with a traceback.
"""

from __future__ import annotations

import logging
import time

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layerlab.server.errors import error_response

log = logging.getLogger(__name__)


class BodyTimeout(HTTPException):
    def __init__(self, message: str):
        super().__init__(408, message, headers={"Connection": "close"})


class BodyTimeoutMiddleware:
    def __init__(self, app: ASGIApp, idle_s: float, min_bytes_per_s: float):
        self.app = app
        self.idle_s = idle_s
        self.min_bytes_per_s = min_bytes_per_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        waited = 0.0
        received = 0
        body_done = False
        started = False

        async def timed_receive() -> Message:
            nonlocal waited, received, body_done
            if body_done:  # from now on the app only listens for a disconnect
                return await receive()
            budget = self.idle_s + received / self.min_bytes_per_s - waited
            wait_s = min(self.idle_s, budget)
            began = time.monotonic()
            with anyio.move_on_after(wait_s):
                message = await receive()
                waited += time.monotonic() - began
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    body_done = not message.get("more_body", False)
                return message
            why = "no more of it came" if wait_s == self.idle_s else "it came too slowly"
            _log_cut(scope, f"{why} ({received:,} bytes in {waited + wait_s:.1f} s)")
            raise BodyTimeout(
                f"the request body did not arrive in time: {why} "
                f"(wait at most {self.idle_s:g} s for more, at {self.min_bytes_per_s:g} "
                "bytes/s at least)"
            )

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, timed_receive, tracking_send)
        except BodyTimeout as exc:
            if started:
                raise
            response = error_response(408, "request_timeout", str(exc.detail), exc.headers)
            await response(scope, receive, send)
        except ClientDisconnect:
            _log_gone(scope, received)


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "a client"


def _log_cut(scope: Scope, why: str) -> None:
    log.info(
        "cut off the body of %s %s from %s: %s",
        scope["method"],
        scope["path"],
        _peer(scope),
        why,
    )


def _log_gone(scope: Scope, received: int) -> None:
    log.info(
        "%s left before the body of %s %s ended (%d bytes came)",
        _peer(scope),
        scope["method"],
        scope["path"],
        received,
    )
