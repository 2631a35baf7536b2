"""Fetching official data files: one table entry per file, mirrors tried in order, md5 checked.

Nothing here runs unless `LoadContext.allow_download` is true; tests never set it. A file
is written under a temporary name beside its destination and renamed only after its
checksum matched, so a half-finished or tampered download never looks like data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from layerlab.train.data.registry import MissingDataError

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT_S = 60.0
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class RemoteFile:
    """One official file: its name on disk, its md5 and the URLs it can be fetched from."""

    name: str
    md5: str | None
    urls: tuple[str, ...]


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(remote: RemoteFile, folder: Path) -> Path:
    """Download `remote` into `folder` unless it is already there; return its path.

    Raises MissingDataError (listing every mirror's failure) when no mirror delivers a
    file with the expected checksum, so an offline run can still fall back to a substitute.
    """
    destination = folder / remote.name
    if destination.is_file():
        return destination
    folder.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    for url in remote.urls:
        try:
            _download_verified(url, destination, remote.md5)
        except (OSError, ValueError) as exc:
            log.warning("download of %s from %s failed: %s", remote.name, url, exc)
            failures.append(f"{url}: {exc}")
            continue
        log.info("downloaded %s from %s", remote.name, url)
        return destination
    raise MissingDataError(
        f"could not download {remote.name}: " + "; ".join(failures),
        summary=f"could not download {remote.name}",
    )


def _download_verified(url: str, destination: Path, md5: str | None) -> None:
    handle, temporary_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", dir=destination.parent
    )
    temporary = Path(temporary_name)
    try:
        with (
            os.fdopen(handle, "wb") as sink,
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as source,
        ):
            shutil.copyfileobj(source, sink, CHUNK_BYTES)
        if md5 is not None:
            actual = md5_of(temporary)
            if actual != md5:
                raise ValueError(f"md5 {actual} does not match the expected {md5}")
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
