"""Image augmentation on whole batches, on the training device (no per-sample loop).

Randomness comes from the global generator of the batch's device, which checkpoints
save and restore, so a resumed run draws the same augmentations.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

CROP_PADDING = 4
"""Pixels of zero padding before a random crop back to the original size (CIFAR's 4)."""


def augment(x: torch.Tensor, mode: str) -> torch.Tensor:
    """x (B, C, H, W) -> the same shape, flipped and/or shifted at random per sample."""
    if mode in ("crop", "crop_flip"):
        x = random_crop(x, CROP_PADDING)
    if mode in ("flip", "crop_flip"):
        x = random_flip(x)
    return x


def random_flip(x: torch.Tensor) -> torch.Tensor:
    """Mirror left-right with probability 1/2 per sample."""
    flip = torch.rand(x.shape[0], device=x.device) < 0.5  # (B,)
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def random_crop(x: torch.Tensor, padding: int) -> torch.Tensor:
    """Pad with zeros, then cut each sample's window at its own random offset."""
    b, _, h, w = x.shape
    padded = F.pad(x, (padding, padding, padding, padding))  # (B, C, H + 2p, W + 2p)
    dy = torch.randint(0, 2 * padding + 1, (b,), device=x.device)
    dx = torch.randint(0, 2 * padding + 1, (b,), device=x.device)
    rows = (dy[:, None] + torch.arange(h, device=x.device))[:, :, None]  # (B, H, 1)
    cols = (dx[:, None] + torch.arange(w, device=x.device))[:, None, :]  # (B, 1, W)
    batch = torch.arange(b, device=x.device)[:, None, None]  # (B, 1, 1)
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)  # (B, C, H, W)
