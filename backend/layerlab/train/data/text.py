"""Character-level corpora: any UTF-8 text file becomes next-character windows.

The vocabulary is the sorted set of the corpus's characters (info.classes, id order).
x (N, T) holds windows of T character ids and y (N, T) the same windows shifted one
character on, so y[:, t] is the character after x[:, t]. The corpus is split by
position, not at random: the first (1 - val_fraction) of the text trains, the rest
validates, so no validation character ever sits inside a training window.

Two ways to take windows (`windows`):
- random (the default): the text is encoded once into a memory-mapped token file
  (tokens.py, cached by the text's sha256) and each step draws `batch_size` windows at
  random offsets of the training part, as nanoGPT does: no cap, nothing materialised,
  any size of corpus. Validation uses `val_windows` windows at fixed, seeded offsets of
  the held-out end, so validation losses compare across runs.
- fixed: windows held in memory as whole tensors. Overlapping windows would number one
  per character (a 1 MB text: a million windows, half a gigabyte at T = 64), so
  `max_windows` caps them, spread evenly over each part; the text must fit
  MAX_TEXT_BYTES.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import urlparse

import numpy as np
import torch
from pydantic import Field

from layerlab.train.data.base import (
    DataError,
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
)
from layerlab.train.data.download import RemoteFile, fetch
from layerlab.train.data.files import DataPath, FileOptions, dataset_folder, read_bounded
from layerlab.train.data.lazy import Dataset, LazyDataset
from layerlab.train.data.official import OFFICIAL_FILES
from layerlab.train.data.registry import MissingDataError
from layerlab.train.data.tokens import TokenWindows, encode_corpus, validation_offsets

MAX_TEXT_BYTES = 64 * 1024 * 1024
"""The most text whose windows are held in memory (`windows: fixed`)."""
MAX_STREAM_TEXT_BYTES = 16 * 1024**3
"""The most text read as a token stream (`windows: random`): memory does not limit it."""
MAX_UPLOAD_TEXT_BYTES = 1024**3
"""The most a person uploads as a corpus: encoding it happens while they wait."""
DOWNLOAD_FOLDER = "text"


class CorpusOptions(DatasetOptions):
    val_fraction: float = Field(
        default=0.1, ge=0.0, lt=1.0, description="Share of the text, at its end, held out"
    )
    block_size: int = Field(
        default=64, ge=1, le=4096, description="Characters per window (time steps)"
    )
    windows: Literal["random", "fixed"] = Field(
        default="random",
        description=(
            "random: each step draws batch_size windows at random offsets of the training "
            "text (nanoGPT's way: no cap, read from a memory-mapped token file); fixed: at "
            "most max_windows evenly spaced windows, held in memory"
        ),
    )
    max_windows: int = Field(
        default=20_000,
        ge=2,
        le=10_000_000,
        description="fixed windows: the most windows, both parts together",
    )
    val_windows: int = Field(
        default=1_000,
        ge=1,
        le=1_000_000,
        description="random windows: validation windows, at fixed seeded offsets of the held-out end",
    )
    epoch_windows: int | None = Field(
        default=None,
        ge=1,
        le=10**12,
        description="random windows: windows an epoch takes (default: as many as fixed "
        "windows would hold, so an epoch is as long either way)",
    )


class TextOptions(FileOptions, CorpusOptions):
    url: str | None = Field(
        default=None, description="An http(s) URL to download the text from, if no path"
    )
    md5: str | None = Field(
        default=None, description="Expected md5 of the downloaded file (optional)"
    )


class TinyShakespeareOptions(CorpusOptions):
    path: DataPath | None = Field(
        default=None, description="Folder with input.txt (default: <data dir>/tinyshakespeare)"
    )


def read_text(path: Path, label: str, ctx: LoadContext) -> str:
    """The file's text, strictly UTF-8 (a leading byte-order mark is dropped)."""
    raw = read_bounded(path, MAX_TEXT_BYTES, ctx, label)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: not UTF-8 text: byte {exc.start:,} cannot be decoded") from None


def encode_characters(text: str) -> tuple[list[str], torch.Tensor]:
    """The sorted vocabulary and the text as int64 ids (len(text),), without a Python loop."""
    code_points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    vocabulary = np.unique(code_points)  # sorted
    ids = np.searchsorted(vocabulary, code_points).astype(np.int64)
    return [chr(int(c)) for c in vocabulary], torch.from_numpy(ids)


