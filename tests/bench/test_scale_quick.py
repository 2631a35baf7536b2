"""bench/scale.py still runs (--quick --no-ray: tiny batches, numbers not judged)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.bench.run import run_bench


def test_scale_benchmark_quick(tmp_path: Path) -> None:
    run_bench("scale.py", "--quick", "--no-ray", "--out", str(tmp_path))
    payload = json.loads((tmp_path / "scale.json").read_text())
    rows = [(row["network"], row["processes"], row["backend"]) for row in payload["rows"]]
    assert rows == [
        ("LeNet-5", 1, "none"),
        ("LeNet-5", 2, "gloo"),
        ("Transformer, 6 layers", 1, "none"),
        ("Transformer, 6 layers", 2, "gloo"),
    ]
    for row in payload["rows"]:
        for key in ("ratio", "samples_per_s_fit", "samples_per_s_hand"):
            assert math.isfinite(row[key]) and row[key] > 0, (row, key)
    assert (tmp_path / "scale.md").read_text().startswith("### Data-parallel scaling")
