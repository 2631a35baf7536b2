"""bench/data.py still runs (issue 15): a --quick pass gives every row a finite speed,
ratio and peak memory. Numbers are not judged."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.bench.run import run_bench


def test_data_benchmark_quick(tmp_path: Path) -> None:
    run_bench("data.py", "--quick", "--out", str(tmp_path), "--work", str(tmp_path / "work"))
    payload = json.loads((tmp_path / "data.json").read_text())
    assert payload["quick"] is True
    assert [row["name"] for row in payload["images"]] == ["memory", "disk, 1 loader"]
    assert [row["name"] for row in payload["text"]] == ["fixed windows", "random windows"]
    for row in payload["images"] + payload["text"]:
        assert math.isfinite(row["ratio"]) and row["samples_per_s"] > 0, row
        assert row["peak_rss_mb"] > 0
    assert payload["images"][1]["loader_peak_rss_mb"] > 0  # its loader process was watched
    assert "| random windows |" in (tmp_path / "data.md").read_text()
