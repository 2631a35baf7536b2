"""bench/train_overhead.py still runs (--quick: tiny batches, numbers not judged)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.bench.run import run_bench


def test_train_overhead_benchmark_quick(tmp_path: Path) -> None:
    run_bench("train_overhead.py", "--quick", "--no-accuracy", "--out", str(tmp_path))
    payload = json.loads((tmp_path / "train_overhead.json").read_text())
    rows = [(row["network"], row["telemetry"]) for row in payload["rows"]]
    assert rows == [
        ("LeNet-5", "off"),
        ("LeNet-5", "default"),
        ("Transformer, 2 layers", "off"),
        ("Transformer, 2 layers", "default"),
    ]
    for row in payload["rows"]:
        for key in ("ratio", "samples_per_s_fit", "samples_per_s_hand"):
            assert math.isfinite(row[key]) and row[key] > 0, (row, key)
        assert row["ratio_p25"] <= row["ratio"] <= row["ratio_p75"]
    assert (tmp_path / "train_overhead.md").read_text().startswith("### Training-loop overhead")
