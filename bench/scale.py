"""Data-parallel scaling (issue 14): samples/s of `fit` with N ranks against a
hand-written DistributedDataParallel loop at the same settings, and Ray's start-up cost.

Two networks, as in train_overhead.py: LeNet-5 on MNIST-shaped random images (global
batch 64) and the 6-layer Transformer language model (`bench/graphs/transformer6_tokens.json`,
64 tokens, global batch 16). At each scale (1 and 2 processes on the CPU over gloo; on a
machine with GPUs, one rank per GPU over NCCL) every rank runs, in this order:

- `fit` on the compiled document with `processes: N` and telemetry off, inside the
  process group this script set up (distributed.py averages the gradients);
- after every chunk of `fit` steps, the same number of steps of the hand-written loop:
  the twin network wrapped in `DistributedDataParallel` (nothing with one process), each
  rank taking its share of a seeded permutation's global batch, cross-entropy, zero_grad,
  backward, step, the loss read every 10 steps.

Chunks alternate in time on every rank, so load drift touches both alike. The ratio is
fit samples/s over hand samples/s, median of the pairs (p25-p75). Goal: >= 0.97 at each
scale.

Ray: the wall time from submitting a one-step run to a local Ray cluster
(`ray.init(num_cpus=2)`) to its leader's first event, and the whole run's wall time
against the same run in-process, first on a cold cluster and then a warm one. Goal:
under 5 s.

    .venv/bin/python bench/scale.py             # several minutes on 2 busy cores
    .venv/bin/python bench/scale.py --quick     # a minute; numbers meaningless
    .venv/bin/python bench/scale.py --device cuda

Results: bench/results/scale.json and scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as torch_mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

import common
from compile_twins import TransformerLM, lenet_twin
from layerlab.graph.document import load_document
from layerlab.train.config import parse_config
from layerlab.train.control import Control
from layerlab.train.data.base import LoadedDataset
from layerlab.train.distributed import Ranks, backend_for, current_ranks
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from train_overhead import Interleave, random_images, random_tokens

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOG_EVERY = 10
GOAL = 0.97
RAY_GOAL_S = 5.0


def case(name: str, quick: bool) -> dict[str, Any]:
    """The network's document, hand-written twin, data maker, task and global batch."""
    if name == "LeNet-5":
        text = (ROOT / "graphs" / "lenet5_mnist.json").read_text()
        return {
            "document": json.loads(text),
            "twin": lenet_twin(text),
            "data": random_images,
            "task": "classification",
            "batch": 8 if quick else 64,
        }
    document = json.loads((BENCH / "graphs" / "transformer6_tokens.json").read_text())
    return {
        "document": document,
        "twin": lambda: TransformerLM(layers=6),
        "data": random_tokens,
        "task": "language_model",
        "batch": 4 if quick else 16,
    }