def windows(ids: torch.Tensor, block_size: int, cap: int) -> Split:
    """Up to `cap` windows x (N, T) and next-character targets y (N, T), evenly spaced."""
    starts = ids.shape[0] - block_size  # each window needs T + 1 characters
    if starts <= 0:
        empty = torch.empty(0, block_size, dtype=torch.int64)
        return Split(empty, empty.clone())
    stride = math.ceil(starts / cap)
    chunks = ids.unfold(0, block_size + 1, stride)  # (ceil(starts / stride), T + 1), a view
    return Split(chunks[:, :-1].clone(), chunks[:, 1:].clone())


def load_corpus(
    name: str,
    source: tuple[Path, str],
    options: CorpusOptions,
    ctx: LoadContext,
    notes: list[str],
    sha256: str | None = None,
) -> Dataset:
    """A corpus from `source`: the file (inside the data dir) and what messages call it;
    `sha256` when the file is named by it (an upload)."""
    if options.windows == "random":
        return stream_corpus(name, source, options, ctx, notes, sha256)
    path, label = source
    if path.is_file() and path.stat().st_size > MAX_TEXT_BYTES:
        raise DataError(
            f"{label}: larger than the {MAX_TEXT_BYTES:,}-byte limit of fixed windows, which "
            "are held in memory; use windows: random (a token stream read from disk)"
        )
    text = read_text(path, label, ctx)
    block = options.block_size
    vocabulary, ids = encode_characters(text)
    boundary = int(len(text) * (1 - options.val_fraction))
    train_ids, val_ids = ids[:boundary], ids[boundary:]
    if train_ids.shape[0] <= block:
        raise DataError(
            f"{label}: {len(text):,} characters leave {train_ids.shape[0]:,} for training, "
            f"too few for windows of block_size {block}"
        )
    if options.val_fraction > 0 and val_ids.shape[0] <= block:
        raise DataError(
            f"{label}: the validation part ({val_ids.shape[0]:,} characters) is too short for "
            f"block_size {block}; lower block_size or raise val_fraction"
        )
    train_cap = max(1, round(options.max_windows * (1 - options.val_fraction)))
    val_cap = max(1, options.max_windows - train_cap)
    train, val = windows(train_ids, block, train_cap), windows(val_ids, block, val_cap)
    info = DatasetInfo(
        name=name,
        kind="text",
        input_shape=[block],
        input_dtype="int64",
        target="sequence",
        target_shape=[block],
        num_classes=len(vocabulary),
        classes=vocabulary,
        train_size=len(train),
        val_size=len(val),
        notes=[
            *notes,
            f"{label}: {len(text):,} characters, {len(vocabulary)} distinct; the first "
            f"{boundary:,} train, the rest validates (split by position, not shuffled)",
            f"{len(train):,} + {len(val):,} windows of {block} characters (capped at {options.max_windows:,})",
        ],
    )
    return LoadedDataset(info=info, train=train, val=val)


def stream_corpus(
    name: str,
    source: tuple[Path, str],
    options: CorpusOptions,
    ctx: LoadContext,
    notes: list[str],
    sha256: str | None,
) -> LazyDataset:
    """The corpus as a token stream: random training windows, fixed validation ones."""
    path, label = source
    tokens_file, cache = encode_corpus(path, label, ctx, MAX_STREAM_TEXT_BYTES, sha256)
    tokens_file = tokens_file.resolve()  # ranks and loaders may run from another folder
    block, count = options.block_size, cache.characters
    boundary = int(count * (1 - options.val_fraction))
    if boundary <= block:
        raise DataError(
            f"{label}: {count:,} characters leave {boundary:,} for training, "
            f"too few for windows of block_size {block}"
        )
    if options.val_fraction > 0 and count - boundary <= block:
        raise DataError(
            f"{label}: the validation part ({count - boundary:,} characters) is too short for "
            f"block_size {block}; lower block_size or raise val_fraction"
        )
    common = {
        "data_dir": str(tokens_file.parent),  # the token cache: nothing else is read
        "label": label,
        "file": str(tokens_file),
        "dtype": cache.dtype,
        "tokens": count,
        "block_size": block,
    }
    train_share = max(1, round(options.max_windows * (1 - options.val_fraction)))
    epoch = options.epoch_windows or min(boundary - block, train_share)
    train = TokenWindows(**common, start=0, stop=boundary, windows=epoch)
    val_positions = max(0, count - boundary - block)
    offsets = validation_offsets(val_positions, options.val_windows, options.seed)
    val = TokenWindows(**common, start=boundary, stop=count, windows=len(offsets), offsets=offsets)
    vocabulary = [chr(c) for c in cache.vocabulary]
    info = DatasetInfo(
        name=name,
        kind="text",
        input_shape=[block],
        input_dtype="int64",
        target="sequence",
        target_shape=[block],
        num_classes=len(vocabulary),
        classes=vocabulary,
        train_size=len(train),
        val_size=len(val),
        notes=[
            *notes,
            f"{label}: {count:,} characters, {len(vocabulary)} distinct; the first "
            f"{boundary:,} train, the rest validates (split by position, not shuffled)",
            f"random windows of {block} characters: each step draws its batch at random "
            f"offsets of the training text ({epoch:,} windows an epoch); {len(val):,} fixed "
            f"validation windows (seed {options.seed}); token ids memory-mapped "
            f"({cache.dtype}, encoded once and cached by the text's sha256)",
        ],
    )
    return LazyDataset(info=info, train=train, val=val)


