"""The upload route's work: read the multipart form, take the file (uploads.py), keep a
record of it, and delete it only when no queued or running run needs it."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from layerlab.ids import new_dataset_id
from layerlab.server.datasets import uploads
from layerlab.server.datasets.schemas import DatasetConfig, DatasetRecord, UploadInfo
from layerlab.server.errors import ApiError
from layerlab.server.middleware.body_limit import BodyTooLarge
from layerlab.server.middleware.body_timeout import BodyTimeout
from layerlab.server.settings import Settings
from layerlab.store.datasets import (
    DatasetNotFound,
    add_dataset,
    delete_dataset,
    file_shared,
    get_dataset,
    runs_needing_upload,
    same_upload,
)
from layerlab.store.db import Database
from layerlab.store.tables import UploadedDataset
from layerlab.train.data.base import LoadContext
from layerlab.train.data.files import UPLOADS_FOLDER, upload_path
from layerlab.train.data.preview import build_preview

NAME_CHARS = 200


async def upload_form(request: Request) -> FormData:
    """The multipart form: one file, a few short fields; the file spools to disk."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(
            415, "unsupported_media_type", "send the file as multipart/form-data", field="body"
        )
    try:
        return await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    except (ApiError, BodyTooLarge, BodyTimeout):  # the body's own limits: 413, 408
        raise
    except Exception as exc:  # starlette's MultiPartException and parser errors
        raise ApiError(
            400, "bad_request", f"unreadable multipart form: {exc}", field="body"
        ) from None


def _form_fields(form: FormData) -> tuple[UploadFile, str | None, str | None]:
    """The file, the `name` field and the `kind` field, checked."""
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise ApiError(422, "invalid_request", "the form needs a file in `file`", field="body.file")
    name, kind = form.get("name"), form.get("kind")
    if name is not None and (not isinstance(name, str) or len(name) > NAME_CHARS):
        raise ApiError(
            422, "invalid_request", f"`name` is text of at most {NAME_CHARS}", field="body.name"
        )
    kinds = uploads.upload_kinds()
    if kind is not None and kind not in kinds:
        raise ApiError(
            422,
            "invalid_request",
            f"`kind` is one of {', '.join(kinds)}",
            field="body.kind",
        )
    return file, name if isinstance(name, str) else None, kind if isinstance(kind, str) else None


async def accept_upload(
    database: Database, form: FormData, settings: Settings
) -> tuple[DatasetRecord, bool]:
    """The record of the uploaded file, and whether it is new (False: uploaded before)."""
    file, name, kind = _form_fields(form)
    filename = file.filename or ""
    label = (name or filename).strip()[:NAME_CHARS] or "upload"

    def work() -> tuple[DatasetRecord, bool]:
        received = uploads.receive(
            file.file, settings.data_dir / UPLOADS_FOLDER, uploads.upload_limit(settings, kind)
        )
        try:
            found_kind, extra = uploads.sniff(received.partial, kind, filename)
            limit = uploads.upload_limit(settings, found_kind)
            if received.bytes > limit:
                raise ApiError(
                    413,
                    "upload_too_large",
                    f"a {found_kind} upload is limited to {limit:,} bytes",
                    field="body.file",
                )
        except BaseException:
            received.partial.unlink(missing_ok=True)
            raise
        with database.session() as session:
            existing = same_upload(session, received.sha256, found_kind)
            if existing is not None:
                received.partial.unlink(missing_ok=True)
                return dataset_record(existing), False
        new_file = uploads.keep(received, settings.data_dir)
        try:
            row = _parsed_row(label, found_kind, extra, received, settings)
        except BaseException:
            with database.session() as session:
                if new_file and not file_shared(session, received.sha256, except_id=""):
                    uploads.forget(settings.data_dir, received.sha256)
            raise
        with database.session() as session:
            return dataset_record(add_dataset(session, row)), True

    return await anyio.to_thread.run_sync(work)


def _parsed_row(
    name: str,
    kind: str,
    extra: dict[str, object],
    received: uploads.Received,
    settings: Settings,
) -> UploadedDataset:
    loaded = uploads.parse(kind, received.sha256, dict(extra), settings)
    ctx = LoadContext(settings.data_dir)
    delimiter = str(extra.get("delimiter", ","))
    preview = build_preview(loaded, upload_path(settings.data_dir, received.sha256), ctx, delimiter)
    info = loaded.info
    facts = UploadInfo(
        input_shape=info.input_shape,
        input_dtype=info.input_dtype,
        target=info.target,
        num_classes=info.num_classes,
        classes=info.classes,
        train=info.train_size,
        val=info.val_size,
        notes=info.notes,
    )
    config = DatasetConfig(dataset=kind, dataset_options={"upload": received.sha256, **extra})
    return UploadedDataset(
        id=new_dataset_id(),
        name=name,
        kind=kind,
        sha256=received.sha256,
        bytes=received.bytes,
        info=facts.model_dump(mode="json"),
        config=config.model_dump(mode="json"),
        preview=preview.model_dump(mode="json"),
    )


def dataset_record(row: UploadedDataset) -> DatasetRecord:
    return DatasetRecord(
        id=row.id,
        name=row.name,
        kind=row.kind,
        bytes=row.bytes,
        sha256=row.sha256,
        created_at=row.created_at,
        info=UploadInfo.model_validate(row.info),
        config=DatasetConfig.model_validate(row.config),
    )


def find_dataset(session: Session, dataset_id: str) -> UploadedDataset:
    try:
        return get_dataset(session, dataset_id)
    except DatasetNotFound:
        raise ApiError(404, "not_found", f"no dataset {dataset_id}") from None


def delete_upload(session: Session, dataset_id: str, data_dir: Path) -> None:
    row = find_dataset(session, dataset_id)
    users = runs_needing_upload(session, row.sha256)
    if users:
        raise ApiError(
            409,
            "dataset_in_use",
            f"dataset {dataset_id} is used by {len(users)} queued or running run(s) "
            f"({', '.join(users[:5])}); stop or let them finish first",
        )
    sha256 = row.sha256
    shared = file_shared(session, sha256, except_id=dataset_id)
    delete_dataset(session, dataset_id)
    if not shared:
        uploads.forget(data_dir, sha256)
