"""Who may talk to the server: Host, Origin and bearer-token checks, as ASGI
middleware so that no route, present or future, can be left out.

- Host: exactly one Host header, strictly formed (host_header.py), naming the bound
  address, a loopback name or a configured name. A page on an attacker's domain that
  rebinds its DNS to 127.0.0.1 still sends its own name as Host, and is refused (DNS
  rebinding).
- Origin: a browser names the page that sent a request; only the server's own
  origin and configured ones pass (websockets included), so another site cannot
  drive the API from a visitor's browser. Requests without Origin (curl, workers,
  the CLI) pass this check.
- Token: when auth is on, every request under /api needs `Authorization: Bearer
  TOKEN`. A token anywhere else (a query string) is never looked at. The built
  frontend outside /api is public: it holds no data, and asks for the token.
  Websockets take the token in their first message (checked by their route).
  Routes under /api/worker/ take the worker token instead (checked by their route).

Who a client is, for per-client limits (`client_identity`): the token holder when
auth is on, else the peer address. The peer address is the TCP peer's, or the one a
trusted proxy forwards (X-Forwarded-For, only from `Settings.forwarded_allow_ips`,
applied by uvicorn: see server/listener.py); from anyone else that header is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from layerlab.server.errors import error_response
from layerlab.server.middleware.host_header import normal_name, parse_host
from layerlab.server.settings import LOOPBACK_NAMES

API_PREFIX = "/api"
WORKER_PREFIX = API_PREFIX + "/worker/"
"""Routes for workers: they check the worker token themselves (routes/worker_link.py),
and a user's token is no good there."""


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
        self.any_host = "*" in allowed
        names = {normal_name(name) for name in allowed if name != "*"}
        names |= {normal_name(name) for name in LOOPBACK_NAMES}
        if bound_host not in ("0.0.0.0", "::", ""):
            names.add(normal_name(bound_host))
        self.names = frozenset(names)

    def refusal(self, scope: Scope) -> str | None:
        """Why the request's Host is refused; None when it is accepted."""
        values = [value for name, value in scope["headers"] if name == b"host"]
        if len(values) != 1:
            return "send exactly one Host header" if values else "the request has no Host header"
        parsed = parse_host(values[0].decode("latin-1"))
        if parsed is None:
            return "the Host header is not a host name or address with an optional port"
        if not self.any_host and parsed.name not in self.names:
            return "this server does not answer to that host name"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        reason = self.refusal(scope)
        if reason is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await _refuse_websocket(send)
            return
        await error_response(400, "bad_host", reason)(scope, receive, send)


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


def client_identity(connection: HTTPConnection, auth_required: bool) -> str:
    """Who is asking, for per-client limits and the stored `client_id` (at most 64
    characters). With auth on, the token holder (`token:` and a hash of the token:
    the token itself is never stored); else the peer address."""
    if auth_required:
        given = connection.headers.get("authorization", "").removeprefix("Bearer ")
        digest = hashlib.sha256(given.encode("latin-1", "replace")).hexdigest()
        return f"token:{digest[:16]}"
    return connection.client.host if connection.client else "unknown"
