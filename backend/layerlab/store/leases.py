"""Leases: which worker trains which run, until when, and what happens when it stops.

A lease is (lease_owner, lease_expires_at, fencing_token) on the run's row. Every
change of hands (granted, ended, expired, handed back) increments the fencing token
in the same UPDATE that changes the owner, and every write a worker makes names the
token it was given; so once a lease is gone, nothing its old holder sends is stored
(`StaleLease`). Each function that writes is one transaction whose first statement
is a conditional UPDATE of the run's row: two servers, or a reaper and a heartbeat,
can never both win the same change; and SQLite takes its write lock at once (a
transaction that reads first and writes later fails when another wrote meanwhile).

A status change the server makes itself (requeued, failed, stopped) is stored in the
same transaction as an event of the run, so viewers read it from the log like any
other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from layerlab.store.events import add_status_event
from layerlab.store.fencing import raise_stale
from layerlab.store.run_checkpoints import checkpoint_name
from layerlab.store.runs import ForkOrigin, latest_checkpoint, stop_ending
from layerlab.store.tables import Run, RunEvent, Worker
from layerlab.store.types import utcnow
from layerlab.train.events import (
    ACTIVE_STATUSES,
    FAILURE_STATUSES,
    RunStatus,
)


@dataclass(frozen=True)
class LeaseGrant:
    run_id: str
    attempt: int
    fencing_token: int
    document: dict[str, Any]
    config: dict[str, Any]
    checkpoint_name: str | None
    checkpoint_step: int | None
    paused: bool
    first_seq: int
    fork: ForkOrigin | None = None
    """A fork with no checkpoint of its own yet: start from this checkpoint's weights."""
    imported_weights: str | None = None
    """A run from imported weights with no checkpoint of its own yet: start from them."""


@dataclass(frozen=True)
class HeldLease:
    """A lease as its worker names it."""

    run_id: str
    fencing_token: int


@dataclass(frozen=True)
class ExpiredLease:
    run_id: str
    owner: str
    fencing_token: int


@dataclass(frozen=True)
class StatusChange:
    """What a lease change did to a run: its new status, and the event that says so
    (None when the worker reported the status itself)."""

    run_id: str
    status: str
    event: RunEvent | None


def _deadline(lease_s: float) -> datetime:
    return utcnow() + timedelta(seconds=lease_s)


# -- granting -----------------------------------------------------------------------------


def _needing_more_processes(session: Session, max_processes: int) -> list[str]:
    """Queued runs with more data-parallel ranks than `max_processes`. Read in a
    transaction of its own, ended here, so that the grant's UPDATE still comes first in
    its own (a run's config does not change while it is queued)."""
    rows = session.execute(select(Run.id, Run.config).where(Run.status == "queued")).all()
    session.commit()
    return [row.id for row in rows if int((row.config or {}).get("processes", 1)) > max_processes]


def grant_lease(
    session: Session,
    worker_id: str,
    memory_bytes: int | None,
    lease_s: float,
    max_active_per_client: int,
    max_processes: int = 1,
) -> LeaseGrant | None:
    """Lease the oldest queued run that fits the worker's memory and its capacity (all
    of the run's data-parallel ranks, `processes` in its config) and whose client is
    under its active-run limit; None when there is none.

    One UPDATE picks and takes the run (a subquery chooses it), so no one else can take
    it in between, and SQLite's write lock is held from the first statement on."""
    candidate = aliased(Run, name="candidate")
    other = aliased(Run, name="other")
    busy = (
        select(func.count())
        .select_from(other)
        .where(other.client_id == candidate.client_id, other.status.in_(ACTIVE_STATUSES))
        .scalar_subquery()
    )
    pick = select(candidate.id).where(
        candidate.status == "queued",
        or_(candidate.control.is_(None), candidate.control != "stop"),
        busy < max_active_per_client,
    )
    too_big = _needing_more_processes(session, max_processes)
    if too_big:
        pick = pick.where(candidate.id.not_in(too_big))
    if memory_bytes is not None:
        pick = pick.where(
            or_(candidate.memory_bytes.is_(None), candidate.memory_bytes <= memory_bytes)
        )
    pick = pick.order_by(candidate.created_at, candidate.id).limit(1)
    granted = session.execute(
        update(Run)
        .where(Run.id == pick.scalar_subquery(), Run.status == "queued")
        .values(
            status="running",
            attempt=Run.attempt + 1,
            fencing_token=Run.fencing_token + 1,
            lease_owner=worker_id,
            lease_expires_at=_deadline(lease_s),
            started_at=func.coalesce(Run.started_at, utcnow()),
        )
        .returning(Run.id, Run.attempt, Run.fencing_token, Run.last_seq, Run.control)
        .execution_options(synchronize_session=False)
    ).first()
    if granted is None:
        session.rollback()
        return None
    document, config, forked_from, fork_checkpoint, fork_step, imported = session.execute(
        select(
            Run.document,
            Run.config,
            Run.forked_from,
            Run.fork_checkpoint,
            Run.fork_step,
            Run.imported_weights,
        ).where(Run.id == granted.id)
    ).one()
    worker_device = session.execute(select(Worker.device).where(Worker.id == worker_id)).scalar()
    session.execute(
        update(Run)
        .where(Run.id == granted.id)
        .values(device=training_device(str(config.get("device", "auto")), worker_device))
    )
    checkpoint = latest_checkpoint(session, granted.id)
    session.commit()
    return LeaseGrant(
        run_id=granted.id,
        attempt=granted.attempt,
        fencing_token=granted.fencing_token,
        document=document,
        config=config,
        checkpoint_name=checkpoint_name(checkpoint.path) if checkpoint else None,
        checkpoint_step=checkpoint.step if checkpoint else None,
        paused=granted.control == "pause",
        first_seq=granted.last_seq + 1,
        fork=ForkOrigin(run=forked_from, checkpoint=fork_checkpoint, step=fork_step)
        if forked_from is not None and checkpoint is None
        else None,
        imported_weights=imported if checkpoint is None else None,
    )


