"""The ids and names that travel between processes: their patterns and how new ones
are made, in one place.

The server checks them at its edges, the store writes them, and the worker checks them
in its protocol; a checkpoint's name is made and read here too, for the trainer's
folders and the server's files alike. So this module imports only the standard
library (the worker needs no database).
"""

from __future__ import annotations

import re
import secrets

RUN_ID_PATTERN = r"^r_[0-9a-f]{12}$"
WORKER_ID_PATTERN = r"^w_[0-9a-f]{12}$"
GRAPH_ID_PATTERN = r"^g_[0-9a-f]{12}$"
DATASET_ID_PATTERN = r"^d_[0-9a-f]{12}$"
SWEEP_ID_PATTERN = r"^s_[0-9a-f]{12}$"
CHECKPOINT_NAME_PATTERN = r"^step-\d{8}(-\d+)?$"
IMPORTED_WEIGHTS_PATTERN = r"^onnx_[0-9a-f]{16}$"
"""Weights imported with an ONNX file, named by the file's hash (server/importing.py)."""
"""A checkpoint's directory name: step-00000120, or step-00000120-1 for a second one."""
_CHECKPOINT_NAME = re.compile(CHECKPOINT_NAME_PATTERN)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(6)}"  # 12 hex digits


def new_run_id() -> str:
    return _new_id("r")


def new_worker_id() -> str:
    return _new_id("w")


def new_graph_id() -> str:
    return _new_id("g")


def new_dataset_id() -> str:
    return _new_id("d")


def new_sweep_id() -> str:
    return _new_id("s")


def new_checkpoint_name(step: int, copy: int = 0) -> str:
    """The name of a checkpoint taken at `step`: step-00000120, then step-00000120-1
    for a second one at the same step (`copy` 1), and so on."""
    base = f"step-{step:08d}"
    return f"{base}-{copy}" if copy else base


def checkpoint_position(name: str) -> tuple[int, int] | None:
    """(step, copy) of a checkpoint name, which orders checkpoints oldest first; None
    for a name that is not one (a temporary folder, anything else)."""
    if not _CHECKPOINT_NAME.fullmatch(name):
        return None
    step, _, copy = name.removeprefix("step-").partition("-")
    return int(step), int(copy or 0)
