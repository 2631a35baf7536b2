"""Image folders and big zips on disk (issue 15): listed, split and scaled as the
in-memory sets are, decoded a batch at a time, every file confined to the data dir."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import torch

from layerlab.train.data import DataError, LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.image_files import ImageFiles
from layerlab.train.data.lazy import LazyDataset
from tests.train.data.fixtures import png_bytes, write_image_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_image_folder(tmp_path / "shapes", 60, side=8)
    return tmp_path


def load(data_dir: Path, **options: object) -> LoadedDataset | LazyDataset:
    return load_dataset("image_folder", {"path": "shapes", **options}, LoadContext(data_dir))


def test_classes_are_sorted_folders_and_odd_entries_are_skipped(folder: Path) -> None:
    shapes = folder / "shapes"
    (shapes / "class1" / "nested").mkdir()
    (shapes / "class1" / "nested" / "deep.png").write_bytes(png_bytes((1, 2, 3)))
    (shapes / "class2" / "notes.txt").write_text("not an image")
    (shapes / "class2" / ".hidden.png").write_bytes(png_bytes((1, 2, 3)))
    (shapes / "loose.png").write_bytes(png_bytes((1, 2, 3)))  # not in a class folder
    (shapes / "empty").mkdir()
    outside = folder / "outside.png"
    outside.write_bytes(png_bytes((9, 9, 9)))
    os.symlink(outside, shapes / "class3" / "link.png")
    data = load(folder, storage="disk", image_size=8, val_fraction=0.0)
    assert isinstance(data, LazyDataset) and isinstance(data.train, ImageFiles)
    assert data.info.classes == ["class0", "class1", "class2", "class3"]
    assert len(data.train) == 61 and "class1/nested/deep.png" in data.train.files
    assert not any("link" in f or "hidden" in f for f in data.train.files)
    assert any("3 other file(s) or link(s) skipped" in note for note in data.info.notes)


def test_disk_and_memory_give_the_same_split_and_pixels(folder: Path) -> None:
    memory = load(folder, storage="memory", image_size=8)
    disk = load(folder, storage="disk", image_size=8)
    assert isinstance(memory, LoadedDataset) and isinstance(disk, LazyDataset)
    assert disk.info.model_dump(exclude={"notes"}) == memory.info.model_dump(exclude={"notes"})
    for lazy_part, split in ((disk.train, memory.train), (disk.val, memory.val)):
        x, y = lazy_part.finish(*lazy_part.fetch(range(len(lazy_part))))
        assert torch.equal(y, split.y)
        # Statistics summed in float64 over a sample agree to float32 rounding.
        assert torch.allclose(x, split.x, atol=1e-5)
    assert disk.extras["mean"] == pytest.approx(memory.extras["mean"], abs=1e-6)


def test_tanh_and_none_scaling_and_grayscale(folder: Path) -> None:
    for normalize, low, high in (("tanh", -1.0, 1.0), ("none", 0.0, 1.0)):
        data = load(folder, storage="disk", image_size=8, normalize=normalize, color="grayscale")
        assert isinstance(data, LazyDataset) and data.info.input_shape == [1, 8, 8]
        x = data.train.probe(20).x
        assert low <= float(x.min()) and float(x.max()) <= high and float(x.max()) > 0.5


def test_auto_keeps_a_set_on_disk_past_the_memory_limit(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layerlab.train.data import image_files

    assert isinstance(load(folder, image_size=8), LoadedDataset)
    monkeypatch.setattr(image_files, "MAX_OUTPUT_VALUES", 1000)
    data = load(folder, image_size=8, loader_workers=3)
    assert isinstance(data, LazyDataset) and data.train.loader_workers == 3
    assert any("by 3 loader processes" in note for note in data.info.notes)
    with pytest.raises(DataError, match="would not fit in memory; lower image_size, or use"):
        load(folder, image_size=8, storage="memory")


def test_a_broken_image_is_named_at_load_or_when_its_batch_is_read(folder: Path) -> None:
    data = load(folder, storage="disk", image_size=8, val_fraction=0.0)
    assert isinstance(data, LazyDataset) and isinstance(data.train, ImageFiles)
    (folder / "shapes" / data.train.files[5]).write_bytes(b"\x89PNG not really")
    name = data.train.files[5]
    with pytest.raises(DataError, match=f"shapes: '{name}' cannot be decoded as an image"):
        data.train.fetch([0, 5])
    # Broken before the load, it fails the load (its statistics read every image here).
    with pytest.raises(DataError, match=f"'{name}' cannot be decoded"):
        load(folder, storage="disk", image_size=8, val_fraction=0.0)


def test_paths_stay_in_the_data_dir(folder: Path, tmp_path: Path) -> None:
    for bad in ("../elsewhere", "/etc", "~/x"):
        with pytest.raises(DataError):
            load_dataset("image_folder", {"path": bad}, LoadContext(folder))
    os.symlink(tmp_path.parent, folder / "escape")
    with pytest.raises(DataError, match="leads outside the data dir"):
        load_dataset("image_folder", {"path": "escape"}, LoadContext(folder))
    with pytest.raises(DataError, match="not a folder"):
        load_dataset("image_folder", {"path": "shapes/class0/0.png"}, LoadContext(folder))
    # A part whose file was swapped for a link out of the data dir refuses to read it.
    data = load(folder, storage="disk", image_size=8, val_fraction=0.0)
    assert isinstance(data, LazyDataset) and isinstance(data.train, ImageFiles)
    target = folder / "shapes" / data.train.files[0]
    outside = tmp_path.parent / f"outside-{tmp_path.name}.png"  # not in the data dir
    outside.write_bytes(png_bytes((1, 1, 1)))
    target.unlink()
    os.symlink(outside, target)
    try:
        with pytest.raises(DataError, match="outside the data dir"):
            data.train.fetch([0])
    finally:
        outside.unlink()
    # ... and one swapped for a FIFO or a folder is no regular file (and nothing blocks).
    fifo = folder / "shapes" / data.train.files[1]
    fifo.unlink()
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="a FIFO, not a regular file"):
        data.train.fetch([1])
    folder_instead = folder / "shapes" / data.train.files[2]
    folder_instead.unlink()
    folder_instead.mkdir()
    with pytest.raises(DataError, match=r"cannot be opened|a directory"):
        data.train.fetch([2])


def test_a_zip_on_disk_reads_member_by_member(folder: Path) -> None:
    path = folder / "shapes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted((folder / "shapes").rglob("*.png")):
            archive.write(file, file.relative_to(folder).as_posix())
    from_zip = load_dataset(
        "image_zip", {"path": "shapes.zip", "storage": "disk", "image_size": 8}, LoadContext(folder)
    )
    from_folder = load(folder, storage="disk", image_size=8)
    assert isinstance(from_zip, LazyDataset) and isinstance(from_folder, LazyDataset)
    assert isinstance(from_zip.train, ImageFiles) and from_zip.train.archive
    x_zip, y_zip = from_zip.train.fetch(range(10))
    x_dir, y_dir = from_folder.train.fetch(range(10))
    assert torch.equal(x_zip, x_dir) and torch.equal(y_zip, y_dir)


def test_a_folder_loaded_in_the_bounded_child_comes_back_as_its_parts(folder: Path) -> None:
    from layerlab.train.data.isolated import load_isolated

    options = {"path": "shapes", "storage": "disk", "image_size": 8}
    child = load_isolated("image_folder", options, LoadContext(folder))
    here = load(folder, storage="disk", image_size=8)
    assert isinstance(child, LazyDataset) and isinstance(here, LazyDataset)
    assert child.info == here.info and child.extras == here.extras
    assert child.train.model_dump() == here.train.model_dump()
