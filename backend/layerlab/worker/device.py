"""What a worker trains on, and how much memory it has to offer."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DeviceInfo:
    device: str
    """What training runs on: cpu, cuda:0, mps."""
    label: str
    """What the server shows: `cuda:0 (NVIDIA H100 80GB HBM3)`."""
    memory_bytes: int | None
    processes: int = 1
    """Most data-parallel ranks one run may have here: a rank per GPU, or per CPU core."""
    cpus: int | None = None
    gpus: int = 0


def label_parts(label: str) -> tuple[str, str]:
    """(device type, name) of a label as `describe_device` writes it (or a remote worker
    says): `cuda:0 (NVIDIA H200)` -> (cuda, NVIDIA H200), `cpu` -> (cpu, CPU)."""
    head, _, rest = label.strip().partition("(")
    kind = head.split(":")[0].strip().lower() or "cpu"
    name = rest.rsplit(")", 1)[0].strip()
    return kind, name or kind.upper()


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def describe_device(requested: str = "auto") -> DeviceInfo:
    """The device `requested` names (auto: CUDA, then Apple MPS, then the CPU).
    Raises ValueError for a device this machine does not have."""
    name = requested
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda:0"
        elif torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{requested}: CUDA is not available here")
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise ValueError(f"{requested}: this machine has {torch.cuda.device_count()} GPUs")
        props = torch.cuda.get_device_properties(index)
        gpus = torch.cuda.device_count()
        return DeviceInfo(
            f"cuda:{index}",
            f"cuda:{index} ({props.name})",
            props.total_memory,
            processes=gpus,
            cpus=os.cpu_count(),
            gpus=gpus,
        )
    if device.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"{requested}: Apple MPS is not available here")
        return DeviceInfo("mps", "mps", _physical_memory(), cpus=os.cpu_count())
    if device.type != "cpu":
        raise ValueError(f"{requested}: not a device a worker can train on")
    cpus = os.cpu_count() or 1
    return DeviceInfo("cpu", "cpu", _physical_memory(), processes=cpus, cpus=cpus)
