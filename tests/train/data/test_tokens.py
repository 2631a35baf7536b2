"""Token streams (issue 15): a corpus encoded once into a cached token file, read as
random training windows and fixed validation windows."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import DataError, LoadContext, load_dataset
from layerlab.train.data import tokens as tokens_module
from layerlab.train.data.lazy import LazyDataset
from layerlab.train.data.sampling import UniformOffsets
from layerlab.train.data.text import encode_characters
from layerlab.train.data.tokens import TokenWindows, decode_tokens, encode_corpus

TEXT = "".join(f"line {i}: the quick brown fox, café 漢字 {i * 7 % 13}\n" for i in range(300))


def lazy(options: dict[str, object], data_dir: Path) -> LazyDataset:
    data = load_dataset("text", options, LoadContext(data_dir))
    assert isinstance(data, LazyDataset)
    return data


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_random_windows_are_the_default_and_cover_only_the_training_text(corpus: Path) -> None:
    data = lazy({"path": corpus.name, "block_size": 16, "val_fraction": 0.1}, corpus.parent)
    train, val = data.train, data.val
    assert isinstance(train, TokenWindows) and isinstance(val, TokenWindows)
    boundary = int(len(TEXT) * 0.9)
    assert (train.start, train.stop, val.start, val.stop) == (0, boundary, boundary, len(TEXT))
    vocabulary = data.info.classes or []
    assert vocabulary == sorted(set(TEXT)) and train.dtype == "uint16"
    # Every offset is drawn; each window and its target lie inside the training text.
    sampler = UniformOffsets(len(train), train.positions(), 64, seed=3)
    offsets = torch.cat([sampler.batch(0, p) for p in range(50)])
    assert int(offsets.max()) < boundary - 16 and len(set(offsets.tolist())) > 1000
    x, y = train.fetch(offsets[:8].tolist())
    for offset, window, target in zip(offsets[:8].tolist(), x, y, strict=True):
        assert (
            decode_tokens(window.tolist(), [ord(c) for c in vocabulary])
            == TEXT[offset : offset + 16]
        )
        assert torch.equal(window[1:], target[:-1])
        assert offset + 17 <= boundary


def test_the_sampler_is_a_function_of_seed_epoch_and_position() -> None:
    a, b = UniformOffsets(100, 5000, 12, seed=1), UniformOffsets(100, 5000, 12, seed=1)
    assert torch.equal(a.batch(2, 7), b.batch(2, 7))
    assert not torch.equal(a.batch(2, 7), a.batch(2, 8))
    assert not torch.equal(a.batch(2, 7), a.batch(3, 7))
    assert not torch.equal(a.batch(2, 7), UniformOffsets(100, 5000, 12, seed=2).batch(2, 7))


def test_validation_windows_are_fixed_by_the_seed(corpus: Path) -> None:
    options = {"path": corpus.name, "block_size": 8, "val_windows": 50}
    first, again = lazy(options, corpus.parent), lazy(options, corpus.parent)
    other = lazy({**options, "seed": 1}, corpus.parent)
    assert first.val.offsets == again.val.offsets and len(first.val) == 50
    assert first.val.offsets != other.val.offsets
    assert torch.equal(first.val.fetch(range(50))[0], again.val.fetch(range(50))[0])
    # A tail shorter than val_windows gives every window it has.
    every = lazy({**options, "val_windows": 100_000}, corpus.parent)
    assert every.val.offsets == list(range(every.val.stop - every.val.start - 8))


def test_the_epoch_is_as_long_as_fixed_windows_would_hold(corpus: Path) -> None:
    options = {"path": corpus.name, "block_size": 8, "max_windows": 1000, "val_fraction": 0.1}
    assert len(lazy(options, corpus.parent).train) == 900
    assert len(lazy({**options, "epoch_windows": 77}, corpus.parent).train) == 77


def test_encoded_once_and_cached_by_content(corpus: Path) -> None:
    ctx = LoadContext(corpus.parent)
    tokens, cache = encode_corpus(corpus, "corpus.txt", ctx, 10**9)
    assert tokens.parent == corpus.parent / "cache" / "tokens"
    assert tokens.name.startswith(cache.sha256) and cache.characters == len(TEXT)
    written = tokens.stat().st_mtime_ns
    again, _ = encode_corpus(corpus, "corpus.txt", ctx, 10**9)
    assert again == tokens and again.stat().st_mtime_ns == written
    ids = np.fromfile(tokens, dtype=np.uint16)
    assert ids.tolist() == encode_characters(TEXT)[1].tolist()
    corpus.write_text(TEXT + "more", encoding="utf-8")
    changed, _ = encode_corpus(corpus, "corpus.txt", ctx, 10**9)
    assert changed != tokens and tokens.exists()
    # A torn token file (its size disagrees with the sidecar) is encoded again.
    with open(changed, "r+b") as torn:
        torn.truncate(10)
    encode_corpus(corpus, "corpus.txt", ctx, 10**9)
    assert changed.stat().st_size == 2 * (len(TEXT) + 4)


def test_streamed_in_chunks_that_cut_characters(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens_module, "CHUNK_BYTES", 7)  # cuts 'é' and '漢' mid-sequence
    corpus.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())  # with a byte-order mark
    tokens, cache = encode_corpus(corpus, "c", LoadContext(corpus.parent), 10**9)
    assert np.fromfile(tokens, dtype=np.uint16).tolist() == encode_characters(TEXT)[1].tolist()
    bad = corpus.parent / "bad.txt"
    bad.write_bytes(b"x" * 40 + b"\xe9 and more")
    with pytest.raises(DataError, match="bad.txt: not UTF-8 text: byte 40 cannot be decoded"):
        load_dataset("text", {"path": "bad.txt"}, LoadContext(corpus.parent))
    cut = corpus.parent / "cut.txt"
    cut.write_bytes(TEXT.encode() + "漢".encode()[:2])
    size = cut.stat().st_size
    with pytest.raises(DataError, match=f"byte {size - 2:,} cannot be decoded"):
        load_dataset("text", {"path": "cut.txt"}, LoadContext(corpus.parent))


def test_a_vocabulary_past_65536_characters_is_uint32(tmp_path: Path) -> None:
    points = [c for c in range(0x100, 0x100 + 70_000) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(map(chr, points)) * 2
    (tmp_path / "wide.txt").write_text(text, encoding="utf-8")
    data = lazy({"path": "wide.txt", "block_size": 8, "val_fraction": 0.5}, tmp_path)
    assert isinstance(data.train, TokenWindows) and data.train.dtype == "uint32"
    assert data.info.num_classes == len(points)
    x, _ = data.train.fetch([70_000])
    vocabulary = [ord(c) for c in data.info.classes or []]
    assert decode_tokens(x[0].tolist(), vocabulary) == text[70_000:70_008]


def test_a_read_only_data_dir_caches_in_a_private_folder(corpus: Path) -> None:
    os.chmod(corpus.parent, 0o555)
    try:
        data = lazy({"path": corpus.name, "block_size": 8}, corpus.parent)
    finally:
        os.chmod(corpus.parent, 0o755)
    assert not (corpus.parent / "cache").exists()
    assert isinstance(data.train, TokenWindows) and Path(data.train.file).is_file()


def test_a_token_file_outside_the_part_is_refused(corpus: Path, tmp_path: Path) -> None:
    data = lazy({"path": corpus.name, "block_size": 8}, corpus.parent)
    assert isinstance(data.train, TokenWindows)
    raw = {**data.train.model_dump(), "data_dir": str(tmp_path / "elsewhere")}
    moved = TokenWindows.model_validate(raw)  # as a part arrives from JSON: nothing open
    with pytest.raises(DataError, match="leads outside the data dir"):
        moved.fetch([0])


def test_fixed_windows_above_the_memory_limit_say_to_use_random(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layerlab.train.data import text as text_module

    monkeypatch.setattr(text_module, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(DataError, match="use windows: random"):
        load_dataset("text", {"path": corpus.name, "windows": "fixed"}, LoadContext(corpus.parent))
    assert isinstance(
        load_dataset("text", {"path": corpus.name}, LoadContext(corpus.parent)), LazyDataset
    )


def test_a_stream_loaded_in_the_bounded_child_comes_back_as_its_parts(corpus: Path) -> None:
    from layerlab.train.data.isolated import load_isolated

    options = {"path": corpus.name, "block_size": 8, "val_windows": 20}
    child = load_isolated("text", options, LoadContext(corpus.parent))
    here = lazy(options, corpus.parent)
    assert isinstance(child, LazyDataset) and child.info == here.info
    assert child.train.model_dump() == here.train.model_dump()
    assert child.val.model_dump() == here.val.model_dump()
    assert torch.equal(child.val.fetch(range(20))[0], here.val.fetch(range(20))[0])
