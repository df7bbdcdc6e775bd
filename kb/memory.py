"""Handing memory back: what a stage freed stays in the process otherwise, counted in its memory (and
in every forked worker's, page by page) for the rest of the build."""

from __future__ import annotations

import contextlib
import ctypes
import gc


def release_free_memory() -> None:
    """Collect cycles, then give the memory the allocator holds free back to the system (glibc's
    ``malloc_trim``; 40 MB at 10x after alignment). Nothing more happens where there is no glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
