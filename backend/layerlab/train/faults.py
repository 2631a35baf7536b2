"""Named fault points, so tests can kill a process at an exact place.

`fault_point("checkpoint_before_rename")` ends the process at once (os._exit, no
cleanup, as a kill -9 would) when the environment variable LAYERLAB_FAULT names it.
`hang_point` and `balloon_point` stand in for a hostile input instead: a load that never
returns, or one whose memory grows without end. Each costs one dictionary lookup when
unset.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger(__name__)

FAULT_ENV = "LAYERLAB_FAULT"
FAULT_EXIT_CODE = 86
"""The exit status of a process ended by a fault point (tests check for it)."""
BALLOON_STEP_BYTES = 50 * 2**20
BALLOON_STEP_S = 0.02
"""A balloon grows by 50 MiB every 20 ms (2.5 GiB/s): fast, yet slow enough for a
watcher polling every 50 ms to see it pass a limit by no more than a few steps."""
PAGE_BYTES = 4096


def fault_armed(name: str) -> bool:
    return os.environ.get(FAULT_ENV) == name


def fault_point(name: str) -> None:
    if fault_armed(name):
        log.error("fault point %s reached: exiting with %d", name, FAULT_EXIT_CODE)
        os._exit(FAULT_EXIT_CODE)


def hang_point(name: str) -> None:
    """Sleep forever when armed: only a signal ends the process."""
    if fault_armed(name):
        log.error("fault point %s reached: hanging", name)
        while True:
            time.sleep(3600)


def balloon_point(name: str) -> None:
    """Allocate memory without end when armed, touching every page so it is resident
    (an untouched allocation costs no RSS)."""
    if not fault_armed(name):
        return
    log.error(
        "fault point %s reached: growing by %d bytes every %g s",
        name,
        BALLOON_STEP_BYTES,
        BALLOON_STEP_S,
    )
    hoard: list[bytearray] = []
    touch = b"\x01" * (BALLOON_STEP_BYTES // PAGE_BYTES)
    while True:
        block = bytearray(BALLOON_STEP_BYTES)
        block[::PAGE_BYTES] = touch
        hoard.append(block)
        time.sleep(BALLOON_STEP_S)
