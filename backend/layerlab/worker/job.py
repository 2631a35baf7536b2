"""One leased run on this worker: train it on its own thread, upload its checkpoints
on another, and say when it is done.

The network loop (agent.py) owns the job's outbox and talks to the server; the
training thread only adds events and offers checkpoints, so a slow or absent server
never blocks a training step.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from layerlab.graph.document import GraphDocument
from layerlab.ids import RUN_ID_PATTERN
from layerlab.messages import Message
from layerlab.train.config import TrainingConfig
from layerlab.train.control import Control
from layerlab.train.data import LoadContext
from layerlab.train.data.files import upload_path
from layerlab.train.data.isolated import (
    DEFAULT_LIMITS,
    LoadLimits,
    LoadStopped,
    load_isolated,
    names_user_file,
)
from layerlab.train.data.lazy import Dataset
from layerlab.train.entry import dataset_request, load_data, train_document
from layerlab.train.events import END_STATUSES, EndStatus, Event, LogEvent, StatusEvent
from layerlab.train.run import FitResult, RunOptions
from layerlab.train.stream import EventStream
from layerlab.worker.outbox import Outbox
from layerlab.worker.protocol import HeldRun, Lease, StartWeights
from layerlab.worker.transfer import (
    Credentials,
    LeaseLost,
    TransferFailed,
    download_checkpoint,
    download_start_weights,
    download_upload,
)
from layerlab.worker.uploader import Uploader

log = logging.getLogger(__name__)

UPLOAD_BACKOFF_MAX_S = 5.0
START_WEIGHTS_FILE = "start.safetensors"
UPLOAD_WAIT_S = 120.0
"""Longest a training step waits for its checkpoint's first upload attempt."""


RankEngine = Callable[[GraphDocument, TrainingConfig, Dataset, RunOptions], FitResult]
"""Trains a run's ranks somewhere else (a Ray cluster) and returns the leader's result."""


class Interrupted(Exception):
    """Stopped before training began."""


@dataclass(frozen=True)
class Ending:
    status: EndStatus
    message: str
    restarts: int = 0
    """Rank-group failures restarted within this attempt (Ray): lost workers too."""


