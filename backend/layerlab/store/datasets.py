"""Uploaded datasets: rows, and which runs still need an upload's file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from layerlab.store.tables import Run, UploadedDataset
from layerlab.train.events import OPEN_STATUSES


class DatasetNotFound(LookupError):
    def __init__(self, dataset_id: str):
        super().__init__(f"no dataset {dataset_id}")
        self.dataset_id = dataset_id


def add_dataset(session: Session, row: UploadedDataset) -> UploadedDataset:
    session.add(row)
    session.commit()
    return row


def same_upload(session: Session, sha256: str, kind: str) -> UploadedDataset | None:
    """The row already holding these bytes read as this kind, if any (an upload twice)."""
    query = select(UploadedDataset).where(
        UploadedDataset.sha256 == sha256, UploadedDataset.kind == kind
    )
    return session.scalars(query.limit(1)).first()


def list_datasets(session: Session) -> list[UploadedDataset]:
    query = select(UploadedDataset).order_by(UploadedDataset.created_at.desc())
    return list(session.scalars(query))


def get_dataset(session: Session, dataset_id: str) -> UploadedDataset:
    row = session.get(UploadedDataset, dataset_id)
    if row is None:
        raise DatasetNotFound(dataset_id)
    return row


def file_shared(session: Session, sha256: str, except_id: str) -> bool:
    """Whether another row reads the same file (so deleting this row keeps it)."""
    query = select(func.count()).where(
        UploadedDataset.sha256 == sha256, UploadedDataset.id != except_id
    )
    return bool(session.scalar(query))


def runs_needing_upload(session: Session, sha256: str) -> list[str]:
    """Queued or running runs whose configuration trains on the upload `sha256`."""
    query = select(Run.id, Run.config).where(Run.status.in_(OPEN_STATUSES))
    return [run_id for run_id, config in session.execute(query) if upload_of(config) == sha256]


def run_config(session: Session, run_id: str) -> dict[str, Any]:
    run = session.get(Run, run_id)
    return run.config if run is not None else {}


def upload_of(config: dict[str, Any]) -> str | None:
    """The upload a run configuration names, if any."""
    options = config.get("dataset_options") or {}
    upload = options.get("upload") if isinstance(options, dict) else None
    return upload if isinstance(upload, str) else None


def delete_dataset(session: Session, dataset_id: str) -> None:
    session.delete(get_dataset(session, dataset_id))
    session.commit()
