"""`layerlab worker`: a process that trains runs for a LayerLab server.

    layerlab worker --server http://lab:8000 --token TOKEN [--device cuda:0]

The token may come from LAYERLAB_WORKER_TOKEN instead (better: a flag shows in the
process list). SIGTERM or Ctrl-C: the current run is checkpointed and handed back
(requeued, no attempt lost), then the worker exits; a second one exits at once. The
process itself is `layerlab.worker.main.run_worker`.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import re
import socket
import sys
from pathlib import Path
from typing import Any

import torch

from layerlab.cli import exits
from layerlab.train.data.isolated import DEFAULT_LIMITS
from layerlab.worker.agent import WorkerOptions
from layerlab.worker.device import describe_device
from layerlab.worker.main import run_worker

TOKEN_ENV = "LAYERLAB_WORKER_TOKEN"
MEMORY_UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}
"""Decimal units as the run's messages print sizes (format.size), binary ones as asked."""


def add_command(sub: Any) -> None:
    """Register `worker` on the CLI's subcommand parsers."""
    p = sub.add_parser("worker", help="train runs for a LayerLab server")
    p.add_argument("--server", required=True, help="the server's URL: http://host:8000")
    p.add_argument("--token", help=f"the worker token (default: ${TOKEN_ENV})")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    p.add_argument("--data-dir", default="data", help="datasets and scratch checkpoints")
    p.add_argument("--name", default=None, help="shown by the server (default: host name)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument(
        "--memory-mb", type=int, default=None, help="memory to advertise (default: the device's)"
    )
    p.add_argument(
        "--processes",
        type=int,
        default=None,
        help="most data-parallel ranks one run may have here (default: one per GPU, or per "
        "CPU core)",
    )
    p.add_argument(
        "--max-backoff", type=float, default=5.0, help="longest wait between reconnects (s)"
    )
    p.add_argument(
        "--data-load-timeout",
        type=seconds,
        default=DEFAULT_LIMITS.time_s,
        help="longest load of a user's data file, in seconds; past it the run fails "
        "(default: %(default)g)",
    )
    p.add_argument(
        "--data-load-memory",
        type=memory_size,
        default=DEFAULT_LIMITS.memory_bytes,
        help="most memory loading a user's data file may take: MB, or with a unit "
        "(500MB, 2GB, 8GiB, 123456789B); past it the run fails "
        f"(default: {DEFAULT_LIMITS.memory_bytes / 2**30:g}GiB)",
    )
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="train each run on a Ray cluster: auto (the one this machine belongs to), "
        "local (start one here), or ray://host:10001 (needs: pip install 'layerlab[ray]')",
    )
    p.add_argument(
        "--ray-cpus", type=int, default=None, help="with --ray local: CPUs the local cluster gets"
    )
    p.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token = args.token or os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.stderr.write(f"error: give the worker token with --token or ${TOKEN_ENV}\n")
        return exits.CANNOT_START
    try:
        device = describe_device(args.device)
    except (ValueError, RuntimeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exits.CANNOT_START
    engine = None
    if args.ray:
        try:
            from layerlab.worker import ray_ranks
        except ImportError as exc:
            sys.stderr.write(f"error: --ray needs Ray: pip install 'layerlab[ray]' ({exc})\n")
            return exits.CANNOT_START
        device = ray_ranks.connect(args.ray, args.ray_cpus)
        engine = ray_ranks.train_on_ray
    if args.memory_mb is not None:
        device = dataclasses.replace(device, memory_bytes=args.memory_mb * 2**20)
    if args.processes is not None:
        if args.processes < 1:
            sys.stderr.write("error: --processes must be at least 1\n")
            return exits.CANNOT_START
        device = dataclasses.replace(device, processes=args.processes)
    if args.threads:
        torch.set_num_threads(args.threads)
    options = WorkerOptions(
        server=args.server,
        token=token,
        name=args.name or socket.gethostname(),
        data_dir=Path(args.data_dir),
        max_backoff_s=args.max_backoff,
        exit_with_parent=args.exit_with_parent,
        data_load_time_s=args.data_load_timeout,
        data_load_memory_bytes=args.data_load_memory,
        engine=engine,
    )
    return run_worker(options, device)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r}: a number of seconds above zero")
    return value


def memory_size(text: str) -> int:
    """Bytes from "300" (MB), "300MB", "1.5GiB" or "123456789B"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or (unit and unit not in MEMORY_UNITS):
        raise argparse.ArgumentTypeError(
            f"{text!r}: a size in MB, or with a unit ({', '.join(MEMORY_UNITS)})"
        )
    size = int(float(match.group(1)) * MEMORY_UNITS[unit or "mb"])
    if size <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the size must be above zero")
    return size
