"""Is an imported document the original model? Outputs in eval mode and gradients in
train mode (dropout off) on the same random inputs, to 1e-5; the helpers docs and
tests share."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch import nn

from layerlab.imports import Imported

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


@torch.no_grad()
def as_if_trained(model: nn.Module, seed: int = 1) -> None:
    """Parameters and BatchNorm statistics moved off their initial values (a zero bias
    or a unit variance would hide a tensor an import drops or swaps); other buffers,
    such as a sinusoid table, stay what the model made them."""
    gen = torch.Generator().manual_seed(seed)
    for p in model.parameters():
        p.add_(0.1 * torch.randn(p.shape, generator=gen))
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.running_var is not None:
            m.running_mean.add_(0.1 * torch.randn(m.running_mean.shape, generator=gen))
            m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


def outputs(value: Any) -> list[torch.Tensor]:
    return list(value) if isinstance(value, tuple | list) else [value]


def no_dropout(model: nn.Module) -> None:
    """Every dropout probability to zero: nn.Dropout, attention's and RNNs' own."""
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
        if isinstance(m, nn.MultiheadAttention | nn.RNNBase):
            m.dropout = 0.0


def same_outputs(original: nn.Module, built: nn.Module, inputs: Sequence[Any]) -> float:
    """The largest difference between the two models' eval-mode outputs (seeded alike,
    for models that sample)."""
    original.eval()
    built.eval()
    with torch.no_grad():
        torch.manual_seed(0)
        want = outputs(original(*inputs))
        torch.manual_seed(0)
        got = outputs(built(*inputs))
    assert len(want) == len(got)
    worst = 0.0
    for w, g in zip(want, got, strict=True):
        torch.testing.assert_close(g, w, **TOLERANCE)
        worst = max(worst, float((g - w).abs().max()))
    return worst


def same_gradients(original: nn.Module, imported: Imported, inputs: Sequence[Any]) -> None:
    """Train mode without dropout: every imported parameter's gradient equals its
    original's (`imported.names` pairs them)."""
    built = imported.build()
    no_dropout(original)
    no_dropout(built)
    original.train()
    built.train()
    torch.manual_seed(0)
    want = outputs(original(*inputs))
    torch.manual_seed(0)
    got = outputs(built(*inputs))
    gen = torch.Generator().manual_seed(1)
    projections = [torch.randn(w.shape, generator=gen) for w in want]
    sum(((w * p).sum() for w, p in zip(want, projections, strict=True)), torch.zeros(())).backward()
    sum(((g * p).sum() for g, p in zip(got, projections, strict=True)), torch.zeros(())).backward()
    params = dict(original.named_parameters())
    checked = 0
    for name, parameter in built.named_parameters():
        source = params[imported.names[name]]
        assert (parameter.grad is None) == (source.grad is None), name
        if parameter.grad is not None and source.grad is not None:
            # A learned position table may be kept as (T, E) where the original has (1, T, E).
            want = source.grad.reshape(parameter.grad.shape)
            torch.testing.assert_close(parameter.grad, want, **TOLERANCE, msg=name)
            checked += 1
    assert checked == len(params), f"{checked} of {len(params)} gradients compared"


def load_source(source: str, folder: Path, name: str = "exported") -> ModuleType:
    """Python source as a module whose classes inspect.getsource can read."""
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
