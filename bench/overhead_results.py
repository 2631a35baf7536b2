"""The results of `train_overhead.py`: rows written as they come (merged with an earlier
run's), and the LeNet-5 MNIST accuracy run."""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

import common
import layerlab
import overhead_report as report
from layerlab.train.config import TrainingConfig
from layerlab.train.data import LoadContext, load_dataset
from layerlab.train.entry import train_document

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


class Results:
    """The rows so far, written after each one (a run cut short keeps what it measured)."""

    def __init__(self, args: argparse.Namespace, device: torch.device, settings: Any):
        self.name = "train_overhead_cuda" if device.type == "cuda" else "train_overhead"
        self.out = args.out or (None if args.quick else BENCH / "results")
        self.env = common.environment() | {"date": report.today()}
        if device.type == "cuda":
            self.env["device_name"] = torch.cuda.get_device_name(device)
            self.env["cuda"] = torch.version.cuda
        self.measured = report.stamp(self.env)
        self.device, self.settings, self.quick = device, settings, args.quick
        self.previous = (
            {"rows": [], "mfu": [], "mnist": None}
            if args.fresh or self.out is None
            else report.load_previous(self.out / f"{self.name}.json")
        )
        self.rows: list[dict[str, Any]] = []
        self.mfu: list[dict[str, Any]] = []
        self.skipped: list[str] = []
        self.mnist: dict[str, Any] | None = None
        self.started = time.perf_counter()

    def add(self, row: dict[str, Any], mfu: bool = False) -> None:
        row["measured"] = self.measured
        (self.mfu if mfu else self.rows).append(row)
        self.write()

    def payload(self) -> dict[str, Any]:
        seconds = round(time.perf_counter() - self.started, 1)
        self.env["load_average_after"] = os.getloadavg()
        return {
            "benchmark": "train_overhead",
            "quick": self.quick,
            "device": str(self.device),
            "environment": self.env,
            "measured": self.measured,
            "settings": asdict(self.settings) | {"seconds": seconds},
            "rows": report.merge(self.previous["rows"], self.rows, report.OVERHEAD_KEY),
            "mfu": report.merge(self.previous["mfu"], self.mfu, report.MFU_KEY),
            "skipped": self.skipped,
            "mnist": self.mnist or self.previous["mnist"],
        }

    def write(self) -> list[Path]:
        if self.out is None:
            return []
        payload = self.payload()
        return common.write_results(self.out, self.name, payload, report.markdown(payload))


def mnist_accuracy(folder: Path, device: torch.device, quick: bool) -> dict[str, Any] | None:
    """LeNet-5 for 3 epochs on the 8,000/2,000 split of the MNIST test images."""
    if not folder.is_dir():
        print(f"  {folder} is absent: skipping the MNIST accuracy run")
        return None
    doc = layerlab.load_graph(ROOT / "graphs" / "lenet5_mnist.json")
    # A dataset's `path` is relative to its data dir (absolute paths are refused).
    folder = folder.resolve()
    data = load_dataset("mnist", {"path": folder.name}, LoadContext(folder.parent))
    config = TrainingConfig.model_validate(doc.training).with_overrides(
        epochs=1 if quick else 3, device=str(device), max_steps=5 if quick else None
    )
    start = time.perf_counter()
    result = train_document(doc, config, data=data)
    seconds = time.perf_counter() - start
    return {
        "train": len(data.train),
        "val": len(data.val),
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "optimizer": config.optimizer,
        "lr": config.lr,
        "val_acc": result.metrics.get("val/acc"),
        "seconds": round(seconds, 1),
        "status": result.status,
    }
