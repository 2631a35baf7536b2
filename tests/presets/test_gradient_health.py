"""The twins that teach vanishing gradients: the deep sigmoid stack must trigger the
diagnosis on one of its first layers, and the residual twin (ReLU, shortcuts,
BatchNorm) must not, on the same data for the same number of steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerlab.train.data import LoadedDataset
from layerlab.train.events import GradNormsEvent
from tests.presets.helpers import Run, load_preset, offline_data, preset_config, train

STEPS = 60
HEALTH_TELEMETRY = {"grad_norms_every": 5, "scalars_every": 20, "activations_every": 1000}
"""Gradient norms every 5 steps: the diagnosis needs two measurements in a row."""


def depth_order(name: str) -> list[str]:
    """The preset's Linear layers, input side first."""
    return [node.id for node in load_preset(name).nodes if node.type == "Linear"]


@pytest.fixture(scope="module")
def spirals(tmp_path_factory: pytest.TempPathFactory) -> LoadedDataset:
    """One dataset object for both twins: the same points in the same order."""
    config = preset_config(load_preset("deep_sigmoid_mlp"))
    return offline_data(config, Path(tmp_path_factory.mktemp("unused")))


def run_twin(name: str, data: LoadedDataset) -> Run:
    doc = load_preset(name)
    config = preset_config(doc, max_steps=STEPS, telemetry=HEALTH_TELEMETRY)
    run = train(doc, config, data)
    assert run.result.step == STEPS
    # The verdict rests on measurements of the first and the last layer, every 5 steps.
    first, last = depth_order(name)[0], depth_order(name)[-1]
    measured = [e for e in run.events if isinstance(e, GradNormsEvent)]
    assert len(measured) >= STEPS // 5 - 1
    assert all(e.values.get(first) is not None and e.values.get(last) for e in measured)
    return run


def test_twins_train_on_the_same_data_with_the_same_recipe() -> None:
    sigmoid = preset_config(load_preset("deep_sigmoid_mlp"))
    residual = preset_config(load_preset("deep_residual_mlp"))
    assert sigmoid == residual, "the twins must differ in architecture only"


def test_deep_sigmoid_stack_is_diagnosed_with_vanishing_gradients_early(
    spirals: LoadedDataset,
) -> None:
    run = run_twin("deep_sigmoid_mlp", spirals)
    raised = run.raised("vanishing_gradients")
    assert raised, "no vanishing-gradient diagnosis"
    early = depth_order("deep_sigmoid_mlp")[:3]
    assert raised[0].node in early, f"named {raised[0].node}, expected one of {early}"
    assert raised[0].node in raised[0].message
    assert raised[0].value is not None and raised[0].value < 1e-3  # first / last layer norm


def test_residual_twin_is_not(spirals: LoadedDataset) -> None:
    run = run_twin("deep_residual_mlp", spirals)
    assert run.raised("vanishing_gradients") == []