def training_device(requested: str, worker_device: str | None) -> str:
    """What a run trains on, as people read it: the worker's device ("cuda:0 (NVIDIA
    H100)") when the run takes whatever the worker has, else the device it asked for."""
    if worker_device and (requested == "auto" or worker_device.startswith(requested)):
        return worker_device
    return requested


# -- holding --------------------------------------------------------------------------


def renew_leases(
    session: Session, worker_id: str, held: list[HeldLease], lease_s: float
) -> list[HeldLease]:
    """Extend the leases the worker still holds (and note its heartbeat); returns those
    it no longer holds."""
    session.execute(update(Worker).where(Worker.id == worker_id).values(last_heartbeat_at=utcnow()))
    stale = []
    deadline = _deadline(lease_s)
    for lease in held:
        renewed = session.execute(
            update(Run)
            .where(
                Run.id == lease.run_id,
                Run.lease_owner == worker_id,
                Run.fencing_token == lease.fencing_token,
            )
            .values(lease_expires_at=deadline)
        )
        if getattr(renewed, "rowcount", 0) != 1:
            stale.append(lease)
    session.commit()
    return stale


def renew_all(session: Session, worker_ids: list[str], lease_s: float) -> None:
    """Extend every lease of these workers (connected and heard from just now)."""
    if worker_ids:
        session.execute(
            update(Run)
            .where(Run.lease_owner.in_(worker_ids))
            .values(lease_expires_at=_deadline(lease_s))
        )
    session.commit()


