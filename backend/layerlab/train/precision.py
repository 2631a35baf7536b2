"""Mixed precision: bf16 or fp16 autocast on CUDA (fp16 with a gradient scaler).
Elsewhere the setting is ignored with one log line, and training runs in float32."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TypeVar

import torch

from layerlab.train.config import Precision

log = logging.getLogger(__name__)
T = TypeVar("T")


class MixedPrecision:
    def __init__(self, mode: Precision, device: torch.device):
        self.enabled = mode != "off" and device.type == "cuda"
        self.dtype = torch.bfloat16 if mode == "bf16" else torch.float16
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.enabled and mode == "fp16")
        self.note = (
            f"precision {mode} is CUDA-only; training in float32 on {device.type}"
            if mode != "off" and not self.enabled
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
            self.scaler.step(optimizer)
            self.scaler.update()
        else:
            optimizer.step()
