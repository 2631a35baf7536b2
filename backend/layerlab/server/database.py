"""The store from async code: the store is synchronous, so each unit of database work
runs in a worker thread, in a session of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from sqlalchemy.orm import Session

from layerlab.store.db import Database

T = TypeVar("T")


async def in_session(database: Database, work: Callable[[Session], T]) -> T:
    """`work(session)` in a worker thread (the store is synchronous)."""

    def run() -> T:
        with database.session() as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)
