"""A user's zip of images, one folder per class: `cats/1.jpg`, `dogs/7.png`, ...

Members are read in memory, never extracted, so no name in the archive can place a file
anywhere, and each read stops at the member's declared size (a lying header cannot make
a small entry inflate without bound). The archive is still checked as if it were going to be unpacked, and rejected
whole if any entry is unsafe (an absolute path, a '..' component, a symbolic link, an
encrypted entry) or too big (too many files, too many uncompressed bytes, an image with
too many pixels): an upload that tries any of that is not data we want to train on.

A single top folder holding the class folders (what zipping a folder produces) is
allowed and skipped. Images are decoded with Pillow, converted to RGB or grey and
resized (stretched, not cropped) to `image_size` squared.

Messages name an unsafe entry by its number only: its name is attacker-chosen bytes. A
safe entry whose image fails to decode is named, since its name is the user's own file.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image
from pydantic import Field

from layerlab.train.data.base import (
    DataError,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    split,
)
from layerlab.train.data.files import FileOptions, open_regular, read_stream_bounded
from layerlab.train.data.images import (
    ImageOptions,
    bytes_to_unit_float,
    image_info,
    scale_pixels,
)

MAX_ZIP_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 100_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # one decoded image; a 4-byte-per-pixel 40 MP image is 160 MB
MAX_OUTPUT_VALUES = 256 * 1024 * 1024  # the float32 tensor of all images: 1 GiB
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class ImageZipOptions(FileOptions, ImageOptions):
    image_size: int = Field(
        default=32, ge=4, le=512, description="Side of the square images, in pixels"
    )
    color: Literal["rgb", "grayscale"] = Field(default="rgb", description="3 channels or 1")


def check_member_safe(archive_name: str, index: int, member: zipfile.ZipInfo) -> None:
    """Raise for an entry that would escape or abuse an extraction folder."""
    name = member.filename
    parts = re.split(r"[/\\]", name)
    problem = None
    if name.startswith(("/", "\\")) or WINDOWS_DRIVE.match(name):
        problem = "an absolute path"
    elif ".." in parts:
        problem = "a '..' component"
    elif stat.S_ISLNK(member.external_attr >> 16):  # Unix mode bits live in the high word
        problem = "a symbolic link"
    elif member.flag_bits & 0x1:
        problem = "encrypted"
    elif not name.isprintable() or len(name) > 500:
        problem = "a name with control characters or over 500 characters"
    if problem:
        raise DataError(
            f"{archive_name}: entry {index + 1:,} is {problem}; the archive is rejected"
        )


def _is_junk(name: str) -> bool:
    """Entries that file managers add: folders, macOS resource forks, hidden files."""
    path = PurePosixPath(name)
    return (
        name.endswith("/")
        or path.parts[0] == "__MACOSX"
        or any(p.startswith(".") for p in path.parts)
    )


def safe_members(archive_name: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every entry, if there are not too many and each one is safe (else the archive is
    rejected whole)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DataError(
            f"{archive_name}: {len(members):,} entries is over the limit of {MAX_MEMBERS:,}"
        )
    for index, member in enumerate(members):
        check_member_safe(archive_name, index, member)
    return members


def class_members(
    archive_name: str, archive: zipfile.ZipFile
) -> tuple[dict[str, list[zipfile.ZipInfo]], int]:
    """Image entries grouped by class folder, and the number of non-image files skipped."""
    members = safe_members(archive_name, archive)
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise DataError(
            f"{archive_name}: {total:,} bytes uncompressed is over the limit of {MAX_UNCOMPRESSED_BYTES:,}"
        )
    files = [m for m in members if not _is_junk(m.filename)]
    paths = [PurePosixPath(m.filename).parts for m in files]
    tops = {parts[0] for parts in paths}
    strip = 1 if len(tops) == 1 and all(len(parts) >= 3 for parts in paths) else 0
    by_class: dict[str, list[zipfile.ZipInfo]] = {}
    skipped = 0
    for member, parts in zip(files, paths, strict=True):
        inner = parts[strip:]
        if len(inner) != 2:
            raise DataError(
                f"{archive_name}: {member.filename!r} is not directly inside a class folder; "
                "the zip must hold one folder per class with the images in it"
            )
        if PurePosixPath(inner[1]).suffix.lower() not in IMAGE_SUFFIXES:
            skipped += 1
            continue
        by_class.setdefault(inner[0], []).append(member)
    if len(by_class) < 2:
        raise DataError(
            f"{archive_name}: found {len(by_class)} class folder(s) with images; at least 2 are needed"
        )
    return dict(sorted(by_class.items())), skipped


def decode_image(
    archive_name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, size: int, mode: str
) -> npt.NDArray[np.uint8]:
    """One member as uint8 (size, size, channels)."""
    try:
        with archive.open(member) as stream:  # CRC-checked when read to its end
            data = read_stream_bounded(stream, member.file_size, repr(member.filename))
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DataError(
                    f"{archive_name}: {member.filename!r} is {width}x{height} pixels, over the limit"
                )
            image.draft(mode, (size, size))  # lets JPEG decode at a reduced scale: much faster
            resized = image.convert(mode).resize((size, size), Image.Resampling.BILINEAR)
            pixels = np.asarray(resized, dtype=np.uint8)
    except DataError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, Image.DecompressionBombError) as exc:
        raise DataError(
            f"{archive_name}: {member.filename!r} cannot be decoded as an image: {exc}"
        ) from None
    return pixels.reshape(size, size, -1)


@contextmanager
def open_zip(path: Path, label: str, ctx: LoadContext) -> Iterator[zipfile.ZipFile]:
    """The zip at `path`: a regular file inside the data dir, of at most MAX_ZIP_BYTES."""
    with open_regular(path, ctx, label) as stream:
        if os.fstat(stream.fileno()).st_size > MAX_ZIP_BYTES:
            raise DataError(f"{label}: larger than the {MAX_ZIP_BYTES:,}-byte limit")
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError):
            raise DataError(f"{label}: not a zip file (no valid zip directory found)") from None
        with archive:
            yield archive


class ImageZip(DatasetSource[ImageZipOptions]):
    name = "image_zip"
    summary = "Your own images: a zip with one folder per class (PNG or JPEG)"
    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = ImageZipOptions
    max_upload_bytes = MAX_ZIP_BYTES

    def load(self, options: ImageZipOptions, ctx: LoadContext) -> LoadedDataset:
        path, label = options.file(ctx)
        mode, channels = ("RGB", 3) if options.color == "rgb" else ("L", 1)
        with open_zip(path, label, ctx) as archive:
            by_class, skipped = class_members(label, archive)
            count = sum(len(members) for members in by_class.values())
            if count * channels * options.image_size**2 > MAX_OUTPUT_VALUES:
                raise DataError(
                    f"{label}: {count:,} images at {options.image_size}x{options.image_size} would "
                    "not fit in memory; lower image_size"
                )
            # Decoding is per image by nature; it happens once, at load, never per step.
            pixels = np.empty(
                (count, options.image_size, options.image_size, channels), dtype=np.uint8
            )
            labels = np.empty(count, dtype=np.int64)
            row = 0
            for class_id, members in enumerate(by_class.values()):
                for member in members:
                    pixels[row] = decode_image(label, archive, member, options.image_size, mode)
                    labels[row] = class_id
                    row += 1
        x = bytes_to_unit_float(pixels).permute(0, 3, 1, 2).contiguous()  # (N, C, H, W)
        train, val = split(x, torch.from_numpy(labels), options.val_fraction, options.seed)
        classes = list(by_class)
        notes = [
            f"{label}: {count:,} images in {len(classes)} classes, resized to "
            f"{options.image_size}x{options.image_size} {options.color}"
        ]
        if skipped:
            notes.append(f"{skipped} non-image file(s) skipped")
        train, val, extras, scaling_note = scale_pixels(options.normalize, train, val)
        notes.append(scaling_note)
        info = image_info(self.name, train, val, classes, notes)
        return LoadedDataset(info=info, train=train, val=val, extras=extras)
