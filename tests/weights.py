"""Weights moved off their initial values, for tests that compare two models on the
same weights: a zero bias or a BatchNorm's unit variance would hide a tensor that an
export drops, swaps or ignores."""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def perturb(model: nn.Module, seed: int = 1, scale: float = 0.1) -> None:
    """Add `scale` x N(0, 1) to every floating tensor of the state, and set running
    variances to U(0.5, 1.5); integer buffers (num_batches_tracked) stay."""
    gen = torch.Generator().manual_seed(seed)
    for name, tensor in model.state_dict().items():
        if not tensor.is_floating_point():
            continue
        if name.endswith("running_var"):
            tensor.copy_(0.5 + torch.rand(tensor.shape, generator=gen, dtype=tensor.dtype))
        else:
            tensor.add_(scale * torch.randn(tensor.shape, generator=gen, dtype=tensor.dtype))
