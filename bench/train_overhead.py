"""Training-loop overhead: samples/s of `layerlab.train.fit` against a hand-written loop.

The networks (`overhead_cases.py`): LeNet-5 (`graphs/lenet5_mnist.json`) on MNIST-shaped
random data; ResNet-18 (`graphs/resnet18_cifar10.json`) on CIFAR-shaped random data; the
Transformer language model of `bench/graphs/transformer6_tokens.json` (6 layers, or 2 on
the CPU by default: `transformer2`); the character GPT (`graphs/gpt_char.json`), whose
baseline is the plain PyTorch LayerLab exports for it. Candidates:

- hand: a hand-written PyTorch loop (nanoGPT style: index a batch from a seeded
  permutation, forward and cross-entropy under the same autocast dtype, zero_grad,
  backward, step; the loss read on the host every 10 steps, as logging does) over a
  twin network with the same optimizer, batch, precision and data on the device;
- `fit` on the document with telemetry off, default or deep (`overhead_report.py` says
  what each level measures; each event is serialised to JSON, as the worker would).

How: `fit` runs in this process in steady state (its epoch is longer than the
measurement, so no validation falls inside), and a hook on its batch end runs a chunk
of the hand-written loop after every chunk of `fit` steps: the pairs alternate in time,
so load drift touches both alike. A ratio is fit samples/s over hand samples/s (median
of the pairs, with p25-p75). Goals: off >= 0.98, default >= 0.95, deep >= 0.85.

`--mfu` adds throughput and model FLOP utilisation for ResNet-18 and the GPT at a batch
that fills a large GPU, with `execution` eager and fast (torch.compile of the train
step), against the hand-written loop eager and with `torch.compile`.

With `../shared/datasets/mnist-t10k` present, it also trains LeNet-5 for 3 epochs on the
8,000/2,000 split (through the data registry) and reports validation accuracy and time.

    .venv/bin/python bench/train_overhead.py             # a few minutes on 2 busy cores
    .venv/bin/python bench/train_overhead.py --quick     # seconds; numbers meaningless
    .venv/bin/python bench/train_overhead.py --device cuda --mfu
    .venv/bin/python bench/train_overhead.py --networks lenet5,gpt --levels off,deep --steps 20

Results: bench/results/train_overhead.{json,md} on the CPU, train_overhead_cuda.{json,md}
on CUDA; rows of an earlier run that this one does not measure again are kept.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import torch

import common
import layerlab
import overhead_report as report
from layerlab.graph.document import load_document
from layerlab.train.config import ConfigError, parse_config
from layerlab.train.control import Control
from layerlab.train.data.base import LoadedDataset
from layerlab.train.events import Event
from layerlab.train.execution import pick_device
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from overhead_cases import (
    DEFAULT_NETWORKS,
    MFU_NETWORKS,
    NETWORKS,
    Case,
    HandLoop,
    HandSettings,
    case,
    mirror,
    random_images,
    random_tokens,
    tf32,
)
from overhead_results import Results, mnist_accuracy

__all__ = ["Interleave", "compare", "main", "random_images", "random_tokens"]  # scale.py's too

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MNIST = ROOT.parent / "shared" / "datasets" / "mnist-t10k"
EXECUTIONS = ("eager", "fast")


@dataclass(frozen=True)
class Settings:
    pairs: int  # chunk pairs per comparison
    chunk_s: float  # about how long one chunk runs
    steps: int | None = None  # steps per chunk, when given (else sized from chunk_s)
    precision: str = "auto"  # as asked; the hand loop follows what it means here
    telemetry_mfu: str = "default"
    hand_compile_mode: str = "same"  # the compiled hand loop's mode: LayerLab's, or this


class Skip(Exception):
    """A row this LayerLab cannot run (a config field not there yet): reported, not fatal."""


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class Interleave(Hooks):
    """After every `steps` fit steps, run `steps` hand-written steps; time both. The
    first `warm_chunks` pairs (compilation, allocator, autotuning) are not counted."""

    def __init__(
        self,
        hand: Callable[[], None],
        steps: int,
        pairs: int,
        control: Control,
        device: torch.device,
        warm_chunks: int = 1,
    ):
        self.hand, self.steps, self.pairs = hand, steps, pairs
        self.control, self.device, self.warm_chunks = control, device, warm_chunks
        self.fit_s: list[float] = []
        self.hand_s: list[float] = []
        self.count = 0
        self.away = 0.0  # seconds spent here between fit's chunks
        self.mark = time.perf_counter()

    def clock(self) -> float:
        """time.monotonic without the time spent here: fit's rate caps see its own
        time, as in a run nothing interleaves (else, running about half the wall time,
        it would send twice the events per step that a real run sends)."""
        return time.monotonic() - self.away

    def on_batch_end(self, state: LoopState) -> None:
        self.count += 1
        if self.count % self.steps:
            return
        synchronize(self.device)
        left = time.perf_counter()
        counted = self.count // self.steps > self.warm_chunks
        if counted:
            self.fit_s.append((left - self.mark) / self.steps)
        gc.collect()
        start = time.perf_counter()
        for _ in range(self.steps):
            self.hand()
        synchronize(self.device)
        if counted:
            self.hand_s.append((time.perf_counter() - start) / self.steps)
        if len(self.fit_s) >= self.pairs:
            self.control.stop("measured")
        gc.collect()
        self.mark = time.perf_counter()
        self.away += self.mark - left


def steps_per_chunk(hand: Callable[[], None], device: torch.device, chunk_s: float) -> int:
    for _ in range(3):  # warm-up: lazy imports, allocator, kernels
        hand()
    synchronize(device)
    start = time.perf_counter()
    hand()
    synchronize(device)
    return max(1, round(chunk_s / max(time.perf_counter() - start, 1e-6)))


def accepts(field: str, value: str) -> bool:
    """Whether this LayerLab's TrainingConfig takes `field: value` (fields being added)."""
    try:
        parse_config({field: value})
    except ConfigError:
        return False
    return True