def extend_all(session: Session, lease_s: float) -> int:
    """At server start: give every lease a full term from now. Workers could not renew
    while the server was down; that is no fault of theirs."""
    result = session.execute(
        update(Run).where(Run.lease_owner.is_not(None)).values(lease_expires_at=_deadline(lease_s))
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def requested_controls(session: Session, run_ids: list[str]) -> dict[str, str | None]:
    """What people asked of these runs (pause, stop), by run."""
    if not run_ids:
        return {}
    rows = session.execute(select(Run.id, Run.control).where(Run.id.in_(run_ids))).all()
    return {row.id: row.control for row in rows}


def set_reported_status(
    session: Session, run_id: str, fencing_token: int, status: RunStatus
) -> bool:
    """The worker reported running or paused: mirror it on the run's row."""
    if status not in ACTIVE_STATUSES:
        return False
    result = session.execute(
        update(Run)
        .where(
            Run.id == run_id, Run.fencing_token == fencing_token, Run.status.in_(ACTIVE_STATUSES)
        )
        .values(status=status)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


# -- ending -----------------------------------------------------------------------------


def _take_back(
    session: Session, run_id: str, condition: Any, values: dict[str, Any], with_event: bool
) -> Any:
    """End a lease if `condition` holds: the transaction's first statement, so it holds
    the row from here on. Returns the row's (attempt, last_seq, failures, max_attempts,
    control) after the change, or None (rolled back) when the condition failed. With
    `with_event`, a seq is allocated (last_seq) for a status event. (And its
    stop_status: what a requested stop ends it as.)"""
    if with_event:
        values = {**values, "last_seq": Run.last_seq + 1}
    row = session.execute(
        update(Run)
        .where(Run.id == run_id, condition)
        .values(
            lease_owner=None,
            lease_expires_at=None,
            fencing_token=Run.fencing_token + 1,
            **values,
        )
        .returning(
            Run.attempt,
            Run.last_seq,
            Run.failures,
            Run.max_attempts,
            Run.control,
            Run.stop_status,
        )
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.rollback()
    return row


def _set(session: Session, run_id: str, values: dict[str, Any]) -> None:
    session.execute(
        update(Run)
        .where(Run.id == run_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def finish_lease(
    session: Session,
    run_id: str,
    worker_id: str,
    fencing_token: int,
    status: RunStatus,
    message: str,
    restarts: int = 0,
) -> StatusChange:
    """The worker reports how the run ended (its status event is already stored). A
    stop ends the run as its stop_status says (pruned), as its status event did. Rank
    groups restarted within the attempt (Ray) count as lost workers."""
    held = and_(Run.lease_owner == worker_id, Run.fencing_token == fencing_token)
    ended: Any = func.coalesce(Run.stop_status, status) if status == "stopped" else status
    values: dict[str, Any] = {"status": ended, "control": None, "finished_at": utcnow()}
    if restarts:
        values["failures"] = Run.failures + restarts
    if status in FAILURE_STATUSES:
        values["failure_reason"] = message
    if _take_back(session, run_id, held, values, with_event=False) is None:
        raise_stale(session, run_id, fencing_token)
    session.commit()
    return StatusChange(run_id, status, None)


def release_lease(
    session: Session, run_id: str, worker_id: str, fencing_token: int, reason: str
) -> StatusChange:
    """The worker hands the run back (it is shutting down, having checkpointed): the
    run is queued again, and this attempt does not count as a failure."""
    held = and_(Run.lease_owner == worker_id, Run.fencing_token == fencing_token)
    row = _take_back(session, run_id, held, {}, with_event=True)
    if row is None:
        raise_stale(session, run_id, fencing_token)
    status: RunStatus
    if row.control == "stop":
        status = stop_ending(row.stop_status)
        message = f"{status}: {reason}; the last checkpoint is kept"
        _set(session, run_id, {"status": status, "control": None, "finished_at": utcnow()})
    else:
        status = "queued"
        message = f"queued again: {reason}; it resumes from its last checkpoint"
        _set(session, run_id, {"status": status})
    event = add_status_event(session, run_id, row.last_seq, row.attempt, status, message)
    session.commit()
    return StatusChange(run_id, status, event)


def expired_leases(session: Session) -> list[ExpiredLease]:
    rows = session.execute(
        select(Run.id, Run.lease_owner, Run.fencing_token).where(
            Run.lease_owner.is_not(None), Run.lease_expires_at < utcnow()
        )
    ).all()
    return [ExpiredLease(r.id, r.lease_owner, r.fencing_token) for r in rows]


def expire_lease(session: Session, lease: ExpiredLease, reason: str) -> StatusChange | None:
    """Take an expired lease back: the run is queued again (a failed attempt), failed
    once it has lost `max_attempts` workers, or stopped if a stop was asked for. None
    when the lease was renewed or ended meanwhile."""
    condition = and_(
        Run.lease_owner == lease.owner,
        Run.fencing_token == lease.fencing_token,
        Run.lease_expires_at < utcnow(),
    )
    row = _take_back(
        session, lease.run_id, condition, {"failures": Run.failures + 1}, with_event=True
    )
    if row is None:
        return None
    status: RunStatus
    if row.control == "stop":
        status = stop_ending(row.stop_status)
        message = f"{status}: {reason}; the last checkpoint is kept"
        _set(session, lease.run_id, {"status": status, "control": None, "finished_at": utcnow()})
    elif row.failures >= row.max_attempts:
        status, message = "failed", f"worker lost {row.failures} times: {reason}"
        values = {"status": status, "failure_reason": message, "finished_at": utcnow()}
        _set(session, lease.run_id, values)
    else:
        status = "queued"
        message = (
            f"worker lost ({reason}); queued again to resume from its last checkpoint "
            f"({row.failures} of {row.max_attempts} allowed losses)"
        )
        _set(session, lease.run_id, {"status": status})
    event = add_status_event(session, lease.run_id, row.last_seq, row.attempt, status, message)
    session.commit()
    return StatusChange(lease.run_id, status, event)
