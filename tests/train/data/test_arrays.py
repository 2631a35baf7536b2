"""Memory-mapped arrays (issue 15): x.npy and y.npy in a folder or an uncompressed .npz,
read a batch of rows at a time; only headers are parsed, nothing is unpickled."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import DataError, LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.arrays import ArrayRows
from layerlab.train.data.lazy import LazyDataset


def write_set(folder: Path, x: np.ndarray, y: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", y)
    return folder


def points(count: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(count, 3)).astype(np.float32) * [1.0, 5.0, 0.1] + [0, 10, -3]
    return x.astype(np.float32), (x[:, 0] > 0).astype(np.int64)


def test_disk_and_memory_agree_from_a_folder_and_an_npz(tmp_path: Path) -> None:
    x, y = points()
    write_set(tmp_path / "set", x, y)
    np.savez(tmp_path / "set.npz", x=x, y=y)
    ctx = LoadContext(tmp_path)
    memory = load_dataset("arrays", {"path": "set", "storage": "memory"}, ctx)
    assert isinstance(memory, LoadedDataset) and memory.info.kind == "tabular"
    assert memory.info.num_classes == 2 and memory.info.input_shape == [3]
    assert abs(float(memory.train.x.mean())) < 0.05 and abs(float(memory.train.x.std()) - 1) < 0.05
    for path in ("set", "set.npz"):
        disk = load_dataset("arrays", {"path": path, "storage": "disk"}, ctx)
        assert isinstance(disk, LazyDataset) and isinstance(disk.train, ArrayRows)
        assert disk.info.model_dump(exclude={"notes"}) == memory.info.model_dump(exclude={"notes"})
        for part, split in ((disk.train, memory.train), (disk.val, memory.val)):
            got_x, got_y = part.finish(*part.fetch(range(len(part))))
            assert torch.equal(got_x, split.x) and torch.equal(got_y, split.y)


def test_float_targets_are_values_and_bytes_images_are_scaled(tmp_path: Path) -> None:
    images = np.random.default_rng(1).integers(0, 256, size=(50, 1, 4, 4), dtype=np.uint8)
    write_set(tmp_path / "img", images, np.linspace(0, 1, 50).astype(np.float32))
    data = load_dataset(
        "arrays", {"path": "img", "storage": "disk", "standardize": False}, LoadContext(tmp_path)
    )
    assert isinstance(data, LazyDataset)
    assert data.info.kind == "image" and data.info.target == "value"
    assert data.info.target_shape == [1]
    x, y = data.train.finish(*data.train.fetch([0, 1]))
    assert x.shape == (2, 1, 4, 4) and float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert y.shape == (2, 1) and y.dtype == torch.float32


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: np.save(p / "x.npy", np.array([{"a": 1}] * 4, dtype=object)), "only numbers"),
        (lambda p: (p / "x.npy").write_bytes(b"\x93NUMPY\x01\x00" + b"garbage"), "not a .npy"),
        (lambda p: (p / "x.npy").write_bytes(b"not numpy at all"), "not a .npy"),
    ],
)
def test_unsafe_or_broken_arrays_are_refused(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "bad"
    write_set(folder, *points(10))
    make(folder)
    with pytest.raises(DataError, match=message):
        load_dataset("arrays", {"path": "bad"}, LoadContext(tmp_path))


def test_a_header_that_promises_more_than_the_file_holds(tmp_path: Path) -> None:
    folder = write_set(tmp_path / "short", *points(100))
    raw = (folder / "x.npy").read_bytes()
    (folder / "x.npy").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match="the header promises"):
        load_dataset("arrays", {"path": "short"}, LoadContext(tmp_path))


def test_a_compressed_npz_is_refused(tmp_path: Path) -> None:
    np.savez_compressed(tmp_path / "packed.npz", x=points()[0], y=points()[1])
    with pytest.raises(DataError, match="compressed; save with numpy.savez"):
        load_dataset("arrays", {"path": "packed.npz"}, LoadContext(tmp_path))
    buffer = io.BytesIO()
    array = io.BytesIO()
    np.save(array, points()[0])
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", array.getvalue())
    (tmp_path / "half.npz").write_bytes(buffer.getvalue())
    with pytest.raises(DataError, match="no y.npy"):
        load_dataset("arrays", {"path": "half.npz"}, LoadContext(tmp_path))


def test_shapes_that_do_not_fit(tmp_path: Path) -> None:
    x, y = points(20)
    write_set(tmp_path / "rows", x, y[:10])
    with pytest.raises(DataError, match="x has 20 rows but y is shaped"):
        load_dataset("arrays", {"path": "rows"}, LoadContext(tmp_path))
    write_set(tmp_path / "neg", x, y - 1)
    with pytest.raises(DataError, match="negative class ids"):
        load_dataset("arrays", {"path": "neg"}, LoadContext(tmp_path))
