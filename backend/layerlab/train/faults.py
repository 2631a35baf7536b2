"""Named fault points, so tests can kill a process at an exact place.

`fault_point("checkpoint_before_rename")` ends the process at once (os._exit, no
cleanup, as a kill -9 would) when the environment variable LAYERLAB_FAULT names it.
It costs one dictionary lookup when unset.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

FAULT_ENV = "LAYERLAB_FAULT"
FAULT_EXIT_CODE = 86
"""The exit status of a process ended by a fault point (tests check for it)."""


def fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        log.error("fault point %s reached: exiting with %d", name, FAULT_EXIT_CODE)
        os._exit(FAULT_EXIT_CODE)
