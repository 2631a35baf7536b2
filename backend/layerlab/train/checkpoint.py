"""Checkpoints: safetensors for weights and optimizer state, a JSON sidecar for the rest.

A checkpoint is a directory `step-00000120/` holding
- model.safetensors      the weights (loadable alone: `layerlab.graph.weights.load_weights`)
- optimizer.safetensors  every optimizer's state tensors, and the RNG states
- state.json             config, progress (step, epoch, batch: the data-order position),
                         the sampler's state (data/sampling.py: with the seed, the
                         position fixes every later batch), optimizer param groups and
                         scalars, health history
It is written under a temporary name, each file fsynced, then renamed into place (a
rename is atomic), and only then does `latest.json` (itself replaced atomically) point
at it. A kill at any moment leaves the previous checkpoint loadable and never makes a
partial one "latest". Nothing here unpickles: tensors are safetensors, the rest JSON.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any, Literal

import torch
from pydantic import BaseModel, Field
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from layerlab.graph.weights import WeightsError, load_weights, state_tensors
from layerlab.ids import checkpoint_position, new_checkpoint_name
from layerlab.train.data.sampling import SamplerState
from layerlab.train.faults import fault_point
from layerlab.train.health import HealthState

log = logging.getLogger(__name__)

LATEST = "latest.json"
MODEL_FILE = "model.safetensors"
OPTIMIZER_FILE = "optimizer.safetensors"
STATE_FILE = "state.json"
CPU = torch.device("cpu")


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded into this run; says which file and why."""


class Progress(BaseModel):
    """Where a run stands: enough to continue exactly where it left off."""

    step: int = Field(description="Optimizer steps done")
    epoch: int = Field(description="The epoch in progress (or the next one, at a boundary)")
    batch: int = Field(description="Batches of `epoch` already done: the data-order position")
    elapsed: float = Field(default=0.0, description="Seconds of training so far")
    next_seq: int = Field(default=1, description="Sequence number of the next event")
    epoch_loss_sum: float = Field(
        default=0.0, description="Training loss summed over this epoch so far"
    )
    epoch_loss_steps: int = Field(default=0)
    best_metric: float | None = Field(
        default=None, description="Early stopping: the best value so far"
    )
    bad_epochs: int = Field(default=0, description="Early stopping: epochs since the best")


class OptimizerMeta(BaseModel):
    param_groups: list[dict[str, Any]]
    scalars: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Non-tensor state per parameter index"
    )


