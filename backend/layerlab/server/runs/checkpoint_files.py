"""Checkpoints on the server's disk: `<checkpoints>/<run>/f<fencing>/<name>.pack.safetensors`
(what a worker resumes from) and `<name>.weights.safetensors` (the model alone, for
people), in a folder per lease (see `run_checkpoints.checkpoint_path`).

An upload is written to a temporary file, checked, fsynced and renamed into place
before the database learns of it, so a checkpoint the database names is always whole.
Names are checked against strict patterns by the routes; nothing here joins a path
from anything else.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path

from layerlab.ids import RUN_ID_PATTERN
from layerlab.train.checkpoint import fsync_path
from layerlab.worker.pack import read_pack_meta, write_model_weights

log = logging.getLogger(__name__)

PACK_SUFFIX = ".pack.safetensors"
WEIGHTS_SUFFIX = ".weights.safetensors"
START_WEIGHTS = "start" + WEIGHTS_SUFFIX
UNFINISHED = (".upload-", ".copy-")
"""Prefixes of files being written: an upload, a fork's copy of its start."""
_RUN_FOLDER = re.compile(RUN_ID_PATTERN)


class CheckpointFiles:
    def __init__(self, root: Path):
        self.root = root

    def folder(self, run_id: str) -> Path:
        return self.root / run_id

    def temporary(self, run_id: str) -> Path:
        folder = self.folder(run_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f".upload-{secrets.token_hex(6)}"

    def pack(self, stored_path: str) -> Path:
        return self.root / (stored_path + PACK_SUFFIX)

    def weights(self, stored_path: str) -> Path:
        return self.root / (stored_path + WEIGHTS_SUFFIX)

    def start_weights(self, run_id: str) -> Path:
        """A fork's own copy of the weights it starts from (its source may be deleted)."""
        return self.folder(run_id) / START_WEIGHTS

    def copy_start_weights(self, stored_path: str, run_id: str) -> None:
        """Copy a checkpoint's weights to be run_id's start, whole or not at all.
        Raises FileNotFoundError when the checkpoint's files are gone (pruned)."""
        self.copy_start_file(self.weights(stored_path), run_id)

    def copy_start_file(self, weights: Path, run_id: str) -> None:
        """Copy a safetensors file to be run_id's start, whole or not at all."""
        target = self.start_weights(run_id)
        temporary = target.with_name(f".copy-{secrets.token_hex(6)}")
        # Opened first: nothing is made when it is gone, and a prune while copying
        # cannot take the open file away.
        with open(weights, "rb") as source:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(temporary, "wb") as out:
                    shutil.copyfileobj(source, out)
                fsync_path(temporary)
                os.replace(temporary, target)
                fsync_path(target.parent)
            finally:
                temporary.unlink(missing_ok=True)

    def commit(self, upload: Path, stored_path: str) -> int:
        """Check the uploaded pack, derive the weights file, and move both into place.
        Returns the checkpoint's step. Raises PackError (the upload is deleted)."""
        try:
            meta = read_pack_meta(upload)
            weights_tmp = upload.with_name(upload.name + ".weights")
            write_model_weights(upload, weights_tmp)
            fsync_path(upload)
            fsync_path(weights_tmp)
            target = self.pack(stored_path).parent
            target.mkdir(parents=True, exist_ok=True)
            os.replace(weights_tmp, self.weights(stored_path))
            os.replace(upload, self.pack(stored_path))
            fsync_path(target)
        finally:
            for leftover in upload.parent.glob(upload.name + "*"):
                leftover.unlink(missing_ok=True)
        return meta.progress.step

    def sweep(self, recorded: Mapping[str, set[str]]) -> int:
        """What a server killed mid-write left behind, deleted at start (before any
        request, so nothing is being written): unfinished uploads and copies, checkpoint
        files no row names (committed to disk, not yet to the database), and the
        folders of runs that do not exist (a fork whose row was never written).
        `recorded`: every run's id -> the stored paths of its recorded checkpoints.
        Entries that are not run folders are left alone. Returns the count removed."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir() or not _RUN_FOLDER.match(folder.name):
                continue
            kept = recorded.get(folder.name)
            if kept is None:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
                continue
            start = self.start_weights(folder.name)
            for file in sorted(folder.rglob("*"), reverse=True):  # files before folders
                if file.is_dir():
                    if file != folder and not any(file.iterdir()):
                        file.rmdir()  # a lease's folder left empty
                    continue
                name = file.name
                stored = file.relative_to(self.root).as_posix()
                stored = stored.removesuffix(PACK_SUFFIX).removesuffix(WEIGHTS_SUFFIX)
                unfinished = name.startswith(UNFINISHED)
                unrecorded = (
                    name.endswith((PACK_SUFFIX, WEIGHTS_SUFFIX))
                    and file != start
                    and stored not in kept
                )
                if unfinished or unrecorded:
                    file.unlink(missing_ok=True)
                    removed += 1
        if removed:
            log.info("removed %d leftovers of interrupted writes from %s", removed, self.root)
        return removed

    def delete(self, stored_path: str) -> None:
        self.pack(stored_path).unlink(missing_ok=True)
        self.weights(stored_path).unlink(missing_ok=True)

    def delete_run(self, run_id: str, stored_paths: list[str]) -> None:
        for path in stored_paths:
            self.delete(path)
        shutil.rmtree(self.folder(run_id), ignore_errors=True)
