"""Small, JSON-ready pictures of tensors for `samples` events: images, grids, labels.

Everything here is bounded: images are downscaled to at most `MAX_SIDE` pixels a side,
lists are cut to a few items, floats are rounded. A view is for a person's eyes, not a
tensor transfer.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

from layerlab.train.events import DecisionBoundaryView, ImageData, finite_or_none

MAX_SIDE = 32
"""Largest image side sent in a sample, in pixels (CIFAR's own size; MNIST is downscaled)."""
MAX_ITEMS = 8
"""Examples per sample view."""
GRID_RESOLUTION = 40
"""Cells per side of a decision-boundary grid."""


def is_image(shape: Sequence[int]) -> bool:
    """(C, H, W) with one or three channels: what can be drawn as a picture."""
    return len(shape) == 3 and shape[0] in (1, 3) and min(shape[1:]) >= 4


def image_data(
    image: torch.Tensor,
    low: float | None = None,
    high: float | None = None,
    max_side: int = MAX_SIDE,
) -> ImageData:
    """A (C, H, W) tensor as a small 8-bit image (at most `max_side` pixels a side);
    values mapped from [low, high] (the image's own range when not given) to [0, 255]."""
    x = image.detach().float().cpu()
    if x.ndim == 2:
        x = x.unsqueeze(0)
    x = torch.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    channels, height, width = x.shape
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        size = (max(1, round(height * scale)), max(1, round(width * scale)))
        x = F.interpolate(x.unsqueeze(0), size=size, mode="area").squeeze(0)
    lo = float(x.min()) if low is None else low
    hi = float(x.max()) if high is None else high
    x = ((x - lo) / max(hi - lo, 1e-8)).clamp(0, 1)
    pixels = (x * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous()  # (H, W, C)
    return ImageData(
        width=int(pixels.shape[1]),
        height=int(pixels.shape[0]),
        channels=1 if channels == 1 else 3,
        data=base64.b64encode(pixels.numpy().tobytes()).decode("ascii"),
    )


def images(
    batch: torch.Tensor, low: float | None = None, high: float | None = None, limit: int = MAX_ITEMS
) -> list[ImageData]:
    """Up to `limit` images of a (B, C, H, W) batch, sharing one value range."""
    batch = batch[:limit].detach().float()
    lo = float(batch.min()) if low is None else low
    hi = float(batch.max()) if high is None else high
    return [image_data(img, lo, hi) for img in batch]


def rounded(values: torch.Tensor, digits: int = 4, limit: int = 64) -> list[float | None]:
    """A flat list of at most `limit` JSON-safe numbers."""
    flat = values.detach().float().flatten()[:limit].cpu().tolist()
    return [None if not math.isfinite(v) else round(v, digits) for v in flat]


def label(index: int, names: Sequence[str] | None) -> str:
    return names[index] if names is not None and 0 <= index < len(names) else str(index)


def tokens_text(
    ids: Sequence[int], vocabulary: Sequence[str] | None, stop: int | None = None
) -> str:
    """Token ids as text: characters joined directly, longer tokens with spaces; stops
    at the `stop` id (padding)."""
    kept = []
    for i in ids:
        if stop is not None and i == stop:
            break
        kept.append(label(int(i), vocabulary))
    joiner = "" if all(len(t) == 1 for t in kept) else " "
    return joiner.join(kept)


def decision_boundary(
    probabilities_of: Callable[[torch.Tensor], torch.Tensor],
    points: torch.Tensor,
    labels: torch.Tensor,
) -> DecisionBoundaryView:
    """Class and confidence on a GRID_RESOLUTION^2 grid over the points' range (10%
    margin); `probabilities_of` maps (N, 2) points to (N, C) probabilities."""
    lo = points.min(dim=0).values
    hi = points.max(dim=0).values
    margin = (hi - lo).clamp(min=1e-3) * 0.1
    lo, hi = lo - margin, hi + margin
    xs = torch.linspace(float(lo[0]), float(hi[0]), GRID_RESOLUTION, device=points.device)
    ys = torch.linspace(float(lo[1]), float(hi[1]), GRID_RESOLUTION, device=points.device)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")  # (R, R) each; row = y
    grid = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1)  # (R*R, 2)
    probs = probabilities_of(grid)
    confidence, predicted = probs.max(dim=1)
    shown = min(200, points.shape[0])
    return DecisionBoundaryView(
        x_range=(round(float(lo[0]), 4), round(float(hi[0]), 4)),
        y_range=(round(float(lo[1]), 4), round(float(hi[1]), 4)),
        resolution=GRID_RESOLUTION,
        predicted=predicted.reshape(GRID_RESOLUTION, GRID_RESOLUTION).cpu().tolist(),
        confidence=[
            [round(finite_or_none(v) or 0.0, 3) for v in row]
            for row in confidence.reshape(GRID_RESOLUTION, GRID_RESOLUTION).cpu().tolist()
        ],
        points=[
            (round(float(x), 4), round(float(y), 4), int(c))
            for (x, y), c in zip(
                points[:shown].cpu().tolist(), labels[:shown].cpu().tolist(), strict=True
            )
        ],
    )
