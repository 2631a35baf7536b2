"""bench/train_overhead.py's parts on the CPU (issue 21): the report rows, the telemetry
levels, MFU arithmetic and merging with an earlier run. Tiny configurations; numbers
are not judged."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """bench/train_overhead.py as a module (bench/ is a folder of scripts on sys.path)."""
    sys.path.insert(0, str(BENCH))
    try:
        import train_overhead

        yield train_overhead
    finally:
        sys.path.remove(str(BENCH))


def run(bench: ModuleType, out: Path, *args: str) -> dict:
    threads = torch.get_num_threads()
    common = ["--device", "cpu", "--steps", "1", "--pairs", "2", "--batch", "4"]
    assert bench.main([*common, "--no-accuracy", "--out", str(out), *args]) == 0
    assert torch.get_num_threads() == threads  # --threads 0 left the process alone
    return json.loads((out / "train_overhead.json").read_text())


def test_rows_and_levels(bench: ModuleType, tmp_path: Path) -> None:
    first = run(bench, tmp_path, "--networks", "lenet5", "--levels", "off,deep", "--threads", "0")
    rows = [(row["network"], row["telemetry"], row["precision"]) for row in first["rows"]]
    assert rows == [("LeNet-5", "off", "off"), ("LeNet-5", "deep", "off")]
    for row in first["rows"]:
        assert row["execution"] == "eager" and row["batch"] == 4
        assert math.isfinite(row["ratio"]) and row["samples_per_s_fit"] > 0
        assert row["ratio_p25"] <= row["ratio"] <= row["ratio_p75"]
    off, deep = first["rows"]
    assert deep["events"] > off["events"]  # deep measures (and emits) every step

    table = (tmp_path / "train_overhead.md").read_text()
    assert table.startswith("### Training-loop overhead")
    assert "| LeNet-5 | deep | 4 | off | eager |" in table and ">= 0.85" in table


def test_a_run_keeps_the_rows_it_does_not_measure_again(bench: ModuleType) -> None:
    report = sys.modules["overhead_report"]
    key = report.OVERHEAD_KEY
    old = [
        {"network": "LeNet-5", "telemetry": "off", "batch": 64, "ratio": 1.0},  # before issue 21
        {"network": "LeNet-5", "telemetry": "deep", "batch": 64, "ratio": 0.5},
    ]
    old = [report.upgrade(row, {"cpu": "old cpu", "torch": "2.11"}) for row in old]
    assert old[0]["precision"] == "off" and old[0]["execution"] == "eager"
    assert old[0]["measured"] == "undated, old cpu, torch 2.11"
    new = [
        {"network": "LeNet-5", "telemetry": "deep", "batch": 64, "ratio": 0.9}
        | {"precision": "off", "execution": "eager"}
    ]
    speeds = {"samples_per_s_hand": 1.0, "samples_per_s_fit": 1.0}
    speeds |= {"ratio_p25": 0.5, "ratio_p75": 1.0}
    merged = [row | speeds for row in report.merge(old, new, key)]
    assert [(row["telemetry"], row["ratio"]) for row in merged] == [("off", 1.0), ("deep", 0.9)]
    cells = report.table_rows(merged, current="today")
    assert cells[0][0] == "LeNet-5 *"  # kept from an earlier run, and marked so


def test_deep_telemetry_measures_everything_every_step(bench: ModuleType) -> None:
    from layerlab.train.config import parse_config

    report = sys.modules["overhead_report"]
    deep = parse_config({"telemetry": report.telemetry_for("deep")}).telemetry
    assert deep.enabled and deep.health
    assert deep.scalars_every == deep.grad_norms_every == deep.weights_every == 1
    assert deep.activations_every == deep.activations_min_every == 1
    assert deep.max_events_per_s == 10_000.0 and deep.max_scalars_per_s == 10_000.0
    assert report.telemetry_for("off") == {"enabled": False}
    assert report.GOALS == {"off": 0.98, "default": 0.95, "deep": 0.85}


def test_mfu_arithmetic(bench: ModuleType) -> None:
    report = sys.modules["overhead_report"]
    assert report.peak_flops("NVIDIA H200") == 989.4e12
    assert report.peak_flops("NVIDIA H100 80GB HBM3") == 989.4e12
    assert report.peak_flops("NVIDIA H100 PCIe") == 756e12
    assert report.peak_flops("NVIDIA A100-SXM4-80GB") == 312e12
    assert report.peak_flops("AMD EPYC") is None
    assert report.flops_per_step(1_000_000, 256) == 3 * 1_000_000 * 256

    row = {"batch": 1024, "samples_per_s_fit": 20_000.0, "samples_per_s_hand": 25_000.0}
    flops = 1_110_845_440  # ResNet-18 (CIFAR-10): layerlab.check's Totals.flops
    fields = report.mfu_fields(row, flops, 989.4e12)
    assert fields["flops_per_step"] == 3 * flops * 1024
    assert fields["flops_per_s_fit"] == pytest.approx(3 * flops * 20_000)
    assert fields["mfu_fit"] == pytest.approx(3 * flops * 20_000 / 989.4e12)  # about 6.7%
    assert fields["mfu_hand"] == pytest.approx(3 * flops * 25_000 / 989.4e12)
    unknown = report.mfu_fields(row, flops, None)
    assert unknown["mfu_fit"] is None and unknown["flops_per_s_fit"] > 0
    cells = report.mfu_table_rows(
        [
            row
            | unknown
            | {"network": "x", "precision": "off", "execution": "eager", "ratio": 0.8}
            | {"ratio_p25": 0.7, "ratio_p75": 0.9}
        ]
    )[0]
    assert cells[-2:] == ["-", "-"] and cells[-3] == f"{3 * flops * 20_000 / 1e12:,.1f}"


def test_mfu_rows_on_the_cpu(bench: ModuleType, tmp_path: Path) -> None:
    payload = run(
        bench,
        tmp_path,
        "--only-mfu",
        "--mfu-networks",
        "lenet5",
        "--mfu-batch",
        "8",
        "--mfu-executions",
        "eager",  # fast would compile for minutes on 2 cores
        "--mfu-telemetry",
        "off",
        "--threads",
        "0",
    )
    assert payload["rows"] == []
    eager = payload["mfu"]
    assert len(eager) == 1 and eager[0]["batch"] == 8 and eager[0]["execution"] == "eager"
    assert eager[0]["flops_per_sample"] == 833_040  # LeNet-5's forward
    assert eager[0]["mfu_fit"] is None  # no peak known for a CPU
    assert eager[0]["flops_per_s_fit"] == pytest.approx(3 * 833_040 * eager[0]["samples_per_s_fit"])