def hand_ddp_loop(
    twin: Callable[[], torch.nn.Module],
    data: LoadedDataset,
    batch: int,
    ranks: Ranks,
    device: torch.device,
) -> Callable[[], None]:
    """One step of the hand-written data-parallel loop per call."""
    torch.manual_seed(0)
    model = twin().to(device)
    if ranks.distributed:
        model = DistributedDataParallel(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = data.train.x.to(device), data.train.y.to(device)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0)).to(device)
    share = batch // ranks.world
    position = {"step": 0}

    def step() -> None:
        i = position["step"] % (len(x) // batch)
        start = i * batch + ranks.rank * share
        index = order[start : start + share]
        logits = model(x[index])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[index].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if position["step"] % LOG_EVERY == 0:
            loss.item()
        position["step"] += 1

    return step


def measure(
    name: str, pairs: int, chunk_s: float, quick: bool, device: torch.device
) -> dict[str, Any]:
    """fit against the hand-written loop on this rank, interleaved; rank 0's numbers."""
    ranks = current_ranks()
    spec = case(name, quick)
    batch = spec["batch"]
    probe = spec["data"](batch * 8)
    hand = hand_ddp_loop(spec["twin"], probe, batch, ranks, device)
    for _ in range(3):
        hand()
    start = time.perf_counter()
    hand()
    took = torch.tensor([time.perf_counter() - start])
    if ranks.distributed:  # every rank must take the same number of steps per chunk
        dist.all_reduce(took, op=dist.ReduceOp.MAX)
    steps = max(1, round(chunk_s / max(float(took[0]), 1e-6)))
    data = spec["data"](batch * (steps * (pairs + 2) + 4) + batch)
    hand = hand_ddp_loop(spec["twin"], data, batch, ranks, device)
    for _ in range(3):
        hand()
    control = Control()
    interleave = Interleave(hand, steps, pairs, control, device)
    config = parse_config(
        {
            "task": spec["task"],
            "optimizer": "adam",
            "lr": 1e-3,
            "batch_size": batch,
            "epochs": 1,
            "device": str(device),
            "processes": ranks.world,
            "telemetry": {"enabled": False},
        }
    )
    result = fit(
        build_trainee(load_document(spec["document"]), 0),
        data,
        config,
        RunOptions(control=control, hooks=[interleave]),
    )
    assert result.status == "stopped", (result.status, result.message)
    ratio = common.Ratio.paired(interleave.hand_s, interleave.fit_s)  # fit speed / hand speed
    return {
        "network": name,
        "processes": ranks.world,
        "backend": dist.get_backend() if ranks.distributed else "none",
        "batch": batch,
        "samples_per_s_fit": batch / statistics.median(interleave.fit_s),
        "samples_per_s_hand": batch / statistics.median(interleave.hand_s),
        "ratio": ratio.median,
        "ratio_p25": ratio.low,
        "ratio_p75": ratio.high,
        "steps_per_chunk": steps,
        "fit_s": interleave.fit_s,
        "hand_s": interleave.hand_s,
    }


def _rank(
    rank: int, world: int, address: str, device_kind: str, job: dict[str, Any], out: Any
) -> None:
    torch.set_num_threads(job["threads"])
    device = torch.device(f"cuda:{rank}" if device_kind == "cuda" else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend_for(device), init_method=address, rank=rank, world_size=world)
    try:
        row = measure(job["network"], job["pairs"], job["chunk_s"], job["quick"], device)
        if rank == 0:
            out.put(row)
    finally:
        dist.destroy_process_group()


def at_scale(network: str, world: int, device_kind: str, job: dict[str, Any]) -> dict[str, Any]:
    """One row: `world` ranks in fresh processes (one process too, for a fair start)."""
    context = torch_mp.get_context("spawn")
    out = context.Queue()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    job = {**job, "network": network}
    processes = [
        context.Process(target=_rank, args=(rank, world, address, device_kind, job, out))
        for rank in range(world)
    ]
    for process in processes:
        process.start()
    row: dict[str, Any] = out.get(timeout=3600)
    for process in processes:
        process.join()
    return row


def ray_startup(runs: int) -> dict[str, Any]:
    """Submit-to-first-event and whole-run wall time of one-step runs on local Ray."""
    import ray

    from layerlab.train.data import LoadContext, load_dataset
    from layerlab.train.entry import train_document
    from layerlab.worker.ray_ranks import train_on_ray

    doc = load_document(json.loads((ROOT / "graphs" / "mlp_playground.json").read_text()))
    config = parse_config(
        {**doc.training, "epochs": 1, "max_steps": 1, "processes": 2, "device": "cpu"}
    )
    assert config.dataset is not None
    data = load_dataset(config.dataset, config.dataset_options, LoadContext(Path(".")))
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    init_s = time.perf_counter() - start
    start = time.perf_counter()
    train_document(doc, config.model_copy(update={"processes": 1}), data=data)
    in_process_s = time.perf_counter() - start
    rows = []
    for attempt in range(runs):
        first: list[float] = []
        submitted = time.perf_counter()

        def sink(event: Any, first: list[float] = first, submitted: float = submitted) -> None:
            if not first:
                first.append(time.perf_counter() - submitted)

        with tempfile.TemporaryDirectory() as folder:
            result = train_on_ray(
                doc, config, data, RunOptions(sink=sink, checkpoint_dir=Path(folder))
            )
        total = time.perf_counter() - submitted
        assert result.status == "finished", result.message
        rows.append(
            {
                "run": "cold" if attempt == 0 else "warm",
                "first_event_s": first[0],
                "run_s": total,
                "overhead_s": total - in_process_s,
            }
        )
        print(f"  Ray run {attempt + 1}: first event after {first[0]:.1f} s, run {total:.1f} s")
    ray.shutdown()
    return {"init_s": init_s, "in_process_run_s": in_process_s, "runs": rows}


HEADERS = [
    "network",
    "processes",
    "backend",
    "hand samples/s",
    "layerlab samples/s",
    "ratio (p25-p75)",
    "goal",
]


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            row["network"],
            str(row["processes"]),
            row["backend"],
            *common.speed_cells(row),
            f">= {GOAL:.2f}",
        ]
        for row in rows
    ]


