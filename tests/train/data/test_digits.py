"""scikit-learn's digits, offline always, and as the substitute for the other image sets."""

from __future__ import annotations

from pathlib import Path

import torch

from layerlab.train.data import LoadContext, load_dataset
from layerlab.train.data.digits import digits_images


def test_digits_shapes_and_classes(tmp_path: Path) -> None:
    data = load_dataset("digits", {"normalize": False}, LoadContext(tmp_path))
    assert data.train.x.shape[1:] == (1, 8, 8) and data.train.x.dtype == torch.float32
    assert len(data.train) + len(data.val) == 1797 and len(data.val) == round(1797 * 0.2)
    assert data.info.num_classes == 10 and data.info.classes == [str(d) for d in range(10)]
    assert data.train.x.min() >= 0.0 and data.train.x.max() == 1.0
    counts = torch.bincount(torch.cat([data.train.y, data.val.y]))
    assert counts.min() >= 170 and counts.max() <= 185  # scikit-learn's digits are balanced


def test_upsampled_digits_keep_the_picture(tmp_path: Path) -> None:
    small, labels = digits_images(8)
    large, same_labels = digits_images(28, channels=3)
    assert large.shape == (1797, 3, 28, 28) and torch.equal(labels, same_labels)
    # Shrunk back to 8x8, the upsampled images still correlate strongly with the originals.
    shrunk = torch.nn.functional.interpolate(large[:, :1], size=8, mode="area").flatten()
    correlation = torch.corrcoef(torch.stack([shrunk, small.flatten()]))[0, 1]
    assert correlation > 0.9


def test_fashion_substitute_note(tmp_path: Path) -> None:
    data = load_dataset("fashion_mnist", {}, LoadContext(tmp_path), allow_substitute=True)
    assert data.info.notes[0].startswith(
        f"Fashion-MNIST not found in {tmp_path / 'fashion_mnist'}; using scikit-learn digits"
    )
    assert data.info.classes == [str(d) for d in range(10)]