class CheckpointMeta(BaseModel):
    format: Literal["layerlab.checkpoint"] = "layerlab.checkpoint"
    version: Literal[1] = 1
    document: str
    reason: str
    created: float
    config: dict[str, Any]
    progress: Progress
    health: HealthState = Field(default_factory=HealthState)
    sampler: SamplerState | None = Field(
        default=None, description="The training data's order and position (absent before 15)"
    )
    optimizers: dict[str, OptimizerMeta]
    scaler: dict[str, Any] | None = None


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (its entries: a rename into it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _write_json(path: Path, value: Any) -> None:
    with open(path, "w") as f:
        json.dump(value, f, allow_nan=False)
        f.flush()
        os.fsync(f.fileno())


def all_finite(tensors: list[torch.Tensor]) -> bool:
    """Whether every floating tensor is free of NaN and infinity (one sync)."""
    floats = [t for t in tensors if t.is_floating_point() and t.numel()]
    if not floats:
        return True
    return bool(torch.stack([torch.isfinite(t).all() for t in floats]).all())


def _optimizer_tensors(
    name: str, optimizer: torch.optim.Optimizer
) -> tuple[dict[str, torch.Tensor], OptimizerMeta]:
    """Flatten a state dict: tensors by `optimizer/<name>/<index>/<key>`, the rest JSON."""
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entries in state["state"].items():
        for key, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer/{name}/{index}/{key}"] = value.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(index), {})[key] = value
    groups = [dict(group) for group in state["param_groups"]]
    return tensors, OptimizerMeta(param_groups=groups, scalars=scalars)


def _rng_tensors(device: torch.device) -> dict[str, torch.Tensor]:
    """The generators training draws from: the CPU's, and the training device's."""
    found = {"rng/cpu": torch.get_rng_state()}
    if device.type == "cuda":
        for i, state in enumerate(torch.cuda.get_rng_state_all()):
            found[f"rng/cuda/{i}"] = state
    if device.type == "mps":
        found["rng/mps"] = torch.mps.get_rng_state()
    return found


def _restore_rng(tensors: dict[str, torch.Tensor]) -> None:
    torch.set_rng_state(tensors["rng/cpu"])
    cuda = sorted(k for k in tensors if k.startswith("rng/cuda/"))
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([tensors[k] for k in cuda][: torch.cuda.device_count()])
    if "rng/mps" in tensors and torch.backends.mps.is_available():
        torch.mps.set_rng_state(tensors["rng/mps"])


def save_checkpoint(
    directory: Path,
    module: nn.Module,
    optimizers: dict[str, torch.optim.Optimizer],
    meta: CheckpointMeta,
    scaler: torch.amp.GradScaler | None = None,
    keep: int = 3,
    device: torch.device = CPU,
) -> Path | None:
    """Write a checkpoint atomically and point latest.json at it. Returns its path, or
    None (and writes nothing) when any weight or optimizer value is not finite."""
    directory.mkdir(parents=True, exist_ok=True)
    weights = state_tensors(module)
    extra: dict[str, torch.Tensor] = {}
    optimizer_meta = {}
    for name, optimizer in optimizers.items():
        tensors, optimizer_meta[name] = _optimizer_tensors(name, optimizer)
        extra.update(tensors)
    if not all_finite(list(weights.values()) + list(extra.values())):
        log.warning("not writing a checkpoint at step %d: non-finite values", meta.progress.step)
        return None
    extra.update(_rng_tensors(device))
    meta = meta.model_copy(
        update={
            "optimizers": optimizer_meta,
            "scaler": dict(scaler.state_dict())
            if scaler is not None and scaler.is_enabled()
            else None,
        }
    )
    name = _free_name(directory, meta.progress.step)
    temporary = directory / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    save_file(weights, str(temporary / MODEL_FILE), metadata={"document": meta.document[:200]})
    save_file(extra, str(temporary / OPTIMIZER_FILE))
    _write_json(temporary / STATE_FILE, meta.model_dump(mode="json"))
    for file in (MODEL_FILE, OPTIMIZER_FILE):
        _fsync_file(temporary / file)
    fsync_path(temporary)
    fault_point("checkpoint_before_rename")
    final = directory / name
    os.rename(temporary, final)
    fsync_path(directory)
    fault_point("checkpoint_before_latest")
    pointer = directory / f".tmp-{LATEST}-{os.getpid()}"
    _write_json(pointer, {"name": name, "step": meta.progress.step})
    os.replace(pointer, directory / LATEST)
    fsync_path(directory)
    _prune(directory, keep, final)
    return final


def _free_name(directory: Path, step: int) -> str:
    copy = 0
    while (directory / new_checkpoint_name(step, copy)).exists():
        copy += 1
    return new_checkpoint_name(step, copy)


def _complete(directory: Path) -> list[Path]:
    """Finished checkpoints (temporary ones never match the name), oldest first."""
    found = {
        p: position
        for p in directory.iterdir()
        if p.is_dir() and (position := checkpoint_position(p.name)) is not None
    }
    return sorted(found, key=found.__getitem__)


def _prune(directory: Path, keep: int, latest: Path) -> None:
    for old in _complete(directory)[:-keep]:
        if old != latest:
            shutil.rmtree(old, ignore_errors=True)
    for leftover in directory.glob(".tmp-*"):
        if str(os.getpid()) not in leftover.name:
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def latest_checkpoint(directory: Path) -> Path | None:
    """The checkpoint latest.json names, or else the newest complete one, or None."""
    if not directory.is_dir():
        return None
    try:
        pointer = json.loads((directory / LATEST).read_text())
        named = directory / str(pointer["name"])
        if checkpoint_position(named.name) is not None and (named / STATE_FILE).is_file():
            return named
    except (OSError, ValueError, KeyError, TypeError):
        pass
    complete = _complete(directory)
    return complete[-1] if complete else None


def read_meta(path: Path) -> CheckpointMeta:
    try:
        return CheckpointMeta.model_validate_json((path / STATE_FILE).read_bytes())
    except (OSError, ValueError) as exc:
        raise CheckpointError(
            f"{path.name}/{STATE_FILE}: not a readable checkpoint ({exc})"
        ) from None


def load_checkpoint(
    path: Path,
    module: nn.Module,
    optimizers: dict[str, torch.optim.Optimizer],
    scaler: torch.amp.GradScaler | None = None,
) -> CheckpointMeta:
    """Restore weights, optimizer state and RNG states in place; returns the sidecar."""
    meta = read_meta(path)
    try:
        load_weights(module, path / MODEL_FILE)
    except WeightsError as exc:
        raise CheckpointError(f"{path.name}: {exc}") from None
    try:
        tensors = load_file(str(path / OPTIMIZER_FILE))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path.name}/{OPTIMIZER_FILE}: not readable ({exc})") from None
    if set(meta.optimizers) != set(optimizers):
        raise CheckpointError(
            f"{path.name}: optimizers {sorted(meta.optimizers)} but this run has {sorted(optimizers)}"
        )
    for name, optimizer in optimizers.items():
        saved = meta.optimizers[name]
        state: dict[int, dict[str, Any]] = {}
        prefix = f"optimizer/{name}/"
        for key, tensor in tensors.items():
            if key.startswith(prefix):
                index, field = key[len(prefix) :].split("/", 1)
                state.setdefault(int(index), {})[field] = tensor
        for index, values in saved.scalars.items():
            state.setdefault(int(index), {}).update(values)
        try:
            optimizer.load_state_dict({"state": state, "param_groups": saved.param_groups})
        except (ValueError, KeyError, RuntimeError) as exc:
            raise CheckpointError(f"{path.name}: optimizer {name!r} does not fit ({exc})") from None
    if scaler is not None and meta.scaler is not None:
        scaler.load_state_dict(meta.scaler)
    _restore_rng(tensors)
    return meta


def new_meta(
    document: str,
    reason: str,
    config: dict[str, Any],
    progress: Progress,
    health: HealthState,
    sampler: SamplerState | None = None,
) -> CheckpointMeta:
    return CheckpointMeta(
        document=document,
        reason=reason,
        created=time.time(),
        config=config,
        progress=progress,
        health=health,
        sampler=sampler,
        optimizers={},
    )