class RunJob:
    def __init__(
        self,
        lease: Lease,
        credentials: Credentials,
        device: str,
        data_dir: Path,
        max_buffered_events: int,
        on_emit: Callable[[Event], None] | None = None,
        load_limits: LoadLimits = DEFAULT_LIMITS,
        engine: RankEngine | None = None,
    ):
        self.lease = lease
        self.credentials = credentials
        self.device = device
        self.data_dir = data_dir
        self.on_emit = on_emit
        self.load_limits = load_limits
        self.engine = engine
        self.control = Control()
        self.outbox = Outbox(lease.run, lease.attempt, lease.fencing, max_buffered_events)
        self.folder = data_dir / "runs" / lease.run / f"attempt-{lease.attempt}"
        self.uploader = Uploader(
            lease.run, lease.fencing, lambda: self.credentials, lambda why: self.lose(why)
        )
        self.ending: Ending | None = None
        """Set by the training thread when the run ends here."""
        self.lost: str | None = None
        """Why the lease was lost; nothing more is sent about this run then."""
        self.handing_back = False
        self.result_sent = False
        self.released = False
        """What was sent is a release (the run is queued again), not its result."""
        self.run_over = False
        """The server recorded the run's end, or deleted it: none of its files are wanted."""
        self._thread = threading.Thread(target=self._train, name=f"train-{lease.run}", daemon=True)

    @property
    def run(self) -> str:
        return self.lease.run

    def held(self) -> HeldRun:
        return HeldRun(run=self.lease.run, attempt=self.lease.attempt, fencing=self.lease.fencing)

    def start(self) -> None:
        if self.lease.paused:
            self.control.pause()
        self._thread.start()

    def training(self) -> bool:
        return self._thread.is_alive()

    def settled(self) -> bool:
        """Training is over, every event acknowledged and every checkpoint uploaded:
        time to report how it ended."""
        return (
            self.ending is not None
            and not self._thread.is_alive()
            and self.outbox.empty()
            and self.uploader.idle()
        )

    def hand_back(self, reason: str) -> None:
        """Checkpoint and stop, to give the run back (the worker is shutting down)."""
        self.handing_back = True
        self.control.stop(reason)

    def lose(self, why: str) -> None:
        """The lease is gone: stop training, drop what was not sent."""
        if self.lost is None:
            log.warning(
                "run %s attempt %d: lease lost (%s); stopping it", self.run, self.lease.attempt, why
            )
        self.lost = why
        self.control.stop(f"lease lost: {why}")
        self.outbox.clear()
        self.uploader.stop()

    def close(self) -> None:
        self.uploader.stop()

    def remove_files(self) -> None:
        """Delete what this attempt kept on disk, once the server no longer needs it from
        this worker (it holds every uploaded checkpoint; a later attempt downloads the
        one it resumes from). Call it once training has ended. The run's whole folder
        goes when the run is over or deleted; otherwise only this attempt's, since
        another worker sharing the data dir may be training the run's next attempt."""
        remove_run_folder(self.data_dir, self.run, None if self.run_over else self.lease.attempt)

    # -- the training thread ----------------------------------------------------------------

    def _sink(self, event: Event) -> None:
        if self.lost is not None:
            return
        if self.handing_back and isinstance(event, StatusEvent) and event.status == "stopped":
            # Handing back is no stop of the run: say what happened instead.
            event = LogEvent(
                seq=event.seq,
                run=event.run,
                step=event.step,
                epoch=event.epoch,
                time=event.time,
                message=f"checkpointed at step {event.step}; handing the run back "
                "(the worker is shutting down)",
            )
        if self.on_emit is not None:
            self.on_emit(event)
        self.outbox.add(event)
        if event.type == "checkpoint":
            # Training waits for the upload (not for retries: a server that is away
            # does not stop training), so the server is never more than one
            # checkpoint interval behind.
            ticket = self.uploader.offer(self.folder / event.name)
            self.uploader.wait_tried(ticket, UPLOAD_WAIT_S)

    def _train(self) -> None:
        lease = self.lease
        config = lease.config
        if config.device == "auto":
            config = config.model_copy(update={"device": self.device})
        try:
            resume = False
            start_weights = None
            if (checkpoint := lease.checkpoint) is not None:
                self._retrying(
                    "download",
                    lambda: download_checkpoint(
                        self.credentials, lease.run, lease.fencing, checkpoint, self.folder
                    ),
                )
                resume = True
            elif lease.start_weights is not None:
                start_weights = self.folder / START_WEIGHTS_FILE
                self._retrying(
                    "start weights download",
                    lambda: download_start_weights(
                        self.credentials, lease.run, lease.fencing, start_weights
                    ),
                )
            upload = config.dataset_options.get("upload")
            if isinstance(upload, str) and not upload_path(self.data_dir, upload).is_file():
                # An uploaded file lives on the server: fetched once, checked by its
                # sha256, and kept in this worker's data dir for later runs.
                self._retrying(
                    "dataset download",
                    lambda: download_upload(
                        self.credentials,
                        lease.run,
                        lease.fencing,
                        upload,
                        upload_path(self.data_dir, upload),
                    ),
                )
            data = self._load(config)
            options = RunOptions(
                run_id=lease.run,
                sink=self._sink,
                control=self.control,
                checkpoint_dir=self.folder,
                resume=resume,
                start_weights=start_weights,
                start_note=_start_note(lease.start_weights),
                first_seq=lease.first_seq,
            )
            if self.engine is not None:
                result = self.engine(lease.document, config, data, options)
            else:
                result = train_document(lease.document, config, data=data, options=options)
            status = result.status
            assert status in END_STATUSES, status
            self.ending = Ending(status, result.message, result.restarts)
        except LeaseLost as exc:
            self.lose(str(exc))
            self.ending = Ending("stopped", str(exc))
        except Interrupted as exc:
            if not self.handing_back:  # handed back, it is queued again, not stopped
                self._report_unstarted("stopped", str(exc))
            self.ending = Ending("stopped", str(exc))
        except Exception as exc:  # setup: the document, data, a checkpoint, the download
            message = f"{type(exc).__name__}: {exc}"
            log.exception("run %s could not start", lease.run)
            self._report_unstarted("failed", message)
            self.ending = Ending("failed", message)

    def _report_unstarted(self, status: EndStatus, message: str) -> None:
        """The status event of a run that ended before training began (once it has
        begun, the fit loop reports its own end)."""
        stream = EventStream(self.lease.run, self._sink, next_seq=self.lease.first_seq)
        stream.emit(StatusEvent, 0, None, status=status, message=message)

    def _load(self, config: TrainingConfig) -> Dataset:
        """The run's dataset. A file the user named is loaded in a child process that a
        stop (or the worker's SIGTERM) ends at once, bounded by the worker's limits.
        Offline, a set whose files are absent runs on its stated stand-in (the run's log
        says so), as the presets promise, instead of failing."""
        if not names_user_file(config.dataset_options):
            return load_data(config, self.data_dir, allow_substitute=True)
        name, options = dataset_request(config)
        try:
            return load_isolated(
                name,
                options,
                LoadContext(self.data_dir),
                allow_substitute=True,
                limits=self.load_limits,
                should_stop=lambda: self.control.stop_requested,
            )
        except LoadStopped as exc:
            raise Interrupted(str(exc)) from None

    def _retrying(self, what: str, transfer: Callable[[], Path]) -> None:
        """A transfer the run needs before it starts; retried while the server is
        unreachable."""
        backoff = 0.2
        while True:
            try:
                transfer()
                return
            except TransferFailed as exc:
                if self.control.stop_requested:
                    raise Interrupted(f"stopped while waiting for the {what}") from None
                log.warning("run %s: %s failed (%s); retrying", self.run, what, exc)
                time.sleep(backoff)
                backoff = min(backoff * 2, UPLOAD_BACKOFF_MAX_S)


def remove_run_folder(data_dir: Path, run_id: str, attempt: int | None) -> None:
    """Delete `<data dir>/runs/<run id>/attempt-<attempt>/` (and the run's folder if that
    leaves it empty), or with `attempt` None the whole `<data dir>/runs/<run id>/`.
    Nothing outside it: the run id must be one (no separators, no `..`), and a link in
    its place is left alone rather than followed."""
    if not re.fullmatch(RUN_ID_PATTERN, run_id):
        log.warning("not removing the files of %r: not a run id", run_id[:40])
        return
    run_folder = data_dir / "runs" / run_id
    target = run_folder if attempt is None else run_folder / f"attempt-{int(attempt)}"
    if run_folder.is_symlink() or target.is_symlink():
        log.warning("not removing %s: it is a link", target)
        return
    try:
        shutil.rmtree(target)  # never follows links inside it
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove %s: %s", target, exc)
        return
    if attempt is not None:
        with contextlib.suppress(OSError):  # other attempts' folders are still there
            run_folder.rmdir()


def _start_note(start: StartWeights | None) -> str:
    if start is None:
        return ""
    if start.imported is not None:
        return Message("run.starts_from_imported", name=start.imported)
    return Message(
        "run.starts_from_fork", run=start.run, checkpoint=start.checkpoint, step=start.step
    )
