"""Checkpoints between worker and server, over REST: upload after each save, download
the latest to resume a run. Both carry the worker token, the worker's id and key,
and the run's fencing token: the server takes them only from the lease holder."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from layerlab.train.data.base import DataError
from layerlab.worker.pack import pack_checkpoint, unpack_checkpoint
from layerlab.worker.protocol import (
    FENCING_HEADER,
    KEY_HEADER,
    NAME_HEADER,
    WORKER_HEADER,
    CheckpointRef,
)

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class LeaseLost(Exception):
    """The server refused: this worker no longer holds the run's lease."""


class TransferFailed(Exception):
    """The server could not be reached, or answered with an error; try again later."""


@dataclass(frozen=True)
class Credentials:
    server: str
    token: str
    worker_id: str
    worker_key: str

    def headers(self, fencing: int) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            WORKER_HEADER: self.worker_id,
            KEY_HEADER: self.worker_key,
            FENCING_HEADER: str(fencing),
        }


def _raise_for(response: httpx.Response, what: str) -> None:
    if response.status_code in (404, 409):
        raise LeaseLost(f"{what}: {response.status_code} {response.text[:200]}")
    if response.status_code >= 400:
        raise TransferFailed(f"{what}: {response.status_code} {response.text[:200]}")


def upload_checkpoint(credentials: Credentials, run: str, fencing: int, folder: Path) -> int:
    """Pack and PUT the checkpoint folder; returns its step."""
    pack = folder.parent / f".upload-{folder.name}-{os.getpid()}.safetensors"
    try:
        meta = pack_checkpoint(folder, pack)
        url = f"{credentials.server}/api/worker/runs/{run}/checkpoints/{folder.name}"
        with open(pack, "rb") as body:
            try:
                response = httpx.put(
                    url,
                    content=body,
                    headers={
                        **credentials.headers(fencing),
                        "Content-Type": "application/octet-stream",
                    },
                    timeout=TIMEOUT,
                )
            except httpx.HTTPError as exc:
                raise TransferFailed(f"upload of {folder.name}: {exc}") from None
        _raise_for(response, f"upload of {folder.name}")
        return meta.progress.step
    finally:
        pack.unlink(missing_ok=True)


def download_checkpoint(
    credentials: Credentials, run: str, fencing: int, wanted: CheckpointRef, checkpoints: Path
) -> Path:
    """GET the run's latest checkpoint into `checkpoints/<name>`; returns that folder."""
    checkpoints.mkdir(parents=True, exist_ok=True)
    pack = checkpoints / f".download-{os.getpid()}.safetensors"
    url = f"{credentials.server}/api/worker/runs/{run}/checkpoint"
    try:
        with httpx.stream("GET", url, headers=credentials.headers(fencing), timeout=TIMEOUT) as r:
            if r.status_code >= 400:
                r.read()
            _raise_for(r, "download")
            name = r.headers.get(NAME_HEADER, wanted.name)
            with open(pack, "wb") as out:
                for chunk in r.iter_bytes():
                    out.write(chunk)
        if name != wanted.name:
            log.info(
                "run %s: the server's latest checkpoint is %s (not %s)", run, name, wanted.name
            )
        # Checked against the name pattern: it becomes a folder name here.
        return unpack_checkpoint(pack, checkpoints, CheckpointRef(name=name, step=0).name)
    except httpx.HTTPError as exc:
        raise TransferFailed(f"download: {exc}") from None
    finally:
        pack.unlink(missing_ok=True)


def _download_whole(
    credentials: Credentials,
    fencing: int,
    url_path: str,
    target: Path,
    what: str,
    gone_code: str,
    check: Callable[[str], None] = lambda _sha256: None,
) -> Path:
    """GET `url_path` into `target`, whole or not at all: through a partial file that
    `check(sha256 of the bytes)` must pass before it is renamed. A 404 naming `gone_code`
    (the file left the server's disk) is a FileNotFoundError: the run fails, no retry."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".download-{os.getpid()}-{secrets.token_hex(4)}")
    digest = hashlib.sha256()
    try:
        url = f"{credentials.server}{url_path}"
        with httpx.stream("GET", url, headers=credentials.headers(fencing), timeout=TIMEOUT) as r:
            if r.status_code >= 400:
                r.read()
                if r.status_code == 404 and gone_code in r.text:
                    raise FileNotFoundError(f"{what}: the server no longer has the file")
            _raise_for(r, what)
            with open(partial, "wb") as out:
                for chunk in r.iter_bytes():
                    digest.update(chunk)
                    out.write(chunk)
        check(digest.hexdigest())
        os.replace(partial, target)
        return target
    except httpx.HTTPError as exc:
        raise TransferFailed(f"{what}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def download_start_weights(credentials: Credentials, run: str, fencing: int, target: Path) -> Path:
    """GET the weights a forked run starts from into `target` (whole, or not at all)."""
    return _download_whole(
        credentials,
        fencing,
        f"/api/worker/runs/{run}/start-weights",
        target,
        f"run {run}: start weights download",
        "no_start_weights",
    )


def download_upload(
    credentials: Credentials, run: str, fencing: int, sha256: str, target: Path
) -> Path:
    """GET the uploaded file a run trains on into `target`, whole and with the expected
    sha256, or not at all (a file that does not match is dropped, and the run fails)."""

    def check(actual: str) -> None:
        if actual != sha256:
            raise DataError(
                f"the uploaded file arrived with sha256 {actual[:12]}…, not {sha256[:12]}…; "
                "it is not used"
            )

    return _download_whole(
        credentials,
        fencing,
        f"/api/worker/runs/{run}/dataset",
        target,
        f"run {run}: dataset download",
        "upload_gone",
        check,
    )
