"""Training-loop overhead: samples/s of `layerlab.train.fit` against a hand-written loop.

Two networks: LeNet-5 (`graphs/lenet5_mnist.json`) on MNIST-shaped random data, and a
small Transformer language model (2 encoder layers, d_model 128, 64 tokens, 1,000-token
vocabulary; `bench/graphs/transformer6_tokens.json` with `repeat` 2). Three candidates:

- hand: a hand-written PyTorch loop (nanoGPT style: index a batch from a seeded
  permutation, forward, cross-entropy, zero_grad, backward, step; the loss read on the
  host every 10 steps, as logging does) over a hand-written twin network
  (`compile_twins.py`);
- off: `fit` on the compiled document with telemetry off (the loop alone: its per-step
  loss read for divergence, schedule, hooks, control);
- default: `fit` with the default telemetry (scalars every step within 40 a second,
  per-layer gradient norms every 10 steps, weights every 25, activations every 50, at
  most 40 sampled events/s), each event serialised to JSON as the worker would.

How: `fit` runs in this process in steady state (its epoch is longer than the
measurement, so no validation falls inside), and a hook on its batch end interleaves a
chunk of the hand-written loop after every chunk of `fit` steps: the pairs alternate in
time, so load drift touches both alike. A ratio is fit samples/s over hand samples/s
(median of the pairs, with p25-p75). Goal: off >= 0.98, default >= 0.95.

With `../shared/datasets/mnist-t10k` present, it also trains LeNet-5 for 3 epochs on the
8,000/2,000 split (through the data registry) and reports validation accuracy and time.

    .venv/bin/python bench/train_overhead.py             # a few minutes on 2 busy cores
    .venv/bin/python bench/train_overhead.py --quick     # seconds; numbers meaningless
    .venv/bin/python bench/train_overhead.py --device cuda

Results: bench/results/train_overhead.json and train_overhead.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
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
from compile_twins import TransformerLM, lenet_twin
from layerlab.graph.document import load_document
from layerlab.train.config import TrainingConfig, parse_config
from layerlab.train.control import Control
from layerlab.train.data import LoadContext, load_dataset
from layerlab.train.data.base import DatasetInfo, LoadedDataset, Split
from layerlab.train.entry import train_document
from layerlab.train.events import Event
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions, pick_device

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MNIST = ROOT.parent / "shared" / "datasets" / "mnist-t10k"
LOG_EVERY = 10
"""The hand-written loop reads its loss on the host this often (a logging interval)."""


@dataclass(frozen=True)
class Settings:
    pairs: int  # chunk pairs per comparison
    chunk_s: float  # about how long one chunk runs
    batch_lenet: int
    batch_transformer: int


@dataclass
class Case:
    name: str
    document: dict[str, Any]
    hand_written: Callable[[], nn.Module]
    make_data: Callable[[int], LoadedDataset]  # samples -> data set
    task: str
    batch: int


def random_images(samples: int) -> LoadedDataset:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(samples, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (samples,), generator=g)
    info = DatasetInfo(
        name="random-mnist",
        kind="image",
        input_shape=[1, 28, 28],
        target="class",
        num_classes=10,
        train_size=samples,
        val_size=64,
    )
    return LoadedDataset(info, Split(x, y), Split(x[:64], y[:64]))


def random_tokens(samples: int) -> LoadedDataset:
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 1000, (samples, 64), generator=g)
    y = torch.randint(0, 1000, (samples, 64), generator=g)
    info = DatasetInfo(
        name="random-tokens",
        kind="text",
        input_shape=[64],
        input_dtype="int64",
        target="sequence",
        target_shape=[64],
        num_classes=1000,
        train_size=samples,
        val_size=64,
    )
    return LoadedDataset(info, Split(x, y), Split(x[:64], y[:64]))


def cases(settings: Settings) -> list[Case]:
    lenet_text = (ROOT / "graphs" / "lenet5_mnist.json").read_text()
    transformer = json.loads((BENCH / "graphs" / "transformer6_tokens.json").read_text())
    for node in transformer["nodes"]:
        if node["id"] == "encoder":
            node["repeat"] = 2
    transformer["name"] = "Transformer, 2 layers"
    return [
        Case(
            "LeNet-5",
            json.loads(lenet_text),
            lenet_twin(lenet_text),
            random_images,
            "classification",
            settings.batch_lenet,
        ),
        Case(
            "Transformer, 2 layers",
            transformer,
            lambda: TransformerLM(layers=2),
            random_tokens,
            "language_model",
            settings.batch_transformer,
        ),
    ]


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def hand_loop(case: Case, data: LoadedDataset, device: torch.device) -> Callable[[], None]:
    """One step of the hand-written loop per call."""
    torch.manual_seed(0)
    model = case.hand_written().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = data.train.x.to(device), data.train.y.to(device)
    order = torch.randperm(len(x)).to(device)
    position = {"step": 0}

    def step() -> None:
        i = position["step"] % (len(x) // case.batch)
        index = order[i * case.batch : (i + 1) * case.batch]
        logits = model(x[index])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[index].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if position["step"] % LOG_EVERY == 0:
            loss.item()
        position["step"] += 1

    return step


class Interleave(Hooks):
    """After every `steps` fit steps, run `steps` hand-written steps; time both."""

    def __init__(
        self,
        hand: Callable[[], None],
        steps: int,
        pairs: int,
        control: Control,
        device: torch.device,
    ):
        self.hand, self.steps, self.pairs = hand, steps, pairs
        self.control, self.device = control, device
        self.fit_s: list[float] = []
        self.hand_s: list[float] = []
        self.count = 0
        self.mark: float | None = None

    def on_batch_end(self, state: LoopState) -> None:
        self.count += 1
        if self.count % self.steps:
            return
        synchronize(self.device)
        now = time.perf_counter()
        if self.mark is not None:  # the first chunk warmed up; it is not counted
            self.fit_s.append((now - self.mark) / self.steps)
        gc.collect()
        start = time.perf_counter()
        for _ in range(self.steps):
            self.hand()
        synchronize(self.device)
        if self.mark is not None:
            self.hand_s.append((time.perf_counter() - start) / self.steps)
        if len(self.fit_s) >= self.pairs:
            self.control.stop("measured")
        gc.collect()
        self.mark = time.perf_counter()


def steps_per_chunk(hand: Callable[[], None], device: torch.device, chunk_s: float) -> int:
    for _ in range(3):  # warm-up: lazy imports, allocator, kernels
        hand()
    synchronize(device)
    start = time.perf_counter()
    hand()
    synchronize(device)
    return max(1, round(chunk_s / max(time.perf_counter() - start, 1e-6)))


def compare(
    case: Case, telemetry: dict[str, Any], settings: Settings, device: torch.device
) -> dict[str, Any]:
    """fit (with these telemetry settings) against the hand-written loop, interleaved."""
    probe = case.make_data(case.batch * 8)
    steps = steps_per_chunk(hand_loop(case, probe, device), device, settings.chunk_s)
    # Enough samples that fit's first epoch outlasts the measurement (no validation inside).
    data = case.make_data(case.batch * (steps * (settings.pairs + 2) * 1 + 4) + case.batch)
    hand = hand_loop(case, data, device)
    for _ in range(3):
        hand()
    control = Control()
    interleave = Interleave(hand, steps, settings.pairs, control, device)
    config = parse_config(
        {
            "task": case.task,
            "optimizer": "adam",
            "lr": 1e-3,
            "batch_size": case.batch,
            "epochs": 1,
            "device": str(device),
            "telemetry": telemetry,
        }
    )
    doc = load_document(case.document)
    events = 0

    def sink(event: Event) -> None:
        nonlocal events
        event.model_dump_json()  # what the worker does with each event
        events += 1

    result = fit(
        build_trainee(doc, 0),
        data,
        config,
        RunOptions(sink=sink, control=control, hooks=[interleave]),
    )
    assert result.status == "stopped", (result.status, result.message)
    ratio = common.Ratio.paired(interleave.hand_s, interleave.fit_s)  # fit speed / hand speed
    return {
        "samples_per_s_fit": case.batch / statistics.median(interleave.fit_s),
        "samples_per_s_hand": case.batch / statistics.median(interleave.hand_s),
        "ratio": ratio.median,
        "ratio_p25": ratio.low,
        "ratio_p75": ratio.high,
        "steps_per_chunk": steps,
        "events": events,
        "fit_s": interleave.fit_s,
        "hand_s": interleave.hand_s,
    }


def mnist_accuracy(folder: Path, device: torch.device, quick: bool) -> dict[str, Any] | None:
    """LeNet-5 for 3 epochs on the 8,000/2,000 split of the MNIST test images."""
    if not folder.is_dir():
        print(f"  {folder} is absent: skipping the MNIST accuracy run")
        return None
    doc = layerlab.load_graph(ROOT / "graphs" / "lenet5_mnist.json")
    # A dataset's `path` is relative to its data dir (absolute paths are refused).
    folder = folder.resolve()
    data = load_dataset("mnist", {"path": folder.name}, LoadContext(folder.parent))
    config = TrainingConfig.model_validate(doc.training).with_overrides(
        epochs=1 if quick else 3, device=str(device), max_steps=5 if quick else None
    )
    start = time.perf_counter()
    result = train_document(doc, config, data=data)
    seconds = time.perf_counter() - start
    return {
        "train": len(data.train),
        "val": len(data.val),
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "optimizer": config.optimizer,
        "lr": config.lr,
        "val_acc": result.metrics.get("val/acc"),
        "seconds": round(seconds, 1),
        "status": result.status,
    }


HEADERS = [
    "network",
    "telemetry",
    "hand samples/s",
    "layerlab samples/s",
    "ratio (p25-p75)",
    "goal",
]
GOALS = {"off": 0.98, "default": 0.95}


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            row["network"],
            row["telemetry"],
            *common.speed_cells(row),
            f">= {GOALS[row['telemetry']]:.2f}",
        ]
        for row in rows
    ]


def markdown(
    rows: list[dict[str, Any]], accuracy: dict[str, Any] | None, env: dict[str, Any], device: str
) -> str:
    lines = [
        "### Training-loop overhead (`bench/train_overhead.py`)",
        "",
        f"{env['cpu']}, {env['torch_threads']} torch thread(s), torch {env['torch']}, device {device}; "
        f"load average {env['load_average'][0]:.1f} before, {env['load_average_after'][0]:.1f} after.",
        "",
        common.markdown_table(HEADERS, table_rows(rows)),
    ]
    if accuracy:
        acc = accuracy["val_acc"]
        lines += [
            "",
            f"LeNet-5 on MNIST ({accuracy['train']:,} train / {accuracy['val']:,} validation images "
            f"of the t10k set), {accuracy['epochs']} epochs, {accuracy['optimizer']} lr {accuracy['lr']}, "
            f"batch {accuracy['batch_size']}: validation accuracy "
            f"{acc:.4f} in {accuracy['seconds']:.1f} s (default telemetry)."
            if acc is not None
            else "LeNet-5 on MNIST: no validation accuracy (the run did not finish).",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny batches, two pairs: seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, mps or auto")
    parser.add_argument("--pairs", type=int, default=15, help="chunk pairs per comparison")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the MNIST accuracy run")
    parser.add_argument(
        "--mnist", type=Path, default=MNIST, help="folder of the MNIST t10k IDX files"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="results folder (default bench/results)"
    )
    args = parser.parse_args(argv)
    out = args.out or (None if args.quick else BENCH / "results")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    settings = (
        Settings(pairs=2, chunk_s=0.0, batch_lenet=4, batch_transformer=2)
        if args.quick
        else Settings(pairs=args.pairs, chunk_s=0.3, batch_lenet=64, batch_transformer=32)
    )
    env = common.environment()
    started = time.perf_counter()
    rows = []
    for case in cases(settings):
        for name, telemetry in (("off", {"enabled": False}), ("default", {})):
            row = {"network": case.name, "telemetry": name, "batch": case.batch}
            row |= compare(case, telemetry, settings, device)
            rows.append(row)
            print(
                f"  {case.name}, telemetry {name}: ratio {row['ratio']:.3f} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    accuracy = None if args.no_accuracy else mnist_accuracy(args.mnist, device, args.quick)
    env["load_average_after"] = os.getloadavg()
    print()
    print(common.text_table(HEADERS, table_rows(rows)))
    if accuracy:
        print(f"\nLeNet-5 MNIST: {json.dumps(accuracy)}")
    if out is None:
        return 0
    payload = {
        "benchmark": "train_overhead",
        "quick": args.quick,
        "device": str(device),
        "environment": env,
        "settings": asdict(settings) | {"seconds": round(time.perf_counter() - started, 1)},
        "rows": rows,
        "mnist": accuracy,
    }
    paths = common.write_results(
        out, "train_overhead", payload, markdown(rows, accuracy, env, str(device))
    )
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
