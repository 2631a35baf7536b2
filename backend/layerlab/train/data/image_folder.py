"""A folder of images on disk, one subfolder per class: `pets/cats/1.jpg`, `pets/dogs/7.png`.

The `path` option names the folder inside the data dir. Each subfolder is a class (its
name, sorted); the images in it, and in folders below it, are its samples (PNG, JPEG,
BMP, GIF or WebP by their ending; other files, hidden ones and links are skipped).
Small sets are decoded into memory at load; past 1 GiB of decoded floats (or with
`storage: disk`) each batch is decoded when it is needed, by loader processes
(image_files.py), so a folder of any number of photos trains in bounded memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from layerlab.train.data.base import DataError, DatasetOptions, DatasetSource, LoadContext
from layerlab.train.data.files import DataPath, confine, display_name
from layerlab.train.data.image_files import (
    IMAGE_SUFFIXES,
    ImageFiles,
    LoaderOptions,
    image_set,
)
from layerlab.train.data.images import ImageOptions
from layerlab.train.data.lazy import Dataset

MAX_FOLDER_IMAGES = 2_000_000
MAX_CLASSES = 10_000


class ImageFolderOptions(ImageOptions, LoaderOptions):
    path: DataPath = Field(
        description="The folder, relative to the data dir: one subfolder of images per class"
    )
    image_size: int = Field(
        default=32, ge=4, le=512, description="Side of the square images, in pixels"
    )
    color: Literal["rgb", "grayscale"] = Field(default="rgb", description="3 channels or 1")


def class_files(root: Path, label: str) -> tuple[dict[str, list[str]], int]:
    """Image paths (relative to root, '/'-separated, sorted) by class folder, and the
    number of other entries skipped. Links are never followed."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except NotADirectoryError:
        raise DataError(
            f"{label}: not a folder; name a folder with one subfolder per class"
        ) from None
    except OSError as exc:
        raise DataError(f"{label}: cannot be listed ({exc.strerror})") from None
    by_class: dict[str, list[str]] = {}
    skipped = total = 0
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            skipped += not entry.name.startswith(".")
            continue
        if len(by_class) >= MAX_CLASSES:
            raise DataError(f"{label}: over the limit of {MAX_CLASSES:,} class folders")
        files: list[str] = []
        for folder, subfolders, names in os.walk(entry.path, followlinks=False):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            relative = Path(folder).relative_to(root).as_posix()
            for name in sorted(names):
                path = Path(folder) / name
                if name.startswith(".") or path.suffix.lower() not in IMAGE_SUFFIXES:
                    skipped += not name.startswith(".")
                elif path.is_symlink():
                    skipped += 1
                else:
                    files.append(f"{relative}/{name}")
                    total += 1
                    if total > MAX_FOLDER_IMAGES:
                        raise DataError(f"{label}: over the limit of {MAX_FOLDER_IMAGES:,} images")
        if files:
            by_class[entry.name] = files
    if len(by_class) < 2:
        raise DataError(
            f"{label}: found {len(by_class)} class folder(s) with images; at least 2 are needed"
        )
    return by_class, skipped


class ImageFolder(DatasetSource[ImageFolderOptions]):
    name = "image_folder"
    summary = "Your own images on the server's disk: a folder with one subfolder per class"
    kind = "image"
    Options: ClassVar[type[DatasetOptions]] = ImageFolderOptions

    def load(self, options: ImageFolderOptions, ctx: LoadContext) -> Dataset:
        root, label = confine(options.path, ctx), display_name(options.path)
        if not root.exists():
            raise DataError(f"{label}: no such folder in the data dir")
        by_class, skipped = class_files(root, label)
        whole = ImageFiles(
            data_dir=str(ctx.data_dir.resolve()),
            label=label,
            root=str(root),
            files=[file for files in by_class.values() for file in files],
            labels=[i for i, files in enumerate(by_class.values()) for _ in files],
            image_size=options.image_size,
            color="RGB" if options.color == "rgb" else "L",
        )
        notes = [
            f"{label}: {len(whole):,} images in {len(by_class)} classes, resized to "
            f"{options.image_size}x{options.image_size} {options.color}"
        ]
        if skipped:
            notes.append(f"{skipped:,} other file(s) or link(s) skipped")
        return image_set(self.name, whole, list(by_class), options, options.normalize, notes)
