"""A checkpoint as one file for the trip between worker and server.

On disk a checkpoint is a folder (`layerlab.train.checkpoint`): model.safetensors,
optimizer.safetensors and state.json. On the wire it is a single safetensors file: the
model's tensors under `model/`, the optimizer's and RNG tensors under `extra/`, and
state.json's text in the header's metadata. One file uploads atomically, and it is
read without unpickling anything: the server checks it by reading its header, and
takes the model's weights out of it for `GET /api/runs/{id}/checkpoint`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from layerlab.train.checkpoint import (
    MODEL_FILE,
    OPTIMIZER_FILE,
    STATE_FILE,
    CheckpointMeta,
)

PACK_FORMAT = "layerlab.checkpoint-pack/1"
MODEL_PREFIX = "model/"
EXTRA_PREFIX = "extra/"


class PackError(ValueError):
    """Not a checkpoint pack, or one that does not read; says why."""


def pack_checkpoint(folder: Path, out: Path) -> CheckpointMeta:
    """Write the checkpoint in `folder` as one pack file `out`; returns its sidecar."""
    state = (folder / STATE_FILE).read_text()
    meta = CheckpointMeta.model_validate_json(state)
    tensors = {MODEL_PREFIX + k: v for k, v in load_file(str(folder / MODEL_FILE)).items()}
    tensors.update(
        {EXTRA_PREFIX + k: v for k, v in load_file(str(folder / OPTIMIZER_FILE)).items()}
    )
    save_file(tensors, str(out), metadata={"format": PACK_FORMAT, "state": state})
    return meta


def read_pack_meta(path: Path) -> CheckpointMeta:
    """The pack's sidecar, after checking that the file is a pack (header only)."""
    try:
        with safe_open(str(path), framework="pt") as pack:
            metadata = pack.metadata() or {}
            keys = list(pack.keys())
    except (SafetensorError, OSError, ValueError) as exc:
        raise PackError(f"not a safetensors file ({exc})") from None
    if metadata.get("format") != PACK_FORMAT:
        raise PackError(f"not a checkpoint pack (format {metadata.get('format')!r})")
    if not any(k.startswith(MODEL_PREFIX) for k in keys):
        raise PackError("the pack holds no model weights")
    if any(not k.startswith((MODEL_PREFIX, EXTRA_PREFIX)) for k in keys):
        raise PackError("the pack holds tensors outside model/ and extra/")
    try:
        return CheckpointMeta.model_validate_json(metadata.get("state", ""))
    except ValueError as exc:
        raise PackError(f"the pack's state is not a checkpoint sidecar ({exc})") from None


def _part(path: Path, prefix: str) -> dict[str, torch.Tensor]:
    with safe_open(str(path), framework="pt") as pack:
        return {k[len(prefix) :]: pack.get_tensor(k) for k in pack.keys() if k.startswith(prefix)}  # noqa: SIM118


def write_model_weights(pack: Path, out: Path) -> None:
    """The model's weights alone, as a plain safetensors file (`load_weights` reads it)."""
    save_file(_part(pack, MODEL_PREFIX), str(out))


def unpack_checkpoint(pack: Path, checkpoints: Path, name: str) -> Path:
    """Turn a pack into the checkpoint folder `checkpoints/name` that
    `layerlab.train.checkpoint.latest_checkpoint(checkpoints)` finds; returns it."""
    read_pack_meta(pack)  # refuses anything that is not a pack
    with safe_open(str(pack), framework="pt") as f:
        state = (f.metadata() or {})["state"]
    checkpoints.mkdir(parents=True, exist_ok=True)
    temporary = checkpoints / f".tmp-download-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    save_file(_part(pack, MODEL_PREFIX), str(temporary / MODEL_FILE))
    save_file(_part(pack, EXTRA_PREFIX), str(temporary / OPTIMIZER_FILE))
    (temporary / STATE_FILE).write_text(state)
    final = checkpoints / name
    shutil.rmtree(final, ignore_errors=True)
    os.rename(temporary, final)  # complete or absent, as the trainer writes them
    return final
