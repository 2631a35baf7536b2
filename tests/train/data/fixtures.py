"""Writers of small data files in the official formats, for tests to generate their data."""

from __future__ import annotations

import gzip
import struct
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

UBYTE_TYPE = 0x08


def idx_bytes(array: npt.NDArray[np.uint8]) -> bytes:
    """An IDX file: magic 00 00 08 <dims>, big-endian uint32 sizes, then the bytes."""
    header = bytes([0, 0, UBYTE_TYPE, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_idx(path: Path, array: npt.NDArray[np.uint8], compress: bool | None = None) -> Path:
    """Write `array` as IDX; gzip it when the name ends in .gz (or when `compress` says)."""
    data = idx_bytes(array)
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def random_digits(
    count: int, seed: int, side: int = 28
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Random uint8 images (count, side, side) and labels (count,) cycling through 0..9."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, side, side), dtype=np.uint8)
    labels = (np.arange(count) % 10).astype(np.uint8)
    return images, labels


def write_mnist_folder(
    folder: Path, train_count: int | None, test_count: int, gz: bool = True, seed: int = 0
) -> dict[str, tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]]:
    """MNIST's four files (or only the t10k pair when train_count is None); returns the arrays."""
    suffix = ".gz" if gz else ""
    written = {}
    parts = [("t10k", test_count)] + ([("train", train_count)] if train_count is not None else [])
    for offset, (prefix, count) in enumerate(parts):
        images, labels = random_digits(count, seed + offset)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
        written[prefix] = (images, labels)
    return written


def cifar_records(
    count: int, seed: int
) -> tuple[bytes, npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """A CIFAR-10 binary batch of `count` records, with its images (N, 3, 32, 32) and labels."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, 3, 32, 32), dtype=np.uint8)
    labels = (np.arange(count) % 10).astype(np.uint8)
    records = np.concatenate([labels[:, None], images.reshape(count, -1)], axis=1)
    return records.tobytes(), images, labels


def write_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def png_bytes(rgb: tuple[int, int, int], size: tuple[int, int] = (10, 6)) -> bytes:
    """A solid-colour PNG of `size` (width, height)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(rgb: tuple[int, int, int], size: tuple[int, int] = (12, 12)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, rgb).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def write_image_folder(
    root: Path, count: int, classes: int = 4, side: int = 16, seed: int = 0
) -> Path:
    """`count` PNGs in `classes` class folders (class{c}/{i}.png): each class a tint of
    its own and a bar across (even classes) or down (odd), at a random place, so a small
    network can tell them apart. Written fast (PNG compression level 1)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c in range(classes):
        (root / f"class{c}").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        c = i % classes
        pixels = np.full((side, side, 3), 40, dtype=np.uint8)
        pixels[..., c % 3] = 90 + (150 * c) // classes
        place = int(rng.integers(0, side))
        if c % 2:
            pixels[:, place] = 255
        else:
            pixels[place, :] = 255
        Image.fromarray(pixels).save(root / f"class{c}" / f"{i}.png", compress_level=1)
    return root
