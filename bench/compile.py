"""Compile benchmark: what a document costs to check and to build, and whether the
compiled module trains as fast as the same network written by hand.

For each network: `layerlab.check` and `layerlab.build` time (median, from JSON
text), then one training step (zero_grad, forward, cross-entropy, backward) of the
compiled GraphModule against a hand-written nn.Module with the same weights (loaded
through load_state_dict) on the same inputs, in alternating chunks in this process.
The ratio compiled / hand-written should be 1.00 within noise. A last row times the
check of a 10^10-parameter Linear, which must be rejected in milliseconds.

    .venv/bin/python bench/compile.py            # full run, a minute or two on 2 cores
    .venv/bin/python bench/compile.py --quick    # seconds; what the smoke test runs

Results: bench/results/compile.json (every sample) and compile.md (the table).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import common
import layerlab
from compile_twins import (
    LADDER_UNITS,
    LADDER_WIDTH,
    Ladder,
    ResNet18,
    TransformerLM,
    ladder_document,
    lenet_twin,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def huge_linear_document() -> dict[str, Any]:
    """Input [100000] -> Linear 100000: 10^10 weights (40 GB), to be refused unallocated."""
    return {
        "name": "Linear 10^10",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [100_000]}},
            {"id": "fc", "type": "Linear", "params": {"out_features": 100_000}},
            {"id": "y", "type": "Output"},
        ],
        "edges": [{"source": "x", "target": "fc"}, {"source": "fc", "target": "y"}],
    }


# -- cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    document: str  # JSON text, as POST /api/check receives it
    hand_written: Callable[[], nn.Module]
    inputs: Callable[[int], tuple[torch.Tensor, torch.Tensor]]  # batch -> (input, targets)
    batch: int
    rename: Callable[[str], str] = lambda key: key  # compiled state_dict key -> hand-written


def images(
    shape: tuple[int, ...], classes: int
) -> Callable[[int], tuple[torch.Tensor, torch.Tensor]]:
    """Random samples of `shape` and class targets, for a batch size."""
    return lambda b: (torch.randn(b, *shape), torch.randint(classes, (b,)))


def cases(quick: bool) -> list[Case]:
    small = 2 if quick else 0  # quick: batch 2 everywhere, only to exercise the code

    lenet = (ROOT / "graphs" / "lenet5_mnist.json").read_text()
    return [
        Case(
            "LeNet-5",
            lenet,
            lenet_twin(lenet),
            images((1, 28, 28), 10),
            small or 64,
        ),
        Case(
            "ResNet-18 (CIFAR-10)",
            (BENCH / "graphs" / "resnet18_cifar10.json").read_text(),
            ResNet18,
            images((3, 32, 32), 10),
            small or 8,
        ),
        Case(
            "Transformer, 6 layers",
            (BENCH / "graphs" / "transformer6_tokens.json").read_text(),
            TransformerLM,
            lambda b: (torch.randint(1000, (b, 64)), torch.randint(1000, (b, 64))),
            small or 8,
            # The document wraps each layer in a block whose node is `layer`.
            rename=lambda key: key.replace(".layer.", "."),
        ),
        Case(
            "Generated ladder",
            json.dumps(ladder_document()),
            lambda: Ladder(LADDER_UNITS, LADDER_WIDTH),
            images((LADDER_WIDTH,), 10),
            small or 32,
            rename=lambda key: re.sub(r"^(norm|fc)_(\d+)\.", r"units.\2.\1.", key),
        ),
    ]


@dataclass(frozen=True)
class Settings:
    repeats: int  # paired chunks per network
    chunk_s: float  # seconds per chunk (calls are calibrated to it)
    warmup: int  # untimed calls first: steps of each module, checks and builds
    timing_repeats: int  # single calls behind the check and build medians
    clock: str  # "cpu": this process's CPU time (one thread); "wall": elapsed time

    @classmethod
    def for_mode(cls, quick: bool, threads: int) -> Settings:
        # One thread: CPU time, which other processes on the machine cannot inflate.
        # Several: wall time, since CPU time would add up every thread's work.
        clock = "cpu" if threads == 1 else "wall"
        # quick: only exercises the code (the smoke test); its numbers mean nothing.
        return cls(2, 0.0, 0, 1, clock) if quick else cls(21, 0.15, 3, 7, clock)

    def timer(self) -> common.Clock:
        return time.process_time if self.clock == "cpu" else time.perf_counter


def training_step(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> Callable[[], None]:
    inputs, targets = batch

    def step() -> None:
        model.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()

    return step


def twin(case: Case, compiled: nn.Module) -> nn.Module:
    """The hand-written module with the compiled module's weights, checked to compute the
    same function (eval mode, so dropout and batch statistics are out of the way)."""
    hand = case.hand_written()
    hand.load_state_dict({case.rename(k): v for k, v in compiled.state_dict().items()})
    probe, _ = case.inputs(2)
    compiled.eval()
    hand.eval()
    with torch.no_grad():
        expected, got = compiled(probe), hand(probe)
    compiled.train()
    hand.train()
    if not torch.allclose(expected, got, rtol=1e-4, atol=1e-5):
        gap = (expected - got).abs().max().item()
        raise AssertionError(f"{case.name}: the hand-written twin differs by {gap:.3g}")
    return hand


def measure(case: Case, settings: Settings) -> dict[str, Any]:
    report = layerlab.check(case.document)
    assert report.ok, f"{case.name}: {[e.message for e in report.errors]}"
    clock = settings.timer()
    check_s = common.median_seconds(
        lambda: layerlab.check(case.document), settings.timing_repeats, settings.warmup, clock
    )
    build_s = common.median_seconds(
        lambda: layerlab.build(case.document), settings.timing_repeats, settings.warmup, clock
    )

    torch.manual_seed(0)
    compiled = layerlab.build(case.document)
    hand = twin(case, compiled)
    hand_params = sum(p.numel() for p in hand.parameters())
    assert hand_params == report.totals.params, f"{case.name}: {hand_params} parameters by hand"
    batch = case.inputs(case.batch)
    steps = {"compiled": training_step(compiled, batch), "hand": training_step(hand, batch)}
    for step in steps.values():
        for _ in range(settings.warmup):
            step()
    calls = common.calls_to_fill(steps["hand"], settings.chunk_s, clock=clock)
    samples = common.alternate(steps, settings.repeats, calls, warmup=0, clock=clock)
    ratio = common.Ratio.paired(samples["compiled"], samples["hand"])
    return {
        "name": case.name,
        "nodes": report.totals.nodes,
        "params": report.totals.params,
        "verdict": "ok",
        "check_ms": check_s * 1e3,
        "build_ms": build_s * 1e3,
        "batch": case.batch,
        "steps_per_chunk": calls,
        "step_ms_compiled": 1e3 * statistics.median(samples["compiled"]),
        "step_ms_hand": 1e3 * statistics.median(samples["hand"]),
        "ratio": ratio.median,
        "ratio_p25": ratio.low,
        "ratio_p75": ratio.high,
        # Noise only ever adds time, so on a busy machine the fastest chunks agree best.
        "ratio_of_fastest": min(samples["compiled"]) / min(samples["hand"]),
        "samples_s": samples,
    }


def measure_rejection(settings: Settings) -> dict[str, Any]:
    document = json.dumps(huge_linear_document())
    report = layerlab.check(document)
    check_s = common.median_seconds(
        lambda: layerlab.check(document), settings.timing_repeats, settings.warmup, settings.timer()
    )
    codes = sorted({str(e.code.value) for e in report.errors})
    return {
        "name": "Linear 10^10 (check only)",
        "nodes": report.totals.nodes,
        "params": report.totals.params,
        "verdict": "rejected: " + ", ".join(codes) if not report.ok else "accepted",
        "error_codes": codes,
        "check_ms": check_s * 1e3,
    }


# -- report ---------------------------------------------------------------------------------

HEADERS = [
    "network",
    "nodes",
    "params",
    "check",
    "build",
    "batch",
    "step LayerLab",
    "step by hand",
    "ratio (p25-p75)",
    "fastest ratio",
]
HEADER_KEYS = ("check_ms", "build_ms", "step_ms_compiled", "step_ms_hand")


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for row in rows:
        ms = {k: common.format_ms(row[k] / 1e3) if k in row else "-" for k in HEADER_KEYS}
        ratio = (
            f"{row['ratio']:.2f} ({row['ratio_p25']:.2f}-{row['ratio_p75']:.2f})"
            if "ratio" in row
            else row["verdict"]
        )
        out.append(
            [
                row["name"],
                f"{row['nodes']:,}",
                f"{row['params']:,}",
                ms["check_ms"],
                ms["build_ms"],
                str(row.get("batch", "-")),
                ms["step_ms_compiled"],
                ms["step_ms_hand"],
                ratio,
                f"{row['ratio_of_fastest']:.2f}" if "ratio" in row else "-",
            ]
        )
    return out


def markdown(rows: list[dict[str, Any]], env: dict[str, Any], settings: Settings) -> str:
    return "\n".join(
        [
            common.markdown_table(HEADERS, table_rows(rows)),
            "",
            f"torch {env['torch']} on CPU ({env['cpu']}, {env['cpu_count']} cores), "
            f"{env['torch_threads']} torch thread(s), load average {env['load_average'][0]:.1f} "
            f"before and {env['load_average_after'][0]:.1f} after the run. Times are "
            + ("CPU time of the process. " if settings.clock == "cpu" else "wall time. ")
            + "check and build: median of single calls on the JSON text. step: zero_grad, "
            "forward, cross-entropy, backward; median over "
            f"{settings.repeats} alternating chunks. ratio: LayerLab / hand-written, the "
            "median of paired chunks (and their interquartile range); 1.00 means equal speed. "
            "fastest ratio: of each side's fastest chunk.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 2, two repeats: seconds")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (0: torch's default). One by default: the kernels are the same "
        "on both sides, and one thread stays steady on a shared, busy machine",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results folder (default bench/results; a --quick run writes only when given)",
    )
    args = parser.parse_args(argv)
    out = args.out or (None if args.quick else BENCH / "results")
    if args.threads:
        torch.set_num_threads(args.threads)

    settings = Settings.for_mode(args.quick, torch.get_num_threads())
    env = common.environment()
    started = time.perf_counter()
    rows = []
    for case in cases(args.quick):
        rows.append(measure(case, settings))
        print(f"  measured {case.name} ({time.perf_counter() - started:.0f} s)", flush=True)
    rows.append(measure_rejection(settings))
    env["load_average_after"] = os.getloadavg()

    print()
    print(common.text_table(HEADERS, table_rows(rows)))
    if out is None:
        return 0
    payload = {
        "benchmark": "compile",
        "quick": args.quick,
        "environment": env,
        "settings": asdict(settings) | {"seconds": round(time.perf_counter() - started, 1)},
        "rows": rows,
    }
    paths = common.write_results(out, "compile", payload, markdown(rows, env, settings))
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
