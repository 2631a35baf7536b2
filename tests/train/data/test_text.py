"""Character corpora from generated text files."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from layerlab.train.data import (
    DataError,
    LoadContext,
    LoadedDataset,
    MissingDataError,
    load_dataset,
)
from layerlab.train.data.text import encode_characters, windows

TEXT = "".join(f"line {i}: the quick brown fox, café 漢字 {i * 7 % 13}\n" for i in range(200))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def decode(ids: torch.Tensor, vocabulary: list[str]) -> str:
    return "".join(vocabulary[int(i)] for i in ids)


def test_vocabulary_is_the_sorted_character_set(corpus: Path) -> None:
    data = load_dataset("text", {"path": corpus.name}, LoadContext(corpus.parent))
    assert data.info.classes == sorted(set(TEXT))
    assert data.info.num_classes == len(set(TEXT))
    assert "é" in data.info.classes and "漢" in data.info.classes


def test_targets_are_inputs_shifted_by_one_character(corpus: Path) -> None:
    options = {"path": corpus.name, "block_size": 16, "windows": "fixed"}
    data = load_dataset("text", options, LoadContext(corpus.parent))
    assert isinstance(data, LoadedDataset)
    assert data.train.x.shape[1:] == (16,) and data.train.x.dtype == torch.int64
    assert torch.equal(data.train.x[:, 1:], data.train.y[:, :-1])
    vocabulary = data.info.classes
    assert vocabulary is not None
    for x, y in zip(data.train.x[:20], data.train.y[:20], strict=True):
        window = decode(x, vocabulary) + decode(y[-1:], vocabulary)
        assert window in TEXT  # 17 consecutive characters of the file


def test_split_by_position_without_overlap(corpus: Path) -> None:
    options = {
        "path": corpus.name,
        "block_size": 8,
        "val_fraction": 0.25,
        "max_windows": 1_000_000,
        "windows": "fixed",
    }
    data = load_dataset("text", options, LoadContext(corpus.parent))
    assert isinstance(data, LoadedDataset)
    vocabulary = data.info.classes
    assert vocabulary is not None
    boundary = int(len(TEXT) * 0.75)
    train_text, val_text = TEXT[:boundary], TEXT[boundary:]
    # Uncapped: one window per start position in each part.
    assert len(data.train) == boundary - 8 and len(data.val) == len(val_text) - 8
    assert decode(data.train.x[0], vocabulary) == train_text[:8]
    assert decode(data.train.y[-1], vocabulary) == train_text[-8:]
    assert decode(data.val.x[0], vocabulary) == val_text[:8]
    assert decode(data.val.y[-1], vocabulary) == val_text[-8:]


def test_window_cap_spreads_windows_over_the_text(corpus: Path) -> None:
    options = {
        "path": corpus.name,
        "block_size": 10,
        "max_windows": 100,
        "val_fraction": 0.2,
        "windows": "fixed",
    }
    data = load_dataset("text", options, LoadContext(corpus.parent))
    assert isinstance(data, LoadedDataset)
    assert 70 <= len(data.train) <= 80 and 15 <= len(data.val) <= 20
    vocabulary = data.info.classes
    assert vocabulary is not None
    # Evenly spaced starts over the whole training part, not its first 80 positions.
    boundary = int(len(TEXT) * 0.8)
    stride = -(-(boundary - 10) // 80)  # ceil
    starts = range(0, boundary - 10, stride)
    assert [decode(x, vocabulary) for x in data.train.x] == [TEXT[s : s + 10] for s in starts]
    assert starts[-1] > 0.9 * boundary


def test_windows_helper_exact() -> None:
    vocabulary, ids = encode_characters("abcdefg")
    assert vocabulary == list("abcdefg") and ids.tolist() == list(range(7))
    part = windows(ids, block_size=3, cap=100)
    assert part.x.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    assert part.y.tolist() == [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]
    strided = windows(ids, block_size=3, cap=2)
    assert strided.x.tolist() == [[0, 1, 2], [2, 3, 4]]


def test_not_utf8_names_the_file_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"plenty of text here, then: " + "café".encode("latin-1") + b" " * 100)
    with pytest.raises(DataError, match=r"latin1.txt: not UTF-8 text: byte 30 cannot be decoded"):
        load_dataset("text", {"path": path.name}, LoadContext(tmp_path))


def test_too_short_for_the_block_size(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text("hello world", encoding="utf-8")
    with pytest.raises(DataError, match="tiny.txt: .*too few for windows of block_size 64"):
        load_dataset("text", {"path": path.name}, LoadContext(tmp_path))


def test_missing_file_path_or_url(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="text file absent.txt not found"):
        load_dataset("text", {"path": "absent.txt"}, LoadContext(tmp_path))
    with pytest.raises(DataError, match="option 'path', 'upload' or 'url' is required"):
        load_dataset("text", {}, LoadContext(tmp_path))


def test_url_needs_downloads_and_http(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="is not downloaded and downloads are off"):
        load_dataset("text", {"url": "https://example.org/book.txt"}, LoadContext(tmp_path))
    with pytest.raises(DataError, match="must be http or https, not 'file'"):
        load_dataset(
            "text", {"url": "file:///etc/hostname"}, LoadContext(tmp_path, allow_download=True)
        )


def test_tiny_shakespeare_absent_says_where(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match=r"put input.txt in .*tinyshakespeare"):
        load_dataset("tiny_shakespeare", {}, LoadContext(tmp_path))
