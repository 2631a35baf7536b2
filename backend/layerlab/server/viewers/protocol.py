"""Messages of the viewer websocket `WS /ws/runs/{id}?since=SEQ`.

    client                          server
    auth {token}  (when auth is on:  the first message, within auth_timeout_s)
                                    <- welcome {run, since}
                                    <- events {events: [...]}   stored history after `since`,
                                                                then the live tail, in seq order
                                    <- run {run}                 the run's record changed
                                    <- resync {last_seq}         you fell behind: events after
                                                                last_seq were dropped; refetch
                                                                them (REST) or reconnect with
                                                                since=last_seq
                                    <- error {code, message}     then the socket closes

At most one message per viewer per `frame_interval_s`, each holding every event that
came meanwhile.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from layerlab.server.runs.schemas import RunRecord
from layerlab.train.events import Event


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ViewerAuth(_Message):
    type: Literal["auth"] = "auth"
    token: str = Field(max_length=512)


class ViewerWelcome(_Message):
    type: Literal["welcome"] = "welcome"
    run: RunRecord
    since: int = Field(description="Events after this seq follow")


class ViewerEvents(_Message):
    type: Literal["events"] = "events"
    events: list[Event]


class ViewerRun(_Message):
    type: Literal["run"] = "run"
    run: RunRecord


class ViewerResync(_Message):
    type: Literal["resync"] = "resync"
    last_seq: int = Field(description="The last seq you were sent before the gap")
    reason: str


class ViewerError(_Message):
    type: Literal["error"] = "error"
    code: str
    message: str


ViewerMessage = Annotated[
    ViewerWelcome | ViewerEvents | ViewerRun | ViewerResync | ViewerError,
    Field(discriminator="type"),
]
VIEWER_MESSAGE: TypeAdapter[ViewerMessage] = TypeAdapter(ViewerMessage)


def parse_viewer_message(text: str | bytes) -> ViewerMessage:
    return VIEWER_MESSAGE.validate_json(text)


def events_frame(event_json: list[str]) -> str:
    """`ViewerEvents` from events already serialized (once, for every viewer): the
    same JSON as `ViewerEvents(events=...).model_dump_json()`, without re-encoding."""
    return '{"type":"events","events":[' + ",".join(event_json) + "]}"