def run_fields(precision: str, execution: str) -> dict[str, Any]:
    """The precision and execution fields to give TrainingConfig; Skip when this LayerLab
    cannot run them (a LayerLab before issue 21 had neither `auto` nor `execution`)."""
    fields: dict[str, Any] = {}
    for field, value, before in (
        ("precision", precision, "off"),
        ("execution", execution, "eager"),
    ):
        if accepts(field, value):
            fields[field] = value
        elif value != before:  # what a run without the field did anyway
            raise Skip(f"TrainingConfig takes no {field} {value!r} yet")
    return fields


def hand_side(
    case: Case,
    hand_settings: HandSettings,
    settings: Settings,
    device: torch.device,
    batch: int,
    warm: int,
) -> tuple[LoadedDataset, HandLoop, int]:
    """The data both sides train on, the hand loop warmed up, and the steps per chunk."""
    with tf32(hand_settings.tf32):
        steps = settings.steps
        if not steps:  # sized by an eager probe: a compiled step is no slower
            eager = replace(hand_settings, compiled=False)
            probe = HandLoop(case, case.make_data(batch * 8), device, eager, batch)
            steps = steps_per_chunk(probe, device, settings.chunk_s)
        # Enough samples that fit's first epoch outlasts the measurement (no validation inside).
        data = case.make_data(batch * (steps * (settings.pairs + warm + 2) + 8))
        hand = HandLoop(case, data, device, hand_settings, batch)
        for _ in range(3):  # warm-up (and, compiled, the compile)
            hand()
    return data, hand, steps


