"""How LayerLab listens: the one uvicorn configuration, used by `layerlab serve` and by
the tests' servers alike, so that the tests exercise what `serve` runs.

- Forwarded headers: uvicorn believes X-Forwarded-For and X-Forwarded-Proto from
  127.0.0.1 unless told otherwise, so any local process (or a proxy passing a
  client's own header through) could choose its address, and with it the per-client
  limits. Here they are believed only from `Settings.forwarded_allow_ips` (none by
  default); from every other peer they are ignored.
- The request head: uvicorn bounds an idle kept-alive connection, but not one that
  sends its request line and headers a byte at a time, nor one that opens and says
  nothing. `HeadTimeoutProtocol` closes a connection whose head is not complete
  within `Settings.header_timeout_s` (answering 408 when part of a head came). The
  body's time is bounded by middleware/body_timeout.py, where the app reads it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from layerlab.server.errors import ErrorBody
from layerlab.server.settings import Settings

log = logging.getLogger(__name__)


def _timeout_response(seconds: float) -> bytes:
    body = ErrorBody(
        code="request_timeout",
        message=f"the request line and headers did not arrive within {seconds:g} s",
    ).model_dump_json(exclude_defaults=True)
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return (head + body).encode()


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline for each request head: from the
    connection's start, from the first byte of a later head on a kept-alive
    connection, or from the response when the client is still sending the body of
    a request answered without reading it."""

    head_timeout_s = 10.0
    """Set for each server by `head_timeout_protocol`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._awaiting_head = True
        """Bytes that come now belong to a request head."""
        self._head_begun = False
        """A head has begun and is not complete."""

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.info(
            "closing the connection from %s: no complete request head within %g s",
            peer,
            self.head_timeout_s,
        )
        if self.cycle is not None and not self.cycle.response_complete:
            # A response is on its way (the slow head is a pipelined one): it is the last.
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        if self._head_begun:
            self.transport.write(_timeout_response(self.head_timeout_s))
        self.transport.close()

    # -- uvicorn's hooks ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._arm()
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_head = self._head_begun = True
        self._arm()

    def on_headers_complete(self) -> None:
        self._awaiting_head = self._head_begun = False
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._awaiting_head = True  # armed when the next head's bytes come

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._awaiting_head and not self.transport.is_closing():
            # Answered before its body ended: the rest of it and the next head now
            # have the head's time.
            self._awaiting_head = True
            self._arm()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class with its deadline (uvicorn builds protocols from a class)."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout_s": seconds})


def uvicorn_config(
    app: ASGIApp,
    settings: Settings,
    *,
    log_level: str = "info",
    ws_ping: tuple[float, float] | None = None,
) -> uvicorn.Config:
    """The server's uvicorn configuration (`layerlab serve`, and the tests).

    `ws_ping`: (interval, timeout) of websocket keepalive pings, in seconds; by default
    five heartbeats and one lease of the run timers."""
    trusted = list(settings.forwarded_allow_ips)
    if trusted and not settings.auth_required:
        log.warning(
            "forwarded headers are believed from %s while auth is off: everyone who reaches "
            "that proxy can use the API; set LAYERLAB_TOKEN unless the proxy authenticates",
            ", ".join(trusted),
        )
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        lifespan="on",
        server_header=False,
        http=head_timeout_protocol(settings.header_timeout_s),
        # An explicit list, never uvicorn's default (127.0.0.1, or $FORWARDED_ALLOW_IPS).
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
        ws_ping_interval=ws_ping[0] if ws_ping else settings.runs.heartbeat_s * 5,
        ws_ping_timeout=ws_ping[1] if ws_ping else settings.runs.lease_s,
    )
