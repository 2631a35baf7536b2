"""Browser benchmark of the run dashboard (not a test): how late live events reach the
screen, how smoothly the run page draws while they stream, and what 100,000 points cost.

    .venv/bin/python bench/dashboard.py          # writes bench/results/dashboard.{json,md}
    .venv/bin/python bench/dashboard.py --quick  # seconds: numbers meaningless

A protocol-level fake worker (tests/worker/harness.py) plays the run against a real
`layerlab serve`, so the event rate is exactly the one asked for; the page is the real
dashboard in Debian's Chromium.

Phase 1, the default rate: sampled telemetry at the default cap (max_events_per_s =
20): a metrics event every 50 ms (train/loss, lr, samples_per_s, memory_mb), gradient
norms every 250 ms, weights and activations every 2 s; events are emitted at random
moments and flushed every 50 ms, as the worker's outbox does. Reported:
- emit-to-screen latency per metrics event: from the moment the fake worker emitted it
  to the loss chart's draw that shows it (both read the same wall clock), p50/p95/max
  (goal p95 <= 250 ms);
- frames per second of the run page (requestAnimationFrame) and long tasks (> 50 ms).
Phase 2, 100,000 points: that many metrics events as fast as the server takes them;
the time until the chart shows them all, then frames per second and latency while the
run streams on at the default rate, and the page's JS heap (after a GC) and DOM size.
On a 2-core machine the server, the browser and this script share the CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from tests.worker.harness import WORKER_TOKEN, FakeWorker, moons_document  # noqa: E402

from layerlab.train.events import (  # noqa: E402
    ActivationsEvent,
    ActivationStats,
    Event,
    GradNormsEvent,
    Histogram,
    MetricsEvent,
    StatusEvent,
    WeightsEvent,
    WeightStats,
)

VIEWPORT: Any = {"width": 1600, "height": 1000}
LAYERS = ("fc1", "act1", "head")

FRAMES_START = """() => {
  window.__frames = []; window.__long = 0; window.__counting = true;
  const tick = (t) => { window.__frames.push(t); if (window.__counting) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  if (!window.__longObserver) {
    window.__longObserver = new PerformanceObserver((l) => { window.__long += l.getEntries().length; });
    window.__longObserver.observe({ entryTypes: ['longtask'] });
  }
}"""

FRAMES_STOP = """() => {
  window.__counting = false;
  const f = window.__frames;
  const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b);
  const span = f[f.length - 1] - f[0];
  return { fps: (f.length - 1) / (span / 1000), p95_frame_ms: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
           max_frame_ms: gaps[gaps.length - 1] ?? 0, long_tasks: window.__long };
}"""


class Player:
    """The fake worker's side: emit events with steps, flush them every 50 ms."""

    def __init__(self, worker: FakeWorker, lease: Any):
        self.worker = worker
        self.lease = lease
        self.step = 0
        self.pending: list[Event] = []
        self.emitted: dict[int, float] = {}  # step of a metrics event -> wall time emitted

    def metrics(self, record: bool = True) -> None:
        self.step += 1
        loss = 1.0 / (1 + 0.01 * self.step) + random.random() * 0.05
        values = {"train/loss": loss, "lr": 0.001, "samples_per_s": 5000.0, "memory_mb": 300.0}
        self.pending.append(
            MetricsEvent(
                seq=0, run=self.lease.run, step=self.step, epoch=0, time=0.0, values=values
            )
        )
        if record:
            self.emitted[self.step] = time.time()

    def grads(self) -> None:
        values = {"fc1": random.uniform(0.05, 0.3), "head": random.uniform(0.05, 0.3)}
        self.pending.append(
            GradNormsEvent(
                seq=0,
                run=self.lease.run,
                step=self.step,
                epoch=0,
                time=0.0,
                values=values,
                total=0.4,
            )
        )

    def layers(self) -> None:
        hist = Histogram(low=-1.0, high=1.0, counts=[random.randint(0, 50) for _ in range(32)])
        stats = ActivationStats(
            mean=0.0, std=0.5, dead_fraction=0.1, zero_fraction=0.3, histogram=hist
        )
        self.pending.append(
            ActivationsEvent(
                seq=0,
                run=self.lease.run,
                step=self.step,
                epoch=0,
                time=0.0,
                layers=dict.fromkeys(LAYERS, stats),
            )
        )
        weights = {k: WeightStats(norm=3.0, update_ratio=1e-3) for k in ("fc1", "head")}
        self.pending.append(
            WeightsEvent(
                seq=0, run=self.lease.run, step=self.step, epoch=0, time=0.0, layers=weights
            )
        )

    def flush(self) -> None:
        if self.pending:
            self.worker.send_events(self.lease, self.pending)
            self.pending = []
        self.worker.pump(0)

    def stream(self, seconds: float) -> None:
        """The default rate for `seconds`: emissions at random moments, 50 ms flushes."""
        start = time.monotonic()
        tick = 0
        while time.monotonic() - start < seconds:
            tick += 1
            tick_end = start + tick * 0.05
            # This tick's metrics event is emitted somewhere inside it.
            emit_at = tick_end - random.random() * 0.05
            time.sleep(max(0.0, emit_at - time.monotonic()))
            self.metrics()
            if tick % 5 == 0:
                self.grads()
            if tick % 40 == 0:
                self.layers()
            time.sleep(max(0.0, tick_end - time.monotonic()))
            self.flush()

    def burst(self, count: int, batch: int = 500) -> None:
        """`count` metrics events as fast as the server acknowledges them."""
        sent = 0
        while sent < count:
            n = min(batch, count - sent)
            for _ in range(n):
                self.metrics(record=False)
            batch_seq = self.worker.send_events(self.lease, self.pending)
            self.pending = []
            self.worker.ack(self.lease, batch_seq, timeout=120)
            sent += n


