"""Memory: hand the heap pages a finished stage freed back to the operating system.

glibc keeps freed memory in its heap for reuse. A stage frees much of it in the middle of
the heap (the pages' text once segmented, a stage's temporary arrays), and the next stage's
big numpy arrays are mapped apart, so without a trim the process keeps both: on 20k pages
that was 200 MB of the peak. `malloc_trim(0)` returns every free page of every arena (a
few milliseconds per call on a 300k-segment batch). Elsewhere (musl, macOS, Windows) it is
a no-op: their allocators return memory on their own terms.
"""

from __future__ import annotations

import ctypes
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def release_freed() -> None:
    """Return the heap's free pages to the operating system (glibc), else do nothing.

    Examples:
        >>> release_freed()  # never fails, frees nothing that is in use
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's `malloc_trim`, or None when the C library is not glibc.

    Looked up on each call (microseconds, a dozen calls a run): no state kept in the module.
    """
    confstr = getattr(os, "confstr", None)  # absent on Windows
    try:
        libc = "" if confstr is None else confstr("CS_GNU_LIBC_VERSION") or ""
    except ValueError:  # a POSIX system that does not know the name: not glibc
        libc = ""
    if not libc.startswith("glibc"):
        return None
    trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # libc is loaded: no search
    return trim
