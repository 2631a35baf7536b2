"""What a benchmark row reports, and the helpers rows share: the measured numbers and
whether they pass, a bar test that a quick run skips, generated images back in [0, 1],
and the GPT's bar, which its local-attention twin is held to as well."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from presets_judge import channel_statistics
from presets_train import Trained


@dataclass(frozen=True)
class Measured:
    metric: str
    """The row's numbers for the table, in words."""
    values: dict[str, Any]
    passed: bool | None
    """None when the metric is reported without a bar."""


def at_least(value: float, bar: float, quick: bool) -> bool | None:
    return None if quick else value >= bar


def pixels(run: Trained, x: torch.Tensor) -> torch.Tensor:
    """Undo the dataset's scaling: images in [0, 1] (the extras say how)."""
    mean, std = channel_statistics(run.data.extras, channels=x.shape[1])
    return (x * std + mean).clamp(0, 1)


GPT_LOSS_BAR = 2.0
GPT_CPU_BUDGET_S = 600.0
