"""The fencing check: does this worker, with this token, hold the run's lease now?

A (run, fencing token) pair is given to one worker only, and the token changes
whenever the lease changes hands or ends, so a writer whose token is not the run's
current one has lost its lease: its writes are refused (`StaleLease`).
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from layerlab.store.events import StaleLease
from layerlab.store.runs import RunNotFound
from layerlab.store.tables import Run


def check_lease(session: Session, run_id: str, worker_id: str, fencing_token: int) -> Run:
    """The run, if `worker_id` holds its lease with this token; else StaleLease
    (RunNotFound when the run does not exist)."""
    run = session.get(Run, run_id)
    if run is None:
        raise RunNotFound(run_id)
    if run.lease_owner != worker_id or run.fencing_token != fencing_token:
        raise StaleLease(run_id, fencing_token, run.fencing_token)
    return run


def raise_stale(session: Session, run_id: str, fencing_token: int) -> NoReturn:
    """After a conditional write matched nothing: say why (no run, or a stale token)."""
    session.rollback()
    current = session.scalar(select(Run.fencing_token).where(Run.id == run_id))
    if current is None:
        raise RunNotFound(run_id)
    raise StaleLease(run_id, fencing_token, current)
