"""What `train_overhead.py` measures with and how it reports: the telemetry levels and
their goals, model FLOP utilisation (MFU), the tables, and merging a run's rows into
the results already written (rows not measured again are kept).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import annotated_types

import common
from layerlab.train.config import TelemetryConfig

# -- telemetry levels ---------------------------------------------------------------------

LEVELS = ("off", "default", "deep")
GOALS = {"off": 0.98, "default": 0.95, "deep": 0.85}
"""LayerLab samples/s over the hand-written loop's, per telemetry level (issue 21)."""
ALWAYS_ON = ("enabled", "health")


def _bound(name: str, kind: type) -> Any:
    for item in TelemetryConfig.model_fields[name].metadata:
        if isinstance(item, kind):
            return getattr(item, "ge" if kind is annotated_types.Ge else "le")
    return None


def deep_telemetry() -> dict[str, Any]:
    """Every measurement on every step that TelemetryConfig allows: each `*_every` period
    at its lower bound (scalars, gradient norms, weights and activations every step),
    each `max_*_per_s` rate cap at its upper bound, telemetry and health diagnosis on.
    Derived from the config's own bounds, so a new period or cap is covered too."""
    deep: dict[str, Any] = {}
    for name in TelemetryConfig.model_fields:
        if name in ALWAYS_ON:
            deep[name] = True
        elif "_every" in name and (low := _bound(name, annotated_types.Ge)) is not None:
            deep[name] = low
        elif name.startswith("max_") and (high := _bound(name, annotated_types.Le)) is not None:
            deep[name] = high
    return deep


def telemetry_for(level: str) -> dict[str, Any]:
    """The `telemetry` section of a level: off, default (the config's), or deep."""
    if level == "off":
        return {"enabled": False}
    if level == "default":
        return {}
    if level == "deep":
        return deep_telemetry()
    raise ValueError(f"unknown telemetry level {level!r}; choose from {', '.join(LEVELS)}")


# -- model FLOP utilisation ---------------------------------------------------------------

PEAK_BF16_FLOPS = (
    # (a part of torch.cuda.get_device_name, dense bf16 FLOP/s); the first match wins.
    ("H100 PCIe", 756e12),
    ("H200", 989.4e12),
    ("H100", 989.4e12),  # SXM
    ("A100", 312e12),
)
TRAIN_STEP_FACTOR = 3
"""A training step's FLOPs per forward FLOP: the forward, and a backward of about twice
the forward (gradients of the inputs and of the weights)."""


def peak_flops(device_name: str) -> float | None:
    """The device's dense bf16 peak FLOP/s, or None when the table does not know it."""
    for part, peak in PEAK_BF16_FLOPS:
        if part in device_name:
            return peak
    return None


def flops_per_step(forward_flops_per_sample: int, batch: int) -> float:
    """FLOPs of one training step: 3 x forward FLOPs per sample x batch."""
    return float(TRAIN_STEP_FACTOR * forward_flops_per_sample * batch)


def utilisation(samples_per_s: float, forward_flops_per_sample: int, peak: float | None) -> dict:
    """Achieved FLOP/s of a training speed, and its share of the peak (None: unknown)."""
    achieved = samples_per_s * flops_per_step(forward_flops_per_sample, 1)
    return {"flops_per_s": achieved, "mfu": achieved / peak if peak else None}


def mfu_fields(row: dict[str, Any], flops: int, peak: float | None) -> dict[str, Any]:
    """An MFU row's FLOP columns for both sides (fit and hand)."""
    fit = utilisation(row["samples_per_s_fit"], flops, peak)
    hand = utilisation(row["samples_per_s_hand"], flops, peak)
    return {
        "flops_per_sample": flops,
        "flops_per_step": flops_per_step(flops, row["batch"]),
        "peak_flops": peak,
        "flops_per_s_fit": fit["flops_per_s"],
        "flops_per_s_hand": hand["flops_per_s"],
        "mfu_fit": fit["mfu"],
        "mfu_hand": hand["mfu"],
    }


# -- rows, merging ------------------------------------------------------------------------

OVERHEAD_KEY = ("network", "telemetry", "execution", "precision", "batch")
MFU_KEY = ("network", "execution", "precision", "batch", "telemetry")


def stamp(env: dict[str, Any]) -> str:
    """Which run a row comes from: date, device and torch."""
    return (
        f"{env.get('date', 'undated')}, {env.get('device_name', env['cpu'])}, torch {env['torch']}"
    )


def today() -> str:
    return datetime.date.today().isoformat()


def upgrade(row: dict[str, Any], old_env: dict[str, Any]) -> dict[str, Any]:
    """A row of an earlier results file in today's form (rows before issue 21 ran in
    float32, eagerly)."""
    return {"precision": "off", "execution": "eager", "measured": stamp(old_env)} | row


def merge(
    old: list[dict[str, Any]], new: list[dict[str, Any]], key: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The new rows, and the old ones that none of them measures again, old first."""
    seen = {tuple(row.get(k) for k in key) for row in new}
    return [row for row in old if tuple(row.get(k) for k in key) not in seen] + new


def load_previous(path: Path) -> dict[str, Any]:
    """An earlier results file's rows, upgraded; empty when there is none or it is broken."""
    try:
        payload = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"rows": [], "mfu": [], "mnist": None}
    env = payload.get("environment", {})
    env.setdefault("cpu", "?")
    env.setdefault("torch", "?")
    return {
        "rows": [upgrade(row, env) for row in payload.get("rows", [])],
        "mfu": [upgrade(row, env) for row in payload.get("mfu", [])],
        "mnist": payload.get("mnist"),
    }


