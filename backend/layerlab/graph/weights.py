"""Weights as safetensors only: nothing a user sends is ever unpickled."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn


class WeightsError(ValueError):
    """A weights file that cannot be loaded into a model: says which file and which keys."""


def state_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's state as contiguous CPU tensors, one entry per key (shared tensors cloned)."""
    seen: set[int] = set()
    out = {}
    for key, tensor in model.state_dict().items():
        t = tensor.detach().cpu()
        if t.data_ptr() in seen and t.numel():
            t = t.clone()
        seen.add(t.data_ptr())
        out[key] = t.contiguous()
    return out


def save_weights(
    model: nn.Module, path: str | Path, metadata: dict[str, str] | None = None
) -> None:
    save_file(state_tensors(model), str(path), metadata=metadata)


def load_weights(model: nn.Module, path: str | Path) -> None:
    """Load a safetensors file into `model`, refusing anything else with a clear message."""
    path = Path(path)
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(f"{path.name}: not a readable safetensors file ({exc})") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        raise WeightsError(
            f"{path.name}: keys do not match the model (missing: {missing[:5]}, unexpected: {unexpected[:5]})"
        )
    for key, tensor in tensors.items():
        if tensor.shape != expected[key].shape:
            raise WeightsError(
                f"{path.name}: {key} has shape {tuple(tensor.shape)}, the model needs {tuple(expected[key].shape)}"
            )
    model.load_state_dict(tensors)