def compare(
    case: Case,
    telemetry: str,
    settings: Settings,
    device: torch.device,
    batch: int,
    execution: str = "eager",
) -> dict[str, Any]:
    """fit (with this telemetry level) against the hand-written loop, interleaved."""
    config = parse_config(
        {
            "task": case.task,
            **case.optimizer,
            "batch_size": batch,
            "epochs": 1,
            "device": str(device),
            "telemetry": report.telemetry_for(telemetry),
            **run_fields(settings.precision, execution),
        }
    )
    trainee = build_trainee(load_document(case.document), 0)
    hand_settings = mirror(config, device, trainee)
    if hand_settings.compiled and settings.hand_compile_mode != "same":
        mode = None if settings.hand_compile_mode == "default" else settings.hand_compile_mode
        hand_settings = replace(hand_settings, compile_mode=mode)
    warm = 2 if hand_settings.compiled else 1
    data, hand, steps = hand_side(case, hand_settings, settings, device, batch, warm)
    params = sum(p.numel() for p in trainee.module.parameters())
    assert params == hand.params(), f"{case.name}: layerlab {params:,}, hand {hand.params():,}"
    control = Control()
    interleave = Interleave(hand, steps, settings.pairs, control, device, warm_chunks=warm)
    events = 0

    def sink(event: Event) -> None:
        nonlocal events
        event.model_dump_json()  # what the worker does with each event
        events += 1

    options = RunOptions(sink=sink, control=control, hooks=[interleave], clock=interleave.clock)
    result = fit(trainee, data, config, options)
    assert result.status == "stopped", (result.status, result.message)
    ratio = common.Ratio.paired(interleave.hand_s, interleave.fit_s)  # fit speed / hand speed
    return {
        "network": case.name,
        "telemetry": telemetry,
        "batch": batch,
        "precision": hand_settings.precision,
        "execution": execution,
        "baseline": case.baseline,
        "hand": asdict(hand_settings) | {"dtype": str(hand_settings.dtype)},
        "samples_per_s_fit": batch / statistics.median(interleave.fit_s),
        "samples_per_s_hand": batch / statistics.median(interleave.hand_s),
        "ratio": ratio.median,
        "ratio_p25": ratio.low,
        "ratio_p75": ratio.high,
        "steps_per_chunk": steps,
        "events": events,
        "fit_s": interleave.fit_s,
        "hand_s": interleave.hand_s,
    }


def names(text: str | None, allowed: tuple[str, ...], default: tuple[str, ...]) -> list[str]:
    if not text:
        return list(default)
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in allowed]
    if unknown:
        raise SystemExit(f"unknown: {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return chosen


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="tiny batches, two pairs: seconds")
    add("--device", default="cpu", help="cpu (default), cuda, mps or auto")
    add("--networks", help=f"comma-separated, of {', '.join(NETWORKS)} (default: by device)")
    add("--levels", help="telemetry levels, of off,default,deep (default: all three)")
    add("--steps", type=int, help="steps per chunk (default: about --chunk-s seconds)")
    add("--chunk-s", type=float, default=0.3, help="seconds per chunk when --steps is not given")
    add("--pairs", type=int, default=15, help="chunk pairs per comparison")
    add("--batch", type=int, help="the overhead rows' batch (default: each network's)")
    add("--precision", default="auto", choices=["auto", "off", "bf16", "fp16"])
    add("--execution", default="eager", choices=EXECUTIONS, help="of the overhead rows")
    add("--mfu", action="store_true", help="add throughput and MFU (eager and fast)")
    add("--only-mfu", action="store_true", help="the MFU rows alone")
    add("--mfu-networks", help=f"default: {','.join(MFU_NETWORKS)}")
    add("--mfu-executions", help="of eager,fast (default both)")
    add("--mfu-batch", type=int, help="the MFU rows' batch (default: each network's)")
    add(
        "--hand-compile-mode",
        default="same",
        choices=["same", "default", "reduce-overhead", "max-autotune"],
        help="the compiled hand loop's torch.compile mode (same: what LayerLab picks)",
    )
    add("--mfu-telemetry", default="default", choices=list(report.LEVELS))
    add("--threads", type=int, help="torch threads (0: torch's; default 1 on the CPU)")
    add("--no-accuracy", action="store_true", help="skip the MNIST accuracy run")
    add("--mnist", type=Path, default=MNIST, help="folder of the MNIST t10k IDX files")
    add("--out", type=Path, help="results folder (default bench/results)")
    add("--fresh", action="store_true", help="drop the rows of earlier runs")
    return parser.parse_args(argv)


