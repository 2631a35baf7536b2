"""The IDX format of MNIST and Fashion-MNIST, parsed strictly.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values in row-major order.
We accept only unsigned bytes (type 0x08), the only type these sets use, and insist
that the payload is exactly as long as the dimensions say: a truncated download must
fail loudly, naming the file, not train on half an image.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from layerlab.train.data.base import DataError, LoadContext
from layerlab.train.data.files import open_regular, read_stream_bounded

UNSIGNED_BYTE = 0x08
MAX_DIMENSIONS = 4
MAX_IDX_BYTES = 512 * 1024 * 1024
"""Uncompressed; MNIST's training images are 47 MB. Gzip is read no further than this."""


def read_idx(
    path: Path, ctx: LoadContext, expected_dims: int | None = None
) -> npt.NDArray[np.uint8]:
    """The array stored in `path` (gzip or raw, inside the data dir), shape as its header says."""
    with open_regular(path, ctx) as stream:
        return parse_idx(read_idx_bytes(stream, path.name), path.name, expected_dims)


def read_idx_bytes(stream: io.BufferedIOBase | IO[bytes], name: str) -> bytes:
    """A stream's bytes, gunzipped if it starts with gzip's magic, bounded by MAX_IDX_BYTES."""
    try:
        head = stream.read(2)
        rest = stream.read(MAX_IDX_BYTES + 1 - len(head))
        raw = head + rest
        if head == b"\x1f\x8b":  # gzip magic, whatever the file is called
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                return read_stream_bounded(unpacked, MAX_IDX_BYTES, name)
        if len(raw) > MAX_IDX_BYTES:
            raise DataError(f"{name}: larger than the {MAX_IDX_BYTES:,}-byte limit")
        return raw
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{name}: cannot be read: {type(exc).__name__}") from None


def parse_idx(raw: bytes, name: str, expected_dims: int | None = None) -> npt.NDArray[np.uint8]:
    """The array an IDX file's bytes hold; `name` is what messages call the file."""
    if len(raw) < 4:
        raise DataError(f"{name}: {len(raw)} bytes is too short for an IDX header")
    zero_0, zero_1, type_code, dims = raw[0], raw[1], raw[2], raw[3]
    if zero_0 != 0 or zero_1 != 0 or type_code != UNSIGNED_BYTE or not 1 <= dims <= MAX_DIMENSIONS:
        raise DataError(
            f"{name}: not an IDX file of bytes (its first 4 bytes should be 00 00 08 and "
            f"1-{MAX_DIMENSIONS} dimensions)"
        )
    if expected_dims is not None and dims != expected_dims:
        raise DataError(f"{name}: IDX file has {dims} dimensions, expected {expected_dims}")
    header_end = 4 + 4 * dims
    if len(raw) < header_end:
        raise DataError(f"{name}: truncated IDX header ({len(raw)} bytes)")
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=dims, offset=4))
    expected_bytes = int(np.prod(shape, dtype=np.int64))
    payload = len(raw) - header_end
    if payload != expected_bytes:
        what = "truncated" if payload < expected_bytes else "has trailing bytes"
        raise DataError(
            f"{name}: {what}: header says {'x'.join(map(str, shape))} = "
            f"{expected_bytes} bytes of data, file holds {payload}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(shape)
