"""Who may talk to the server: Host, Origin and bearer-token checks, as ASGI
middleware so that no route, present or future, can be left out.

- Host: only the bound address, the loopback names and configured names. A page
  on an attacker's domain that rebinds its DNS to 127.0.0.1 still sends its own
  name as Host, and is refused (DNS rebinding).
- Origin: a browser names the page that sent a request; only the server's own
  origin and configured ones pass (websockets included), so another site cannot
  drive the API from a visitor's browser. Requests without Origin (curl, workers,
  the CLI) pass this check.
- Token: when auth is on, every request under /api needs `Authorization: Bearer
  TOKEN`. A token anywhere else (a query string) is never looked at. The built
  frontend outside /api is public: it holds no data, and asks for the token.
  Websockets take the token in their first message (checked by their route).
  Routes under /api/worker/ take the worker token instead (checked by their route).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from layerlab.server.errors import error_response
from layerlab.server.settings import LOOPBACK_NAMES

API_PREFIX = "/api"
WORKER_PREFIX = API_PREFIX + "/worker/"
"""Routes for workers: they check the worker token themselves (routes/worker_link.py),
and a user's token is no good there."""


def host_name(value: str) -> str:
    """`Example.com:8000` -> `example.com`; `[::1]:8000` -> `::1`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def origin_of(value: str) -> str | None:
    """`http://localhost:8000/` -> `http://localhost:8000`; None when it is no origin."""
    parts = urlsplit(value.strip().lower())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return None
    return f"{parts.scheme}://{parts.netloc}"


async def _refuse_websocket(send: Send) -> None:
    # Closing before accepting makes the server answer the handshake with 403.
    await send({"type": "websocket.close", "code": 1008})


class HostGuard:
    def __init__(self, app: ASGIApp, bound_host: str, allowed: list[str]):
        self.app = app
        names = {host_name(name) for name in allowed} | set(LOOPBACK_NAMES)
        if bound_host not in ("0.0.0.0", "::", ""):
            names.add(host_name(bound_host))
        self.any_host = "*" in names
        self.names = frozenset(names)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.any_host:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if host is not None and host_name(host) in self.names:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await _refuse_websocket(send)
            return
        response = error_response(400, "bad_host", "this server does not answer to that host name")
        await response(scope, receive, send)


class OriginGuard:
    def __init__(self, app: ASGIApp, allowed: list[str]):
        self.app = app
        self.allowed = frozenset(o for o in (origin_of(a) for a in allowed) if o)

    def accepts(self, scope: Scope, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True
        normal = origin_of(origin)
        if normal is None:  # "null" (sandboxed pages, file://) and anything malformed
            return False
        scheme = {"ws": "http", "wss": "https"}.get(scope["scheme"], scope["scheme"])
        own = f"{scheme}://{headers.get('host', '').strip().lower()}"
        return normal == own or normal in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.accepts(scope, Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await _refuse_websocket(send)
            return
        response = error_response(403, "bad_origin", "requests from that origin are not accepted")
        await response(scope, receive, send)


class TokenGuard:
    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.expected = f"Bearer {token}".encode()

    def accepts(self, headers: Headers) -> bool:
        given = headers.get("authorization", "").encode("latin-1", "replace")
        return hmac.compare_digest(given, self.expected)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        needs_token = (
            scope["type"] == "http"
            and (path == API_PREFIX or path.startswith(API_PREFIX + "/"))
            and not path.startswith(WORKER_PREFIX)
        )
        if not needs_token or self.accepts(Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        response = error_response(
            401,
            "unauthorized",
            "send the server's token as 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)
