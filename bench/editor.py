"""Browser benchmark of the graph editor (not a test): how fast a big document opens and
renders, how smoothly it drags and pans, and how long a check takes to come back.

    .venv/bin/python bench/editor.py            # starts `layerlab serve` on a free port
    .venv/bin/python bench/editor.py --url http://127.0.0.1:8000 --nodes 100 500 1000

Needs the built frontend (make frontend), Playwright (make browser-deps) and Debian's
Chromium. Numbers are medians of --repeat runs. Frames are counted with
requestAnimationFrame while Playwright moves the mouse in small steps: on a 2-core
machine the browser, the benchmark and the server share the CPUs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

VIEWPORT = {"width": 1600, "height": 1000}
COLUMNS = 10


def chain_document(n: int) -> dict[str, Any]:
    """Input, then (Linear, ReLU) pairs, then Output: n nodes in a serpentine grid."""
    nodes: list[dict[str, Any]] = [{"id": "x", "type": "Input", "params": {"shape": [64]}}]
    while len(nodes) < n - 1:
        k = len(nodes)
        if k % 2:
            nodes.append({"id": f"fc{k}", "type": "Linear", "params": {"out_features": 64}})
        else:
            nodes.append({"id": f"act{k}", "type": "ReLU"})
    nodes.append({"id": "out", "type": "Output"})
    for i, node in enumerate(nodes):
        row, col = divmod(i, COLUMNS)
        col = col if row % 2 == 0 else COLUMNS - 1 - col
        node["position"] = {"x": col * 240, "y": row * 150}
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": f"chain of {n}",
        "nodes": nodes,
        "edges": edges,
    }


FRAME_COUNTER = """() => {
  window.__frames = [];
  const tick = (t) => { window.__frames.push(t); if (window.__counting) requestAnimationFrame(tick); };
  window.__counting = true;
  requestAnimationFrame(tick);
}"""

FRAME_STATS = """() => {
  window.__counting = false;
  const f = window.__frames;
  const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b);
  const span = f[f.length - 1] - f[0];
  return { fps: (f.length - 1) / (span / 1000), p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0 };
}"""


def wait_all_on_screen(page: Any, n: int) -> None:
    """Until the editor holds `n` nodes and every one is drawn (none still hidden while
    React Flow measures it); `window.__rendered` keeps the first frame that saw it."""
    page.wait_for_function(
        f"window.__layerlab?.nodes() === {n} && document.querySelector('.react-flow__node')"
        " && !document.querySelector('.react-flow__node[style*=\"visibility: hidden\"]')"
        " && (window.__rendered ??= performance.now())",
        polling="raf",
        timeout=60_000,
    )


def open_cold(page: Any, url: str, doc: dict[str, Any]) -> float:
    """Page load with the document as the local draft, until every node is on screen (ms)."""
    n = len(doc["nodes"])
    draft = json.dumps({"doc": doc, "graphId": None, "version": None, "savedJson": None})
    page.context.add_init_script(
        f"if (!sessionStorage.getItem('seeded')) {{ localStorage.setItem('layerlab.draft', {json.dumps(draft)}); sessionStorage.setItem('seeded', '1'); }}"
    )
    page.goto(url)
    wait_all_on_screen(page, n)
    return float(page.evaluate("window.__rendered"))


def open_warm(page: Any, doc: dict[str, Any], path: Path) -> float:
    """Import the document into the loaded editor, until every node is on screen (ms)."""
    n = len(doc["nodes"])
    path.write_text(json.dumps(doc))
    page.evaluate("window.__rendered = undefined")
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("new-document").click()
    discard = page.get_by_test_id("discard-discard")  # the draft counts as unsaved work
    if discard.count():
        discard.click()
    page.wait_for_function("document.querySelectorAll('.react-flow__node').length === 0")
    start = page.evaluate("performance.now()")
    page.get_by_test_id("import-file").set_input_files(str(path))
    wait_all_on_screen(page, n)
    return float(page.evaluate("window.__rendered")) - float(start)


def drag_fps(page: Any, node_id: str, steps: int = 120) -> dict[str, float]:
    box = page.get_by_test_id(f"node-{node_id}").locator(".node-head").bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAME_COUNTER)
    for i in range(steps):
        page.mouse.move(x + (i % 60) * 4, y + (i % 30) * 3)
    stats: dict[str, float] = page.evaluate(FRAME_STATS)
    page.mouse.up()
    return stats


def pan_fps(page: Any, steps: int = 120) -> dict[str, float]:
    pane = page.locator("[data-testid=canvas] .react-flow__pane").bounding_box()
    x, y = pane["x"] + pane["width"] - 60, pane["y"] + 40
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAME_COUNTER)
    for i in range(steps):
        page.mouse.move(x - i * 3, y + i * 2)
    stats: dict[str, float] = page.evaluate(FRAME_STATS)
    page.mouse.up()
    return stats


def check_latency(page: Any, node_id: str, value: int) -> float:
    """From a parameter edit to the new report on screen (ms), the 150 ms debounce included."""
    page.get_by_test_id(f"node-{node_id}").locator(".node-head").click()
    field = page.get_by_test_id("param-out_features")
    field.focus()
    page.evaluate("window.__t0 = performance.now(); window.__t1 = undefined")
    field.fill(str(value))
    page.wait_for_function(
        "document.querySelector('[data-testid=check-status]')?.dataset.fresh === 'true'"
        " && (window.__t1 ??= performance.now())",
        polling="raf",
        timeout=60_000,
    )
    return float(page.evaluate("window.__t1 - window.__t0"))


def bench(url: str, sizes: list[int], repeat: int) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for n in sizes:
            doc = chain_document(n)
            runs: dict[str, list[float]] = {}
            for _ in range(repeat):
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                runs.setdefault("cold_open_ms", []).append(open_cold(page, url, doc))
                runs.setdefault("open_ms", []).append(open_warm(page, doc, Path(tmp) / "doc.json"))
                page.wait_for_function(
                    "document.querySelector('[data-testid=check-status]')?.dataset.fresh === 'true'",
                    timeout=60_000,
                )
                # A node in the view, near the middle of the graph's first rows.
                target = "fc3" if n > 5 else "x"
                page.keyboard.press("Escape")
                page.get_by_test_id(f"node-{target}").scroll_into_view_if_needed()
                drag = drag_fps(page, target)
                runs.setdefault("drag_fps", []).append(drag["fps"])
                runs.setdefault("drag_p95_frame_ms", []).append(drag["p95"])
                # Before the pan: it moves fc1 out of a view opened at a readable zoom.
                latencies = [check_latency(page, "fc1", v) for v in (32, 48, 64)]
                runs.setdefault("check_roundtrip_ms", []).append(statistics.median(latencies))
                pan = pan_fps(page)
                runs.setdefault("pan_fps", []).append(pan["fps"])
                runs.setdefault("pan_p95_frame_ms", []).append(pan["p95"])
                # Zoomed to fit: every node on screen (drawn without details below 0.45).
                page.evaluate("document.activeElement?.blur()")
                page.keyboard.press("f")
                page.wait_for_function(
                    f"document.querySelectorAll('.react-flow__node').length === {n}"
                )
                runs.setdefault("fit_drag_fps", []).append(drag_fps(page, target)["fps"])
                runs.setdefault("fit_pan_fps", []).append(pan_fps(page)["fps"])
                context.close()
            results[str(n)] = {k: round(statistics.median(v), 1) for k, v in runs.items()}
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--nodes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    server = None
    url = args.url
    if url is None:
        server = Server(Path(tempfile.mkdtemp(prefix="layerlab-bench-")))
        started = time.monotonic()
        server.start()
        url = server.url
        if not args.json:
            print(f"server up in {time.monotonic() - started:.1f} s at {url}")
    try:
        results = bench(url, args.nodes, args.repeat)
    finally:
        if server:
            server.stop()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    keys = list(next(iter(results.values())))
    print(f"{'':>20}" + "".join(f"{n + ' nodes':>14}" for n in results))
    for k in keys:
        print(f"{k:>20}" + "".join(f"{row[k]:>14}" for row in results.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
