"""Benchmark of the live stream (not a test): one run streaming at the default telemetry
rate to 0, 1, 10 and 100 websocket viewers on loopback.

    .venv/bin/python bench/stream.py
    .venv/bin/python bench/stream.py --viewers 0 100 --viewer-processes 4 --out /tmp/stream
    .venv/bin/python bench/stream.py --pin    # worker on CPU 0; server and viewers on CPU 1

Three processes, as in production: `layerlab serve --workers 0`, a worker (this script
in `--worker-role`: `layerlab worker` plus a hook that logs each event's emit time),
and the viewers (this process, asyncio, one websocket each). Reported per viewer count:
- training samples/s (median of the run's `samples_per_s` metrics), and its ratio to
  the run without viewers (goal >= 0.95 at 100 viewers);
- latency from the worker emitting an event to a viewer receiving it, p50 and p95 over
  every (event, viewer) pair of events emitted after all viewers joined (goal p95 <=
  250 ms); both ends read the same wall clock;
- the server's peak RSS during the run, and the CPU seconds server and worker used.

On a 2-core machine everything shares the CPUs: the viewers' own work (parsing every
frame, in one process by default) is taken from training too. `--pin` keeps the
worker on a core of its own, as on separate machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = ("finished", "stopped", "failed", "diverged")


def document(epochs: int, size: int, hidden: int) -> dict[str, Any]:
    def n(node_id: str, node_type: str, **params: Any) -> dict[str, Any]:
        return {"id": node_id, "type": node_type, "params": params}

    nodes = [
        n("x", "Input", shape=[2]),
        n("fc1", "Linear", out_features=hidden),
        n("act1", "ReLU"),
        n("fc2", "Linear", out_features=hidden),
        n("act2", "ReLU"),
        n("head", "Linear", out_features=2),
        n("out", "Output"),
    ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    training = {
        "task": "classification",
        "dataset": "moons",
        "dataset_options": {"size": size, "noise": 0.2},
        "epochs": epochs,
        "batch_size": 32,
        "device": "cpu",
    }  # telemetry: the defaults
    return {"name": "stream-bench", "nodes": nodes, "edges": edges, "training": training}


# -- the worker role ---------------------------------------------------------------------


def worker_role(args: argparse.Namespace) -> int:
    """`layerlab worker`, logging (run, seq, wall time) of every event it emits."""
    import torch

    from layerlab.train.events import Event
    from layerlab.worker.agent import WorkerOptions
    from layerlab.worker.device import describe_device
    from layerlab.worker.main import run_worker

    torch.set_num_threads(1)
    out = open(args.emits, "a", buffering=1)  # noqa: SIM115 (lives as long as the process)

    def emitted(event: Event) -> None:
        out.write(f"{event.run} {event.seq} {time.time():.6f}\n")

    options = WorkerOptions(
        server=args.server,
        token=os.environ["LAYERLAB_WORKER_TOKEN"],
        name="bench-worker",
        data_dir=Path(args.data_dir),
        on_emit=emitted,
    )
    return run_worker(options, describe_device("cpu"))


# -- the viewers --------------------------------------------------------------------------


async def viewer(url: str, received: dict[int, float], joined: asyncio.Event) -> None:
    async with connect(url, max_size=2**26) as websocket:
        async for text in websocket:
            now = time.time()
            data = json.loads(text)
            if data["type"] == "welcome":
                joined.set()
            elif data["type"] == "events":
                for event in data["events"]:
                    received.setdefault(event["seq"], now)
                    if event["type"] == "status" and event["status"] in TERMINAL:
                        return


async def watch(base: str, run_id: str, count: int) -> tuple[list[dict[int, float]], float]:
    """`count` viewers of the run until it ends; returns what each received, and when
    the last of them had joined."""
    url = "ws://" + base.removeprefix("http://") + f"/ws/runs/{run_id}"
    received: list[dict[int, float]] = [{} for _ in range(count)]
    joined = [asyncio.Event() for _ in range(count)]
    tasks = [asyncio.create_task(viewer(url, received[i], joined[i])) for i in range(count)]
    for event in joined:
        await event.wait()
    all_joined = time.time()
    await asyncio.gather(*tasks)
    return received, all_joined


# -- the run ------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)


def emits_of(path: Path, run_id: str) -> dict[int, float]:
    found = {}
    for line in path.read_text().splitlines():
        run, seq, at = line.split()
        if run == run_id:
            found[int(seq)] = float(at)
    return found


def watch_from(
    base: str, run_id: str, viewers: int, processes: int
) -> tuple[list[dict[int, float]], float]:
    """`viewers` viewers spread over `processes` processes (as many browsers would be:
    one Python loop reading 100 sockets would itself delay what it measures)."""
    processes = max(1, min(processes, viewers))
    shares = [viewers // processes + (i < viewers % processes) for i in range(processes)]
    folder = Path(tempfile.mkdtemp(prefix="viewers-"))
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--viewer-role", "--server", base, "--run", run_id]
            + ["--count", str(share), "--emits", str(folder / f"{i}.json")]
        )
        for i, share in enumerate(shares)
    ]
    for child in children:
        child.wait()
    received: list[dict[int, float]] = []
    joined = 0.0
    for i in range(len(shares)):
        result = json.loads((folder / f"{i}.json").read_text())
        received += [{int(k): v for k, v in got.items()} for got in result["received"]]
        joined = max(joined, result["joined"])
    return received, joined


def viewer_role(args: argparse.Namespace) -> int:
    received, joined = asyncio.run(watch(args.server, args.run, args.count))
    Path(args.emits).write_text(json.dumps({"received": received, "joined": joined}))
    return 0


def measure(
    client: httpx.Client,
    base: str,
    server_pid: int,
    worker_pid: int,
    emits: Path,
    doc: dict[str, Any],
    viewers: int,
    processes: int,
) -> dict[str, Any]:
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(server_pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_before = cpu_seconds(server_pid), cpu_seconds(worker_pid)
    started = time.monotonic()
    created = client.post("/api/runs", json={"document": doc})
    created.raise_for_status()
    run_id = created.json()["id"]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    received, joined = (
        watch_from(base, run_id, viewers, processes) if viewers else ([], time.time())
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    viewer_cpu = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    wait_until(
        lambda: client.get(f"/api/runs/{run_id}").json()["status"] in TERMINAL, 600, "the run"
    )
    stop.set()
    sampler.join()
    wall = time.monotonic() - started
    server_cpu = cpu_seconds(server_pid) - cpu_before[0]
    worker_cpu = cpu_seconds(worker_pid) - cpu_before[1]
    events = []
    since = 0
    while True:
        page = client.get(f"/api/runs/{run_id}/events", params={"since": since}).json()
        events += page["events"]
        since = page["next_since"]
        if not page["more"]:
            break
    speeds = [
        e["values"]["samples_per_s"]
        for e in events
        if e["type"] == "metrics" and e["values"].get("samples_per_s")
    ]
    emitted = emits_of(emits, run_id)
    latencies = [
        (got[seq] - emitted[seq]) * 1000
        for got in received
        for seq in got
        if seq in emitted and emitted[seq] >= joined
    ]
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    kinds = {e["seq"]: e["type"] for e in events}
    by_type: dict[str, list[float]] = {}
    for got in received:
        for seq, at in got.items():
            if seq in emitted and emitted[seq] >= joined:
                by_type.setdefault(kinds[seq], []).append((at - emitted[seq]) * 1000)
    return {
        "viewers": viewers,
        "run": run_id,
        "events": len(events),
        "samples_per_s": statistics.median(speeds) if speeds else 0.0,
        "latency_p50_ms": quantiles[49] if latencies else None,
        "latency_p95_ms": quantiles[94] if latencies else None,
        "latency_samples": len(latencies),
        "every_viewer_got_every_event": all(len(got) == len(events) for got in received),
        "server_peak_rss_mb": round(peak[0], 1),
        "wall_s": round(wall, 2),
        "server_cpu_s": round(server_cpu, 2),
        "worker_cpu_s": round(worker_cpu, 2),
        "viewers_cpu_s": round(viewer_cpu, 2),
        "viewer_processes": max(1, min(processes, viewers)) if viewers else 0,
        "latency_p95_ms_by_type": {
            kind: round(sorted(values)[int(len(values) * 0.95)], 1)
            for kind, values in sorted(by_type.items())
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, nargs="+", default=[0, 1, 10, 100])
    parser.add_argument("--epochs", type=int, default=20, help="about 15 s of training each")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run the viewer counts this many times, interleaved"
    )
    parser.add_argument("--size", type=int, default=20_000, help="moons points")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--out", type=Path, help="write stream.json here")
    parser.add_argument(
        "--viewer-processes",
        type=int,
        default=1,
        help="processes the viewers are spread over (each takes CPU from training here)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="worker on CPU 0; server and viewers on CPU 1 (as on separate machines)",
    )
    parser.add_argument("--worker-role", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--viewer-role", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    parser.add_argument("--emits", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_role:
        return worker_role(args)
    if args.viewer_role:
        return viewer_role(args)

    folder = Path(tempfile.mkdtemp(prefix="layerlab-stream-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LAYERLAB_WORKER_TOKEN": secrets.token_urlsafe(16)}
    for name in ("LAYERLAB_DATABASE_URL", "LAYERLAB_TOKEN"):
        env.pop(name, None)
    log = open(folder / "processes.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "layerlab.cli", "serve", "--port", str(port), "--workers", "0"]
        + ["--data-dir", str(folder / "server")],
        env=env,
        stdout=log,
        stderr=log,
    )
    emits = folder / "emits.txt"
    emits.touch()
    worker = subprocess.Popen(
        [sys.executable, __file__, "--worker-role", "--server", base, "--emits", str(emits)]
        + ["--data-dir", str(folder / "worker")],
        env=env,
        stdout=log,
        stderr=log,
    )
    if args.pin:
        os.sched_setaffinity(worker.pid, {0})
        os.sched_setaffinity(server.pid, {1})
        os.sched_setaffinity(0, {1})  # this process, and the viewer processes it starts
    rows = []
    try:
        with httpx.Client(base_url=base, timeout=60) as client:

            def up() -> bool:
                try:
                    return bool(client.get("/api/workers").json())
                except httpx.HTTPError:
                    return False

            wait_until(up, 120, "the server and its worker")
            doc = document(args.epochs, args.size, args.hidden)
            for count in args.viewers * args.repeat:
                row = measure(
                    client, base, server.pid, worker.pid, emits, doc, count, args.viewer_processes
                )
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        worker.send_signal(signal.SIGTERM)
        server.send_signal(signal.SIGINT)
        worker.wait(60)
        server.wait(60)
    summary = summarize(rows)
    print(
        f"\n{'viewers':>8} {'samples/s':>10} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7}"
    )
    for line in summary:
        print(
            f"{line['viewers']:>8} {line['samples_per_s']:>10.0f} {line['ratio']:>6.3f} "
            f"{line['latency_p50_ms']!s:>7} {line['latency_p95_ms']!s:>7} "
            f"{line['server_peak_rss_mb']:>7}"
        )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        result = {"summary": summary, "rows": rows}
        (args.out / "stream.json").write_text(json.dumps(result, indent=2))
    return 0


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians per viewer count (over --repeat runs); the ratio is to the median run
    without viewers."""

    def median(values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return round(statistics.median(present), 1) if present else None

    base = median([r["samples_per_s"] for r in rows if r["viewers"] == 0])
    summary = []
    for count in sorted({r["viewers"] for r in rows}):
        mine = [r for r in rows if r["viewers"] == count]
        speed = median([r["samples_per_s"] for r in mine])
        summary.append(
            {
                "viewers": count,
                "runs": len(mine),
                "samples_per_s": speed,
                "ratio": round(speed / base, 3) if base else float("nan"),
                "latency_p50_ms": median([r["latency_p50_ms"] for r in mine]),
                "latency_p95_ms": median([r["latency_p95_ms"] for r in mine]),
                "server_peak_rss_mb": max(r["server_peak_rss_mb"] for r in mine),
            }
        )
    return summary


if __name__ == "__main__":
    sys.exit(main())