# -- tables -------------------------------------------------------------------------------

HEADERS = [
    "network",
    "telemetry",
    "batch",
    "precision",
    "execution",
    "hand samples/s",
    "layerlab samples/s",
    "ratio (p25-p75)",
    "goal",
]
MFU_HEADERS = [
    "network",
    "batch",
    "precision",
    "execution",
    "hand samples/s",
    "layerlab samples/s",
    "ratio (p25-p75)",
    "hand TFLOP/s",
    "layerlab TFLOP/s",
    "hand MFU",
    "layerlab MFU",
]


def mark(row: dict[str, Any], current: str) -> str:
    return "" if row.get("measured", current) == current else " *"


def goal_cell(row: dict[str, Any]) -> str:
    goal = GOALS.get(row["telemetry"])
    if goal is None:
        return "-"
    return f">= {goal:.2f} " + ("(met)" if row["ratio"] >= goal else "(missed)")


def table_rows(rows: list[dict[str, Any]], current: str = "") -> list[list[str]]:
    return [
        [
            row["network"] + mark(row, current),
            row["telemetry"],
            str(row["batch"]),
            row["precision"],
            row["execution"],
            *common.speed_cells(row),
            goal_cell(row),
        ]
        for row in rows
    ]


def tera(flops_per_s: float) -> str:
    """FLOP/s as TFLOP/s: one decimal on a GPU, three significant digits below 1."""
    value = flops_per_s / 1e12
    return f"{value:,.1f}" if value >= 1 else f"{value:.3g}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def mfu_table_rows(rows: list[dict[str, Any]], current: str = "") -> list[list[str]]:
    return [
        [
            row["network"] + mark(row, current),
            str(row["batch"]),
            row["precision"],
            row["execution"],
            *common.speed_cells(row),
            tera(row["flops_per_s_hand"]),
            tera(row["flops_per_s_fit"]),
            percent(row["mfu_hand"]),
            percent(row["mfu_fit"]),
        ]
        for row in rows
    ]


def header_lines(env: dict[str, Any], device: str) -> list[str]:
    where = env.get("device_name") or env["cpu"]
    after = env.get("load_average_after", env["load_average"])
    return [
        "### Training-loop overhead (`bench/train_overhead.py`)",
        "",
        f"{where}, {env['torch_threads']} torch thread(s), torch {env['torch']}, device {device}, "
        f"{env.get('date', '')}; load average {env['load_average'][0]:.1f} before, "
        f"{after[0]:.1f} after.",
        "",
        "Telemetry: off = `enabled: false`; default = TelemetryConfig's defaults; deep = "
        "every measurement on every step the config allows (scalars, per-layer gradient "
        "norms, weights and activations each step, health on, the rate caps at their "
        "upper bounds). Goals (layerlab / hand): off >= 0.98, default >= 0.95, deep >= 0.85.",
        "Rate caps read fit's own time (not the hand loop's); on the CPU both sides run "
        "under LayerLab's malloc thresholds (bench/README.md).",
    ]


def mfu_lines(rows: list[dict[str, Any]], env: dict[str, Any], current: str) -> list[str]:
    peak = peak_flops(env.get("device_name", ""))
    peak_text = (
        f"the dense bf16 peak of the {env.get('device_name')} ({peak / 1e12:,.1f} TFLOP/s)"
        if peak
        else "a peak this table does not know for this device (MFU left blank)"
    )
    level = rows[0]["telemetry"] if rows else "default"
    ordered = sorted(rows, key=lambda row: (row["network"], row["execution"]))
    compiled = [row.get("hand", {}) for row in rows if row["execution"] == "fast"]
    modes = ", ".join(sorted({str(hand.get("compile_mode") or "default") for hand in compiled}))
    return [
        "",
        "#### Throughput and model FLOP utilisation",
        "",
        "FLOPs per training step = 3 x forward FLOPs per sample (`layerlab.check`'s "
        "`Totals.flops`) x batch; MFU = achieved FLOP/s over "
        f"{peak_text}. LayerLab with telemetry {level}; eager rows against the "
        "hand-written loop, fast rows (`execution: fast`, torch.compile of the train "
        "step) against the same loop with `torch.compile` on its forward and loss, in "
        f"mode {modes or 'default'} (the JSON's `hand` says how each row's loop ran).",
        "",
        common.markdown_table(MFU_HEADERS, mfu_table_rows(ordered, current)),
    ]


def markdown(payload: dict[str, Any]) -> str:
    env, current = payload["environment"], payload["measured"]
    lines = header_lines(env, payload["device"])
    if payload["rows"]:
        lines += ["", common.markdown_table(HEADERS, table_rows(payload["rows"], current))]
    if payload["mfu"]:
        lines += mfu_lines(payload["mfu"], env, current)
    every = payload["rows"] + payload["mfu"]
    older = sorted({row["measured"] for row in every if row.get("measured", current) != current})
    if older:
        lines += ["", "\\* kept from an earlier run: " + "; ".join(older) + "."]
    if payload["skipped"]:
        lines += ["", "Not measured: " + "; ".join(payload["skipped"]) + "."]
    accuracy = payload.get("mnist")
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
