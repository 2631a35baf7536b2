"""A user's zip of images, one folder per class: `cats/1.jpg`, `dogs/7.png`, ...

Members are read in memory, never extracted, so no name in the archive can place a file
anywhere, and each read stops at the member's declared size (a lying header cannot make
a small entry inflate without bound). The archive is still checked as if it were going to be unpacked, and rejected
whole if any entry is unsafe (an absolute path, a '..' component, a symbolic link, an
encrypted entry) or too big (too many files, too many uncompressed bytes, an image with
too many pixels): an upload that tries any of that is not data we want to train on.

A single top folder holding the class folders (what zipping a folder produces) is
allowed and skipped. Images are decoded with Pillow, converted to RGB or grey and
resized (stretched, not cropped) to `image_size` squared (image_files.py).

A zip too big to decode into memory (over MAX_ZIP_BYTES, MAX_MEMBERS or
MAX_UNCOMPRESSED_BYTES, or 1 GiB of decoded floats) is read member by member instead,
each batch decoded when it is needed (`storage`: auto, or disk), with limits fit for
that: MAX_LAZY_ZIP_BYTES, MAX_LAZY_MEMBERS, and MAX_IMAGE_BYTES for each member.

Messages name an unsafe entry by its number only: its name is attacker-chosen bytes. A
safe entry whose image fails to decode is named, since its name is the user's own file.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import ClassVar, Literal

from pydantic import Field

from layerlab.train.data.base import DataError, DatasetOptions, DatasetSource, LoadContext
from layerlab.train.data.files import FileOptions, open_regular
from layerlab.train.data.image_files import (
    IMAGE_SUFFIXES,
    MAX_IMAGE_BYTES,
    ImageFiles,
    LoaderOptions,
    Storage,
    image_set,
)
from layerlab.train.data.images import ImageOptions
from layerlab.train.data.lazy import Dataset

MAX_ZIP_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 100_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
"""Limits of a zip decoded into memory."""
MAX_LAZY_ZIP_BYTES = 64 * 1024**3
MAX_LAZY_MEMBERS = 2_000_000
"""Limits of a zip read member by member (each member also within MAX_IMAGE_BYTES)."""
MAX_UPLOAD_ZIP_BYTES = 8 * 1024**3
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class ImageZipOptions(FileOptions, ImageOptions, LoaderOptions):
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


def safe_members(
    archive_name: str, archive: zipfile.ZipFile, limit: int = MAX_MEMBERS
) -> list[zipfile.ZipInfo]:
    """Every entry, if there are not too many and each one is safe (else the archive is
    rejected whole)."""
    members = archive.infolist()
    if len(members) > limit:
        raise DataError(f"{archive_name}: {len(members):,} entries is over the limit of {limit:,}")
    for index, member in enumerate(members):
        check_member_safe(archive_name, index, member)
    return members


def class_members(
    archive_name: str, archive: zipfile.ZipFile, on_disk: bool = False
) -> tuple[dict[str, list[zipfile.ZipInfo]], int]:
    """Image entries grouped by class folder, and the number of non-image files skipped.
    Decoded into memory, the whole archive is bounded; read member by member (`on_disk`),
    each member is."""
    members = safe_members(archive_name, archive, MAX_LAZY_MEMBERS if on_disk else MAX_MEMBERS)
    if on_disk:
        for index, member in enumerate(members):
            if member.file_size > MAX_IMAGE_BYTES:
                raise DataError(
                    f"{archive_name}: entry {index + 1:,}: {member.file_size:,} bytes "
                    f"uncompressed is over the limit of {MAX_IMAGE_BYTES:,} for one image"
                )
    total = sum(member.file_size for member in members)
    if not on_disk and total > MAX_UNCOMPRESSED_BYTES:
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


@contextmanager
def open_zip(
    path: Path, label: str, ctx: LoadContext, limit: int = MAX_ZIP_BYTES
) -> Iterator[zipfile.ZipFile]:
    """The zip at `path`: a regular file inside the data dir, of at most `limit` bytes."""
    with open_regular(path, ctx, label) as stream:
        if os.fstat(stream.fileno()).st_size > limit:
            raise DataError(f"{label}: larger than the {limit:,}-byte limit")
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
    max_upload_bytes = MAX_UPLOAD_ZIP_BYTES

    def load(self, options: ImageZipOptions, ctx: LoadContext) -> Dataset:
        path, label = options.file(ctx)
        limit = MAX_ZIP_BYTES if options.storage == "memory" else MAX_LAZY_ZIP_BYTES
        with open_zip(path, label, ctx, limit) as archive:
            storage = _storage(options.storage, archive)
            by_class, skipped = class_members(label, archive, on_disk=storage == "disk")
            root = str(path.resolve())
        files = [member.filename for members in by_class.values() for member in members]
        labels = [i for i, members in enumerate(by_class.values()) for _ in members]
        whole = ImageFiles(
            data_dir=str(ctx.data_dir.resolve()),
            label=label,
            root=root,
            archive=True,
            files=files,
            labels=labels,
            image_size=options.image_size,
            color="RGB" if options.color == "rgb" else "L",
        )
        notes = [
            f"{label}: {len(files):,} images in {len(by_class)} classes, resized to "
            f"{options.image_size}x{options.image_size} {options.color}"
        ]
        if skipped:
            notes.append(f"{skipped} non-image file(s) skipped")
        return image_set(
            self.name, whole, list(by_class), options, options.normalize, notes, storage
        )


def _storage(asked: Storage, archive: zipfile.ZipFile) -> Storage:
    """auto reads the zip member by member when it is past any in-memory limit."""
    if asked != "auto":
        return asked
    members = archive.infolist()
    fits = (
        os.fstat(archive.fp.fileno()).st_size <= MAX_ZIP_BYTES  # type: ignore[union-attr]
        and len(members) <= MAX_MEMBERS
        and sum(member.file_size for member in members) <= MAX_UNCOMPRESSED_BYTES
    )
    return "auto" if fits else "disk"
