"""The real files in ../shared/datasets, when present: MNIST t10k and tiny Shakespeare."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.download import md5_of
from layerlab.train.data.lazy import LazyDataset
from layerlab.train.data.mnist import TEST_IMAGES, TEST_LABELS
from layerlab.train.data.official import official_md5
from tests.conftest import SHARED_DATASETS

MNIST_T10K = SHARED_DATASETS / "mnist-t10k"
SHAKESPEARE = SHARED_DATASETS / "tinyshakespeare"

needs_mnist = pytest.mark.skipif(
    not (MNIST_T10K / TEST_IMAGES).is_file(),
    reason=f"real MNIST t10k files not found in {MNIST_T10K} (shared datasets absent)",
)
needs_shakespeare = pytest.mark.skipif(
    not (SHAKESPEARE / "input.txt").is_file(),
    reason=f"tiny Shakespeare not found in {SHAKESPEARE} (shared datasets absent)",
)


@needs_mnist
def test_shared_files_match_the_official_checksums() -> None:
    for name in (TEST_IMAGES, TEST_LABELS):
        assert md5_of(MNIST_T10K / name) == official_md5("mnist", name)


@needs_mnist
def test_real_mnist_t10k_loads_as_8000_2000_with_raw_pixel_statistics(tmp_path: Path) -> None:
    data = load_dataset(
        "mnist", {"path": MNIST_T10K.name, "normalize": False}, LoadContext(SHARED_DATASETS)
    )
    assert (len(data.train), len(data.val)) == (8000, 2000)
    assert data.train.x.shape == (8000, 1, 28, 28) and data.train.y.dtype == torch.int64
    assert any("8,000 train / 2,000 validation" in note for note in data.info.notes)
    # Statistics straight from the gzip files (16- and 8-byte headers), independent of our parser.
    pixels = np.frombuffer(
        gzip.decompress((MNIST_T10K / TEST_IMAGES).read_bytes())[16:], dtype=np.uint8
    )
    labels = np.frombuffer(
        gzip.decompress((MNIST_T10K / TEST_LABELS).read_bytes())[8:], dtype=np.uint8
    )
    loaded = torch.cat([data.train.x, data.val.x]).double()
    assert loaded.mean().item() == pytest.approx(pixels.mean() / 255, rel=1e-7)
    assert loaded.std().item() == pytest.approx(pixels.std(ddof=1) / 255, rel=1e-6)
    assert (
        torch.bincount(torch.cat([data.train.y, data.val.y])).tolist()
        == np.bincount(labels).tolist()
    )
    # Each image keeps its label: the per-image pixel sums per class match the raw files.
    raw_sums = pixels.reshape(10_000, -1).astype(np.int64).sum(axis=1)
    for digit in (0, 1, 7):
        from_file = np.sort(raw_sums[labels == digit])
        all_x = torch.cat([data.train.x, data.val.x])[
            torch.cat([data.train.y, data.val.y]) == digit
        ]
        from_loader = np.sort(
            np.rint(all_x.flatten(1).double().sum(1).numpy() * 255).astype(np.int64)
        )
        np.testing.assert_array_equal(from_loader, from_file)


@needs_mnist
def test_real_mnist_normalised(tmp_path: Path) -> None:
    data = load_dataset("mnist", {"path": MNIST_T10K.name}, LoadContext(SHARED_DATASETS))
    assert abs(data.train.x.mean().item()) < 1e-3 and abs(data.train.x.std().item() - 1) < 1e-3
    assert 0.12 < data.extras["mean"][0] < 0.145 and 0.29 < data.extras["std"][0] < 0.33


@needs_shakespeare
def test_real_tiny_shakespeare(tmp_path: Path) -> None:
    data = load_dataset(
        "tiny_shakespeare",
        {"path": SHAKESPEARE.name, "block_size": 32, "windows": "fixed"},
        LoadContext(SHARED_DATASETS),
    )
    assert isinstance(data, LoadedDataset)
    text = (SHAKESPEARE / "input.txt").read_text(encoding="utf-8")
    assert data.info.classes == sorted(set(text)) and data.info.num_classes == 65
    vocabulary = data.info.classes
    assert "".join(vocabulary[i] for i in data.train.x[0]) == text[:32]
    assert torch.equal(data.train.x[:, 1:], data.train.y[:, :-1])


@needs_shakespeare
def test_real_tiny_shakespeare_as_random_windows() -> None:
    """The shared folder is read-only: the token cache goes to a private folder."""
    data = load_dataset(
        "tiny_shakespeare", {"path": SHAKESPEARE.name}, LoadContext(SHARED_DATASETS)
    )
    assert isinstance(data, LazyDataset) and data.info.num_classes == 65
    text = (SHAKESPEARE / "input.txt").read_text(encoding="utf-8")
    boundary = int(len(text) * 0.9)
    assert len(data.train) == 18_000 and len(data.val) == 1000  # as long as fixed windows
    assert not (SHARED_DATASETS / "cache").exists()
    x, y = data.val.fetch([0])
    vocabulary = data.info.classes or []
    start = boundary + (data.val.offsets or [0])[0]
    assert "".join(vocabulary[i] for i in x[0]) == text[start : start + 64]
    assert "".join(vocabulary[i] for i in y[0]) == text[start + 1 : start + 65]


@needs_shakespeare
def test_shared_shakespeare_matches_the_download_checksum() -> None:
    assert md5_of(SHAKESPEARE / "input.txt") == official_md5("tiny_shakespeare", "input.txt")
