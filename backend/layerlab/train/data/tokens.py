"""Token streams: a text corpus encoded once into a file of token ids, and read a few
windows at a time through a memory map, as nanoGPT reads its train.bin.

`encode_corpus` streams the text (4 MiB at a time, so a corpus of any size costs the
same memory): one pass finds its sha256, and when `<data dir>/cache/tokens/<sha256>.json`
is there the ids are too. Otherwise a second pass finds the vocabulary (the sorted set
of its characters) and a third writes the ids, uint16 when the vocabulary fits, else
uint32, to `<sha256>.tokens`; the sidecar JSON is written last (renamed into place), so
a cache entry is complete or absent.

`TokenWindows` is a lazy part over a range of that file: the training part takes
`batch_size` windows at offsets drawn uniformly per step (sampling.UniformOffsets: no
cap, nothing materialised), the validation part a fixed, seeded list of offsets, so
every run with the same data and seed validates on the same windows.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
import torch
from pydantic import BaseModel, Field, ValidationError

from layerlab.train.data.base import DataError, LoadContext
from layerlab.train.data.files import cache_folder, open_regular
from layerlab.train.data.lazy import Batch, LazyPart, _nothing
from layerlab.train.data.sampling import SamplerKind

CHUNK_BYTES = 4 * 1024 * 1024
CODE_POINTS = 0x110000
TOKENS_FOLDER = "tokens"
TokenDtype = Literal["uint16", "uint32"]


class TokenCache(BaseModel):
    """The sidecar of `<sha256>.tokens`: what the ids mean."""

    format: Literal["layerlab.tokens"] = "layerlab.tokens"
    version: Literal[1] = 1
    sha256: str
    characters: int = Field(ge=0, description="Tokens in the file (one per character)")
    vocabulary: list[int] = Field(description="Code points, sorted: token id i is chr(v[i])")
    dtype: TokenDtype
    bytes_read: int = Field(ge=0, description="Size of the text the ids came from")


def encode_corpus(
    path: Path, label: str, ctx: LoadContext, limit: int, sha256: str | None = None
) -> tuple[Path, TokenCache]:
    """The corpus's token file and sidecar, encoding it if the cache lacks it. `sha256`,
    when known (an upload is named by it), saves the hashing pass."""
    if sha256 is None:
        sha256 = _sha256(path, label, ctx, limit)
    folder = cache_folder(ctx, TOKENS_FOLDER)
    tokens, sidecar = folder / f"{sha256}.tokens", folder / f"{sha256}.json"
    cached = _read_cache(tokens, sidecar)
    if cached is not None:
        return tokens, cached
    vocabulary, characters, size, seen = _vocabulary(path, label, ctx, limit)
    if seen != sha256:
        raise DataError(f"{label}: changed while it was being read; try again")
    dtype: TokenDtype = "uint16" if len(vocabulary) <= 2**16 else "uint32"
    cache = TokenCache(
        sha256=sha256,
        characters=characters,
        vocabulary=vocabulary.tolist(),
        dtype=dtype,
        bytes_read=size,
    )
    _write_ids(path, label, ctx, limit, cache, tokens)
    temporary = folder / f".{sha256}.json.{secrets.token_hex(4)}"
    temporary.write_text(cache.model_dump_json())
    os.replace(temporary, sidecar)
    return tokens, cache


def _read_cache(tokens: Path, sidecar: Path) -> TokenCache | None:
    try:
        cache = TokenCache.model_validate_json(sidecar.read_bytes())
        size = tokens.stat().st_size
    except (OSError, ValueError, ValidationError):
        return None
    if size != cache.characters * np.dtype(cache.dtype).itemsize:
        return None  # a torn or foreign file: encode again
    return cache


def _chunks(path: Path, label: str, ctx: LoadContext, limit: int) -> Iterator[bytes]:
    """The file's bytes, CHUNK_BYTES at a time, never past `limit` (sizes can lie)."""
    read = 0
    with open_regular(path, ctx, label) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            read += len(chunk)
            if read > limit:
                raise DataError(f"{label}: larger than the {limit:,}-byte limit")
            yield chunk


def _sha256(path: Path, label: str, ctx: LoadContext, limit: int) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(path, label, ctx, limit):
        digest.update(chunk)
    return digest.hexdigest()


