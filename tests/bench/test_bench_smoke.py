"""The benchmarks under bench/ still run. Not timing tests: numbers are not judged,
only that a --quick pass produces every row with a finite ratio."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

from tests.bench.run import run_bench

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def load_common() -> ModuleType:
    """bench/common.py by path: bench/ is a folder of scripts, not a package."""
    if "bench_common" in sys.modules:
        return sys.modules["bench_common"]
    spec = importlib.util.spec_from_file_location("bench_common", BENCH / "common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_common"] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def test_compile_benchmark_quick(tmp_path: Path) -> None:
    run_bench("compile.py", "--quick", "--out", str(tmp_path))
    payload = json.loads((tmp_path / "compile.json").read_text())
    assert payload["quick"] is True
    rows = {row["name"]: row for row in payload["rows"]}

    timed = [row for row in rows.values() if "ratio" in row]
    assert [row["name"] for row in timed] == [
        "LeNet-5",
        "ResNet-18 (CIFAR-10)",
        "Transformer, 6 layers",
        "Generated ladder",
    ]
    for row in timed:
        for key in ("check_ms", "build_ms", "step_ms_compiled", "step_ms_hand", "ratio"):
            assert math.isfinite(row[key]) and row[key] > 0, (row["name"], key, row[key])
        assert row["ratio_p25"] <= row["ratio"] <= row["ratio_p75"]
    assert rows["LeNet-5"]["params"] == 61_706
    assert rows["ResNet-18 (CIFAR-10)"]["params"] == 11_173_962
    assert rows["Generated ladder"]["nodes"] == 1_000

    huge = rows["Linear 10^10 (check only)"]
    assert huge["params"] == 10_000_100_000
    assert "limit_exceeded" in huge["error_codes"]
    assert math.isfinite(huge["check_ms"])

    table = (tmp_path / "compile.md").read_text()
    assert table.startswith("| network |") and "Generated ladder" in table


def test_ratio_is_the_median_of_paired_runs() -> None:
    common = load_common()
    ratio = common.Ratio.paired([2.0, 3.0, 4.0, 100.0], [1.0, 1.0, 2.0, 1.0])
    assert ratio.median == 2.5  # pairs 2, 3, 2, 100: the outlier moves nothing but p75
    assert ratio.low == 2.0
    assert common.quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.75) == 4.0


def test_alternate_rotates_the_order() -> None:
    common = load_common()
    calls: list[str] = []
    candidates = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    samples = common.alternate(candidates, repeats=3, calls=1, warmup=0)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert len(samples["a"]) == len(samples["b"]) == 3
