"""Workers' identities: a worker registers once and proves who it is with a key.

The worker token (shared by all workers) only says "a worker"; the per-worker key,
handed out at registration and kept by the worker, says which one, so that a worker
that reconnects (after a network cut or a server restart) gets its leases back and
no other worker can claim them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from layerlab.ids import new_worker_id
from layerlab.store.tables import NAME_LENGTH, Worker
from layerlab.store.types import clean_text, utcnow


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_worker(
    session: Session, name: str, device: str, memory_bytes: int | None
) -> tuple[Worker, str]:
    """Register a worker; returns it and its key (only the key's hash is stored)."""
    key = secrets.token_urlsafe(24)
    now = utcnow()
    worker = Worker(
        id=new_worker_id(),
        name=clean_text(name, NAME_LENGTH),
        device=clean_text(device, NAME_LENGTH),
        memory_bytes=memory_bytes,
        registered_at=now,
        last_heartbeat_at=now,
        key_hash=key_hash(key),
    )
    session.add(worker)
    session.commit()
    return worker, key


def known_worker(
    session: Session,
    worker_id: str,
    key: str,
    name: str,
    device: str,
    memory_bytes: int | None,
) -> bool:
    """Whether `worker_id` is registered with this `key`; if so, what it says about
    itself now is recorded. (One UPDATE: SQLite's write lock from the first statement.)"""
    result = session.execute(
        update(Worker)
        .where(Worker.id == worker_id, Worker.key_hash == key_hash(key))
        .values(
            name=clean_text(name, NAME_LENGTH),
            device=clean_text(device, NAME_LENGTH),
            memory_bytes=memory_bytes,
            last_heartbeat_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def verify_key(session: Session, worker_id: str, key: str) -> bool:
    worker = session.get(Worker, worker_id)
    return (
        worker is not None
        and worker.key_hash is not None
        and hmac.compare_digest(worker.key_hash, key_hash(key))
    )
