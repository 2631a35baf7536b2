"""The request body limit, enforced on the bytes that arrive, not on what the client
declares: a Content-Length over the limit is answered at once, and a chunked body
is counted as it streams and cut off with the same 413 when it passes the limit."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layerlab.server.errors import error_response
from layerlab.server.middleware.guards import WORKER_PREFIX


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(
            413,
            f"request body is over the limit of {limit:,} bytes",
            headers={"Connection": "close"},
        )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, by_path: Mapping[str, int] | None = None):
        """`by_path`: exact paths with a limit of their own (a dataset upload is larger
        than any JSON body)."""
        self.app = app
        self.default_bytes = max_bytes
        self.by_path = dict(by_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(WORKER_PREFIX):
            # Worker routes take checkpoints, far larger than any request body; they
            # count and limit what they read themselves (routes/worker_link.py).
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope.get("path", ""), self.default_bytes)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: a route reading its body answers with the
                    # JSON error itself; anything else is caught below.
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(
            413,
            "body_too_large",
            f"request body is over the limit of {limit:,} bytes",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
