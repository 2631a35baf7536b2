"""A reverse proxy in the test process that sets request headers the way README's
nginx snippet does: it reads the snippet's `proxy_set_header NAME VALUE;` lines and
fills in nginx's variables ($host, $remote_addr, $scheme, ...) for each request.

    headers = nginx_headers(README)
    with ReverseProxy(live.url, headers, source="127.0.0.5") as proxy:
        httpx.get(proxy.url + "/api/health", headers={"Host": "lab.example.org"})

One request per client connection, as nginx with `Connection: close` upstream: the
head is read and rewritten, then bytes are piped both ways until the server closes
(a websocket upgrade goes through the same way). It connects to the server from
`source`, an address of its own on loopback (127.0.0.0/8 is all loopback on Linux),
so that the server can trust the proxy and no one else.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

CHUNK = 65536
_SNIPPET = re.compile(r"```nginx\n(.*?)```", re.S)
_SET_HEADER = re.compile(r"^\s*proxy_set_header\s+(\S+)\s+(.+?);", re.M)
_VARIABLE = re.compile(r"\$[a-z_]+")


def nginx_headers(readme: Path) -> dict[str, str]:
    """The `proxy_set_header` lines of the README's (one) nginx snippet."""
    snippets = _SNIPPET.findall(readme.read_text())
    assert len(snippets) == 1, f"expected one nginx snippet in {readme}, found {len(snippets)}"
    return dict(_SET_HEADER.findall(snippets[0]))


def _variables(head: dict[str, str], peer: str, scheme: str, target: str) -> dict[str, str]:
    """nginx's variables for one request (`head`: its headers, names lowercased)."""
    http_host = head.get("host", "")
    upgrade = head.get("upgrade", "")
    forwarded = head.get("x-forwarded-for")
    return {
        "$host": http_host.rsplit(":", 1)[0].lower() if "]" not in http_host else http_host,
        "$http_host": http_host,
        "$remote_addr": peer,
        "$scheme": scheme,
        "$proxy_host": target,
        "$proxy_add_x_forwarded_for": f"{forwarded}, {peer}" if forwarded else peer,
        "$http_upgrade": upgrade,
        "$connection_upgrade": "upgrade" if upgrade else "close",
    }


class ReverseProxy:
    def __init__(self, target_url: str, set_headers: dict[str, str], source: str, scheme: str):
        parts = urlsplit(target_url)
        assert parts.hostname is not None and parts.port is not None, target_url
        self.target = (parts.hostname, parts.port)
        # nginx's defaults, then the snippet's lines (names compare case-insensitively).
        self.set_headers = {"host": "$proxy_host", "connection": "close"}
        self.set_headers |= {name.lower(): value for name, value in set_headers.items()}
        self.source = source
        self.scheme = scheme
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ReverseProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _rewrite(self, head: bytes, peer: str) -> bytes:
        request_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
        fields = [line.partition(":") for line in lines]
        given = {name.strip().lower(): value.strip() for name, _, value in fields}
        table = _variables(given, peer, self.scheme, f"{self.target[0]}:{self.target[1]}")
        out = [request_line]
        out += [f"{n}:{v}" for n, _, v in fields if n.strip().lower() not in self.set_headers]
        for name, template in self.set_headers.items():
            value = _VARIABLE.sub(lambda m: table[m.group(0)], template)
            if value:  # nginx sends no header whose value is empty
                out.append(f"{name}: {value}")
        return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")[0]
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            up_reader, up_writer = await asyncio.open_connection(
                *self.target, local_addr=(self.source, 0)
            )
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        up_writer.write(self._rewrite(head, peer))
        upward = asyncio.create_task(_pipe(reader, up_writer))
        try:
            await _pipe(up_reader, writer)  # the server ends the exchange
        finally:
            upward.cancel()
            for end in (writer, up_writer):
                end.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
