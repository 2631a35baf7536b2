"""What people do to runs: list them, count them per client, stop, pause, resume and
delete them.

A request is recorded in `runs.control` (the worker may be away just now: it is told
when it comes back, and a requeued run starts paused or not at all); a run that no
worker holds changes at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from layerlab.store.events import add_status_event
from layerlab.store.runs import RunNotFound, get_run, stop_ending
from layerlab.store.tables import Checkpoint, Run, RunEvent
from layerlab.store.types import utcnow
from layerlab.train.control import ControlAction
from layerlab.train.events import ACTIVE_STATUSES, END_STATUSES, OPEN_STATUSES


class RunConflict(RuntimeError):
    """The request does not apply to the run as it is (already finished, stopping)."""


@dataclass(frozen=True)
class ControlOutcome:
    run: Run
    notify_worker: str | None
    """The worker to tell (the lease holder), when the run is held."""
    event: RunEvent | None
    """The status event the change stored, when it changed the status itself."""


def list_runs(
    session: Session,
    status: str | None = None,
    graph_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
    sweep_id: str | None = None,
) -> tuple[list[Run], int]:
    """Runs, the newest first, and how many match in all."""
    query = select(Run)
    if status is not None:
        query = query.where(Run.status == status)
    if graph_id is not None:
        query = query.where(Run.graph_id == graph_id)
    if sweep_id is not None:
        query = query.where(Run.sweep_id == sweep_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Run.created_at.desc(), Run.id).limit(limit).offset(offset)
    )
    return list(rows), total


def client_counts(session: Session, client_id: str) -> tuple[int, int]:
    """(queued, active) runs of one client."""
    rows = dict(
        session.execute(
            select(Run.status, func.count())
            .where(Run.client_id == client_id, Run.status.in_(OPEN_STATUSES))
            .group_by(Run.status)
        ).all()
    )
    return rows.get("queued", 0), sum(rows.get(s, 0) for s in ACTIVE_STATUSES)


def request_control(session: Session, run_id: str, action: ControlAction) -> ControlOutcome:
    """Record `action`. Raises RunNotFound, or RunConflict when it cannot apply.

    Every path starts with a conditional UPDATE (see leases.py for why)."""
    if action == "stop":
        # A queued run no worker holds ends here, with a status event.
        stopped = session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == "queued")
            .values(
                status=func.coalesce(Run.stop_status, "stopped"),
                control=None,
                finished_at=utcnow(),
                last_seq=Run.last_seq + 1,
            )
            .returning(Run.last_seq, Run.attempt, Run.stop_status)
            .execution_options(synchronize_session=False)
        ).first()
        if stopped is not None:
            ending = stop_ending(stopped.stop_status)
            event = add_status_event(
                session,
                run_id,
                stopped.last_seq,
                stopped.attempt,
                ending,
                f"{ending} before it started",
            )
            session.commit()
            return ControlOutcome(get_run(session, run_id), None, event)
    query = update(Run).where(Run.id == run_id, Run.status.not_in(END_STATUSES))
    if action == "stop":
        query = query.values(control="stop")
    elif action == "pause":
        # A stop outranks a pause.
        query = query.values(control=case((Run.control == "stop", "stop"), else_="pause"))
    else:
        query = query.where(or_(Run.control.is_(None), Run.control != "stop")).values(control=None)
    changed = session.execute(
        query.returning(Run.status, Run.lease_owner).execution_options(synchronize_session=False)
    ).first()
    if changed is None:
        session.rollback()
        run = get_run(session, run_id)  # RunNotFound
        if run.status in END_STATUSES:
            raise RunConflict(f"run {run_id} has ended ({run.status})")
        raise RunConflict(f"run {run_id} is stopping")
    session.commit()
    holder = changed.lease_owner if changed.status in ACTIVE_STATUSES else None
    return ControlOutcome(get_run(session, run_id), holder, None)


def delete_run(session: Session, run_id: str) -> list[str]:
    """Delete a run with its events and checkpoint records; returns the checkpoint
    paths, for the caller to delete the files."""
    # Written first: it holds the row (and SQLite's write lock) until the delete.
    held = session.execute(
        update(Run)
        .where(Run.id == run_id)
        .values(control="stop")
        .execution_options(synchronize_session=False)
    )
    if not getattr(held, "rowcount", 0):
        session.rollback()
        raise RunNotFound(run_id)
    paths = list(session.scalars(select(Checkpoint.path).where(Checkpoint.run_id == run_id)))
    session.execute(delete(Run).where(Run.id == run_id))
    session.commit()
    return paths
