"""A TCP relay in the test process, between a client and a server, that makes network
faults on command: latency, a cut (a reset or an orderly close), a black hole.

    with Relay(live.url) as relay:       # or Relay(("127.0.0.1", port))
        start_worker(relay.url)          # the client connects to the relay, not the server
        relay.delay(0.15)                # 150 ms more in each direction
        relay.blackhole(True)            # a partition: silence both ways, sockets open
        relay.blackhole(False)           # it heals: what was held goes through
        relay.cut("rst")                 # every connection reset, both ends

Why in-process and not signals: SIGSTOP freezes a whole process (its training too),
and closing a client's own socket is a clean local close; a network fault leaves both
programs running and each one sees only what the wire does to it.

Shape. One thread runs a selector loop over every socket: the listener, both ends of
each relayed connection (a `_Link`), and a wake-up socket. A link is two `_Pipe`s,
client -> server and server -> client. A pipe keeps what it read from its source as
chunks, each with the time it is due (when it was read, plus the delay), and writes
them to its destination in order once they are due, unless the relay is black-holed.
The test thread never touches a socket: each command is queued, run by the loop
thread, and returns once it is done, so when `cut()` returns the resets are sent.

Units: seconds on the monotonic clock, bytes. Latency only: no bandwidth limit, and
a connection is set up at once (the relay accepts it, then connects to the target).

Black hole, what was chosen: bytes are held, not dropped. While on, nothing is
written in either direction; each pipe goes on reading until it holds `HOLD_BYTES`,
then stops, so the sender's own buffers fill as over a dead path. New connections are
accepted (and connected to the target) but get nothing through. When it is turned off
what was held is delivered, in order, as TCP's retransmissions deliver it when a path
comes back: an end that gave up meanwhile (closed its socket) answers with a reset,
which the relay passes on to the other end, so the client reconnects. For a partition
so long that TCP itself gives up, call `cut("rst")` before `blackhole(False)`.
"""

from __future__ import annotations

import contextlib
import queue
import selectors
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

CHUNK = 65536
"""Bytes read at a time."""
HOLD_BYTES = 4 * 2**20
"""Most bytes a pipe holds (delayed or black-holed) before it stops reading."""
CLOSE_GRACE_S = 2.0
"""After an orderly cut, how long the relay reads (and drops) what the ends still send
before it closes their sockets: closing a socket with unread bytes sends a reset."""
COMMAND_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0

CutMode = Literal["rst", "close"]


@dataclass(eq=False)
class _Pipe:
    """One direction of a relayed connection."""

    src: socket.socket
    dst: socket.socket
    chunks: deque[tuple[float, bytes]] = field(default_factory=deque)
    """(due time, bytes) in the order read; b"" stands for the source's EOF."""
    held: int = 0
    """Bytes in `chunks`."""
    eof_read: bool = False
    eof_sent: bool = False
    """The destination was shut down for writing (the EOF was passed on)."""
    blocked: bool = False
    """The destination's buffer was full at the last write: wait until it is writable."""


