"""The diffusion task: its noise schedules, the forward noising, ancestral sampling (with
the true noise in place of the network's guess, the walk from pure noise must end at
the image), its checks of the network's two Inputs, and a short run of the ddpm_mnist
preset whose samples view walks from noise to images."""

from __future__ import annotations

import json
from typing import Any

import pytest
import torch

from layerlab.graph.document import load_document
from layerlab.train.data import LoadedDataset
from layerlab.train.events import ImageGridView
from layerlab.train.model import build_trainee
from layerlab.train.tasks import TaskError, make_task
from layerlab.train.tasks.diffusion import Diffusion, noise_schedule
from tests.conftest import GRAPHS
from tests.presets.helpers import offline_data, preset_config, train

PRESET = GRAPHS / "ddpm_mnist.json"


def preset_doc(**changes: dict[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(PRESET.read_text())
    for node in raw["nodes"]:
        if node["id"] in changes:
            node["params"] = {**node.get("params", {}), **changes[node["id"]]}
    return raw


@pytest.fixture(scope="module")
def digits(tmp_path_factory: pytest.TempPathFactory) -> LoadedDataset:
    config = preset_config(load_document(preset_doc()))
    data = offline_data(config, tmp_path_factory.mktemp("offline"))
    assert isinstance(data, LoadedDataset)
    return data


def diffusion_task(data: LoadedDataset, **overrides: Any) -> Diffusion:
    doc = load_document(preset_doc())
    config = preset_config(doc, **overrides)
    task = make_task(build_trainee(doc, 0), data, config)
    assert isinstance(task, Diffusion)
    return task


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_schedules_take_images_to_noise(kind: str) -> None:
    betas = noise_schedule(kind, 100)
    alpha_bar = torch.cumprod(1 - betas, dim=0)
    assert betas.shape == (100,) and bool((betas > 0).all()) and bool((betas <= 0.999).all())
    assert bool((alpha_bar[1:] < alpha_bar[:-1]).all())  # ever noisier
    assert alpha_bar[0] > 0.99 and alpha_bar[-1] < 0.01  # from the image to (almost) noise
    if kind == "linear":  # Ho et al.'s 1e-4 .. 0.02 over 1,000 steps, stretched to 100
        torch.testing.assert_close(betas[[0, -1]], torch.tensor([1e-3, 0.2], dtype=torch.float64))


def test_noising_mixes_image_and_noise_by_the_schedule(digits: LoadedDataset) -> None:
    task = diffusion_task(digits)
    x0 = digits.train.x[:16]
    x_t, t, eps = task.noised(x0, torch.Generator().manual_seed(0))
    keep = task.alpha_bar[t].reshape(-1, 1, 1, 1)
    torch.testing.assert_close(x_t, keep.sqrt() * x0 + (1 - keep).sqrt() * eps)
    assert t.min() >= 0 and t.max() < task.steps


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_sampling_with_the_true_noise_walks_back_to_the_image(
    digits: LoadedDataset, schedule: str
) -> None:
    task = diffusion_task(digits, noise_schedule=schedule)
    x0 = digits.train.x[:4]  # what every walk must end at

    def true_noise(x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        keep = task.alpha_bar[t].reshape(-1, 1, 1, 1)
        return (x_t - keep.sqrt() * x0) / (1 - keep).sqrt()

    task.predict_noise = true_noise  # type: ignore[method-assign]
    samples, kept = task.sample(4, torch.Generator().manual_seed(1), keep=(task.steps, 50, 0))
    torch.testing.assert_close(samples, x0, atol=1e-3, rtol=0)
    assert set(kept) == {task.steps, 50, 0}
    assert kept[task.steps].std() > 0.8  # the walk starts from pure noise


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"step": {"dtype": "float32"}}, "step number \\(1\\) int64"),
        ({"noisy": {"shape": [1, 32, 32]}}, "noisy sample \\(1, 28, 28\\)"),
    ],
    ids=["float-step", "image-shape"],
)
def test_networks_that_do_not_fit_are_refused(
    digits: LoadedDataset, changes: dict[str, Any], message: str
) -> None:
    doc = load_document(preset_doc(**changes))
    with pytest.raises(TaskError, match=message):
        make_task(build_trainee(doc, 0), digits, preset_config(doc))


def test_short_run_learns_and_shows_the_walk_from_noise(digits: LoadedDataset) -> None:
    doc = load_document(preset_doc())
    telemetry = {"samples_every_epochs": 1, "scalars_every": 1}
    config = preset_config(
        doc, max_steps=40, epochs=40, batch_size=32, diffusion_steps=20, telemetry=telemetry
    )
    run = train(doc, config, digits.head(320, 64))
    losses = run.series("train/loss")
    assert sum(losses[-5:]) < sum(losses[:5]) / 2  # unit-variance noise starts near 1
    grids = [v for e in run.events if e.type == "samples" for v in e.views]
    (walk,) = [v for v in grids if isinstance(v, ImageGridView)][-1:]
    assert walk.columns == 8 and walk.row_labels is not None
    assert walk.row_labels[0] == "t = 20" and walk.row_labels[-1] == "t = 0 (sample)"
    assert len(walk.images) == 8 * len(walk.row_labels)
