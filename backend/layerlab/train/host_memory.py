"""The host allocator of a process that trains on the CPU: freed memory is kept.

glibc's malloc hands large blocks back to the operating system when they are freed: a
block over the mmap threshold is unmapped, and free space at the top of the heap over
the trim threshold is trimmed. Both thresholds adapt to what the process frees, so a
CPU training step, which allocates and frees the same activation and gradient buffers
(megabytes each) every step, can end up mapping them afresh every step: measured on
LeNet-5 at batch 64, 0 to 1,600 page faults a step from one process to the next, and
steps about 12% slower when they happen (each new page is faulted in and zeroed).

`keep_freed_memory` fixes both thresholds, as PyTorch's CPU tuning guide advises
(there by swapping in another allocator): blocks up to 32 MiB (glibc's largest mmap
threshold on 64-bit) come from the heap, and the heap keeps up to 1 GiB free at its top
for the next step. The process keeps its peak heap instead of returning it, which a
training process reaches again every step anyway.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import platform

log = logging.getLogger(__name__)

MMAP_THRESHOLD = 32 * 2**20
"""Bytes: larger blocks are still mapped on their own (glibc's upper bound on 64-bit)."""
TRIM_THRESHOLD = 2**30
"""Bytes of free space the heap keeps at its top before it gives any back."""

# mallopt's parameter numbers (glibc's malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's thresholds for the rest of this process, once; False where the C
    library is not glibc (macOS, musl), which is then left as it is."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    applied = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    if not applied:
        log.warning("glibc refused the malloc thresholds; CPU steps may fault in pages")
    return applied
