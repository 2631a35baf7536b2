"""Mixed precision: bf16 or fp16 autocast on CUDA (fp16 with a gradient scaler).

`auto` (the default) picks bf16 where the GPU computes it natively (Ampere and later):
the same exponent range as float32, so no scaler and no overflow. Older GPUs get fp16
with a gradient scaler; the CPU and Apple MPS train in float32. A bf16 or fp16 asked
for off CUDA is ignored with one log line.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TypeVar

import torch

from layerlab.train.config import Precision, PrecisionUsed

log = logging.getLogger(__name__)
T = TypeVar("T")


def resolve_precision(mode: Precision, device: torch.device) -> PrecisionUsed:
    """What `mode` means on `device`."""
    if device.type != "cuda":
        return "off"
    if mode == "auto":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return mode


class MixedPrecision:
    def __init__(self, mode: Precision, device: torch.device):
        self.mode: PrecisionUsed = resolve_precision(mode, device)
        self.enabled = self.mode != "off"
        self.dtype = torch.bfloat16 if self.mode == "bf16" else torch.float16
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.mode == "fp16")
        self.note = (
            f"precision {mode} is CUDA-only; training in float32 on {device.type}"
            if mode in ("bf16", "fp16") and not self.enabled
            else None
        )
        if self.note:
            log.info(self.note)

    def autocast(self) -> contextlib.AbstractContextManager[None]:
        if not self.enabled:
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=self.dtype)

    def forward_under_autocast(self, steps: Iterator[T]) -> Iterator[T]:
        """Run each part of a generator (the forward passes) under autocast, leaving what
        the caller does between parts (backward, the optimizer step) outside it."""
        return self._each_under_autocast(steps) if self.enabled else steps

    def _each_under_autocast(self, steps: Iterator[T]) -> Iterator[T]:
        while True:
            with self.autocast():
                item = next(steps, None)
            if item is None:
                return
            yield item

    def backward(self, loss: torch.Tensor) -> None:
        if self.scaler.is_enabled():
            scaled = self.scaler.scale(loss)
            assert isinstance(scaled, torch.Tensor)
            loss = scaled  # fp16: scaled up so small gradients do not flush to zero
        torch.autograd.backward(loss)

    def unscale(self, optimizer: torch.optim.Optimizer) -> None:
        """Make gradients true-sized before they are measured or clipped."""
        if self.scaler.is_enabled():
            self.scaler.unscale_(optimizer)

    def step(self, optimizer: torch.optim.Optimizer) -> None:
        if self.scaler.is_enabled():
            # fp16 only: GradScaler reads whether any gradient overflowed (one host sync
            # per step); bf16, the default on GPUs that have it, needs no scaler.
            self.scaler.step(optimizer)
            self.scaler.update()
        else:
            optimizer.step()
