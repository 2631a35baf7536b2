"""Data bigger than memory (issue 15): what a set on disk costs against one in memory.

Two comparisons, each run as `fit` in a fresh child process per measurement (so each
one's peak memory is its own), alternating the candidates (ABC, BCA, CAB, ...) so load
on the machine touches all alike:

- images: LeNet-5 (`graphs/lenet5_mnist.json`) on MNIST-sized images (28x28 grey PNGs,
  10 classes, generated) from an `image_folder`: decoded into memory at load (the
  baseline) against kept on disk and decoded per batch, by the trainer itself (0 loader
  processes) and by 1 and 2 loader processes. Goal: >= 0.9x of memory with loader
  workers on a machine with spare cores.
- text: the character preset (`graphs/gpt_char.json`, batch 12, 64-character windows)
  on tiny Shakespeare (`../shared/datasets`, or a generated text of the same size):
  fixed windows held in memory (the baseline) against random windows read from the
  memory-mapped token file. Goal: >= 0.97x. The two differ by well under the noise of
  separate processes on a busy machine, so their speed is measured in one process, in
  alternating chunks of training steps (bench/common.py's method) on one model, each
  chunk taking its batches from its own feed as the fit loop does; separate `fit`
  processes give each one's peak memory.

An image child times the steps of its first epoch after a warm-up (no validation falls
inside: the epoch is longer than the measurement) and reports samples/s and its own peak
resident memory (VmHWM); the parent also watches the processes below it (loader workers
and their fork server) for theirs. The headline per candidate is the median over
repeats, and the ratio to the baseline is the median of the paired ratios (p25-p75).

    .venv/bin/python bench/data.py            # a few minutes on 2 busy cores
    .venv/bin/python bench/data.py --quick    # seconds; numbers meaningless
    .venv/bin/python bench/data.py --threads 0  # torch's default thread count

Results: bench/results/data.json and data.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHAKESPEARE = ROOT.parent / "shared" / "datasets" / "tinyshakespeare" / "input.txt"
IMAGE_CASES = {
    "memory": {"storage": "memory"},
    "disk, 0 loaders": {"storage": "disk", "loader_workers": 0},
    "disk, 1 loader": {"storage": "disk", "loader_workers": 1},
    "disk, 2 loaders": {"storage": "disk", "loader_workers": 2},
}
QUICK_IMAGE_CASES = ("memory", "disk, 1 loader")
TEXT_CASES = {"fixed windows": "fixed", "random windows": "random"}
MB = 2**20


# -- the child: one measurement ----------------------------------------------------------


def measure(case: dict[str, Any]) -> dict[str, Any]:
    """Train as `case` says; samples/s over steps warmup..steps of the first epoch."""
    import torch

    from layerlab.graph.document import load_document
    from layerlab.train.config import config_of
    from layerlab.train.data import LoadContext, load_dataset
    from layerlab.train.hooks import Hooks, LoopState
    from layerlab.train.loop import fit
    from layerlab.train.model import build_trainee
    from layerlab.train.run import RunOptions

    if case["threads"]:
        torch.set_num_threads(case["threads"])
    raw = json.loads((ROOT / "graphs" / case["graph"]).read_text())
    for block in raw.get("blocks", []):
        for node in block["nodes"]:
            if node["type"] == "TransformerEncoderLayer":
                node["params"]["dropout"] = 0.0
    doc = load_document(raw)
    config = config_of(doc).with_overrides(
        batch_size=case["batch_size"], max_steps=case["steps"], epochs=1, device="cpu"
    )
    config = config.model_copy(update={"checkpoint_at_epoch_end": False})
    data = load_dataset(case["dataset"], case["options"], LoadContext(Path(case["data_dir"])))
    times: dict[int, float] = {}

    class Clock(Hooks):
        def on_batch_end(self, state: LoopState) -> None:
            if state.step in (case["warmup"], case["steps"]):
                times[state.step] = time.perf_counter()

    result = fit(build_trainee(doc, config.seed), data, config, RunOptions(hooks=[Clock()]))
    assert result.status == "finished", result.message
    seconds = times[case["steps"]] - times[case["warmup"]]
    samples = (case["steps"] - case["warmup"]) * case["batch_size"]
    return {"samples_per_s": samples / seconds, "peak_rss": peak_rss(os.getpid())}


def interleave(group: list[dict[str, Any]], repeats: int) -> dict[str, list[float]]:
    """Seconds per training step of each case's feed, in alternating chunks, one model."""
    import itertools

    import torch

    import common
    from layerlab.graph.document import load_document
    from layerlab.train.config import config_of
    from layerlab.train.data import LoadContext, load_dataset
    from layerlab.train.data.feed import feed_for
    from layerlab.train.distributed import Ranks
    from layerlab.train.model import build_trainee
    from layerlab.train.tasks import make_task

    first = group[0]
    if first["threads"]:
        torch.set_num_threads(first["threads"])
    raw = json.loads((ROOT / "graphs" / first["graph"]).read_text())
    for block in raw.get("blocks", []):
        for node in block["nodes"]:
            if node["type"] == "TransformerEncoderLayer":
                node["params"]["dropout"] = 0.0
    doc = load_document(raw)
    config = config_of(doc).with_overrides(batch_size=first["batch_size"], device="cpu")
    trainee = build_trainee(doc, config.seed)
    optimizer = torch.optim.AdamW(trainee.module.parameters(), lr=1e-3)
    steps = {}
    sets = [
        load_dataset(case["dataset"], case["options"], LoadContext(Path(case["data_dir"])))
        for case in group
    ]
    task = make_task(trainee, sets[0], config)  # the sets share their vocabulary
    for case, data in zip(group, sets, strict=True):
        feed = feed_for(data.train, case["batch_size"], 0, Ranks(), torch.device("cpu"))
        batches = itertools.chain.from_iterable(feed.epoch(e, 0) for e in itertools.count())

        def step(batches: Any = batches) -> None:
            x, y = next(batches)
            for phase in task.training_step(x, y):
                optimizer.zero_grad(set_to_none=True)
                phase.loss.backward()
                optimizer.step()
                phase.loss.item()  # the loop reads each step's loss on the host

        steps[case["name"]] = step
    return common.alternate(steps, repeats, calls=first["chunk"], warmup=first["warmup"])