def measure(
    results: Results, label: str, run: Callable[[], dict[str, Any]], mfu: bool = False
) -> None:
    """One row, written at once; a row that cannot run or fails is noted and the run goes
    on (on a lent GPU, one broken row must not cost the others)."""
    try:
        row = run()
    except Skip as skip:
        print(f"  {label}: skipped ({skip})", flush=True)
        results.skipped.append(f"{label} ({skip})")
        return
    except Exception as error:  # reported with its traceback; the next row runs
        traceback.print_exc()
        print(f"  {label}: FAILED ({type(error).__name__}: {error})", flush=True)
        results.skipped.append(f"{label} (failed: {type(error).__name__}: {str(error)[:200]})")
        results.write()
        return
    finally:
        release_memory()
    results.add(row, mfu)
    took = time.perf_counter() - results.started
    print(f"  {label}: ratio {row['ratio']:.3f} ({took:.0f} s)", flush=True)


def release_memory() -> None:
    """Between rows: compiled code (whose guards hold a row's models) and cached GPU
    memory go, so each row starts as the first did."""
    torch._dynamo.reset()
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    device = pick_device(args.device)
    threads = args.threads if args.threads is not None else (1 if device.type == "cpu" else 0)
    if threads:
        torch.set_num_threads(threads)
    kind = "cuda" if device.type == "cuda" else "cpu"
    networks = names(args.networks, NETWORKS, DEFAULT_NETWORKS[kind])
    # --quick keeps its two-level smoke set unless levels are named.
    levels = names(args.levels, report.LEVELS, report.LEVELS[:2] if args.quick else report.LEVELS)
    settings = Settings(
        pairs=2 if args.quick else args.pairs,
        chunk_s=0.0 if args.quick else args.chunk_s,
        steps=args.steps,
        precision=args.precision,
        telemetry_mfu=args.mfu_telemetry,
        hand_compile_mode=args.hand_compile_mode,
    )
    results = Results(args, device, settings)
    for key in [] if args.only_mfu else networks:
        net = case(key)
        batch = args.batch or (net.tiny_batch if args.quick else net.batch)
        for level in levels:
            label = f"{net.name}, telemetry {level}, {args.execution}"
            run = partial(compare, net, level, settings, device, batch, args.execution)
            measure(results, label, run)
    if args.mfu or args.only_mfu:
        run_mfu(args, settings, device, results)
    if not args.no_accuracy:
        results.mnist = mnist_accuracy(args.mnist, device, args.quick)
    payload = results.payload()
    print()
    print(common.text_table(report.HEADERS, report.table_rows(payload["rows"], results.measured)))
    if payload["mfu"]:
        print()
        rows = report.mfu_table_rows(payload["mfu"], results.measured)
        print(common.text_table(report.MFU_HEADERS, rows))
    if results.mnist:
        print(f"\nLeNet-5 MNIST: {json.dumps(results.mnist)}")
    paths = results.write()
    if paths:
        print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


def run_mfu(
    args: argparse.Namespace, settings: Settings, device: torch.device, results: Results
) -> None:
    """Throughput and MFU at a batch that fills the device, eager and fast (every eager
    row first: the fast ones compile for minutes, and a run cut short keeps the rest)."""
    peak = report.peak_flops(results.env.get("device_name", ""))
    nets = [case(key) for key in names(args.mfu_networks, NETWORKS, MFU_NETWORKS)]
    for execution in names(args.mfu_executions, EXECUTIONS, EXECUTIONS):
        for net in nets:
            flops = layerlab.check(net.document).totals.flops
            batch = args.mfu_batch or (net.tiny_batch if args.quick else net.mfu_batch)
            label = f"{net.name}, batch {batch}, {execution}"
            run = partial(mfu_row, net, settings, device, batch, execution, flops, peak)
            measure(results, label, run, mfu=True)


def mfu_row(
    net: Case,
    settings: Settings,
    device: torch.device,
    batch: int,
    execution: str,
    flops: int,
    peak: float | None,
) -> dict[str, Any]:
    row = compare(net, settings.telemetry_mfu, settings, device, batch, execution)
    return row | report.mfu_fields(row, flops, peak)


if __name__ == "__main__":
    raise SystemExit(main())
