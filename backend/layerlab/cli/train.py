"""`layerlab train GRAPH.json`: train headless, with a progress line on stderr.

With --json-events, stdout carries the run's events, one JSON object per line (the
same events the server streams); the progress line and the summary go to stderr.
Exit status (`cli/exits.py`): 0 finished or stopped, 1 failed or a setup error, 3
diverged.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from layerlab.cli import exits
from layerlab.train.events import Event, MetricsEvent, StatusEvent, event_json

PROGRESS_EVERY_S = 2.0
"""Seconds between progress lines when stderr is not a terminal (a log file)."""


def add_command(sub: Any) -> None:
    """Register `train` on the CLI's subcommand parsers."""
    p = sub.add_parser("train", help="train a graph headless, as its training section says")
    p.add_argument("graph", help="path to a graph JSON document")
    p.add_argument("--dataset", help="dataset name (overrides the document's)")
    p.add_argument("--data-dir", default="data", help="folder of dataset files (default: data)")
    p.add_argument("--epochs", type=int, help="passes over the training set")
    p.add_argument("--steps", type=int, help="stop after this many optimizer steps")
    p.add_argument("--batch-size", type=int, help="samples per step")
    p.add_argument("--lr", type=float, help="peak learning rate")
    p.add_argument("--seed", type=int, help="seed of initialisation, data order and noise")
    p.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps")
    p.add_argument(
        "--processes",
        type=int,
        help="data-parallel ranks on this machine (gloo on the CPU, NCCL with a GPU each), "
        "as torchrun would start them; --batch-size stays the global batch",
    )
    p.add_argument(
        "--sync-batchnorm",
        action="store_true",
        default=None,
        help="with --processes: BatchNorm statistics over the global batch",
    )
    p.add_argument("--checkpoint-dir", help="write checkpoints here")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint-dir's latest")
    p.add_argument(
        "--init-weights",
        help="start from these weights (safetensors, e.g. a run's downloaded checkpoint) "
        "instead of a fresh initialisation: a fork",
    )
    p.add_argument(
        "--allow-substitute",
        action="store_true",
        help="train on a dataset's offline look-alike when its files are absent",
    )
    p.add_argument("--run-id", default="cli", help="run id carried by every event")
    p.add_argument(
        "--json-events", action="store_true", help="print events as JSON lines on stdout"
    )
    p.set_defaults(func=cmd_train)


class Progress:
    """The progress line: epoch, step, loss, throughput and ETA."""

    def __init__(self, out: TextIO, epochs: int):
        self.out = out
        self.epochs = epochs
        self.live = out.isatty()
        self.total = 0
        self.start = time.monotonic()
        self.last_print = 0.0
        self.loss: float | None = None
        self.speed: float | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, StatusEvent) and event.total_steps:
            self.total = event.total_steps
        if not isinstance(event, MetricsEvent):
            return
        self.loss = event.values.get("train/loss", self.loss)
        self.speed = event.values.get("samples_per_s", self.speed)
        now = time.monotonic()
        if not self.live and now - self.last_print < PROGRESS_EVERY_S:
            return
        self.last_print = now
        elapsed = now - self.start
        eta = (
            elapsed / event.step * (self.total - event.step) if event.step and self.total else None
        )
        parts = [
            f"epoch {(event.epoch or 0) + 1}/{self.epochs}",
            f"step {event.step}/{self.total}",
            f"loss {self.loss:.4f}" if self.loss is not None else "loss -",
            f"{self.speed:,.0f} samples/s" if self.speed is not None else "",
            f"ETA {_clock(eta)}" if eta is not None else "",
        ]
        val = {k: v for k, v in event.values.items() if k.startswith("val/") and v is not None}
        parts += [f"{k} {v:.4g}" for k, v in list(val.items())[:3]]
        line = "  ".join(p for p in parts if p)
        self.out.write(f"\r{line}\033[K" if self.live else f"{line}\n")
        self.out.flush()

    def close(self) -> None:
        if self.live:
            self.out.write("\n")


def _say(out: TextIO, line: str) -> None:
    """The command's own output (this module is CLI code: print-like by design)."""
    out.write(line + "\n")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def cmd_train(args: argparse.Namespace) -> int:
    from layerlab.graph.document import load_document
    from layerlab.graph.errors import GraphError
    from layerlab.train.checkpoint import CheckpointError
    from layerlab.train.config import ConfigError, config_of
    from layerlab.train.control import Control
    from layerlab.train.data import DataError
    from layerlab.train.entry import load_data, train_document
    from layerlab.train.run import RunOptions
    from layerlab.train.tasks import TaskError

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(message)s"
    )
    try:
        doc = load_document(Path(args.graph))
        config = config_of(doc).with_overrides(
            dataset=args.dataset,
            epochs=args.epochs,
            max_steps=args.steps,
            batch_size=args.batch_size,
            lr=args.lr,
            seed=args.seed,
            device=args.device,
            processes=args.processes,
            sync_batchnorm=args.sync_batchnorm,
        )
        data = load_data(config, Path(args.data_dir), allow_substitute=args.allow_substitute)
    except GraphError as exc:
        for issue in exc.issues:
            _say(sys.stderr, f"error: {issue}")
        return exits.ERROR
    except (ConfigError, DataError) as exc:
        _say(sys.stderr, f"error: {exc}")
        return exits.ERROR

    progress = Progress(sys.stderr, config.epochs)

    def sink(event: Event) -> None:
        if args.json_events:
            sys.stdout.write(event_json(event) + "\n")
            sys.stdout.flush()
        progress(event)

    control = Control()
    signal.signal(signal.SIGINT, lambda *_: control.stop("interrupted (Ctrl-C)"))
    signal.signal(signal.SIGTERM, lambda *_: control.stop("terminated"))
    checkpoints = Path(args.checkpoint_dir) if args.checkpoint_dir else None
    options = RunOptions(
        run_id=args.run_id,
        sink=sink,
        control=control,
        checkpoint_dir=checkpoints,
        resume=args.resume,
        start_weights=Path(args.init_weights) if args.init_weights else None,
        start_note=f"starts from the weights in {args.init_weights}" if args.init_weights else "",
    )
    try:
        result = train_document(doc, config, data=data, options=options)
    except (TaskError, CheckpointError, ConfigError) as exc:
        _say(sys.stderr, f"error: {exc}")
        return exits.ERROR
    progress.close()
    out = sys.stderr if args.json_events else sys.stdout
    _say(
        out, f"{result.status}: {result.step} steps, {result.epoch} epochs, {result.elapsed:.1f} s"
    )
    if result.message:
        _say(out, f"  {result.message}")
    for key, value in result.metrics.items():
        _say(out, f"  {key} = {value:.4g}" if value is not None else f"  {key} = not finite")
    if result.checkpoint is not None:
        _say(out, f"  checkpoint: {result.checkpoint}")
    return exits.run_exit(result.status)
