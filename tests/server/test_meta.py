"""GET /api/meta serves the values the core uses, read from their homes: checked
against the constants themselves, and against the health monitor's behaviour at the
served thresholds (just past each one it reports, just short of it it does not)."""

from __future__ import annotations

from typing import Any, get_args

import pytest
import torch
from torch import nn

from layerlab.ops import HealthKind
from layerlab.train import events, health
from layerlab.train.config import TrainingConfig
from layerlab.train.events import ActivationStats, Histogram
from layerlab.train.health import HealthMonitor
from layerlab.train.layers import Layer
from layerlab.train.model import build_trainee
from layerlab.train.stats import SUMMARY_FIELDS, activation_summary
from layerlab.train.tasks import TASKS, TaskError, make_task
from tests.server.conftest import LiveServer
from tests.train.helpers import chain, config, dataset, linear_layers, n


def _meta(server: LiveServer) -> dict[str, Any]:
    with server.client() as client:
        response = client.get("/api/meta")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_meta_serves_the_constants_the_core_uses(sqlite_server: LiveServer) -> None:
    meta = _meta(sqlite_server)
    assert meta["gradients"] == {
        "vanishing_ratio": health.VANISHING_RATIO,
        "exploding_factor": health.EXPLODING_FACTOR,
        "reference_samples": health.REFERENCE_SAMPLES,
        "sustain": health.SUSTAIN,
    }
    assert meta["activations"] == {
        "dead_fraction": health.DEAD_FRACTION,
        "saturated_fraction": health.SATURATED_FRACTION,
        "histogram_bins": events.HISTOGRAM_BINS,
    }
    assert meta["statuses"] == {
        "all": list(get_args(events.RunStatus)),
        "active": list(events.ACTIVE_STATUSES),
        "open": list(events.OPEN_STATUSES),
        "failure": list(events.FAILURE_STATUSES),
        "end": list(events.END_STATUSES),
    }
    statuses = meta["statuses"]
    assert statuses["open"] + statuses["end"] == statuses["all"]
    assert set(statuses["active"]) <= set(statuses["open"])
    assert set(statuses["failure"]) <= set(statuses["end"])
    assert meta["training_schema"] == TrainingConfig.model_json_schema()


def _reported(feed: Any, layers: list[Layer] | None = None) -> list[str]:
    found: list[str] = []
    monitor = HealthMonitor(
        layers or linear_layers("fc1", "fc2"),
        lambda diagnosis, _node, active, _message, _value: (
            found.append(diagnosis) if active else None
        ),
    )
    feed(monitor)
    return found


def test_the_served_gradient_rule_is_the_monitors(sqlite_server: LiveServer) -> None:
    rule = _meta(sqlite_server)["gradients"]

    def depth(share: float) -> Any:
        def feed(monitor: HealthMonitor) -> None:
            for _ in range(rule["sustain"]):
                monitor.gradients({"fc1": share, "fc2": 1.0}, 1.0)

        return feed

    assert "vanishing_gradients" in _reported(depth(rule["vanishing_ratio"] * 0.99))
    assert "vanishing_gradients" not in _reported(depth(rule["vanishing_ratio"] * 1.01))

    def growth(factor: float) -> Any:
        def feed(monitor: HealthMonitor) -> None:
            for _ in range(rule["reference_samples"]):
                monitor.gradients({"fc1": 1.0, "fc2": 1.0}, 1.0)
            for _ in range(rule["sustain"]):
                monitor.gradients({"fc1": factor, "fc2": factor}, factor)

        return feed

    assert "exploding_gradients" in _reported(growth(rule["exploding_factor"] * 1.01))
    assert "exploding_gradients" not in _reported(growth(rule["exploding_factor"] * 0.99))


def test_the_served_activation_rule_is_the_monitors(sqlite_server: LiveServer) -> None:
    meta = _meta(sqlite_server)
    rule, sustain = meta["activations"], meta["gradients"]["sustain"]
    relu = Layer("act", nn.ReLU(), HealthKind.RELU_LIKE)
    sigmoid = Layer("sig", nn.Sigmoid(), HealthKind.SATURATING)

    def shares(dead: float, saturated: float) -> Any:
        def measured(**fraction: float) -> ActivationStats:
            return ActivationStats(
                mean=0.0, std=1.0, histogram=Histogram(low=0, high=1, counts=[]), **fraction
            )

        def feed(monitor: HealthMonitor) -> None:
            for _ in range(sustain):
                monitor.activations(
                    {
                        "act": measured(dead_fraction=dead),
                        "sig": measured(saturated_fraction=saturated),
                    }
                )

        return feed

    over = shares(rule["dead_fraction"] + 0.01, rule["saturated_fraction"] + 0.01)
    under = shares(rule["dead_fraction"] - 0.01, rule["saturated_fraction"] - 0.01)
    assert sorted(_reported(over, [relu, sigmoid])) == ["dead_relu", "saturated"]
    assert _reported(under, [relu, sigmoid]) == []

    # Every activation summary carries the served number of histogram bins.
    summary = activation_summary(torch.randn(4, 8), HealthKind.RELU_LIKE)
    assert summary.numel() == len(SUMMARY_FIELDS) + rule["histogram_bins"]


def test_meta_serves_each_tasks_targets_as_declared_and_a_task_refuses_others(
    sqlite_server: LiveServer,
) -> None:
    served = {t["name"]: t for t in _meta(sqlite_server)["tasks"]}
    assert list(served) == list(TASKS)
    for name, task in TASKS.items():
        assert served[name]["targets"] == sorted(task.targets)
        assert served[name]["summary"] == task.summary
    usual = {t["usual_for"]: name for name, t in served.items() if t["usual_for"]}
    assert usual == {"class": "classification", "value": "regression", "sequence": "language_model"}
    # An autoencoder never reads the target, so any float data fits it but a sequence
    # target (the declaration, not the autoencoder's own checks, refuses that).
    x = torch.rand(8, 2)
    floats = dataset(
        {"kind": "tabular", "target": "sequence"}, (x, torch.zeros(8, 2)), (x, torch.zeros(8, 2))
    )
    reconstruct = chain([n("fc", "Linear", out_features=2)], [2])
    cfg = config(task="autoencoder", loss="mse")
    with pytest.raises(TaskError, match="learns from class or none or value targets"):
        make_task(build_trainee(reconstruct, 0), floats, cfg)
    make_task(
        build_trainee(reconstruct, 0),
        dataset({"kind": "tabular", "target": "value"}, (x, x), (x, x)),
        cfg,
    )
