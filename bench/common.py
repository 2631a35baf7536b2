"""Timing and reporting helpers that every benchmark under bench/ can reuse.

The method, in one place so all benchmarks measure alike:

- Two candidates (say a compiled graph and its hand-written twin) run in the same
  process, in alternating chunks (AB, BA, AB, ...), so drift in clock speed, caches or
  other load on the machine touches both equally.
- Each chunk times several calls and keeps seconds per call; a repeat pairs one chunk
  of each candidate, and its ratio is A / B.
- The headline is the median of the paired ratios; the spread is their 25th to 75th
  percentile, which a single slow outlier cannot move.
- Every timer takes a `clock`: wall time (`time.perf_counter`, the default) or, for
  single-threaded work on a shared machine, the process's CPU time
  (`time.process_time`), which does not count the time other processes hold the core.

Import it as `import common` (bench/ is on sys.path when a script there runs).
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

Clock = Callable[[], float]  # seconds, e.g. time.perf_counter or time.process_time


def seconds_per_call(
    fn: Callable[[], object], calls: int, clock: Clock = time.perf_counter
) -> float:
    """Mean seconds of one call over `calls` back-to-back calls."""
    gc.collect()  # a collection triggered mid-chunk would charge one candidate only
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def median_seconds(
    fn: Callable[[], object], repeats: int, warmup: int = 1, clock: Clock = time.perf_counter
) -> float:
    """Median seconds of single calls, after `warmup` untimed calls (lazy imports, caches)."""
    for _ in range(warmup):
        fn()
    return statistics.median(seconds_per_call(fn, 1, clock) for _ in range(repeats))


def calls_to_fill(
    fn: Callable[[], object], target_s: float, most: int = 1000, clock: Clock = time.perf_counter
) -> int:
    """How many calls make a chunk of about `target_s` seconds (at least one); times one
    call, so call it after warming up. A target of 0 means one call, untimed."""
    if target_s <= 0:
        return 1
    one = seconds_per_call(fn, 1, clock)
    return max(1, min(most, round(target_s / max(one, 1e-9))))


def alternate(
    candidates: dict[str, Callable[[], object]],
    repeats: int,
    calls: int,
    warmup: int = 1,
    clock: Clock = time.perf_counter,
) -> dict[str, list[float]]:
    """Seconds per call of each candidate, one value per repeat, measured in rotating
    order (AB, BA, AB, ...) after `warmup` untimed calls of each."""
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(seconds_per_call(candidates[name], calls, clock))
    return samples


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation between sorted values."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Ratio:
    """A / B over paired repeats: the median ratio and its interquartile range."""

    median: float
    low: float  # 25th percentile of the paired ratios
    high: float  # 75th percentile

    @classmethod
    def paired(cls, a: Sequence[float], b: Sequence[float]) -> Ratio:
        ratios = [x / y for x, y in zip(a, b, strict=True)]
        return cls(statistics.median(ratios), quantile(ratios, 0.25), quantile(ratios, 0.75))

    def __str__(self) -> str:
        return f"{self.median:.3f} ({self.low:.3f}-{self.high:.3f})"


def format_ms(seconds: float | None) -> str:
    """Seconds as milliseconds for people: '0.61 ms', '12.3 ms', '1,204 ms'."""
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms"


def environment() -> dict[str, Any]:
    """What the numbers depend on: torch build, threads, CPU."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        # Other work on the machine (1-minute load, then 5 and 15): a load above the
        # core count means the timings shared the CPU.
        "load_average": os.getloadavg(),
    }


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width table for the terminal; the first column left-aligned, the rest right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])


def speed_cells(row: dict[str, Any]) -> list[str]:
    """The cells of a LayerLab-against-a-hand-written-loop row: both speeds (samples/s)
    and their ratio with its spread (keys samples_per_s_hand, samples_per_s_fit, ratio,
    ratio_p25, ratio_p75)."""
    return [
        f"{row['samples_per_s_hand']:,.0f}",
        f"{row['samples_per_s_fit']:,.0f}",
        f"{row['ratio']:.3f} ({row['ratio_p25']:.3f}-{row['ratio_p75']:.3f})",
    ]


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table; numeric columns right-aligned."""
    align = ["---", *["---:"] * (len(headers) - 1)]
    lines = [headers, align, *rows]
    return "\n".join("| " + " | ".join(str(c) for c in cells) + " |" for cells in lines)


def write_results(directory: Path, name: str, payload: dict[str, Any], markdown: str) -> list[Path]:
    """Write `<name>.json` (machine-readable) and `<name>.md` (for the README) to `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{name}.json"
    md_path = directory / f"{name}.md"
    json_path.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
    md_path.write_text(markdown.rstrip() + "\n")
    return [json_path, md_path]
