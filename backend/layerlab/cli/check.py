"""`layerlab check GRAPH.json`: shapes, parameters and errors of a graph document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from layerlab import format as fmt
from layerlab.cli import exits
from layerlab.graph.check import CheckResult, check


def add_command(sub: Any) -> None:
    """Register `check` on the CLI's subcommand parsers."""
    p = sub.add_parser("check", help="shapes, parameters and errors of a graph document")
    p.add_argument("graph", help="path to a graph JSON document")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument(
        "--batch-size", type=positive_int, default=None, help="batch size for the memory estimate"
    )
    p.set_defaults(func=cmd_check)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a batch size of 0 means nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def _print_check(result: CheckResult) -> None:
    rows = [("node", "type", "output", "params")]
    for node in result.nodes:
        shape = ", ".join(
            f"{p}={s}" if len(node.outputs) > 1 else str(s) for p, s in node.outputs.items()
        )
        rows.append((node.id, node.type, shape or "-", fmt.count(node.params)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print(
            "  ".join(
                cell.rjust(w) if j == 3 else cell.ljust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
    t = result.totals
    print(
        f"\n{fmt.count(t.params)} parameters, {fmt.flops(t.flops)} per sample, "
        f"~{fmt.size(t.memory_bytes)} to train at batch size {t.batch_size}"
    )
    for warning in result.warnings:
        print(f"warning: {warning}")


def cmd_check(args: argparse.Namespace) -> int:
    result = check(Path(args.graph), batch_size=args.batch_size)
    if args.json:
        print(result.model_dump_json(indent=2))
    elif result.ok:
        _print_check(result)
    else:
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)
    return exits.OK if result.ok else exits.ERROR
