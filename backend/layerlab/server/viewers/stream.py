"""One viewer of one run: the stored history after `since`, then the live tail.

No gap and no duplicate at the boundary: the viewer subscribes to the hub first (live
events queue up), reads the history from the database, then sends what queued,
skipping seqs it has sent. If its queue overflowed while it read the history, the
database still has everything: it reads on from there.

Live, it sends at most one message per `frame_interval_s`, holding every event that
came meanwhile. A viewer that falls behind (its queue overflows because its socket
does not drain) loses the intermediate events and gets `resync` with the last seq it
was sent; one whose socket takes nothing for `send_timeout_s` is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)

from layerlab.server.database import in_session
from layerlab.server.runs.schemas import RunRecord
from layerlab.server.settings import Settings
from layerlab.server.viewers.hub import EventItem, Hub, Item, RunItem, Subscription
from layerlab.server.viewers.protocol import (
    ViewerAuth,
    ViewerError,
    ViewerResync,
    ViewerWelcome,
    events_frame,
)
from layerlab.server.viewers.publish import event_items
from layerlab.store.db import Database
from layerlab.store.events import read_events
from layerlab.store.runs import RunNotFound, get_run

log = logging.getLogger(__name__)

PAGE = 1_000
"""Events read from the database at a time while catching up."""
FRAME_EVENTS = 500
FRAME_BYTES = 512 * 1024
"""Most events, and about the most bytes, in one message (a browser parses each whole)."""
CLOSE_POLICY = 1008
CLOSE_NOT_FOUND = 4404


class ViewerStream:
    def __init__(
        self,
        websocket: WebSocket,
        run_id: str,
        since: int,
        settings: Settings,
        database: Database,
        hub: Hub,
    ):
        self.websocket = websocket
        self.run_id = run_id
        self.sent = since
        """The last seq sent (or `since`)."""
        self.settings = settings
        self.timers = settings.runs
        self.database = database
        self.hub = hub

    async def serve(self) -> None:
        await self.websocket.accept()
        if self.settings.auth_required and not await self._authenticate():
            return
        subscription = self.hub.subscribe(self.run_id)
        try:
            record = await in_session(self.database, self._record)
            if record is None:
                await self._close_with(CLOSE_NOT_FOUND, "not_found", f"no run {self.run_id}")
                return
            await self._send(ViewerWelcome(run=record, since=self.sent).model_dump_json())
            await self._catch_up(subscription)
            await self._live_until_closed(subscription)
        except (WebSocketDisconnect, WebSocketDisconnected, TimeoutError, ConnectionError):
            pass
        finally:
            self.hub.unsubscribe(subscription)
            await self._close()

    def _record(self, session: Session) -> RunRecord | None:
        try:
            return RunRecord.of(get_run(session, self.run_id))
        except RunNotFound:
            return None

    async def _authenticate(self) -> bool:
        token = self.settings.token
        try:
            text = await asyncio.wait_for(self.websocket.receive_text(), self.timers.auth_timeout_s)
            given = ViewerAuth.model_validate_json(text).token
        except (TimeoutError, ValidationError, WebSocketDisconnect, KeyError, RuntimeError):
            given = ""
        if token is None or not hmac.compare_digest(
            given.encode(), token.get_secret_value().encode()
        ):
            await self._close_with(CLOSE_POLICY, "unauthorized", "send {type: auth, token} first")
            return False
        return True

    async def _close_with(self, code: int, error: str, message: str) -> None:
        with contextlib.suppress(Exception):  # the client is gone already
            await self._send(ViewerError(code=error, message=message).model_dump_json())
        await self._close(code)

    async def _close(self, code: int = 1000) -> None:
        if self.websocket.application_state == WebSocketState.CONNECTED:
            try:
                await asyncio.wait_for(self.websocket.close(code), 2.0)
            except Exception:  # the client went first
                log.debug("viewer close failed", exc_info=True)

    async def _send(self, text: str) -> None:
        # asyncio.timeout, not wait_for: no task per message (100 viewers x 20 frames/s).
        async with asyncio.timeout(self.timers.send_timeout_s):
            await self.websocket.send_text(text)

    async def _send_model(self, message: BaseModel) -> None:
        await self._send(message.model_dump_json())

    async def _send_items(self, items: list[Item]) -> None:
        """Events in frames of at most FRAME_EVENTS, skipping those already sent; run
        records as they come, in order."""
        batch: list[str] = []
        size = 0
        for item in items:
            if isinstance(item, EventItem):
                if item.seq <= self.sent:
                    continue
                batch.append(item.json)
                size += len(item.json)
                self.sent = item.seq
                if len(batch) >= FRAME_EVENTS or size >= FRAME_BYTES:
                    await self._send(events_frame(batch))
                    batch, size = [], 0
            elif isinstance(item, RunItem):
                if batch:
                    await self._send(events_frame(batch))
                    batch, size = [], 0
                await self._send(item.json)
        if batch:
            await self._send(events_frame(batch))

    async def _catch_up(self, subscription: Subscription) -> None:
        while True:
            while True:
                since = self.sent

                def page(session: Session, since: int = since) -> tuple[list[EventItem], bool]:
                    found = read_events(session, self.run_id, since=since, limit=PAGE)
                    return event_items(found.events), found.more

                items, more = await in_session(self.database, page)
                if items:
                    await self._send_items(list(items))
                if not more:
                    break
            taken = subscription.take_now()
            if taken.overflowed:
                continue  # live events were dropped meanwhile: the database has them
            await self._send_items(taken.items)
            return

    async def _live(self, subscription: Subscription) -> None:
        while True:
            taken = await subscription.take()
            if subscription.closed:
                await self._close_with(CLOSE_NOT_FOUND, "not_found", "the run was deleted")
                return
            if taken.overflowed:
                log.info("viewer of %s fell behind after seq %d: resync", self.run_id, self.sent)
                await self._send_model(
                    ViewerResync(
                        last_seq=self.sent,
                        reason="you fell behind; events after last_seq were dropped",
                    )
                )
            await self._send_items(taken.items)
            await asyncio.sleep(self.timers.frame_interval_s)

    async def _live_until_closed(self, subscription: Subscription) -> None:
        """Send the live tail until the run is deleted or the client goes away (what
        the client sends meanwhile is read and ignored: a viewer only listens)."""
        sender = asyncio.create_task(self._live(subscription))
        receiver = asyncio.create_task(self._drain_client())
        done, pending = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for task in done:
            task.result()  # re-raises what ended it

    async def _drain_client(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
