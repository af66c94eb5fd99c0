"""Kernels: the compiled hot loops of the signature stage (numba, compiled once and cached).

Each kernel is a plain loop over one flat array of token hashes with per-text offsets, so a
whole batch is one call: no Python object per text, shingle or permutation. The loops are the
definitions in `signature.py`'s docstring, written out; tests hold them bit-identical to
datasketch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

import numba
import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

F = TypeVar("F", bound="Callable[..., object]")

POLY = np.uint64(0x9E3779B97F4A7C15)
EMPTY = np.uint32(0xFFFFFFFF)


def _compiled(function: F) -> F:
    """Compile with numba, cached on disk, threads across texts, without the GIL."""
    return cast("F", numba.njit(cache=True, nogil=True, parallel=True)(function))


def _inline(function: F) -> F:
    return cast("F", numba.njit(cache=True, nogil=True, inline="always")(function))


@_inline
def fmix64(h: np.uint64) -> np.uint64:
    """MurmurHash3's 64-bit finalizer."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def fmix64_array(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finalizer over a numpy array (wrapping multiplication)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@_inline
def fmix32(h: np.uint32) -> np.uint32:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix)."""
    h = np.uint32(h ^ (h >> np.uint32(16)))
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h = np.uint32(h ^ (h >> np.uint32(13)))
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    return np.uint32(h ^ (h >> np.uint32(16)))


@_inline
def shingle_hash32(tokens: NDArray[np.uint64], start: int, width: int) -> np.uint32:
    """The 32-bit hash of the shingle of `width` tokens at `start`."""
    h = np.uint64(0)
    for j in range(width):
        h = h * POLY + tokens[start + j]
    return np.uint32(fmix64(h) >> np.uint64(32))


@_compiled
def affine32(
    tokens: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    shingle_size: int,
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
) -> NDArray[np.uint32]:
    """Classic MinHash (datasketch's affine32): row i, column p = min of a_p * h + b_p."""
    n, width = len(offsets) - 1, len(a)
    out = np.full((n, width), EMPTY, dtype=np.uint32)
    for i in numba.prange(n):
        start, count = offsets[i], offsets[i + 1] - offsets[i]
        k = min(shingle_size, count)
        row = out[i]
        for s in range(count - k + 1 if count else 0):
            h = fmix32(shingle_hash32(tokens, start + s, k))
            for p in range(width):
                value = np.uint32(a[p] * h + b[p])
                row[p] = min(row[p], value)
    return out
