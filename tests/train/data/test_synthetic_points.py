"""The 2-D classification and regression sets: shapes, dtypes, balance, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from layerlab.train.data import DATASETS, DataError, LoadContext, load_dataset

CLASSIFICATION = ["moons", "circles", "xor", "gaussians", "spirals"]
REGRESSION = {"sine": 1, "plane": 2}


@pytest.fixture
def ctx(tmp_path: Path) -> LoadContext:
    return LoadContext(data_dir=tmp_path)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_points_shapes_dtypes_and_info(name: str, ctx: LoadContext) -> None:
    data = load_dataset(name, {"size": 301, "val_fraction": 0.2, "seed": 3}, ctx)
    assert data.train.x.dtype == torch.float32 and data.train.y.dtype == torch.int64
    assert data.train.x.shape == (len(data.train), 2) and data.train.y.shape == (len(data.train),)
    assert len(data.train) + len(data.val) == 301
    assert len(data.val) == round(301 * 0.2)
    info = data.info
    assert (info.kind, info.target, info.input_shape, info.target_shape) == (
        "points",
        "class",
        [2],
        [],
    )
    assert info.num_classes == 2 and info.classes is not None and len(info.classes) == 2
    assert (info.train_size, info.val_size) == (len(data.train), len(data.val))
    assert torch.isfinite(data.train.x).all()


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_points_classes_balanced(name: str, ctx: LoadContext) -> None:
    data = load_dataset(name, {"size": 1000}, ctx)
    labels = torch.cat([data.train.y, data.val.y])
    assert torch.bincount(labels).tolist() == [500, 500]
    # The split shuffles: the validation part holds both classes in similar numbers.
    val_counts = torch.bincount(data.val.y, minlength=2)
    assert val_counts.min() > 0.3 * len(data.val)


@pytest.mark.parametrize("name", [*CLASSIFICATION, *REGRESSION])
def test_same_seed_same_data_other_seed_other_data(name: str, ctx: LoadContext) -> None:
    first = load_dataset(name, {"size": 200, "seed": 7}, ctx)
    again = load_dataset(name, {"size": 200, "seed": 7}, ctx)
    other = load_dataset(name, {"size": 200, "seed": 8}, ctx)
    assert torch.equal(first.train.x, again.train.x) and torch.equal(first.val.y, again.val.y)
    assert not torch.equal(first.train.x, other.train.x)


@pytest.mark.parametrize("name", [n for n in CLASSIFICATION if n != "spirals"])
def test_noise_moves_points(name: str, ctx: LoadContext) -> None:
    clean = load_dataset(name, {"size": 200, "noise": 0.0}, ctx)
    noisy = load_dataset(name, {"size": 200, "noise": 0.5}, ctx)
    assert not torch.allclose(clean.train.x, noisy.train.x)


def test_circles_without_noise_are_separated_by_radius(ctx: LoadContext) -> None:
    data = load_dataset("circles", {"size": 400, "noise": 0.0}, ctx)
    radius = data.train.x.norm(dim=1)
    assert radius[data.train.y == 0].max() <= 2.5 + 1e-5
    assert radius[data.train.y == 1].min() >= 3.5 - 1e-5


def test_xor_without_noise_labels_follow_quadrant_signs(ctx: LoadContext) -> None:
    data = load_dataset("xor", {"size": 400, "noise": 0.0}, ctx)
    product_sign = (data.train.x[:, 0] * data.train.x[:, 1]) > 0
    assert torch.equal(product_sign, data.train.y == 0)


def test_gaussians_centres(ctx: LoadContext) -> None:
    data = load_dataset("gaussians", {"size": 4000, "noise": 0.0}, ctx)
    centre0 = data.train.x[data.train.y == 0].mean(dim=0)
    centre1 = data.train.x[data.train.y == 1].mean(dim=0)
    assert torch.allclose(centre0, torch.tensor([2.0, 2.0]), atol=0.1)
    assert torch.allclose(centre1, torch.tensor([-2.0, -2.0]), atol=0.1)


def test_spirals_without_noise_are_point_symmetric(ctx: LoadContext) -> None:
    # Arm 1 is arm 0 turned by pi: each point of one arm has its negative in the other.
    data = load_dataset("spirals", {"size": 200, "noise": 0.0, "val_fraction": 0.0}, ctx)
    arm0 = data.train.x[data.train.y == 0]
    arm1 = data.train.x[data.train.y == 1]
    distances = torch.cdist(arm0, -arm1, compute_mode="donot_use_mm_for_euclid_dist")
    assert distances.min(dim=1).values.max() < 1e-4


@pytest.mark.parametrize(("name", "features"), REGRESSION.items())
def test_regression_shapes(name: str, features: int, ctx: LoadContext) -> None:
    data = load_dataset(name, {"size": 100, "noise": 0.0}, ctx)
    assert data.train.x.shape == (80, features) and data.train.y.shape == (80, 1)
    assert data.train.y.dtype == torch.float32
    assert (data.info.target, data.info.target_shape, data.info.num_classes) == ("value", [1], None)


def test_sine_targets_are_sine_of_inputs(ctx: LoadContext) -> None:
    data = load_dataset("sine", {"size": 100, "noise": 0.0}, ctx)
    assert torch.allclose(data.train.y, torch.sin(data.train.x), atol=1e-6)
    noisy = load_dataset("sine", {"size": 2000, "noise": 0.2}, ctx)
    residual = noisy.train.y - torch.sin(noisy.train.x)
    assert 0.15 < residual.std().item() < 0.25


def test_plane_targets(ctx: LoadContext) -> None:
    data = load_dataset("plane", {"size": 100, "noise": 0.0}, ctx)
    assert torch.allclose(data.train.y[:, 0], data.train.x.sum(dim=1) / 10, atol=1e-6)


def test_unknown_name_suggests_close_match(ctx: LoadContext) -> None:
    with pytest.raises(DataError, match="unknown dataset 'moon'.*did you mean 'moons'"):
        load_dataset("moon", {}, ctx)


def test_bad_options_name_the_field(ctx: LoadContext) -> None:
    with pytest.raises(DataError, match="option 'size'"):
        load_dataset("moons", {"size": 1}, ctx)
    with pytest.raises(DataError, match="option 'nosie'"):
        load_dataset("circles", {"nosie": 0.1}, ctx)
    with pytest.raises(DataError, match="option 'val_fraction'"):
        load_dataset("xor", {"val_fraction": 1.5}, ctx)


def test_every_dataset_has_a_summary_and_schema() -> None:
    for source in DATASETS.values():
        schema = source.schema()
        assert schema["summary"] and schema["options_schema"]["type"] == "object"
