"""A sweep's trials as local processes: `layerlab sweep`'s `Trials`, no server.

Each trial is `layerlab train TRIAL.json --json-events` in a process of its own (its
document with the trial's values written in, in a folder of the sweep's); its events
are read from its stdout on a thread, so the driver sees each epoch's value as it comes.
A prune or a stop is SIGTERM, which the trainer takes as a stop: it checkpoints (when
the sweep keeps checkpoints) and ends as `stopped`, recorded here as `pruned` when the
pruner asked.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from layerlab.graph.check import check
from layerlab.graph.document import load_document
from layerlab.graph.errors import GraphError
from layerlab.sweeps.driver import TrialProgress, TrialRefused
from layerlab.sweeps.space import Applied
from layerlab.train.config import ConfigError, config_of
from layerlab.train.events import (
    END_STATUSES,
    EndStatus,
    MetricsEvent,
    StatusEvent,
    parse_event,
)

log = logging.getLogger(__name__)

TRAIN = [sys.executable, "-m", "layerlab.cli", "train"]


@dataclass
class _Trial:
    number: int
    process: subprocess.Popen[str]
    values: dict[int, float] = field(default_factory=dict)
    ended: EndStatus | None = None
    message: str = ""
    pruning: bool = False
    stopping: bool = False
    epochs: int | None = None
    stderr: list[str] = field(default_factory=list)


class LocalTrials:
    def __init__(
        self,
        folder: Path,
        metric: str,
        data_dir: Path,
        threads: int = 1,
        keep_checkpoints: bool = False,
        allow_substitute: bool = False,
    ):
        self.folder = folder
        self.metric = metric
        self.data_dir = data_dir
        self.threads = threads
        self.keep_checkpoints = keep_checkpoints
        self.allow_substitute = allow_substitute
        self.changed = threading.Event()
        """Set whenever a trial reports a value or ends (the driver's cue for a step)."""
        self._trials: dict[int, _Trial] = {}
        self._lock = threading.Lock()

    # -- Trials ----------------------------------------------------------------------------

    def progress(self) -> Mapping[int, TrialProgress]:
        with self._lock:
            return {
                n: TrialProgress(
                    values=dict(t.values),
                    ended=t.ended,
                    message=t.message,
                    pruning=t.pruning,
                    epochs=t.epochs,
                )
                for n, t in self._trials.items()
            }

    def launch(self, number: int, point: dict[str, Any], applied: Applied) -> None:
        if number in self._trials:
            return
        document = dict(applied.document)
        document["training"] = {**document.get("training", {}), **applied.overrides}
        try:
            epochs = config_of(load_document(document)).epochs
        except GraphError as exc:
            raise TrialRefused.of(exc.issues) from None
        except (ConfigError, ValidationError) as exc:
            raise TrialRefused(str(exc)) from None
        report = check(document)
        if not report.ok:
            raise TrialRefused.of(report.errors)
        folder = self.folder / f"trial-{number:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "document.json"
        path.write_text(json.dumps(document, indent=1))
        command = [*TRAIN, str(path), "--json-events", "--run-id", f"trial-{number}"]
        command += ["--data-dir", str(self.data_dir)]
        if self.keep_checkpoints:
            command += ["--checkpoint-dir", str(folder / "checkpoints")]
        if self.allow_substitute:
            command.append("--allow-substitute")
        threads = str(self.threads)
        env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        trial = _Trial(number, process, epochs=epochs)
        with self._lock:
            self._trials[number] = trial
        threading.Thread(target=self._read, args=(trial,), daemon=True).start()
        threading.Thread(target=self._keep_stderr, args=(trial,), daemon=True).start()

    def prune(self, number: int, reason: str) -> None:
        with self._lock:
            trial = self._trials.get(number)
            if trial is None or trial.pruning:
                return
            trial.pruning = True
            trial.message = reason
        _terminate(trial.process)

    def stop(self, number: int) -> None:
        with self._lock:
            trial = self._trials.get(number)
            if trial is None or trial.stopping:
                return
            trial.stopping = True
        _terminate(trial.process)

    # -- the processes -------------------------------------------------------------------

    def running(self) -> int:
        with self._lock:
            return sum(t.ended is None for t in self._trials.values())

    def kill_all(self) -> None:
        with self._lock:
            processes = [t.process for t in self._trials.values()]
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def _read(self, trial: _Trial) -> None:
        assert trial.process.stdout is not None
        status: EndStatus | None = None
        message = ""
        for line in trial.process.stdout:
            try:
                event = parse_event(line)
            except ValidationError:
                continue
            if isinstance(event, MetricsEvent) and event.epoch is not None:
                value = event.values.get(self.metric)
                if value is not None:
                    with self._lock:
                        trial.values[event.epoch] = value
                    self.changed.set()
            elif isinstance(event, StatusEvent) and event.status in END_STATUSES:
                status, message = event.status, event.message
        code = trial.process.wait()
        with self._lock:
            if status is None:  # it never trained: a setup error, said on stderr
                status = "failed"
                message = "".join(trial.stderr[-5:]).strip() or f"layerlab train exited with {code}"
            trial.ended = status
            if trial.pruning and status == "stopped":
                trial.ended = "pruned"
            elif not trial.message:
                trial.message = message
        self.changed.set()

    def _keep_stderr(self, trial: _Trial) -> None:
        stream: IO[str] | None = trial.process.stderr
        assert stream is not None
        for line in stream:
            if line.startswith("error:"):
                trial.stderr.append(line)


def _terminate(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