def code_points(
    path: Path, label: str, ctx: LoadContext, limit: int, digest: Any = None
) -> Iterator[npt.NDArray[np.uint32]]:
    """The text's characters as code points, a chunk at a time; strictly UTF-8 (a
    leading byte-order mark is dropped), or a DataError naming the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file before `chunk`
    for chunk in _chunks(path, label, ctx, limit):
        if digest is not None:
            digest.update(chunk)
        data = chunk[3:] if offset == 0 and chunk.startswith(codecs.BOM_UTF8) else chunk
        start = offset + len(chunk) - len(data) - len(decoder.getstate()[0])
        offset += len(chunk)
        try:
            text = decoder.decode(data)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{label}: not UTF-8 text: byte {start + exc.start:,} cannot be decoded"
            ) from None
        yield np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    pending = len(decoder.getstate()[0])
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DataError(
            f"{label}: not UTF-8 text: byte {offset - pending:,} cannot be decoded"
        ) from None


def _vocabulary(
    path: Path, label: str, ctx: LoadContext, limit: int
) -> tuple[npt.NDArray[np.int64], int, int, str]:
    """The sorted code points, the character count, the bytes read and their sha256."""
    present = np.zeros(CODE_POINTS, dtype=bool)
    characters = 0
    digest = hashlib.sha256()
    for points in code_points(path, label, ctx, limit, digest):
        present[points] = True
        characters += len(points)
    size = path.stat().st_size
    return np.flatnonzero(present), characters, size, digest.hexdigest()


def _write_ids(
    path: Path, label: str, ctx: LoadContext, limit: int, cache: TokenCache, tokens: Path
) -> None:
    table = np.zeros(CODE_POINTS, dtype=cache.dtype)
    table[np.asarray(cache.vocabulary, dtype=np.int64)] = np.arange(
        len(cache.vocabulary), dtype=cache.dtype
    )
    temporary = tokens.with_name(f".{tokens.name}.{secrets.token_hex(4)}")
    written = 0
    try:
        with open(temporary, "wb") as sink:
            for points in code_points(path, label, ctx, limit):
                sink.write(table[points].tobytes())
                written += len(points)
            sink.flush()
            os.fsync(sink.fileno())
        if written != cache.characters:
            raise DataError(f"{label}: changed while it was being read; try again")
        os.replace(temporary, tokens)
    finally:
        temporary.unlink(missing_ok=True)


def decode_tokens(ids: Sequence[int], vocabulary: list[int]) -> str:
    return "".join(chr(vocabulary[int(i)]) for i in ids)


class TokenWindows(LazyPart):
    """Windows of `block_size` tokens over tokens [start, stop) of a token file; a
    sample is x (T,) int64 and y the next T tokens, y[t] = x[t + 1]."""

    kind: Literal["tokens"] = "tokens"
    file: str = Field(description="The token file (absolute), inside data_dir")
    dtype: TokenDtype
    tokens: int = Field(ge=0, description="Tokens in the whole file")
    start: int = Field(ge=0)
    stop: int = Field(ge=0)
    block_size: int = Field(ge=1)
    windows: int = Field(ge=0, description="Samples an epoch takes")
    offsets: list[int] | None = Field(
        default=None,
        description="Fixed windows (offsets from start), one sample each; None: every "
        "window is drawn at random",
    )

    sampling: ClassVar[SamplerKind] = "uniform"

    def __len__(self) -> int:
        return self.windows if self.offsets is None else len(self.offsets)

    def positions(self) -> int:
        if self.offsets is not None:
            return len(self.offsets)
        return max(0, self.stop - self.start - self.block_size)

    def ids(self) -> npt.NDArray[Any]:
        """The whole file as a read-only memory map, mapped afresh: a map kept for the run
        would keep every page a window ever touched in this process's memory (the kernel
        maps 64 KiB around each one), up to the whole file; nanoGPT maps per batch too."""
        if self._handle is None:
            self._handle = self.check_file(Path(self.file))  # checked once per process
        ids: npt.NDArray[Any] = np.memmap(
            self._handle, dtype=self.dtype, mode="r", shape=(self.tokens,)
        )
        return ids

    def fetch(self, indices: Sequence[int], mark: Callable[[int], None] = _nothing) -> Batch:
        starts = np.asarray(indices, dtype=np.int64)
        if self.offsets is not None:
            starts = np.asarray(self.offsets, dtype=np.int64)[starts]
        starts += self.start
        rows = starts[:, None] + np.arange(self.block_size + 1)  # (B, T + 1) token positions
        ids = self.ids()
        windows = torch.from_numpy(ids[rows].astype(np.int64))  # (B, T + 1)
        del ids  # unmapped: its pages leave this process's memory (not the page cache)
        return windows[:, :-1].contiguous(), windows[:, 1:].contiguous()

    def describe(self, index: int) -> str:
        return f"{self.label}, window {index:,}"

    def head_part(self, count: int) -> TokenWindows:
        if self.offsets is not None:
            return self.model_copy(update={"offsets": self.offsets[:count]})
        return self.model_copy(update={"windows": min(self.windows, count)})


def validation_offsets(positions: int, count: int, seed: int) -> list[int]:
    """`count` window offsets in [0, positions), fixed by `seed` and sorted (every
    window when there are no more than `count`)."""
    if positions <= count:
        return list(range(positions))
    generator = torch.Generator().manual_seed(seed)
    drawn = torch.randint(positions, (count,), generator=generator)
    return sorted(int(o) for o in drawn)
