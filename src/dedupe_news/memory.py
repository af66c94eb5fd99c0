"""Memory: hand freed heap pages back to the system; pause the collector over acyclic bursts.

glibc keeps freed memory in its heap for reuse. A stage frees much of it in the middle of
the heap (the pages' text once segmented, a stage's temporary arrays), and the next stage's
big numpy arrays are mapped apart, so without a trim the process keeps both: on 20k pages
that was 200 MB of the peak. `malloc_trim(0)` returns every free page of every arena (a
few milliseconds per call on a 300k-segment batch). Elsewhere (musl, macOS, Windows) it is
a no-op: their allocators return memory on their own terms.
"""

from __future__ import annotations

import ctypes
import gc
import mmap
import os
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from numpy.typing import NDArray


def release_freed() -> None:
    """Return the heap's free pages to the operating system (glibc), else do nothing.

    Inside `heap_kept` it does nothing either.

    Examples:
        >>> release_freed()  # never fails, frees nothing that is in use
    """
    trim = _malloc_trim() if _TRIMMED.get() else None
    if trim is not None:
        trim(0)


_TRIMMED: ContextVar[bool] = ContextVar("dedupe_news_trimmed", default=True)


@contextmanager
def heap_kept() -> Iterator[None]:
    """Keep freed heap pages for reuse: `release_freed` does nothing inside (this thread's).

    A trim costs its calls and, later, the page faults that map the pages again: 8% of
    `find_duplicates` on 100k paragraphs (0.52-0.54 s against 0.56-0.58, five runs each),
    for a peak 2-6 MiB lower (373 MiB; 906 against 934 MiB at 500k). The page pipeline
    (`dedupe`) keeps its trims, which hold the 65k-page crawl's peak under 3x its input.

    Examples:
        >>> with heap_kept():
        ...     release_freed()  # returns at once
    """
    token = _TRIMMED.set(False)
    try:
        yield
    finally:
        _TRIMMED.reset(token)


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


def map_large_blocks() -> None:
    """Have glibc map every block of `MAPPED_BLOCK_BYTES` or more apart, for the whole process.

    glibc raises its mapping threshold (up to 32 MiB) as large blocks are freed, so a
    stage's arrays of a few MB then come from the heap, and a freed one stays resident
    among live ones until a trim: on the 65k-page crawl, 10 to 40 MiB at several stages'
    peaks. A fixed threshold gives each such block back as it is freed, at the cost of
    mapping them afresh (4 MiB: the 20k-page scan measured 0.1-0.15 s slower under load;
    1 MiB added more system time). For a process that runs batches, the CLI's; a library
    never changes its caller's allocator. Elsewhere it does nothing.

    Examples:
        >>> map_large_blocks()  # never fails
    """
    if _malloc_trim() is not None:  # glibc
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, MAPPED_BLOCK_BYTES)


MAPPED_BLOCK_BYTES = 4 << 20
"""The mapping threshold `map_large_blocks` fixes."""
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def release_tail(array: NDArray[Any], used: int) -> None:
    """Give the pages wholly past the first `used` bytes of a C-contiguous array back (Linux).

    The array keeps its size; what lay past `used` reads as zeros from then on, so this is
    for a buffer whose tail the caller will never read again (the word hashes once the
    shingle sets are written over their front). Elsewhere it does nothing.

    Examples:
        >>> import numpy as np
        >>> values = np.arange(1 << 16, dtype=np.uint64)
        >>> release_tail(values, 16)  # the first two values are kept
        >>> values[:2].tolist(), len(values), int(values[1 << 15]) in (0, 1 << 15)
        ([0, 1], 65536, True)
    """
    page = mmap.PAGESIZE
    first = -(-(array.ctypes.data + used) // page) * page  # the first page wholly past it
    end = array.ctypes.data + array.nbytes
    if sys.platform != "linux" or end - first < page or not array.flags.c_contiguous:
        return
    length = (end - first) // page * page
    ctypes.CDLL(None).madvise(ctypes.c_void_p(first), ctypes.c_size_t(length), _MADV_DONTNEED)


_MADV_DONTNEED = 4  # Linux: the pages are dropped, and read as zeros if touched again


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector over work that makes many small acyclic objects.

    Clusters, ids, labels and the report's per-page dicts make no reference cycles, but each
    allocation burst triggers full collections that walk every live object of the batch
    (the pages and segments): on 300k segments that was half of the cluster and label
    stages' time, and 40% of writing the JSON report of 1.5M segments (4.4 s, 2.6 s with the
    collector paused). Reference counting still frees everything; the collector is switched
    back on (if it was on) when the work ends, even on an error.

    Examples:
        >>> import gc
        >>> with collector_paused():
        ...     gc.isenabled()
        False
        >>> gc.isenabled()
        True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
