"""CIFAR-10 from binary batch files written by the tests."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import DATASETS, DataError, LoadContext, MissingDataError, load_dataset
from layerlab.train.data.cifar import TRAIN_FILES, read_cifar_records, records_to_split
from layerlab.train.data.download import RemoteFile, md5_of
from tests.train.data.fixtures import cifar_records

RAW = {"normalize": False}


def write_batches(
    folder: Path, per_file: int, train_files: int = 5, test: bool = True
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    names = list(TRAIN_FILES[:train_files]) + (["test_batch.bin"] if test else [])
    for seed, name in enumerate(names):
        data, images, labels = cifar_records(per_file, seed)
        (folder / name).write_bytes(data)
        written[name] = (images, labels)
    return written


def test_binary_records_parse_to_the_exact_images(tmp_path: Path) -> None:
    data, images, labels = cifar_records(7, seed=1)
    (tmp_path / "b.bin").write_bytes(data)
    part = records_to_split([read_cifar_records(tmp_path / "b.bin", LoadContext(tmp_path))])
    assert part.x.shape == (7, 3, 32, 32) and part.x.dtype == torch.float32
    assert torch.equal(part.x, torch.from_numpy(images.astype(np.float32) / 255))
    assert torch.equal(part.y, torch.from_numpy(labels.astype(np.int64)))
    # Channel order: the first 1,024 bytes after the label are the red plane, row by row.
    assert part.x[0, 0, 0, 1].item() == pytest.approx(data[2] / 255)
    assert part.x[0, 1, 0, 0].item() == pytest.approx(data[1 + 1024] / 255)


def test_full_set_in_archive_folder(tmp_path: Path) -> None:
    written = write_batches(tmp_path / "cifar10" / "cifar-10-batches-bin", per_file=4)
    data = load_dataset("cifar10", RAW, LoadContext(tmp_path))
    assert (len(data.train), len(data.val)) == (20, 4)
    expected_train = np.concatenate([written[n][0] for n in TRAIN_FILES])
    assert torch.equal(data.train.x, torch.from_numpy(expected_train.astype(np.float32) / 255))
    assert (
        data.info.classes is not None
        and data.info.classes[0] == "airplane"
        and data.info.input_shape == [3, 32, 32]
    )
    assert any("not the official 10,000" in note for note in data.info.notes)


def test_normalised_per_channel(tmp_path: Path) -> None:
    write_batches(tmp_path / "cifar10", per_file=3)
    data = load_dataset("cifar10", {}, LoadContext(tmp_path))
    per_channel = data.train.x.transpose(0, 1).flatten(1)
    assert torch.allclose(per_channel.mean(1), torch.zeros(3), atol=1e-4)
    assert torch.allclose(per_channel.std(1), torch.ones(3), atol=1e-4)
    assert len(data.extras["mean"]) == 3


def test_test_batch_only_is_split_with_a_note(tmp_path: Path) -> None:
    write_batches(tmp_path / "cifar10", per_file=10, train_files=0)
    data = load_dataset("cifar10", RAW, LoadContext(tmp_path))
    assert (len(data.train), len(data.val)) == (8, 2)
    assert any("only test_batch.bin was found" in note for note in data.info.notes)


def test_truncated_batch_names_the_file(tmp_path: Path) -> None:
    write_batches(tmp_path / "cifar10", per_file=2)
    path = tmp_path / "cifar10" / "data_batch_3.bin"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(
        DataError, match=r"data_batch_3.bin: 6,136 bytes is not a whole number of 3,073-byte"
    ):
        load_dataset("cifar10", {}, LoadContext(tmp_path), allow_substitute=True)


def test_bad_label_names_the_file_and_record(tmp_path: Path) -> None:
    write_batches(tmp_path / "cifar10", per_file=3)
    path = tmp_path / "cifar10" / "test_batch.bin"
    raw = bytearray(path.read_bytes())
    raw[3073] = 42  # record 1's label byte
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="test_batch.bin: record 1 has a label over 9"):
        load_dataset("cifar10", {}, LoadContext(tmp_path))


def test_offline_message_and_substitute(tmp_path: Path) -> None:
    with pytest.raises(
        MissingDataError,
        match=r"CIFAR-10 not found in .*data_batch_1.bin.*test_batch.bin.*allow downloads",
    ):
        load_dataset("cifar10", {}, LoadContext(tmp_path))
    data = load_dataset("cifar10", {}, LoadContext(tmp_path), allow_substitute=True)
    assert data.train.x.shape[1:] == (3, 32, 32)
    assert torch.equal(data.train.x[:, 0], data.train.x[:, 2])  # grey repeated in 3 channels
    assert data.info.notes[0].startswith(
        f"CIFAR-10 not found in {tmp_path / 'cifar10'}; using scikit-learn digits"
    )
    assert data.info.classes == [str(d) for d in range(10)]


def test_download_extracts_only_the_expected_members(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "mirror" / "cifar-10-binary.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        for seed, name in enumerate([*TRAIN_FILES, "test_batch.bin"]):
            data, _, _ = cifar_records(2, seed)
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        evil = tarfile.TarInfo("../evil.txt")
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"evil"))
    remote = RemoteFile(archive.name, md5_of(archive), (archive.as_uri(),))
    monkeypatch.setattr(DATASETS["cifar10"], "archive", remote)
    data_dir = tmp_path / "data"
    data = load_dataset("cifar10", {}, LoadContext(data_dir, allow_download=True))
    assert (len(data.train), len(data.val)) == (10, 2)
    extracted = sorted(p.name for p in (data_dir / "cifar10" / "cifar-10-batches-bin").iterdir())
    assert extracted == sorted([*TRAIN_FILES, "test_batch.bin"])
    assert not (data_dir / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
