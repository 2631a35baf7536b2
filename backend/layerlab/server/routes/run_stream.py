"""`WS /ws/runs/{id}?since=SEQ`: a run's events, the stored history then the live tail
(see `viewers/stream.py` for how, and `viewers/protocol.py` for the messages).

When auth is on, the token comes in the first message (`{"type": "auth", "token":
...}`): browsers cannot set headers on a websocket, and a token in the URL would end
up in logs. Host and Origin are checked by the middleware, as for every route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, WebSocket

from layerlab.ids import RUN_ID_PATTERN
from layerlab.server.deps import DatabaseDep, HubDep, SettingsDep
from layerlab.server.viewers.stream import ViewerStream

router = APIRouter()


@router.websocket("/ws/runs/{run_id}")
async def watch_run(
    websocket: WebSocket,
    run_id: Annotated[str, Path(pattern=RUN_ID_PATTERN)],
    settings: SettingsDep,
    database: DatabaseDep,
    hub: HubDep,
    since: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> None:
    await ViewerStream(websocket, run_id, since, settings, database, hub).serve()
