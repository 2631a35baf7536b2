"""The IDX format of MNIST and Fashion-MNIST, parsed strictly.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values in row-major order.
We accept only unsigned bytes (type 0x08), the only type these sets use, and insist
that the payload is exactly as long as the dimensions say: a truncated download must
fail loudly, naming the file, not train on half an image.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from layerlab.train.data.base import DataError

UNSIGNED_BYTE = 0x08
MAX_DIMENSIONS = 4


def read_idx(path: Path, expected_dims: int | None = None) -> npt.NDArray[np.uint8]:
    """The array stored in `path` (gzip or raw), shape as its header says."""
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path.name}: {len(raw)} bytes is too short for an IDX header")
    zero_0, zero_1, type_code, dims = raw[0], raw[1], raw[2], raw[3]
    if zero_0 != 0 or zero_1 != 0 or type_code != UNSIGNED_BYTE or not 1 <= dims <= MAX_DIMENSIONS:
        raise DataError(
            f"{path.name}: bad IDX magic number {raw[:4].hex()} "
            f"(expected 000008 followed by 1-{MAX_DIMENSIONS} dimensions)"
        )
    if expected_dims is not None and dims != expected_dims:
        raise DataError(f"{path.name}: IDX file has {dims} dimensions, expected {expected_dims}")
    header_end = 4 + 4 * dims
    if len(raw) < header_end:
        raise DataError(f"{path.name}: truncated IDX header ({len(raw)} bytes)")
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=dims, offset=4))
    expected_bytes = int(np.prod(shape, dtype=np.int64))
    payload = len(raw) - header_end
    if payload != expected_bytes:
        what = "truncated" if payload < expected_bytes else "has trailing bytes"
        raise DataError(
            f"{path.name}: {what}: header says {'x'.join(map(str, shape))} = "
            f"{expected_bytes} bytes of data, file holds {payload}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(shape)


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            head = stream.read(2)
        if head == b"\x1f\x8b":  # gzip magic, whatever the file is called
            return gzip.decompress(path.read_bytes())
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path.name}: cannot be read: {exc}") from exc