class TextCorpus(DatasetSource[TextOptions]):
    name = "text"
    summary = "Any UTF-8 text file as a character-level language-modelling corpus"
    kind = "text"
    Options: ClassVar[type[DatasetOptions]] = TextOptions
    max_upload_bytes = MAX_UPLOAD_TEXT_BYTES

    def load(self, options: TextOptions, ctx: LoadContext) -> Dataset:
        if options.path or options.upload:
            path, label = options.file(ctx)
            if not path.exists():
                raise MissingDataError(
                    f"text file {label} not found in the data dir", summary=f"{label} not found"
                )
            return load_corpus(
                self.name, (path, label), options, ctx, notes=[], sha256=options.upload
            )
        if options.url:
            downloaded = self._downloaded(options, ctx)
            return load_corpus(
                self.name, (downloaded, downloaded.name), options, ctx, [f"text from {options.url}"]
            )
        raise DataError(f"dataset {self.name!r}: option 'path', 'upload' or 'url' is required")

    @staticmethod
    def _downloaded(options: TextOptions, ctx: LoadContext) -> Path:
        assert options.url is not None
        parsed = urlparse(options.url)
        if parsed.scheme not in ("http", "https"):
            raise DataError(
                f"dataset 'text': option 'url' must be http or https, not {parsed.scheme!r}"
            )
        # One file per URL: a short hash of it, then its own file name for people to read.
        label = Path(parsed.path).name or "download.txt"
        digest = hashlib.sha256(options.url.encode()).hexdigest()[:12]
        remote = RemoteFile(name=f"{digest}-{label}", md5=options.md5, urls=(options.url,))
        folder = ctx.data_dir / DOWNLOAD_FOLDER
        if (folder / remote.name).is_file() or ctx.allow_download:
            return fetch(remote, folder)
        raise MissingDataError(
            f"{options.url} is not downloaded and downloads are off: allow downloads, or save it "
            f"as {folder / remote.name}, or set the `path` option to a copy",
            summary=f"{options.url} not downloaded",
        )


class TinyShakespeare(DatasetSource[TinyShakespeareOptions]):
    name = "tiny_shakespeare"
    summary = (
        "1.1 MB of Shakespeare's plays, the usual character-level corpus (Karpathy's char-rnn)"
    )
    kind = "text"
    Options: ClassVar[type[DatasetOptions]] = TinyShakespeareOptions
    remote: ClassVar[RemoteFile] = OFFICIAL_FILES["tiny_shakespeare"][0]

    def load(self, options: TinyShakespeareOptions, ctx: LoadContext) -> Dataset:
        folder = dataset_folder(options.path, ctx, "tinyshakespeare")
        path = folder / self.remote.name
        if not path.is_file() and ctx.allow_download and options.path is None:
            path = fetch(self.remote, folder)
        if not path.is_file():
            raise MissingDataError(
                f"tiny Shakespeare not found: put input.txt in {folder}, set the `path` option to "
                "a folder holding it, or allow downloads",
                summary=f"tiny Shakespeare not found in {folder}",
            )
        return load_corpus(
            self.name,
            (path, self.remote.name),
            options,
            ctx,
            notes=["tiny Shakespeare (Karpathy's char-rnn corpus)"],
        )