@dataclass(eq=False)
class _Link:
    """One relayed connection: the client's socket, the one to the target, and the
    two directions between them."""

    client: socket.socket
    server: socket.socket
    up: _Pipe = field(init=False)
    down: _Pipe = field(init=False)
    closing_until: float | None = None
    """Set by an orderly cut: the sockets are closed at this time at the latest."""

    def __post_init__(self) -> None:
        self.up = _Pipe(self.client, self.server)
        self.down = _Pipe(self.server, self.client)

    @property
    def pipes(self) -> tuple[_Pipe, _Pipe]:
        return (self.up, self.down)

    @property
    def sockets(self) -> tuple[socket.socket, socket.socket]:
        return (self.client, self.server)


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER on, zero timeout), not a FIN."""
    with contextlib.suppress(OSError):  # already dead: closing is all there is to do
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class Relay:
    """Listens on 127.0.0.1 (a free port) and relays every connection to `target`,
    an (host, port) pair or an http://host:port URL."""

    def __init__(self, target: tuple[str, int] | str):
        if isinstance(target, str):
            parts = urlsplit(target)
            assert parts.hostname is not None and parts.port is not None, target
            target = (parts.hostname, parts.port)
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_lock = threading.Lock()
        self._wake_r.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._interest: dict[socket.socket, int] = {}
        self._links: list[_Link] = []
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._delay_s = 0.0
        self._blackholed = False
        self._stopping = False
        self._accepted = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name=f"relay-{self.port}", daemon=True)

    # -- the test's side ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def accepted(self) -> int:
        """Connections accepted since the start (an oracle for "the client reconnected")."""
        return self._accepted

    @property
    def active(self) -> int:
        """Connections relayed now (not counting those closing after an orderly cut)."""
        return self._call(lambda: sum(link.closing_until is None for link in self._links))

    def delay(self, seconds: float) -> None:
        """Hold every byte `seconds` before passing it on, in each direction (so a round
        trip takes 2 x `seconds` more); for bytes read from now on, on every
        connection, new ones too. 0 turns it off. Bytes never overtake each other."""
        assert seconds >= 0

        def apply() -> None:
            self._delay_s = seconds

        self._call(apply)

    def blackhole(self, on: bool) -> None:
        """Partition (on) or heal (off) every connection, new ones too: see the module's
        docstring for what is held and what happens when it heals."""

        def apply() -> None:
            self._blackholed = on

        self._call(apply)

    def cut(self, mode: CutMode = "rst") -> int:
        """End every current connection: "rst" resets both ends (what was in flight is
        lost), "close" sends each end an orderly FIN. Returns how many were cut; the
        relay goes on accepting new connections."""
        assert mode in ("rst", "close"), mode

        def apply() -> int:
            live = [link for link in self._links if link.closing_until is None]
            for link in live:
                if mode == "rst":
                    self._drop(link, reset=True)
                else:
                    self._close_orderly(link)
            return len(live)

        return self._call(apply)

    def __enter__(self) -> Relay:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
        if self._error is not None and kind is None:
            raise RuntimeError("the relay's loop failed") from self._error

    def close(self) -> None:
        """Stop: every connection still open is reset, every socket closed, the thread
        joined."""
        if self._thread.is_alive():

            def stop() -> None:
                self._stopping = True

            self._call(stop)
            self._thread.join(COMMAND_TIMEOUT_S)
            assert not self._thread.is_alive(), "the relay's thread did not stop"
        self._close_everything()

    def _call(self, command: Callable[[], T]) -> T:
        """Run `command` on the loop's thread and return its result."""
        if self._error is not None:
            raise RuntimeError("the relay's loop failed") from self._error
        if not self._thread.is_alive():  # not started, or stopped: nothing runs meanwhile
            return command()
        done = threading.Event()
        result: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                result.append(command())
            except BaseException as exc:  # raised again in the caller's thread
                failure.append(exc)
            finally:
                done.set()

        self._commands.put(run)
        with self._wake_lock:  # the loop may have run it and closed the wake-up socket
            if self._wake_w.fileno() != -1:
                self._wake_w.send(b"x")
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while not done.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the relay did not run the command") from self._error
        if failure:
            raise failure[0]
        return result[0]

    # -- the loop's thread ----------------------------------------------------------------

    def _main(self) -> None:
        try:
            self._watch(self._listener, selectors.EVENT_READ)
            self._watch(self._wake_r, selectors.EVENT_READ)
            while not self._stopping:
                self._step()
        except BaseException as exc:  # kept for the test to see (close() raises it)
            self._error = exc
        finally:
            self._close_everything()

    def _step(self) -> None:
        now = time.monotonic()
        for link in list(self._links):
            self._advance(link, now)
        for link in self._links:
            self._update_interest(link)
        ready = self._selector.select(self._timeout(time.monotonic()))
        for key, mask in ready:
            sock = key.fileobj
            if sock is self._wake_r:
                self._drain_wake()
            elif sock is self._listener:
                self._accept()
            else:
                link = key.data
                assert isinstance(sock, socket.socket) and isinstance(link, _Link)
                if link in self._links:  # not dropped by an earlier event of this round
                    self._on_ready(link, sock, mask)
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                break
            command()

    def _timeout(self, now: float) -> float | None:
        """Until the next chunk is due or an orderly cut's grace ends (None: no limit)."""
        times = [link.closing_until for link in self._links if link.closing_until is not None]
        if not self._blackholed:
            times += [
                pipe.chunks[0][0]
                for link in self._links
                for pipe in link.pipes
                if pipe.chunks and not pipe.blocked and link.closing_until is None
            ]
        return max(0.0, min(times) - now) if times else None

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except BlockingIOError:
                return
            self._accepted += 1
            try:
                server = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_S)
            except OSError:  # the target is down: the client sees a reset
                _reset(client)
                continue
            for sock in (client, server):
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._links.append(_Link(client, server))

    def _on_ready(self, link: _Link, sock: socket.socket, mask: int) -> None:
        reading = link.up if sock is link.client else link.down
        writing = link.down if sock is link.client else link.up
        if mask & selectors.EVENT_WRITE:
            writing.blocked = False  # written in the next `_advance`
        if mask & selectors.EVENT_READ:
            self._read(link, reading)

    def _read(self, link: _Link, pipe: _Pipe) -> None:
        try:
            data = pipe.src.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError:  # reset by its end: reset the other end too
            self._drop(link, reset=link.closing_until is None)
            return
        if not data:
            pipe.eof_read = True
        if link.closing_until is not None:
            return  # an orderly cut: what still comes is dropped
        pipe.chunks.append((time.monotonic() + self._delay_s, data))
        pipe.held += len(data)

    def _advance(self, link: _Link, now: float) -> None:
        """Write what is due; close the link once it is over."""
        if link.closing_until is not None:
            if now >= link.closing_until or all(p.eof_read for p in link.pipes):
                self._drop(link, reset=False)
            return
        if not self._blackholed:
            for pipe in link.pipes:
                if not self._write(link, pipe, now):
                    return  # the link was dropped
        if all(p.eof_sent for p in link.pipes):
            self._drop(link, reset=False)

    def _write(self, link: _Link, pipe: _Pipe, now: float) -> bool:
        """Pass on the pipe's due chunks; False if the link had to be dropped."""
        while pipe.chunks and not pipe.blocked and pipe.chunks[0][0] <= now:
            due, data = pipe.chunks[0]
            try:
                if not data:
                    pipe.dst.shutdown(socket.SHUT_WR)
                    pipe.eof_sent = True
                    pipe.chunks.popleft()
                    continue
                sent = pipe.dst.send(data)
            except BlockingIOError:
                pipe.blocked = True
                break
            except OSError:  # its end reset or went away: reset the other end too
                self._drop(link, reset=True)
                return False
            pipe.held -= sent
            if sent < len(data):
                pipe.chunks[0] = (due, data[sent:])
                pipe.blocked = True
            else:
                pipe.chunks.popleft()
        return True

    def _update_interest(self, link: _Link) -> None:
        for sock in link.sockets:
            reading = link.up if sock is link.client else link.down
            writing = link.down if sock is link.client else link.up
            events = 0
            if not reading.eof_read and (
                link.closing_until is not None or reading.held < HOLD_BYTES
            ):
                events |= selectors.EVENT_READ
            if writing.blocked and not self._blackholed and link.closing_until is None:
                events |= selectors.EVENT_WRITE
            self._watch(sock, events, link)

    def _watch(self, sock: socket.socket, events: int, data: object = None) -> None:
        """Make the selector watch `sock` for `events` (none: stop watching it)."""
        current = self._interest.get(sock, 0)
        if events == current:
            return
        if not events:
            self._selector.unregister(sock)
            del self._interest[sock]
        elif not current:
            self._selector.register(sock, events, data)
            self._interest[sock] = events
        else:
            self._selector.modify(sock, events, data)
            self._interest[sock] = events

    def _close_orderly(self, link: _Link) -> None:
        """Drop what is in flight, send both ends a FIN, and read (and drop) what they
        still send until they close or the grace period ends."""
        for pipe in link.pipes:
            pipe.chunks.clear()
            pipe.held = 0
            pipe.blocked = False
        for sock in link.sockets:
            with contextlib.suppress(OSError):  # already reset by its end
                sock.shutdown(socket.SHUT_WR)
        link.closing_until = time.monotonic() + CLOSE_GRACE_S

    def _drop(self, link: _Link, reset: bool) -> None:
        if link in self._links:
            self._links.remove(link)
        for sock in link.sockets:
            if sock in self._interest:
                self._watch(sock, 0)
            if reset:
                _reset(sock)
            else:
                sock.close()

    def _close_everything(self) -> None:
        for link in list(self._links):
            self._drop(link, reset=True)
        for sock in list(self._interest):
            self._watch(sock, 0)
        self._selector.close()
        self._listener.close()
        with self._wake_lock:
            self._wake_r.close()
            self._wake_w.close()
