"""Give the heap memory the process has freed back to the system.

glibc keeps freed memory in its arenas for reuse; after a stage that allocated a lot
and freed it (Whisper's batches run on CTranslate2's threads, each with its own arena),
the process would otherwise hold on to it through every later stage and after the
analysis. ``malloc_trim(0)`` returns the free pages of every arena. Elsewhere than glibc
it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
        return trim
    except (AttributeError, OSError):  # not glibc
        return None


def return_freed_memory() -> None:
    """Return freed heap memory to the system (glibc ``malloc_trim``; else a no-op)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
