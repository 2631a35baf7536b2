"""The ids and names that travel between processes: their patterns and how new ones
are made, in one place.

The server checks them at its edges, the store writes them, and the worker checks them
in its protocol; so this module imports nothing (the worker needs no database).
"""

from __future__ import annotations

import secrets

RUN_ID_PATTERN = r"^r_[0-9a-f]{12}$"
WORKER_ID_PATTERN = r"^w_[0-9a-f]{12}$"
GRAPH_ID_PATTERN = r"^g_[0-9a-f]{12}$"
DATASET_ID_PATTERN = r"^d_[0-9a-f]{12}$"
CHECKPOINT_NAME_PATTERN = r"^step-\d{8}(-\d+)?$"
"""A checkpoint's directory name: step-00000120, or step-00000120-1 for a second one."""


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
