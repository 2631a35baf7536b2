"""The event log of runs: ingest a worker's batches idempotently with gapless per-run
seqs, add the server's own status events (`add_status_event`, called by `leases` and
`run_control` in the transaction that changes the run), read since a seq. Every row
of the log is built by `_row`.

Seqs come from `runs.last_seq`, advanced by one UPDATE per batch. That UPDATE locks
the run's row (PostgreSQL) or the database (SQLite) until the batch commits, so two
writers of one run can never take the same seq, and a batch that fails leaves no gap.
A worker's batch is keyed by (run, attempt, batch_seq): sending it again returns the
seqs it got the first time and stores nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from layerlab.store.event_codec import NewEvent, to_new_event
from layerlab.store.runs import RunNotFound
from layerlab.store.tables import IngestBatch, Run, RunEvent
from layerlab.train.events import RunStatus, StatusEvent

MAX_PAGE = 5_000


class StaleLease(RuntimeError):
    """The writer's fencing token is not the run's current one: its lease is gone."""

    def __init__(self, run_id: str, token: int, current: int):
        super().__init__(
            f"run {run_id}: fencing token {token} is stale (current {current}); the lease was lost"
        )
        self.run_id = run_id
        self.token = token
        self.current = current


class IngestResult(BaseModel):
    first_seq: int = Field(description="Seq of the batch's first event")
    count: int
    duplicate: bool = Field(description="The batch had been stored before; nothing was written")

    @property
    def seqs(self) -> range:
        return range(self.first_seq, self.first_seq + self.count)


@dataclass(frozen=True)
class EventPage:
    events: list[RunEvent]
    next_since: int
    """Pass as `since` to read on."""
    more: bool
    """More events matched than `limit`."""


def _allocate(session: Session, run_id: str, count: int, fencing_token: int | None) -> int:
    """Reserve `count` seqs; returns the first. Must be the transaction's first statement."""
    query = update(Run).where(Run.id == run_id)
    if fencing_token is not None:
        query = query.where(Run.fencing_token == fencing_token)
    last = session.execute(
        query.values(last_seq=Run.last_seq + count).returning(Run.last_seq)
    ).scalar_one_or_none()
    if last is None:
        session.rollback()
        current = session.scalar(select(Run.fencing_token).where(Run.id == run_id))
        if current is None:
            raise RunNotFound(run_id)
        raise StaleLease(run_id, fencing_token or 0, current)
    return int(last) - count + 1


def _row(run_id: str, seq: int, attempt: int, event: NewEvent) -> RunEvent:
    return RunEvent(
        run_id=run_id,
        seq=seq,
        type=event.type,
        step=event.step,
        epoch=event.epoch,
        time=event.time,
        attempt=attempt,
        payload=event.payload,
    )


def add_status_event(
    session: Session, run_id: str, seq: int, attempt: int, status: RunStatus, message: str
) -> RunEvent:
    """The run's event `seq` (already allocated), at the position of its last event."""
    last = session.execute(
        select(RunEvent.step, RunEvent.epoch, RunEvent.time)
        .where(RunEvent.run_id == run_id)
        .order_by(RunEvent.seq.desc())
        .limit(1)
    ).first()
    step, epoch, time = (last.step, last.epoch, last.time) if last else (0, None, 0.0)
    event = StatusEvent(
        seq=seq, run=run_id, step=step, epoch=epoch, time=time, status=status, message=message
    )
    row = _row(run_id, seq, attempt, to_new_event(event))
    session.add(row)
    return row


def ingest_batch(
    session: Session,
    run_id: str,
    attempt: int,
    batch_seq: int,
    events: Sequence[NewEvent],
    fencing_token: int | None = None,
) -> IngestResult:
    """Store a worker's batch once, with the run's next seqs. A batch seen before (same
    run, attempt and batch_seq) is answered with the seqs it got then, and nothing is
    written. Raises RunNotFound, or StaleLease when `fencing_token` is given and is not
    the run's current one."""
    first = _allocate(session, run_id, len(events), fencing_token)
    # The run's row is locked now, so a batch stored by another writer is visible here.
    seen = session.get(IngestBatch, (run_id, attempt, batch_seq))
    if seen is not None:
        session.rollback()
        return IngestResult(first_seq=seen.first_seq, count=seen.count, duplicate=True)
    session.add(
        IngestBatch(
            run_id=run_id,
            attempt=attempt,
            batch_seq=batch_seq,
            first_seq=first,
            count=len(events),
        )
    )
    session.add_all(_row(run_id, first + i, attempt, event) for i, event in enumerate(events))
    _note_dataset_used(session, run_id, events)
    session.commit()
    return IngestResult(first_seq=first, count=len(events), duplicate=False)


def _note_dataset_used(session: Session, run_id: str, events: Sequence[NewEvent]) -> None:
    """A worker's `running` status says what it trains on; the run's row keeps it."""
    for event in events:
        used = event.payload.get("dataset") if event.type == "status" else None
        if isinstance(used, str) and used:
            session.execute(update(Run).where(Run.id == run_id).values(dataset_used=used[:200]))


def read_events(
    session: Session,
    run_id: str,
    since: int = 0,
    types: Collection[str] | None = None,
    limit: int = 1_000,
) -> EventPage:
    """Events with seq > `since`, in seq order, at most `limit` (<= MAX_PAGE), of the
    given types only when `types` is given. Raises RunNotFound."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(RunEvent).where(RunEvent.run_id == run_id, RunEvent.seq > since)
    if types is not None:
        query = query.where(RunEvent.type.in_(list(types)))
    rows = list(session.scalars(query.order_by(RunEvent.seq).limit(limit + 1)))
    if not rows and session.get(Run, run_id) is None:
        raise RunNotFound(run_id)
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(events=rows, next_since=rows[-1].seq if rows else since, more=more)


def last_seq(session: Session, run_id: str) -> int:
    """The highest seq stored for a run (0 before its first event)."""
    value = session.scalar(select(Run.last_seq).where(Run.id == run_id))
    if value is None:
        raise RunNotFound(run_id)
    return int(value)
