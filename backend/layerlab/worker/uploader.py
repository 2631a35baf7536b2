"""Checkpoint uploads of one run attempt, on their own thread.

The newest checkpoint offered is the one that matters: an older one not yet sent is
skipped. A failed upload is retried with backoff until it succeeds, something newer
comes, or the server says the lease is gone. `wait_tried` lets the training thread
wait for the first try of its checkpoint, and no longer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from layerlab.worker.transfer import Credentials, LeaseLost, TransferFailed, upload_checkpoint

log = logging.getLogger(__name__)

BACKOFF_MAX_S = 5.0


class Uploader:
    def __init__(
        self,
        run: str,
        fencing: int,
        credentials: Callable[[], Credentials],
        lost: Callable[[str], None],
    ):
        self.run = run
        self.fencing = fencing
        self.credentials = credentials
        self.lost = lost
        self._offered: tuple[int, Path] | None = None
        self._tickets = 0
        self._tried = 0
        """The newest ticket whose upload was tried (or skipped for a newer one)."""
        self._busy = False
        self._stopped = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"upload-{run}", daemon=True)
        self._thread.start()

    def offer(self, folder: Path) -> int:
        """Upload this checkpoint (in place of any older one waiting); returns a ticket."""
        with self._changed:
            self._tickets += 1
            self._offered = (self._tickets, folder)
            self._changed.notify_all()
            return self._tickets

    def wait_tried(self, ticket: int, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._tried >= ticket or self._stopped, timeout)

    def idle(self) -> bool:
        with self._changed:
            return self._offered is None and not self._busy

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _run(self) -> None:
        backoff = 0.2
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._offered is not None or self._stopped)
                if self._stopped or self._offered is None:
                    return
                (ticket, folder), self._offered = self._offered, None
                self._busy = True
            retry = False
            try:
                step = upload_checkpoint(self.credentials(), self.run, self.fencing, folder)
                log.info("run %s: checkpoint %s (step %d) uploaded", self.run, folder.name, step)
                backoff = 0.2
            except LeaseLost as exc:
                self.lost(str(exc))
            except FileNotFoundError:
                log.info(
                    "run %s: checkpoint %s was pruned before its upload", self.run, folder.name
                )
            except (TransferFailed, OSError) as exc:
                log.warning("run %s: upload of %s failed (%s)", self.run, folder.name, exc)
                retry = True
            with self._changed:
                self._busy = False
                self._tried = max(self._tried, ticket)
                if retry and self._offered is None:  # nothing newer: try this one again
                    self._offered = (ticket, folder)
                self._changed.notify_all()
            if retry:
                time.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