def peak_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# -- the parent ---------------------------------------------------------------------------


def below(pid: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


def run_child(case: Any, mode: str = "--child") -> Any:
    """One measurement in a fresh process; adds the peak memory of any loader process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), mode, json.dumps(case)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    loaders: dict[int, int] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for pid in below(child.pid):
                loaders[pid] = max(loaders.get(pid, 0), peak_rss(pid))
            done.wait(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = child.communicate()
    done.set()
    watcher.join()
    if child.returncode != 0:
        raise RuntimeError(f"{mode} {str(case)[:200]} failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    if isinstance(result, dict) and "peak_rss" in result:
        result["loader_peak_rss"] = max(loaders.values(), default=0)
    return result


def write_digits(folder: Path, count: int) -> None:
    """28x28 grey PNGs in 10 class folders: a stroke whose angle is the class, jittered."""
    from PIL import Image

    if folder.is_dir() and sum(1 for _ in folder.rglob("*.png")) == count:
        return
    rng = np.random.default_rng(0)
    grid = np.mgrid[0:28, 0:28].astype(np.float32) - 13.5
    for c in range(10):
        (folder / f"{c}").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        c = i % 10
        angle = np.pi * c / 10 + rng.normal(0, 0.08)
        distance = np.abs(grid[0] * np.cos(angle) - grid[1] * np.sin(angle))
        pixels = np.clip(255 - 80 * distance + rng.normal(0, 20, (28, 28)), 0, 255)
        Image.fromarray(pixels.astype(np.uint8)).save(
            folder / f"{c}" / f"{i}.png", compress_level=1
        )


def text_source(folder: Path) -> tuple[str, dict[str, Any]]:
    """tiny Shakespeare when it is here, else a generated text of its size and alphabet."""
    if SHAKESPEARE.is_file():
        return "tiny_shakespeare", {"path": SHAKESPEARE.parent.name}
    path = folder / "generated.txt"
    if not path.is_file():
        rng = np.random.default_rng(0)
        alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz ,.;:!?'\n" + "ABCDEFGHIJ"))
        path.write_text("".join(rng.choice(alphabet, size=1_115_394)))
    return "text", {"path": path.name}


def cases(work: Path, quick: bool, threads: int) -> dict[str, list[dict[str, Any]]]:
    images = work / "digits"
    write_digits(images, 1_200 if quick else 24_000)
    image_steps = 12 if quick else 300  # 24,000 x 0.8 / 64 = 300 steps in the first epoch
    image_cases = [
        {
            "name": name,
            "graph": "lenet5_mnist.json",
            "dataset": "image_folder",
            "options": {"path": "digits", "image_size": 28, "color": "grayscale", **options},
            "data_dir": str(work),
            "batch_size": 64,
            "steps": image_steps,
            "warmup": 4 if quick else 20,
            "threads": threads,
        }
        for name, options in IMAGE_CASES.items()
        if not quick or name in QUICK_IMAGE_CASES
    ]
    dataset, options = text_source(work)
    text_cases = [
        {
            "name": name,
            "graph": "gpt_char.json",
            "dataset": dataset,
            "options": {**options, "block_size": 64, "windows": windows},
            "data_dir": str(work if dataset == "text" else SHAKESPEARE.parent.parent),
            "batch_size": 12,
            "steps": 8 if quick else 150,
            "warmup": 3 if quick else 10,
            "chunk": 2 if quick else 10,
            "threads": threads,
        }
        for name, windows in TEXT_CASES.items()
    ]
    return {"images": image_cases, "text": text_cases}


def compare(
    group: list[dict[str, Any]], repeats: int, interleaved: int = 0
) -> list[dict[str, Any]]:
    """Every candidate `repeats` times in rotating order, in fresh processes; rows with
    ratios to the first. With `interleaved`, the speeds come from that many alternating
    chunks in one process instead (the processes still give the peak memory)."""
    import common

    runs: dict[str, list[dict[str, Any]]] = {case["name"]: [] for case in group}
    for repeat in range(repeats):
        shift = repeat % len(group)
        for case in group[shift:] + group[:shift]:
            result = run_child(case)
            runs[case["name"]].append(result)
            print(f"  {case['name']}: {result['samples_per_s']:,.0f} samples/s", flush=True)
    measured = {name: [r["samples_per_s"] for r in results] for name, results in runs.items()}
    if interleaved:
        chunks = run_child(group, "--interleave")
        size = group[0]["batch_size"]
        measured = {name: [size / s for s in seconds] for name, seconds in chunks.items()}
        for name, speeds in measured.items():
            print(f"  {name}, interleaved: {statistics.median(speeds):,.0f} samples/s")
    baseline = measured[group[0]["name"]]
    rows = []
    for case in group:
        speeds = measured[case["name"]]
        ratio = common.Ratio.paired(speeds, baseline)
        rows.append(
            {
                "name": case["name"],
                "samples_per_s": statistics.median(speeds),
                "tokens_per_s": statistics.median(speeds) * 64
                if case["dataset"] != "image_folder"
                else None,
                "ratio": ratio.median,
                "ratio_p25": ratio.low,
                "ratio_p75": ratio.high,
                "peak_rss_mb": max(r["peak_rss"] for r in runs[case["name"]]) / MB,
                "loader_peak_rss_mb": max(r["loader_peak_rss"] for r in runs[case["name"]]) / MB,
                "samples": speeds,
            }
        )
    return rows


def markdown(results: dict[str, list[dict[str, Any]]], env: dict[str, Any]) -> str:
    import common

    parts = [
        "# Data bigger than memory (bench/data.py)",
        "",
        f"{env['cpu']}, {env['cpu_count']} cores, torch {env['torch']}, "
        f"{env['torch_threads']} trainer thread(s); load average before "
        f"{env['load_average'][0]:.1f}.",
        "",
    ]
    for title, key, unit in (
        ("LeNet-5 on 28x28 images, an image folder", "images", "samples/s"),
        ("Character GPT (gpt_char), batch 12 x 64 characters", "text", "tokens/s"),
    ):
        rows = []
        for row in results[key]:
            speed = row["tokens_per_s"] if unit == "tokens/s" else row["samples_per_s"]
            loaders = f"{row['loader_peak_rss_mb']:,.0f} MB" if row["loader_peak_rss_mb"] else "-"
            rows.append(
                [
                    row["name"],
                    f"{speed:,.0f}",
                    f"{row['ratio']:.3f} ({row['ratio_p25']:.3f}-{row['ratio_p75']:.3f})",
                    f"{row['peak_rss_mb']:,.0f} MB",
                    loaders,
                ]
            )
        headers = [
            "candidate",
            unit,
            "ratio to the first",
            "trainer peak RSS",
            "each loader's peak",
        ]
        parts += [f"## {title}", "", common.markdown_table(headers, rows), ""]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=1, help="trainer threads (0: torch's default)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "layerlab-bench-data",
        help="where the generated data is kept between runs",
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--interleave", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return 0
    if args.interleave:
        group = json.loads(args.interleave)
        print(json.dumps(interleave(group, 3 if group[0]["chunk"] < 10 else 21)))
        return 0
    import common

    env = common.environment()
    env["torch_threads"] = args.threads or env["torch_threads"]
    args.work.mkdir(parents=True, exist_ok=True)
    groups = cases(args.work.resolve(), args.quick, args.threads)
    repeats = 1 if args.quick else args.repeats
    results = {}
    for key, group in groups.items():
        print(f"{key}:", flush=True)
        if key == "text":  # speeds from one process; its own runs give the memory
            results[key] = compare(group, 1, interleaved=repeats)
        else:
            results[key] = compare(group, repeats)
    payload = {"quick": args.quick, "environment": env, "repeats": repeats, **results}
    payload["environment"]["load_average_after"] = os.getloadavg()
    text = markdown(results, env)
    for path in common.write_results(args.out, "data", payload, text):
        print(f"wrote {path}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
