"""Preset gallery benchmark: every preset in graphs/ trained on the CPU and held to a bar.

Each row trains one preset through the engine with its own training section (or a
shorter budget for the big CIFAR-10 networks and the GPT), on the data available
offline, then measures what the preset is there to show: LeNet-5's MNIST accuracy,
the Transformer's greedy reversal accuracy, the GPT's validation loss within a CPU
budget, generated digits judged by the trained LeNet, the vanishing-gradient and
overfitting diagnoses of the twins, and so on (`presets_rows.py` lists them all).

    make bench-presets                                # everything, ~25 minutes on 2 cores
    .venv/bin/python bench/presets.py --only lenet5_mnist,vae_mnist
    .venv/bin/python bench/presets.py --quick --out-doc /tmp/p.md   # seconds, numbers mean nothing

Outputs: docs/presets.md (the table, for people) and bench/results/presets.json.
"""

from __future__ import annotations

import argparse
import logging
import traceback
from pathlib import Path

import torch

import common
from layerlab.presets import list_presets
from presets_data import SHARED_DATASETS, DataAbsent, DataPlaces
from presets_report import Outcome, RowResult, cells, merge_previous, write
from presets_rows import Context, bar_of, run_row

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

log = logging.getLogger("bench.presets")


def run_one(preset: str, ctx: Context) -> RowResult:
    bar = bar_of(preset)
    try:
        run, measured = run_row(preset, ctx)
    except DataAbsent as absent:
        return RowResult(preset, "absent", bar, "skipped", notes=[f"skipped: {absent}"])
    except Exception as error:  # a broken row must not hide the others' results
        log.error("%s failed:\n%s", preset, traceback.format_exc())
        return RowResult(preset, "-", bar, "error", notes=[f"{type(error).__name__}: {error}"])
    return RowResult(
        preset,
        run.prepared.label,
        bar,
        outcome_of(measured.passed),
        measured.metric,
        run.wall_s,
        run.cpu_s,
        run.result.step,
        dict(measured.values),
        list(run.data.info.notes),
    )


def outcome_of(passed: bool | None) -> Outcome:
    if passed is None:
        return "reported"
    return "passed" if passed else "FAILED"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        help="comma-separated preset names; the other rows are kept from the last results",
    )
    parser.add_argument(
        "--quick", action="store_true", help="two steps per row on a few samples: seconds"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default 1: on a shared 2-core machine more threads ran slower)",
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="the data folder")
    parser.add_argument(
        "--shared", type=Path, default=SHARED_DATASETS, help="the shared datasets folder"
    )
    parser.add_argument(
        "--out-doc",
        type=Path,
        default=None,
        help="where the Markdown goes (default docs/presets.md; --quick writes none unless given)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="folder for presets.json (default bench/results; --quick writes none unless given)",
    )
    args = parser.parse_args(argv)
    names = [p.name for p in list_presets()]
    wanted = [n.strip() for n in (args.only or "").split(",") if n.strip()] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        parser.error(f"unknown presets: {', '.join(unknown)} (known: {', '.join(names)})")
    args.names = names
    args.wanted = wanted
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    ctx = Context(DataPlaces(args.data_dir, args.shared), args.quick)
    environment = common.environment()
    doc = args.out_doc or (None if args.quick else ROOT / "docs" / "presets.md")
    results = args.results or (None if args.quick else BENCH / "results")

    rows = []
    for name in row_order(args.wanted):
        row = run_one(name, ctx)
        rows.append(row)
        print(" | ".join(cells(row)), flush=True)
    failed = any(row.outcome in ("FAILED", "error") for row in rows)

    if results is not None and set(args.wanted) != set(args.names):
        rows = merge_previous(rows, results, row_order(args.names))
    for path in write(rows, environment, doc, results, args.quick):
        print(f"wrote {path}")
    return 1 if failed else 0


def row_order(names: list[str]) -> list[str]:
    """The rows' own order first (LeNet before the generators it judges), then any
    preset without a row, alphabetically."""
    from presets_rows import ROWS

    ordered = [name for name in ROWS if name in names]
    return ordered + sorted(set(names) - set(ordered))


if __name__ == "__main__":
    raise SystemExit(main())
