"""User zips of images in class folders: decoding, layout rules, and unsafe archives."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
import torch

from layerlab.train.data import DataError, LoadContext, load_dataset
from layerlab.train.data import image_files as image_files_module
from layerlab.train.data import image_zip as image_zip_module
from layerlab.train.data.lazy import LazyDataset
from tests.train.data.fixtures import jpeg_bytes, png_bytes, write_zip

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
RAW = {"normalize": False, "val_fraction": 0.0}


def fruit_members(prefix: str = "") -> dict[str, bytes]:
    members = {f"{prefix}apples/{i}.png": png_bytes(RED) for i in range(3)}
    members.update({f"{prefix}limes/{i}.png": png_bytes(GREEN, size=(20, 40)) for i in range(2)})
    members[f"{prefix}berries/a.jpg"] = jpeg_bytes(BLUE)
    return members


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def test_classes_are_sorted_folder_names_and_pixels_decode(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fruit.zip", fruit_members())
    data = load_dataset(
        "image_zip", {**RAW, "path": path.name, "image_size": 8}, LoadContext(tmp_path)
    )
    assert data.info.classes == ["apples", "berries", "limes"]
    assert data.train.x.shape == (6, 3, 8, 8) and data.info.input_shape == [3, 8, 8]
    assert torch.bincount(data.train.y).tolist() == [3, 1, 2]
    mean_colour = {int(c): data.train.x[data.train.y == c].mean(dim=(0, 2, 3)) for c in range(3)}
    assert torch.allclose(mean_colour[0], torch.tensor([1.0, 0.0, 0.0]), atol=0.01)  # red apples
    assert torch.allclose(
        mean_colour[1], torch.tensor([0.0, 0.0, 1.0]), atol=0.05
    )  # blue berries (JPEG)
    assert torch.allclose(mean_colour[2], torch.tensor([0.0, 1.0, 0.0]), atol=0.01)  # green limes


def test_grayscale_one_top_folder_and_junk(tmp_path: Path) -> None:
    members = fruit_members(prefix="photos/")
    members["__MACOSX/photos/apples/._0.png"] = b"resource fork"
    members["photos/apples/.DS_Store"] = b"finder"
    members["photos/limes/readme.txt"] = b"not an image"
    path = write_zip(tmp_path / "photos.zip", members)
    options = {**RAW, "path": path.name, "image_size": 5, "color": "grayscale"}
    data = load_dataset("image_zip", options, LoadContext(tmp_path))
    assert data.info.classes == ["apples", "berries", "limes"]
    assert data.train.x.shape == (6, 1, 5, 5)
    assert any("1 non-image file(s) skipped" in note for note in data.info.notes)


def test_normalised_by_default(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "fruit.zip", fruit_members())
    data = load_dataset(
        "image_zip", {"path": path.name, "val_fraction": 0.0}, LoadContext(tmp_path)
    )
    per_channel = data.train.x.transpose(0, 1).flatten(1)
    assert torch.allclose(per_channel.mean(1), torch.zeros(3), atol=1e-4)


@pytest.mark.parametrize(
    ("evil_name", "problem"),
    [
        ("../evil.png", "a '..' component"),
        ("apples/../../evil.png", "a '..' component"),
        ("/tmp/evil.png", "an absolute path"),
        ("C:/evil.png", "an absolute path"),
        ("apples\\..\\..\\evil.png", "a '..' component"),
    ],
)
def test_unsafe_paths_reject_the_archive_and_write_nothing(
    tmp_path: Path, evil_name: str, problem: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    write_zip(data_dir / "upload.zip", {**fruit_members(), evil_name: png_bytes(RED)})
    before = files_under(tmp_path)
    with pytest.raises(
        DataError, match=f"upload.zip: entry .* is {problem}; the archive is rejected"
    ):
        load_dataset("image_zip", {"path": "upload.zip"}, LoadContext(data_dir))
    assert files_under(tmp_path) == before
    assert not Path("/tmp/evil.png").exists()


def test_symlink_entry_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in fruit_members().items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("apples/passwords.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    before = files_under(tmp_path)
    with pytest.raises(DataError, match="entry 7 is a symbolic link"):
        load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))
    assert files_under(tmp_path) == before


def test_size_and_count_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {**fruit_members(), "apples/zeros.bin": bytes(1_000_000)}
    path = write_zip(tmp_path / "bomb.zip", members, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 20_000  # a megabyte of zeros deflates to about a kilobyte
    monkeypatch.setattr(image_zip_module, "MAX_UNCOMPRESSED_BYTES", 100_000)
    in_memory = {"path": path.name, "storage": "memory"}
    with pytest.raises(
        DataError, match="bomb.zip: .* bytes uncompressed is over the limit of 100,000"
    ):
        load_dataset("image_zip", in_memory, LoadContext(tmp_path))
    monkeypatch.setattr(image_zip_module, "MAX_MEMBERS", 5)
    with pytest.raises(DataError, match="bomb.zip: 7 entries is over the limit of 5"):
        load_dataset("image_zip", in_memory, LoadContext(tmp_path))
    # Past the in-memory limits, auto reads the zip member by member instead.
    lazy = load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))
    assert isinstance(lazy, LazyDataset) and len(lazy.train) + len(lazy.val) == 6
    monkeypatch.setattr(image_zip_module, "MAX_LAZY_MEMBERS", 5)
    with pytest.raises(DataError, match="bomb.zip: 7 entries is over the limit of 5"):
        load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))


def test_image_pixel_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_zip(tmp_path / "big.zip", fruit_members())
    monkeypatch.setattr(image_files_module, "MAX_IMAGE_PIXELS", 500)
    with pytest.raises(DataError, match="'limes/0.png' is 20x40 pixels, over the limit"):
        load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            {"loose.png": b"x", "apples/a.png": b"y"},
            "'loose.png' is not directly inside a class folder",
        ),
        ({"apples/a.png": png_bytes(RED)}, "found 1 class folder"),
        (
            {"apples/a.png": b"not a png", "limes/b.png": png_bytes(GREEN)},
            "'apples/a.png' cannot be decoded",
        ),
    ],
)
def test_layout_and_decoding_errors(
    tmp_path: Path, members: dict[str, bytes], message: str
) -> None:
    path = write_zip(tmp_path / "bad.zip", members)
    with pytest.raises(DataError, match=message):
        load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "photo.zip"
    path.write_bytes(b"PK but not really")
    with pytest.raises(DataError, match="photo.zip: not a zip file"):
        load_dataset("image_zip", {"path": path.name}, LoadContext(tmp_path))
