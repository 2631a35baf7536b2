"""Checkpoints a lease holder uploaded: recorded under the lease, the newest few kept."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from layerlab.store.fencing import raise_stale
from layerlab.store.runs import newest_checkpoints_first
from layerlab.store.tables import Checkpoint, Run
from layerlab.store.types import utcnow


def checkpoint_path(run_id: str, fencing_token: int, name: str) -> str:
    """What `checkpoints.path` holds: the run's folder, the lease's own folder (so that
    an upload still arriving from a lease that was lost meanwhile can neither replace
    nor delete the files of the lease that holds the run now, even at the same step),
    and the checkpoint's name. Rows of older servers hold `run/name`."""
    return f"{run_id}/f{fencing_token}/{name}"


def checkpoint_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def add_checkpoint(
    session: Session,
    run_id: str,
    worker_id: str,
    fencing_token: int,
    step: int,
    path: str,
    keep: int,
) -> list[str]:
    """Record a checkpoint the lease holder uploaded (StaleLease if it holds no lease),
    and forget all but the run's newest `keep`; returns the forgotten paths, for the
    caller to delete their files."""
    held = session.execute(
        update(Run)
        .where(Run.id == run_id, Run.lease_owner == worker_id, Run.fencing_token == fencing_token)
        .values(fencing_token=Run.fencing_token)  # takes the row's lock; changes nothing
        .returning(Run.attempt)
        .execution_options(synchronize_session=False)
    ).first()
    if held is None:
        raise_stale(session, run_id, fencing_token)
    known = session.scalars(
        select(Checkpoint).where(Checkpoint.run_id == run_id, Checkpoint.path == path)
    ).first()
    if known is None:  # else: the same upload again (its answer was lost)
        session.add(
            Checkpoint(
                run_id=run_id, attempt=held.attempt, step=step, path=path, created_at=utcnow()
            )
        )
        session.flush()
    older = list(session.scalars(newest_checkpoints_first(run_id).offset(keep)))
    for row in older:
        session.delete(row)
    session.commit()
    return [row.path for row in older if row.path != path]