def latencies(page: Any, emitted: dict[int, float]) -> list[float]:
    """ms from each metrics event's emission to the first loss-chart draw showing it."""
    paints = page.evaluate("() => window.__layerlabRun.paints()")
    out: list[float] = []
    j = 0
    for step in sorted(emitted):
        while j < len(paints) and paints[j]["step"] < step:
            j += 1
        if j == len(paints):
            break
        out.append(paints[j]["at"] - emitted[step] * 1000)
    return out


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    s = sorted(values)
    return {
        "count": len(s),
        "p50_ms": round(statistics.median(s), 1),
        "p95_ms": round(s[int(len(s) * 0.95) - 1], 1),
        "max_ms": round(s[-1], 1),
    }


def heap(page: Any) -> dict[str, float]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "js_heap_used_mb": round(metrics["JSHeapUsedSize"] / 2**20, 1),
        "js_heap_total_mb": round(metrics["JSHeapTotalSize"] / 2**20, 1),
        "dom_nodes": int(metrics["Nodes"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="length of each default-rate phase"
    )
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="3 s phases, 2,000 points")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results)")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.points = 3.0, 2_000
    out = args.out or (None if args.quick else ROOT / "bench" / "results")
    from playwright.sync_api import sync_playwright

    os.environ["LAYERLAB_WORKER_TOKEN"] = WORKER_TOKEN
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = Server(Path(tmp), workers=0)
        server.start()
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            import httpx

            run = httpx.post(
                f"{server.url}/api/runs", json={"document": moons_document(epochs=1000)}
            ).json()
            worker = FakeWorker(server.url, "bench")
            lease = worker.lease()
            player = Player(worker, lease)
            player.pending.append(
                StatusEvent(
                    seq=0, run=lease.run, step=0, time=0.0, status="running", total_steps=10**6
                )
            )
            player.flush()
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{server.url}/#/runs/{run['id']}")
            page.wait_for_selector("[data-testid=loss-chart]")

            print(f"phase 1: the default rate for {args.seconds:g} s", flush=True)
            page.evaluate(FRAMES_START)
            player.stream(args.seconds)
            page.wait_for_function(
                f"() => window.__layerlabRun.points() >= {player.step}", timeout=60_000
            )
            frames = page.evaluate(FRAMES_STOP)
            results["default_rate"] = {
                "latency": summary(latencies(page, player.emitted)),
                **frames,
            }
            print(json.dumps(results["default_rate"]), flush=True)

            print(f"phase 2: {args.points:,} points", flush=True)
            started = time.monotonic()
            player.emitted.clear()
            player.burst(args.points)
            target = player.step
            page.wait_for_function(
                f"() => window.__layerlabRun.points() >= {target}", timeout=600_000, polling=500
            )
            loaded_s = time.monotonic() - started
            page.evaluate(FRAMES_START)
            player.stream(args.seconds / 2)
            page.wait_for_function(
                f"() => window.__layerlabRun.points() >= {player.step}", timeout=60_000
            )
            frames = page.evaluate(FRAMES_STOP)
            points = int(page.get_by_test_id("loss-chart").get_attribute("data-points") or 0)
            results["after_100k"] = {
                "points_drawn": points,
                "send_and_draw_s": round(loaded_s, 1),
                "latency": summary(latencies(page, player.emitted)),
                **frames,
                **heap(page),
            }
            print(json.dumps(results["after_100k"]), flush=True)

            print("a second tab opening the same run (the whole history at once)", flush=True)
            other = browser.new_page(viewport=VIEWPORT)
            t0 = time.monotonic()
            other.goto(f"{server.url}/#/runs/{run['id']}")
            other.wait_for_function(
                f"() => window.__layerlabRun?.points() >= {player.step}",
                timeout=600_000,
                polling=200,
            )
            results["reopen_100k_s"] = round(time.monotonic() - t0, 1)
            print(json.dumps({"reopen_100k_s": results["reopen_100k_s"]}), flush=True)
            worker.close()
        finally:
            browser.close()
            server.stop()
    results["machine"] = {"cpus": os.cpu_count(), "load_after": os.getloadavg()[0]}
    results["config"] = {"seconds": args.seconds, "points": args.points}
    print(json.dumps(results, indent=2))
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "dashboard.json").write_text(json.dumps(results, indent=2) + "\n")
        (out / "dashboard.md").write_text(report(results))


def report(r: dict[str, Any]) -> str:
    d, h = r["default_rate"], r["after_100k"]
    return "\n".join(
        [
            "| run page, streaming at the default rate | p50 | p95 | max | fps | long tasks |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| emit-to-screen, fresh run | {d['latency']['p50_ms']} ms | {d['latency']['p95_ms']} ms"
            f" | {d['latency']['max_ms']} ms | {d['fps']:.0f} | {d['long_tasks']} |",
            f"| emit-to-screen, with {h['points_drawn']:,} points drawn | {h['latency']['p50_ms']} ms"
            f" | {h['latency']['p95_ms']} ms | {h['latency']['max_ms']} ms | {h['fps']:.0f}"
            f" | {h['long_tasks']} |",
            "",
            f"After {h['points_drawn']:,} points: JS heap {h['js_heap_used_mb']} MB (after a GC),"
            f" {h['dom_nodes']:,} DOM nodes; a second tab opens the whole history in"
            f" {r['reopen_100k_s']} s.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
