"""What a person sees of a dataset before training on it: the head of a table with its
column types, a grid of labelled thumbnails, the start of a text, and the class counts.

Built from a successfully loaded dataset (the file parsed, so showing its content is the
point) plus, for tables and texts, a bounded read of the file's head.
"""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from PIL import Image
from pydantic import BaseModel, Field

from layerlab.train.data.base import LoadContext
from layerlab.train.data.files import open_regular
from layerlab.train.data.lazy import Dataset, LazyDataset
from layerlab.train.data.tabular import head_lines

TABLE_ROWS = 20
TABLE_HEAD_BYTES = 256 * 1024
CELL_CHARS = 100
THUMBNAILS = 32
THUMBNAIL_SIDE = 64  # px; small images are scaled up (nearest) so a 28x28 digit is legible
TEXT_CHARS = 2000


class PreviewColumn(BaseModel):
    name: str
    type: Literal["number", "text"]
    role: Literal["feature", "target"]


class TablePreview(BaseModel):
    columns: list[PreviewColumn]
    rows: list[list[str]] = Field(description=f"The first {TABLE_ROWS} data rows, as in the file")


class Thumbnail(BaseModel):
    label: str = Field(description="The sample's class name")
    png: str = Field(description="The image as base64 PNG")


class ClassCount(BaseModel):
    name: str
    count: int


class DatasetPreview(BaseModel):
    """One of table, images or text is set, by the dataset's kind."""

    table: TablePreview | None = None
    images: list[Thumbnail] = Field(default_factory=list)
    text: str | None = Field(default=None, description=f"The first {TEXT_CHARS} characters")
    class_counts: list[ClassCount] = Field(
        default_factory=list, description="Samples per class, training and validation together"
    )


def build_preview(
    loaded: Dataset, file: Path, ctx: LoadContext, delimiter: str = ","
) -> DatasetPreview:
    info = loaded.info
    preview = DatasetPreview(class_counts=class_counts(loaded))
    if info.kind == "tabular":
        preview.table = table_head(loaded, file, ctx, delimiter)
    elif info.kind == "image":
        preview.images = thumbnails(loaded)
    elif info.kind == "text":
        preview.text = text_head(file, ctx)
    return preview


def class_counts(loaded: Dataset) -> list[ClassCount]:
    classes = loaded.info.classes
    if loaded.info.target != "class" or not classes:
        return []
    labels = _labels(loaded)
    counts = torch.bincount(labels, minlength=len(classes)).tolist()
    return [ClassCount(name=name, count=int(n)) for name, n in zip(classes, counts, strict=True)]


def _labels(loaded: Dataset) -> torch.Tensor:
    """Every sample's class id (N,), training and validation together."""
    if isinstance(loaded, LazyDataset):
        ids = [loaded.train.class_ids(), loaded.val.class_ids()]
        return torch.cat([torch.as_tensor(part, dtype=torch.int64) for part in ids])
    return torch.cat([loaded.train.y, loaded.val.y])


def table_head(loaded: Dataset, file: Path, ctx: LoadContext, delimiter: str) -> TablePreview:
    with open_regular(file, ctx) as stream:
        lines = head_lines(stream.read(TABLE_HEAD_BYTES), TABLE_ROWS + 1)
    rows = list(csv.reader(lines, delimiter=delimiter))
    header, body = rows[0], rows[1:]
    target = loaded.extras.get("target_column")
    target_type: Literal["number", "text"] = "number" if loaded.info.target == "value" else "text"
    columns = [
        PreviewColumn(
            name=name.strip(),
            type=target_type if name.strip() == target else "number",
            role="target" if name.strip() == target else "feature",
        )
        for name in header
    ]
    return TablePreview(columns=columns, rows=[[cell[:CELL_CHARS] for cell in row] for row in body])


def thumbnails(loaded: Dataset) -> list[Thumbnail]:
    """Up to THUMBNAILS images, taken in turn from each class (of a set on disk, from
    its training part: only those are decoded)."""
    classes = loaded.info.classes or []
    if isinstance(loaded, LazyDataset):
        labels = torch.as_tensor(loaded.train.class_ids(), dtype=torch.int64)
        picked = _picked(labels, len(classes))
        x, y = loaded.train.finish(*loaded.train.fetch(picked))
        picked = list(range(len(picked)))
    else:
        x = torch.cat([loaded.train.x, loaded.val.x])  # (N, C, H, W)
        y = torch.cat([loaded.train.y, loaded.val.y])  # (N,)
        picked = _picked(y, len(classes))
    mean = torch.tensor(loaded.extras.get("mean", [0.0] * x.shape[1])).view(-1, 1, 1)
    std = torch.tensor(loaded.extras.get("std", [1.0] * x.shape[1])).view(-1, 1, 1)
    return [Thumbnail(label=classes[int(y[i])], png=_png(x[i] * std + mean)) for i in picked]


def _picked(labels: torch.Tensor, classes: int) -> list[int]:
    by_class = [torch.nonzero(labels == c).flatten().tolist() for c in range(classes)]
    picked: list[int] = []
    for depth in range(THUMBNAILS):
        for indices in by_class:
            if depth < len(indices) and len(picked) < THUMBNAILS:
                picked.append(indices[depth])
    return picked


def _png(image: torch.Tensor) -> str:
    """(C, H, W) pixels in [0, 1] as a base64 PNG, scaled up to about THUMBNAIL_SIDE."""
    pixels = (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    array = pixels[:, :, 0] if pixels.shape[2] == 1 else np.ascontiguousarray(pixels)
    picture = Image.fromarray(array)
    scale = max(1, THUMBNAIL_SIDE // max(picture.size))
    picture = picture.resize(
        (picture.width * scale, picture.height * scale), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def text_head(file: Path, ctx: LoadContext) -> str:
    with open_regular(file, ctx) as stream:
        head = stream.read(TEXT_CHARS * 4)  # a UTF-8 character is at most 4 bytes
    return head.decode("utf-8-sig", errors="ignore")[:TEXT_CHARS]
