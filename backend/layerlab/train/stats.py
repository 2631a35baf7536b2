"""The tensor arithmetic of telemetry, kept on the device: nothing here reads a value on
the host (telemetry.py reads each step's results back in one non-blocking copy).

Nothing here draws random numbers: telemetry must not change what trains (a run with
telemetry on ends with the same weights as one with it off), so large tensors are
subsampled with a fixed stride, never at random.
"""

from __future__ import annotations

import torch

from layerlab.ops import HealthKind
from layerlab.train.events import HISTOGRAM_BINS

MAX_STAT_VALUES = 16_384
"""Values of one activation tensor that enter its moments and histogram (a strided
subsample): about 500 a bin of the 32, and a standard deviation within about 1%. The
subsample is most of a summary's cost on the CPU, where LeNet-5's eleven layers took
2.3 ms a sampled step at 65,536 values and take 1.2 ms at this many."""

# One layer's activation summary, as a flat vector: these fields, then the histogram.
SUMMARY_FIELDS = (
    "mean",
    "std",
    "zero_fraction",
    "dead_fraction",
    "saturated_fraction",
    "low",
    "high",
)


_INDEX_CACHE: dict[tuple[torch.device, tuple[int, ...]], torch.Tensor] = {}


def group_index(groups: list[int], device: torch.device) -> torch.Tensor:
    """`groups` as an index tensor on `device`, made once: a fresh host-to-device copy
    on every measurement would wait for the device's queue."""
    key = (device, tuple(groups))
    if key not in _INDEX_CACHE:
        if len(_INDEX_CACHE) > 64:
            _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = torch.tensor(groups, device=device)
    return _INDEX_CACHE[key]


def grouped_norms(tensors: list[torch.Tensor], groups: list[int], count: int) -> torch.Tensor:
    """L2 norm of each group of tensors: (count,), on the tensors' device. One fused
    `torch._foreach_norm` call measures every tensor; the groups add up their squares."""
    if not tensors:
        return torch.zeros(count)
    norms = torch.stack(torch._foreach_norm(tensors)).float()  # (N,)
    index = group_index(groups, norms.device)
    squares = torch.zeros(count, device=norms.device).index_add_(0, index, norms * norms)
    return squares.sqrt()


def saturation(y: torch.Tensor, outside: tuple[float, float]) -> torch.Tensor:
    """Share of outputs in the flat tails: below `outside[0]` or above `outside[1]`, the
    bounds the activation's op declares (`Op.saturated_outside`)."""
    low, high = outside
    return ((y < low) | (y > high)).float().mean()


def activation_summary(
    y: torch.Tensor, health_kind: HealthKind, saturated_outside: tuple[float, float] | None = None
) -> torch.Tensor:
    """SUMMARY_FIELDS then HISTOGRAM_BINS counts of a layer's output (B, ...), as one
    float vector on y's device (no sync). Fields that do not apply are NaN; saturation
    is measured where the op declares its tails (`saturated_outside`)."""
    y = y.detach().float()
    flat = y.flatten()
    if flat.numel() > MAX_STAT_VALUES:
        # One strided gather into a contiguous copy: every pass below then reads
        # contiguous memory (passes over a strided view cost about twice as much).
        flat = flat[:: flat.numel() // MAX_STAT_VALUES + 1].contiguous()
    nan = torch.full((), float("nan"), device=y.device)
    mean, std = flat.mean(), flat.std() if flat.numel() > 1 else nan
    zero = dead = saturated = nan
    if health_kind is HealthKind.RELU_LIKE:
        zero = (flat == 0).sum() / flat.numel()
        # A unit is dead on this batch when it is zero for every sample: alive when its
        # largest output over the batch is positive (one reduction, no (B, ...) mask).
        alive = y.flatten(1).amax(dim=0) > 0
        dead = 1.0 - alive.float().mean()
    elif health_kind is HealthKind.SATURATING and saturated_outside is not None:
        saturated = saturation(flat, saturated_outside)
    # The histogram spans the finite values; NaN and infinities are counted in bin 0.
    finite = torch.nan_to_num(flat, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = torch.aminmax(finite)
    width = (high - low).clamp(min=1e-12)
    bins = torch.sub(finite, low).div_(width).mul_(HISTOGRAM_BINS).long()
    bins.clamp_(0, HISTOGRAM_BINS - 1)
    # Counted by adding ones, not torch.bincount: on CUDA bincount reads the largest bin
    # on the host to size its output (a sync). The counts stay exact (under 2**24).
    counts = torch.zeros(HISTOGRAM_BINS, device=y.device).index_add_(
        0, bins, torch.ones_like(bins, dtype=torch.float32)
    )
    head = torch.stack([mean, std, zero, dead, saturated, low, high])
    return torch.cat([head, counts])
