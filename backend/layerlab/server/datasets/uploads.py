"""Taking a person's file as a dataset: store it by content, find its kind, parse it in
a bounded child process, and keep a record with its facts and preview.

    received = receive(stream, uploads_root, limit)        # streamed to disk, hashed
    kind, extra = sniff(received.partial, kind)             # csv / image_zip / text / idx / arrays
    stored = keep(received)                                 # uploads/<sha256>/data, once
    loaded = parse(kind, stored.sha256, extra, settings)    # load_isolated: time, memory

Nothing half-stored survives a failure: the partial file is removed whatever happens,
and a file that does not parse is deleted unless another record already had it. The
kinds and their size limits come from the dataset declarations (`max_upload_bytes`),
not from a list here.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import logging
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from layerlab import format as fmt
from layerlab.server.errors import ApiError
from layerlab.server.settings import Settings
from layerlab.train.data.arrays import has_array_members
from layerlab.train.data.base import DATASETS, DataError, LoadContext
from layerlab.train.data.files import UPLOADS_FOLDER, upload_path
from layerlab.train.data.idx_zip import has_idx_members
from layerlab.train.data.isolated import LoadLimits, load_isolated
from layerlab.train.data.lazy import Dataset
from layerlab.train.data.tabular import head_lines

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
SNIFF_BYTES = 64 * 1024
FORM_OVERHEAD_BYTES = 64 * 1024
"""Multipart boundaries and the short fields beside the file."""
CSV_DELIMITERS = (",", ";", "\t")
TEXT_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "text", ".md": "text"}
"""A UTF-8 file's name says what it is where its content could be either."""
PARSE_LIMITS = LoadLimits(time_s=120.0, memory_bytes=4 * 2**30)
"""An upload is parsed once, while its sender waits: two minutes and 4 GiB at most."""


def upload_kinds() -> dict[str, int]:
    """Every kind a person may upload, with its size limit in bytes."""
    return {name: s.max_upload_bytes for name, s in DATASETS.items() if s.max_upload_bytes}


def upload_limit(settings: Settings, kind: str | None) -> int:
    """The most bytes taken for `kind` (any kind: the largest), capped by the settings."""
    kinds = upload_kinds()
    limit = kinds[kind] if kind else max(kinds.values())
    return min(limit, settings.max_upload_bytes or limit)


@dataclass(frozen=True)
class Received:
    partial: Path
    sha256: str
    bytes: int


def receive(stream: BinaryIO, uploads_root: Path, limit: int) -> Received:
    """Copy `stream` to a partial file under `uploads_root`, hashing and counting it."""
    uploads_root.mkdir(parents=True, exist_ok=True)
    partial = uploads_root / f".partial-{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as sink:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise ApiError(
                        413,
                        "upload_too_large",
                        f"the file is over the {fmt.size(limit)} limit",
                        field="body.file",
                    )
                digest.update(chunk)
                sink.write(chunk)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if size == 0:
        partial.unlink(missing_ok=True)
        raise ApiError(422, "invalid_dataset", "the file is empty", field="body.file")
    return Received(partial, digest.hexdigest(), size)


def keep(received: Received, data_dir: Path) -> bool:
    """Move the partial file to its content address; False if those bytes were there."""
    final = upload_path(data_dir, received.sha256)
    if final.is_file():
        received.partial.unlink(missing_ok=True)
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(received.partial, final)
    return True


def forget(data_dir: Path, sha256: str) -> None:
    """Delete an upload's file and its folder."""
    final = upload_path(data_dir, sha256)
    final.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        final.parent.rmdir()


def sweep_partials(data_dir: Path) -> None:
    """Remove what an interrupted upload left (a kill mid-copy); run at start."""
    root = data_dir / UPLOADS_FOLDER
    if root.is_dir():
        for leftover in root.glob(".partial-*"):
            leftover.unlink(missing_ok=True)


def sniff(path: Path, kind: str | None, filename: str = "") -> tuple[str, dict[str, Any]]:
    """The file's kind (the given one, else found from its content, where a text file's
    name ending decides between a table and prose) and the options that kind needs to
    read it (a CSV's delimiter)."""
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if kind is None:
        kind = _kind_of(path, head)
        suffix = Path(filename).suffix.lower()
        if kind in ("csv", "text") and suffix in TEXT_SUFFIXES:
            kind = TEXT_SUFFIXES[suffix]
    if kind == "csv":
        return kind, {"delimiter": _delimiter(head)}
    return kind, {}


def _kind_of(path: Path, head: bytes) -> str:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as archive:
                if has_array_members(archive):
                    return "arrays"
                return "idx" if has_idx_members(archive) else "image_zip"
        except zipfile.BadZipFile:
            raise _unknown("it starts like a zip but has no valid zip directory") from None
    if head.startswith(b"\x1f\x8b"):
        raise _unknown(
            "it is gzip-compressed: zip IDX files together (kind idx), or upload a CSV or "
            "text file uncompressed"
        )
    try:  # incremental: a character cut at the end of the head is no error
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        raise _unknown("it is neither a zip nor UTF-8 text") from None
    return "csv" if _delimiter(head, strict=True) else "text"


def _unknown(why: str) -> ApiError:
    kinds = ", ".join(upload_kinds())
    return ApiError(
        422,
        "unknown_kind",
        f"the file's kind could not be told: {why}. Give `kind` ({kinds}) to say it",
        field="body.file",
    )


def _delimiter(head: bytes, strict: bool = False) -> str:
    """The delimiter that splits the first lines into the same number (>= 2) of fields."""
    lines = head_lines(head, 10)
    for delimiter in CSV_DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) == 1 and counts.pop() >= 2:
            return delimiter
    return "" if strict else ","


def parse(kind: str, sha256: str, extra: dict[str, Any], settings: Settings) -> Dataset:
    """Load the upload as `kind` in a bounded child process; a 422 says why it failed."""
    options = {"upload": sha256, **extra}
    try:
        return load_isolated(kind, options, LoadContext(settings.data_dir), limits=PARSE_LIMITS)
    except DataError as exc:
        raise ApiError(
            422, "invalid_dataset", f"not a usable {kind} file: {exc}", field="body.file"
        ) from None
    except RuntimeError:
        # A loader bug, not the file's fault: its message may quote the file, so it goes
        # to the log only.
        log.exception("upload %s as %s could not be loaded", sha256, kind)
        raise ApiError(
            422,
            "invalid_dataset",
            f"the file could not be read as {kind} (the server's log has the details)",
            field="body.file",
        ) from None
