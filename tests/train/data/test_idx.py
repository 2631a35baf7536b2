"""The IDX parser: exact arrays from gzip and raw files, DataError naming bad files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from layerlab.train.data import DataError, LoadContext
from layerlab.train.data.idx import read_idx
from tests.train.data.fixtures import idx_bytes, write_idx


@pytest.mark.parametrize("name", ["images.gz", "images"])
def test_idx_round_trip_gzip_and_raw(tmp_path: Path, name: str) -> None:
    array = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    parsed = read_idx(write_idx(tmp_path / name, array), LoadContext(tmp_path))
    assert parsed.shape == (5, 7, 3) and parsed.dtype == np.uint8
    np.testing.assert_array_equal(parsed, array)


def test_gzip_is_detected_by_content_not_name(tmp_path: Path) -> None:
    array = np.arange(12, dtype=np.uint8)
    path = write_idx(tmp_path / "labels-without-gz-suffix", array, compress=True)
    np.testing.assert_array_equal(read_idx(path, LoadContext(tmp_path), expected_dims=1), array)


def test_bad_magic_names_the_file(tmp_path: Path) -> None:
    raw = bytearray(idx_bytes(np.zeros((2, 2), dtype=np.uint8)))
    raw[2] = 0x0D  # float type code: not what MNIST uses
    path = tmp_path / "weird-idx3-ubyte"
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="weird-idx3-ubyte: not an IDX file"):
        read_idx(path, LoadContext(tmp_path))


def test_not_idx_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, this is not IDX")
    with pytest.raises(DataError, match="notes.txt: not an IDX file"):
        read_idx(path, LoadContext(tmp_path))


def test_truncated_payload_names_the_file_and_sizes(tmp_path: Path) -> None:
    raw = idx_bytes(np.ones((4, 28, 28), dtype=np.uint8))
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(
        DataError, match=r"t10k-images-idx3-ubyte.gz: truncated: .*4x28x28 = 3136 bytes.*holds 3036"
    ):
        read_idx(path, LoadContext(tmp_path))


def test_trailing_bytes_rejected(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    path.write_bytes(idx_bytes(np.ones(3, dtype=np.uint8)) + b"\x00")
    with pytest.raises(DataError, match="labels: has trailing bytes"):
        read_idx(path, LoadContext(tmp_path))


def test_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(DataError, match="short: truncated IDX header"):
        read_idx(path, LoadContext(tmp_path))


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    compressed = gzip.compress(idx_bytes(np.ones((50, 28, 28), dtype=np.uint8)))
    path = tmp_path / "cut.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(DataError, match="cut.gz: cannot be read"):
        read_idx(path, LoadContext(tmp_path))


def test_wrong_dimension_count(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "labels.gz", np.zeros((3, 4), dtype=np.uint8))
    with pytest.raises(DataError, match="labels.gz: IDX file has 2 dimensions, expected 1"):
        read_idx(path, LoadContext(tmp_path), expected_dims=1)
