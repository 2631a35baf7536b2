"""MNIST and Fashion-MNIST from IDX files written by the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import DATASETS, DataError, LoadContext, MissingDataError, load_dataset
from layerlab.train.data.download import RemoteFile, md5_of
from tests.train.data.fixtures import write_idx, write_mnist_folder

RAW = {"normalize": False}


def as_float(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)


@pytest.mark.parametrize("gz", [True, False])
def test_full_set_trains_on_train_files_and_validates_on_test_files(
    tmp_path: Path, gz: bool
) -> None:
    written = write_mnist_folder(tmp_path / "mnist", train_count=30, test_count=20, gz=gz)
    data = load_dataset("mnist", RAW, LoadContext(tmp_path))
    train_images, train_labels = written["train"]
    test_images, test_labels = written["t10k"]
    assert data.train.x.shape == (30, 1, 28, 28) and data.train.x.dtype == torch.float32
    assert torch.equal(data.train.x, as_float(train_images))
    assert torch.equal(data.train.y, torch.from_numpy(train_labels.astype(np.int64)))
    assert torch.equal(data.val.x, as_float(test_images))
    assert torch.equal(data.val.y, torch.from_numpy(test_labels.astype(np.int64)))
    assert data.info.classes == [str(d) for d in range(10)] and data.info.num_classes == 10
    assert (data.info.train_size, data.info.val_size) == (30, 20)
    assert any("official" in note for note in data.info.notes)


def test_normalisation_uses_training_statistics(tmp_path: Path) -> None:
    written = write_mnist_folder(tmp_path / "mnist", train_count=40, test_count=10)
    data = load_dataset("mnist", {}, LoadContext(tmp_path))
    raw = as_float(written["train"][0])
    assert data.extras["mean"] == pytest.approx([raw.mean().item()], rel=1e-5)
    assert data.extras["std"] == pytest.approx([raw.std().item()], rel=1e-5)
    assert abs(data.train.x.mean().item()) < 1e-4 and abs(data.train.x.std().item() - 1) < 1e-4
    expected_val = (as_float(written["t10k"][0]) - raw.mean()) / raw.std()
    assert torch.allclose(data.val.x, expected_val, atol=1e-5)


def test_t10k_only_folder_is_split_with_a_note(tmp_path: Path) -> None:
    written = write_mnist_folder(tmp_path / "mnist", train_count=None, test_count=50)
    data = load_dataset("mnist", {**RAW, "seed": 3}, LoadContext(tmp_path))
    assert (len(data.train), len(data.val)) == (40, 10)
    assert any(
        "only the 50 MNIST test images" in n and "40 train / 10 validation" in n
        for n in data.info.notes
    )
    # Every test image lands in exactly one part, with its own label.
    all_x = torch.cat([data.train.x, data.val.x]).flatten(1)
    all_y = torch.cat([data.train.y, data.val.y])
    images, labels = written["t10k"]
    index_of = {image.tobytes(): i for i, image in enumerate(images)}  # random images are unique
    order = [index_of[np.rint(row.numpy() * 255).astype(np.uint8).tobytes()] for row in all_x]
    assert sorted(order) == list(range(50))
    assert torch.equal(all_y, torch.from_numpy(labels.astype(np.int64))[order])
    again = load_dataset("mnist", {**RAW, "seed": 3}, LoadContext(tmp_path))
    other = load_dataset("mnist", {**RAW, "seed": 4}, LoadContext(tmp_path))
    assert torch.equal(again.val.x, data.val.x) and not torch.equal(other.val.x, data.val.x)


def test_train_files_split_when_not_validating_on_test(tmp_path: Path) -> None:
    write_mnist_folder(tmp_path / "mnist", train_count=50, test_count=20)
    data = load_dataset(
        "mnist", {"validate_on_test_set": False, "val_fraction": 0.1}, LoadContext(tmp_path)
    )
    assert (len(data.train), len(data.val)) == (45, 5)


def test_path_option_is_a_folder_inside_the_data_dir(tmp_path: Path) -> None:
    write_mnist_folder(tmp_path / "elsewhere" / "digits", train_count=None, test_count=10)
    relative = load_dataset("mnist", {"path": "elsewhere/digits"}, LoadContext(tmp_path))
    assert len(relative.train) + len(relative.val) == 10
    with pytest.raises(DataError, match="option 'path': the path is absolute"):
        load_dataset(
            "mnist", {"path": str(tmp_path / "elsewhere" / "digits")}, LoadContext(tmp_path / "x")
        )


def test_offline_without_files_says_where_to_put_which_files(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError) as caught:
        load_dataset("mnist", {}, LoadContext(tmp_path))
    message = str(caught.value)
    assert f"MNIST not found in {tmp_path / 'mnist'}" in message
    for name in (
        "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
        "`path`",
        "allow downloads",
    ):
        assert name in message


def test_substitute_is_digits_upsampled_and_says_so(tmp_path: Path) -> None:
    data = load_dataset("mnist", {"normalize": False}, LoadContext(tmp_path), allow_substitute=True)
    assert data.train.x.shape[1:] == (1, 28, 28) and len(data.train) + len(data.val) == 1797
    assert data.train.x.min() >= 0.0 and data.train.x.max() <= 1.0
    assert data.info.notes[0] == (
        f"MNIST not found in {tmp_path / 'mnist'}; using scikit-learn digits (8x8 upsampled to 28x28) instead"
    )


def test_substitution_never_hides_a_corrupt_file(tmp_path: Path) -> None:
    write_mnist_folder(tmp_path / "mnist", train_count=None, test_count=10)
    images = tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:-5])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz"):
        load_dataset("mnist", {}, LoadContext(tmp_path), allow_substitute=True)


def test_image_and_label_counts_must_agree(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    write_mnist_folder(folder, train_count=None, test_count=10)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(9, dtype=np.uint8))
    with pytest.raises(
        DataError,
        match="t10k-images-idx3-ubyte.gz holds 10 images but t10k-labels-idx1-ubyte.gz holds 9",
    ):
        load_dataset("mnist", {}, LoadContext(tmp_path))


def test_labels_out_of_range_and_wrong_image_size(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    write_mnist_folder(folder, train_count=None, test_count=4)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.array([0, 1, 12, 3], dtype=np.uint8))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: label 12"):
        load_dataset("mnist", {}, LoadContext(tmp_path))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((4, 32, 32), dtype=np.uint8))
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz: images are 32x32"):
        load_dataset("mnist", {}, LoadContext(tmp_path))


def test_fashion_mnist_has_its_own_folder_and_class_names(tmp_path: Path) -> None:
    write_mnist_folder(tmp_path / "fashion_mnist", train_count=None, test_count=20)
    data = load_dataset("fashion_mnist", {}, LoadContext(tmp_path))
    assert (
        data.info.classes is not None
        and data.info.classes[0] == "T-shirt/top"
        and data.info.classes[9] == "Ankle boot"
    )
    with pytest.raises(MissingDataError, match="Fashion-MNIST not found"):
        load_dataset("fashion_mnist", {}, LoadContext(tmp_path / "empty"))


def test_download_fills_the_default_folder_with_verified_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A local "mirror" reached through file:// URLs: the download code runs, the network does not.
    mirror = tmp_path / "mirror"
    write_mnist_folder(mirror, train_count=12, test_count=8)
    remotes = tuple(
        RemoteFile(p.name, md5_of(p), (mirror.as_uri() + "/" + p.name,))
        for p in sorted(mirror.iterdir())
    )
    monkeypatch.setattr(DATASETS["mnist"], "remotes", remotes)
    data_dir = tmp_path / "data"
    with pytest.raises(MissingDataError):
        load_dataset("mnist", {}, LoadContext(data_dir, allow_download=False))
    data = load_dataset("mnist", {}, LoadContext(data_dir, allow_download=True))
    assert (len(data.train), len(data.val)) == (12, 8)
    assert sorted(p.name for p in (data_dir / "mnist").iterdir()) == sorted(r.name for r in remotes)


@pytest.mark.parametrize("mode", ["standard", "tanh", "none", True, False])
def test_pixel_scaling_modes_can_be_undone_with_the_extras(
    tmp_path: Path, mode: str | bool
) -> None:
    written = write_mnist_folder(tmp_path / "mnist", train_count=20, test_count=10)
    data = load_dataset("mnist", {"normalize": mode}, LoadContext(tmp_path))
    mean, std = data.extras["mean"][0], data.extras["std"][0]
    assert torch.allclose(data.train.x * std + mean, as_float(written["train"][0]), atol=1e-5)
    assert torch.allclose(data.val.x * std + mean, as_float(written["t10k"][0]), atol=1e-5)
    if mode == "tanh":
        assert (
            data.train.x.min() >= -1.0 and data.train.x.max() <= 1.0 and data.train.x.min() < -0.99
        )
        assert "pixels scaled to [-1, 1]" in data.info.notes
    if mode in ("none", False):
        assert torch.equal(data.train.x, as_float(written["train"][0]))


def test_unknown_pixel_scaling_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="option 'normalize'"):
        load_dataset("mnist", {"normalize": "sigmoid"}, LoadContext(tmp_path))