def markdown(
    rows: list[dict[str, Any]], ray_rows: dict[str, Any] | None, env: dict[str, Any], device: str
) -> str:
    lines = [
        "### Data-parallel scaling (`bench/scale.py`)",
        "",
        f"{env['cpu']}, {os.cpu_count()} cores, 1 torch thread per rank, torch {env['torch']}, "
        f"device {device}; load average {env['load_average'][0]:.1f} before, "
        f"{env['load_average_after'][0]:.1f} after.",
        "",
        common.markdown_table(HEADERS, table_rows(rows)),
    ]
    if ray_rows:
        lines += [
            "",
            f"Ray (local cluster, `ray.init(num_cpus=2)` in {ray_rows['init_s']:.1f} s), a "
            f"one-step run of 2 ranks; the same run in-process takes "
            f"{ray_rows['in_process_run_s']:.1f} s. Goal: first event under {RAY_GOAL_S:.0f} s.",
            "",
            common.markdown_table(
                ["run", "submit to first event", "whole run", "overhead"],
                [
                    [
                        r["run"],
                        f"{r['first_event_s']:.1f} s",
                        f"{r['run_s']:.1f} s",
                        f"{r['overhead_s']:.1f} s",
                    ]
                    for r in ray_rows["runs"]
                ],
            ),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny batches, two pairs")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--pairs", type=int, default=12, help="chunk pairs per comparison")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray start-up runs")
    parser.add_argument("--out", type=Path, default=None, help="results folder")
    args = parser.parse_args(argv)
    out = args.out or (None if args.quick else BENCH / "results")
    device_kind = "cuda" if args.device.startswith("cuda") else "cpu"
    scales = [1, 2]
    if device_kind == "cuda":
        scales = sorted({1, torch.cuda.device_count()})
    job = {
        "pairs": 2 if args.quick else args.pairs,
        "chunk_s": 0.0 if args.quick else 0.4,
        "quick": args.quick,
        "threads": 1,
    }
    env = common.environment()
    started = time.perf_counter()
    rows = []
    for network in ("LeNet-5", "Transformer, 6 layers"):
        for world in scales:
            row = at_scale(network, world, device_kind, job)
            rows.append(row)
            print(
                f"  {network}, {world} process(es): ratio {row['ratio']:.3f} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    ray_rows = None if args.no_ray else ray_startup(2)
    env["load_average_after"] = os.getloadavg()
    print()
    print(common.text_table(HEADERS, table_rows(rows)))
    if out is None:
        return 0
    payload = {
        "benchmark": "scale",
        "quick": args.quick,
        "device": device_kind,
        "environment": env,
        "settings": job | {"seconds": round(time.perf_counter() - started, 1)},
        "rows": rows,
        "ray": ray_rows,
    }
    paths = common.write_results(out, "scale", payload, markdown(rows, ray_rows, env, device_kind))
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
