"""Kernels: the compiled hot loops of the signature stage (numba, compiled once and cached).

Each kernel is a plain loop over one flat array of token hashes with per-text offsets, so a
whole batch is one call: no Python object per text, shingle or permutation. The loops are the
definitions in `signature.py`'s docstring, written out; tests hold them bit-identical to
datasketch.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numba
import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from numpy.typing import NDArray

F = TypeVar("F", bound="Callable[..., object]")

POLY = np.uint64(0x9E3779B97F4A7C15)
EMPTY = np.uint32(0xFFFFFFFF)


# Below this much work (bytes or words) a kernel runs on one thread: waking the OpenMP pool
# costs more than it saves, and with libgomp's default active wait the woken threads then
# spin on the core the next Python step needs (70 ms per small call instead of 0.7 ms).
PARALLEL_WORK = 1 << 20

# libgomp (numba's "omp" threading layer) reads this when numba first starts its pool, after
# this import. Its default, active waiting, keeps each worker spinning after every parallel
# kernel, on the cores the Python steps between kernels need: with other work on the machine
# (load 3 on 2 cores) `find_duplicates` at 500k paragraphs took 11.5-22.6 s spinning and
# 7.4-7.5 s passive (docs/benchmarks.md). A value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@contextmanager
def threads_for(work: int) -> Iterator[None]:
    """Run the kernels called inside on one thread when `work` is small, else on all."""
    if work >= PARALLEL_WORK:
        yield
        return
    previous = numba.get_num_threads()
    numba.set_num_threads(1)  # per calling thread: safe under threaded schedulers
    try:
        yield
    finally:
        numba.set_num_threads(previous)


@contextmanager
def thread_cap(threads: int | None) -> Iterator[None]:
    """Run the kernels called inside on at most `threads` threads (None: all cores)."""
    if threads is None:
        yield
        return
    previous = numba.get_num_threads()
    most = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]  # set at import, untyped
    numba.set_num_threads(max(1, min(threads, most)))
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def _probe() -> None:
    """Nothing: decorated once to ask numba whether it has a cache folder for this file."""


def _cache_available() -> bool:
    """Whether numba can cache this module's kernels on disk.

    numba looks for a writable folder when a function is decorated with `cache=True`:
    `NUMBA_CACHE_DIR`, the `__pycache__` beside this file, then the user's cache folder. On a
    read-only install without a writable home there is none and the decorator raises
    RuntimeError, which would make the first `find_duplicates` fail: the kernels are then
    compiled in memory, in every process (docs/reliability.md).
    """
    try:
        numba.njit(cache=True)(_probe)
    except RuntimeError:
        return False
    return True


CACHE = _cache_available()


def _compiled(function: F) -> F:
    """Compile with numba, cached on disk when possible, threads across texts, without the GIL."""
    return cast("F", numba.njit(cache=CACHE, nogil=True, parallel=True)(function))


def _sequential(function: F) -> F:
    """Compile with numba, cached when possible, without the GIL, for a loop that is serial."""
    return cast("F", numba.njit(cache=CACHE, nogil=True)(function))


def _inline(function: F) -> F:
    return cast("F", numba.njit(cache=CACHE, nogil=True, inline="always")(function))


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
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    shingle_size: int,
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
) -> NDArray[np.uint32]:
    """Classic MinHash (datasketch's affine32) of the texts tokens[starts[i]:ends[i]].

    Row i, column p: the minimum over the text's shingles h of a_p * fmix32(h) + b_p.
    """
    n, width = len(starts), len(a)
    out = np.full((n, width), EMPTY, dtype=np.uint32)
    for i in numba.prange(n):
        count = ends[i] - starts[i]
        k = min(shingle_size, count)
        row = out[i]
        for s in range(count - k + 1 if count else 0):
            h = fmix32(shingle_hash32(tokens, starts[i] + s, k))
            for p in range(width):
                value = np.uint32(a[p] * h + b[p])
                row[p] = min(row[p], value)
    return out


_P1 = np.uint64(0x9E3779B185EBCA87)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0x165667B19E3779F9)
_P4 = np.uint64(0x85EBCA77C2B2AE63)
_P5 = np.uint64(0x27D4EB2F165667C5)


@_inline
def _rotl(x: np.uint64, r: int) -> np.uint64:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


@_inline
def _read64(data: NDArray[np.uint8], at: int) -> np.uint64:
    value = np.uint64(0)
    for i in range(8):
        value |= np.uint64(data[at + i]) << np.uint64(8 * i)
    return value


@_inline
def _round(acc: np.uint64, lane: np.uint64) -> np.uint64:
    return _rotl(acc + lane * _P2, 31) * _P1


@_inline
def _merge(acc: np.uint64, lane: np.uint64) -> np.uint64:
    return (acc ^ _round(np.uint64(0), lane)) * _P1 + _P4


@_inline
def xxh64(data: NDArray[np.uint8], start: int, end: int) -> np.uint64:
    """XXH64 with seed 0 of data[start:end]: the algorithm of the xxhash library."""
    at, size = start, end - start
    if size >= 32:
        v1, v2, v3, v4 = _P1 + _P2, _P2, np.uint64(0), np.uint64(0) - _P1
        while at <= end - 32:
            v1 = _round(v1, _read64(data, at))
            v2 = _round(v2, _read64(data, at + 8))
            v3 = _round(v3, _read64(data, at + 16))
            v4 = _round(v4, _read64(data, at + 24))
            at += 32
        h = _rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)
        h = _merge(_merge(_merge(_merge(h, v1), v2), v3), v4)
    else:
        h = _P5
    h += np.uint64(size)
    while at + 8 <= end:
        h = _rotl(h ^ _round(np.uint64(0), _read64(data, at)), 27) * _P1 + _P4
        at += 8
    if at + 4 <= end:
        word = np.uint64(0)
        for i in range(4):
            word |= np.uint64(data[at + i]) << np.uint64(8 * i)
        h = _rotl(h ^ (word * _P1), 23) * _P2 + _P3
        at += 4
    while at < end:
        h = _rotl(h ^ (np.uint64(data[at]) * _P5), 11) * _P1
        at += 1
    h ^= h >> np.uint64(33)
    h *= _P2
    h ^= h >> np.uint64(29)
    h *= _P3
    h ^= h >> np.uint64(32)
    return h


@_inline
def _code_point(data: NDArray[np.uint8], at: int) -> tuple[int, int]:
    """Decode the UTF-8 character at `at`: (code point, its length in bytes)."""
    lead = int(data[at])
    if lead < 0x80:
        return lead, 1
    if lead < 0xE0:
        return ((lead & 0x1F) << 6) | (int(data[at + 1]) & 0x3F), 2
    if lead < 0xF0:
        cp = ((lead & 0x0F) << 12) | ((int(data[at + 1]) & 0x3F) << 6)
        return cp | (int(data[at + 2]) & 0x3F), 3
    cp = ((lead & 0x07) << 18) | ((int(data[at + 1]) & 0x3F) << 12)
    return cp | ((int(data[at + 2]) & 0x3F) << 6) | (int(data[at + 3]) & 0x3F), 4


@_inline
def _fold_words(
    data: NDArray[np.uint8], start: int, end: int, word: NDArray[np.bool_], out: NDArray[np.uint8]
) -> tuple[int, int]:
    """Write the words of data[start:end], joined by single spaces, to out[start:].

    A word is a maximal run of word characters (`str.isalnum`), ASCII letters lowered:
    for text that is already NFKC and case-folded, this writes exactly `normalize(text)`,
    never longer than the input. Returns (number of words, bytes written).
    """
    count, written, at, inside = 0, 0, start, False
    while at < end:
        cp, size = _code_point(data, at)
        if word[cp]:
            if not inside:
                if count:
                    out[start + written] = 32
                    written += 1
                count += 1
                inside = True
            for i in range(size):
                byte = data[at + i]
                out[start + written + i] = byte + 32 if 65 <= byte <= 90 else byte
            written += size
        else:
            inside = False
        at += size
    return count, written


@_compiled
def tokenize(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    word: NDArray[np.bool_],
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint8], NDArray[np.int64]]:
    """Normalize and hash the words of every text, text i being data[starts[i]:ends[i]].

    The texts do not overlap (they may come in any order). Returns (word hashes, offsets,
    norms, norm lengths): text i's words are hashes[offsets[i]:offsets[i + 1]] and its
    normalized UTF-8 text is norms[starts[i]:starts[i] + lengths[i]]. `fold_words` then
    `hash_words`, into arrays of their own.
    """
    counts = np.zeros(len(starts) + 1, dtype=np.int64)
    lengths = np.zeros(len(starts), dtype=np.int64)
    norms = np.zeros(len(data), dtype=np.uint8)
    _fold_all(data, starts, ends, word, norms, counts, lengths)
    offsets = np.cumsum(counts)
    hashes = np.empty(offsets[-1], dtype=np.uint64)
    _hash_all(norms, starts, lengths, offsets, hashes)
    return hashes, offsets, norms, lengths


@_compiled
def fold_words(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    word: NDArray[np.bool_],
    norms: NDArray[np.uint8],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Write the normalized text of data[starts[i]:ends[i]] to norms[starts[i]:], every i.

    Returns each text's number of words, after a leading 0 (the offsets' steps), and the
    bytes of its normalized text. `norms` holds at least `ends.max()` bytes (the caller's
    own array, or a view of a column).
    """
    counts = np.zeros(len(starts) + 1, dtype=np.int64)
    lengths = np.zeros(len(starts), dtype=np.int64)
    _fold_all(data, starts, ends, word, norms, counts, lengths)
    return counts, lengths


@_compiled
def hash_words(
    norms: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    offsets: NDArray[np.int64],
    hashes: NDArray[np.uint64],
) -> None:
    """Write the XXH64 of the words of norms[starts[i]:starts[i] + lengths[i]] to hashes.

    Text i's words go to hashes[offsets[i]:offsets[i + 1]].
    """
    _hash_all(norms, starts, lengths, offsets, hashes)


@_inline
def _fold_all(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    word: NDArray[np.bool_],
    norms: NDArray[np.uint8],
    counts: NDArray[np.int64],
    lengths: NDArray[np.int64],
) -> None:
    for i in numba.prange(len(starts)):
        counts[i + 1], lengths[i] = _fold_words(data, starts[i], ends[i], word, norms)


@_inline
def _hash_all(
    norms: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    offsets: NDArray[np.int64],
    hashes: NDArray[np.uint64],
) -> None:
    for i in numba.prange(len(starts)):
        k, begin, stop = offsets[i], starts[i], starts[i] + lengths[i]
        for at in range(begin, stop + 1):
            if at == stop or norms[at] == 32:
                if at > begin and k < offsets[i + 1]:  # a word table marking " " cannot overrun
                    hashes[k] = xxh64(norms, begin, at)
                    k += 1
                begin = at + 1


@_compiled
def text_keys(hashes: NDArray[np.uint64], offsets: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Two independent 64-bit keys of each text's token sequence: equal texts, equal keys."""
    n = len(offsets) - 1
    keys = np.zeros((n, 2), dtype=np.uint64)
    for i in numba.prange(n):
        first, second = np.uint64(offsets[i + 1] - offsets[i]), _P5
        for j in range(offsets[i], offsets[i + 1]):
            first = first * POLY + hashes[j]
            second = _rotl(second ^ (hashes[j] * _P2), 31) * _P1
        keys[i, 0], keys[i, 1] = fmix64(first), fmix64(second)
    return keys


@_inline
def _band_key(row: NDArray[np.uint32], band: int, rows: int) -> np.uint64:
    """Hash band `band` of a signature row (its `rows` columns) to its key, salted by band."""
    h = np.uint64(band + 1) * _P5
    for column in range(band * rows, band * rows + rows):
        h = h * POLY + np.uint64(row[column])
    return fmix64(h)


@_compiled
def band_keys(
    signatures: NDArray[np.uint32], bands: int, rows: int, extra: int = 0
) -> NDArray[np.uint64]:
    """Hash band j (columns j*rows .. j*rows + rows - 1) of each row to one uint64 key.

    Keys of different bands differ by a salt, so equal values in two bands never collide.
    `extra` zero columns follow the bands, for the caller's own keys (no second matrix).
    The matrix is laid out column by column (Fortran order): candidates read it a column at
    a time, and a strided column of a row-major matrix reads every row's cache line.
    """
    n = len(signatures)
    columns = np.empty((bands + extra, n), dtype=np.uint64)
    for i in numba.prange(n):
        for column in range(bands, bands + extra):
            columns[column, i] = 0
        for band in range(bands):
            columns[band, i] = _band_key(signatures[i], band, rows)
    return columns.T


@_inline
def _shingle_bounds(
    starts: NDArray[np.int64], ends: NDArray[np.int64], width: int
) -> NDArray[np.int64]:
    """Where each text's shingles (before removing repeats) start in one flat array."""
    n = len(starts)
    bounds = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        count = ends[i] - starts[i]
        bounds[i + 1] = bounds[i] + (count - min(width, count) + 1 if count else 0)
    return bounds


_SORT_SCRATCH = 4096  # texts of more shingles are sorted by numba's quicksort


@_inline
def _insertion_sort(values: NDArray[np.uint64]) -> None:
    """Sort in place by insertion: linear on the nearly sorted output of a bucket pass."""
    for i in range(1, len(values)):
        value = values[i]
        j = i - 1
        while j >= 0 and values[j] > value:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = value


@_inline
def _sort_hashes(
    values: NDArray[np.uint64], scratch: NDArray[np.uint64], counts: NDArray[np.int64]
) -> None:
    """Sort uniformly spread hashes in place: a bucket pass on their top bits, then insertion.

    With about one hash per bucket the insertion pass moves few values: five times faster
    than a quicksort on the 50 shingles of a paragraph. `scratch` and `counts` are the
    caller's, reused across texts (no allocation per text).
    """
    n = len(values)
    if n <= 16:
        _insertion_sort(values)
        return
    if n > len(scratch):
        values.sort()
        return
    bits = 1
    while (1 << bits) < n:
        bits += 1
    shift = np.uint64(64 - bits)
    counts[: (1 << bits) + 1] = 0
    for value in values:
        counts[(value >> shift) + np.uint64(1)] += 1
    for bucket in range(1 << bits):
        counts[bucket + 1] += counts[bucket]
    for value in values:
        bucket = value >> shift
        scratch[counts[bucket]] = value
        counts[bucket] += 1
    _insertion_sort(scratch[:n])
    values[:] = scratch[:n]


@_inline
def _distinct_shingles(
    tokens: NDArray[np.uint64],
    start: int,
    end: int,
    width: int,
    out: NDArray[np.uint64],
    scratch: tuple[NDArray[np.uint64], NDArray[np.int64]],
) -> int:
    """Write the distinct shingle hashes of tokens[start:end], sorted, to out; return how many.

    `out` has room for every shingle; it is sorted in place (no allocation per text).
    """
    k = min(width, end - start)
    for s in range(len(out)):
        h = np.uint64(0)
        for j in range(k):
            h = h * POLY + tokens[start + s + j]
        out[s] = fmix64(h)
    _sort_hashes(out, scratch[0], scratch[1])
    kept = 0
    for s in range(len(out)):
        if kept == 0 or out[s] != out[kept - 1]:
            out[kept] = out[s]
            kept += 1
    return kept


@_inline
def _blocks(n: int) -> int:
    """Blocks of texts for a parallel loop that reuses scratch memory within each block."""
    return min(n, 256)


@_inline
def _compact(
    raw: NDArray[np.uint64], bounds: NDArray[np.int64], sizes: NDArray[np.int64]
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Move each text's kept values, raw[bounds[i]:bounds[i] + sizes[i + 1]], to the left.

    In text order, in place: a text's new start is never after its old one.
    """
    offsets = np.cumsum(sizes)
    for i in range(len(bounds) - 1):
        if offsets[i] != bounds[i]:
            for s in range(sizes[i + 1]):
                raw[offsets[i] + s] = raw[bounds[i] + s]
    return raw[: offsets[-1]], offsets


def shingle_sets(
    tokens: NDArray[np.uint64], starts: NDArray[np.int64], ends: NDArray[np.int64], width: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Each text's distinct shingle hashes, sorted: text i's are sets[offsets[i]:offsets[i + 1]].

    A shingle is `width` consecutive tokens (the whole text when it is shorter), hashed as the
    polynomial of its tokens mixed by fmix64, so the 64-bit hashes of distinct shingles differ
    but for a chance of about n**2 / 2**64. `sketch_sets` with no permutations.
    """
    _, sets, offsets = sketch_sets(tokens, starts, ends, width, _NO_PERMUTATIONS, _NO_PERMUTATIONS)
    return sets, offsets


_NO_PERMUTATIONS = np.empty(0, dtype=np.uint32)


@_inline
def _sign(
    hashes: NDArray[np.uint64],
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
    row: NDArray[np.uint32],
) -> None:
    """Write the affine32 signature row of these distinct shingle hashes into `row`."""
    row[:] = EMPTY
    for s in range(len(hashes)):
        h = fmix32(np.uint32(hashes[s] >> np.uint64(32)))
        for p in range(len(a)):
            row[p] = min(row[p], np.uint32(a[p] * h + b[p]))


@_compiled
def sketch_sets(
    tokens: NDArray[np.uint64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    width: int,
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
) -> tuple[NDArray[np.uint32], NDArray[np.uint64], NDArray[np.int64]]:
    """`affine32` and `shingle_sets` of the same texts in one pass: (matrix, sets, offsets).

    Each shingle is hashed once: `shingle_hash32` is the top half of the 64-bit set hash, and
    a minimum over a text's distinct shingles is the minimum over all of them, so the
    matrix is `affine32`'s, bit for bit, at the cost of the distinct shingles only.
    """
    n, width_p = len(starts), len(a)
    bounds = _shingle_bounds(starts, ends, width)
    raw = np.empty(bounds[-1], dtype=np.uint64)
    sizes = np.zeros(n + 1, dtype=np.int64)
    matrix = np.empty((n, width_p), dtype=np.uint32)  # each row set by _sign
    blocks = _blocks(n)
    for block in numba.prange(blocks):
        scratch = (
            np.empty(_SORT_SCRATCH, dtype=np.uint64),
            np.empty(_SORT_SCRATCH + 1, dtype=np.int64),
        )
        for i in range(block * n // blocks, (block + 1) * n // blocks):
            out = raw[bounds[i] : bounds[i + 1]]
            kept = _distinct_shingles(tokens, starts[i], ends[i], width, out, scratch)
            sizes[i + 1] = kept
            _sign(out[:kept], a, b, matrix[i])
    sets, offsets = _compact(raw, bounds, sizes)
    return matrix, sets, offsets


@_compiled
def shared_counts(
    sets: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    first: NDArray[np.int64],
    second: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Count the shingles texts first[p] and second[p] share: a merge of two sorted sets.

    O(|A| + |B|) per pair, threaded across pairs.
    """
    out = np.zeros(len(first), dtype=np.int64)
    for p in numba.prange(len(first)):
        i, i_end = offsets[first[p]], offsets[first[p] + 1]
        j, j_end = offsets[second[p]], offsets[second[p] + 1]
        count = 0
        while i < i_end and j < j_end:
            if sets[i] == sets[j]:
                count += 1
                i += 1
                j += 1
            elif sets[i] < sets[j]:
                i += 1
            else:
                j += 1
        out[p] = count
    return out


@_compiled
def group_pairs(
    owners: NDArray[np.int64], starts: NDArray[np.int64], ends: NDArray[np.int64], n: int
) -> NDArray[np.int64]:
    """Return the codes a * n + b (a < b) of all owner pairs within each group owners[s:e].

    Every pair of the holders of one key: the caller caps the group sizes, which bounds the
    output by the cap times the number of keys.
    """
    counts = np.zeros(len(starts) + 1, dtype=np.int64)
    for g in range(len(starts)):
        size = ends[g] - starts[g]
        counts[g + 1] = counts[g] + size * (size - 1) // 2
    codes = np.empty(counts[-1], dtype=np.int64)
    for g in numba.prange(len(starts)):
        at = counts[g]
        for x in range(starts[g], ends[g]):
            for y in range(x + 1, ends[g]):
                a, b = min(owners[x], owners[y]), max(owners[x], owners[y])
                codes[at] = a * n + b
                at += 1
    return codes


@_compiled
def member(keys: NDArray[np.uint64], table: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Return, for each key, whether it is in `table`: an open-addressing hash set.

    The set is built once, then probed in parallel; keys are already mixed hashes, so their
    low bits index the slots. O(len(keys) + len(table)).
    """
    size = 2
    while size < 2 * len(table):
        size *= 2
    slots = np.zeros(size, dtype=np.uint64)
    used = np.zeros(size, dtype=np.bool_)
    mask = np.uint64(size - 1)
    for t in table:
        h = t & mask
        while used[h] and slots[h] != t:
            h = (h + np.uint64(1)) & mask
        used[h] = True
        slots[h] = t
    out = np.zeros(len(keys), dtype=np.bool_)
    for i in numba.prange(len(keys)):
        h = keys[i] & mask
        while used[h]:
            if slots[h] == keys[i]:
                out[i] = True
                break
            h = (h + np.uint64(1)) & mask
    return out


@_compiled
def utf8_lengths(
    data: NDArray[np.uint8], starts: NDArray[np.int64], lengths: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Return the characters of each UTF-8 slice data[s:s + n]: its bytes that start one.

    A character is one leading byte and its continuation bytes (0b10xxxxxx), so counting
    the bytes that are no continuation counts characters without decoding. O(total bytes).
    """
    out = np.zeros(len(starts), dtype=np.int64)
    for i in numba.prange(len(starts)):
        count = 0
        for at in range(starts[i], starts[i] + lengths[i]):
            if (data[at] & 0xC0) != 0x80:
                count += 1
        out[i] = count
    return out


@_sequential
def story_keys(
    hashes: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    chosen: NDArray[np.int64],
    pages: NDArray[np.int64],
    k: int,
    bits: int,
    part_bits: int = 0,
    part: int = 0,
) -> NDArray[np.uint64]:
    """Return the (shingle, page) keys of the chosen segments' words, read as page texts.

    The words of the chosen segments in order are one stream; every run of k words of one
    page (pages ascend along the stream) is a shingle `(...(w1 * POLY + w2) * POLY ...) + wk`,
    its top `64 - bits` bits kept and its page in the low `bits`. One output array, no
    temporary per word: the numpy form of this held seven. With `part_bits`, only the keys
    whose top `part_bits` bits are `part`: one range of the sorted keys, so a caller can
    take them a range at a time. The last k words sit twice in a window of 2k, so each
    shingle reads them in order without a division.
    """
    total = 0
    for c in range(len(chosen)):
        total += offsets[chosen[c] + 1] - offsets[chosen[c]]
    out = np.empty(max(total - k + 1, 0), dtype=np.uint64)  # pages never written: not resident
    window = np.zeros(2 * k, dtype=np.uint64)
    low = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64(64 - part_bits if part_bits > 0 else 0)
    wanted = np.uint64(part)
    made, run, slot, page = 0, 0, 0, -1
    for c in range(len(chosen)):
        if pages[c] != page:
            page, run = pages[c], 0
        for at in range(offsets[chosen[c]], offsets[chosen[c] + 1]):
            window[slot] = hashes[at]
            window[slot + k] = hashes[at]
            slot = slot + 1 if slot + 1 < k else 0
            run += 1
            if run >= k:  # the last k words, oldest first: window[slot : slot + k]
                shingle = window[slot]
                for offset in range(1, k):
                    shingle = shingle * POLY + window[slot + offset]
                if part_bits == 0 or (shingle >> shift) == wanted:
                    out[made] = (shingle & ~low) | np.uint64(page)
                    made += 1
    return out[:made]


_END_MARKS = (33, 46, 58, 59, 63)  # ! . : ; ?  (facts' sentence ends)
WORD_CHAR, UPPER_CHAR = 1, 2
"""Flags of a code point in `text_names`' table: `str.isalnum`, and `str.isupper` too."""


@_sequential
def text_names(data: NDArray[np.uint8], table: NDArray[np.uint8]) -> tuple[int, NDArray[np.int64]]:
    """Return the words of a UTF-8 text and which of them are names, in one pass.

    A word is a run of word characters (`table[cp] & WORD_CHAR`, `str.isalnum`, which is
    what the regex class of letters and digits matches);
    word i is a name when its first character is upper case, i > 0, and no sentence end
    (`.!?:;`) lies between it and word i - 1: `stages.facts.names_by_gaps`' rule. Returns
    (number of words, names ascending), or (-1, none) when a code point lies beyond the table.
    """
    names = np.empty(len(data) // 2 + 1, dtype=np.int64)  # a word and a gap: 2 bytes at least
    count, found, inside, ended, at = 0, 0, False, False, 0
    while at < len(data):
        cp, size = _code_point(data, at)
        at += size
        if cp >= len(table):
            return -1, names[:0]
        if table[cp] & WORD_CHAR:
            if not inside:
                if table[cp] & UPPER_CHAR and count > 0 and not ended:
                    names[found] = count
                    found += 1
                count += 1
                inside, ended = True, False
        else:
            inside = False
            if cp in _END_MARKS:
                ended = True
    return count, names[:found]


@_sequential
def component_roots(
    size: int, first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Return each node's component root, the smallest node of its component.

    Nodes are 0 to size - 1, edges (first[e], second[e]); union-find under the smaller root
    with path halving, so every parent is at most its node and one ascending pass ends it.
    """
    parent = np.arange(size, dtype=np.int64)
    for e in range(len(first)):
        roots = [0, 0]
        for k, start in enumerate((first[e], second[e])):
            node = start
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            roots[k] = node
        parent[max(roots[0], roots[1])] = min(roots[0], roots[1])
    for node in range(size):
        parent[node] = parent[parent[node]]  # the parent is smaller: its root is known
    return parent


@_sequential
def texts_names(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    table: NDArray[np.uint8],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return `text_names` of every text data[starts[i]:ends[i]], in one call.

    Returns (each text's number of words, or -1; name offsets; names): text i's names are
    names[offsets[i]:offsets[i + 1]]. One call for a batch of texts, where a call per text
    costs more in dispatch than the pass itself.
    """
    counts = np.empty(len(starts), dtype=np.int64)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    room = 0
    for i in range(len(starts)):
        room += (ends[i] - starts[i]) // 2 + 1
    names = np.empty(room, dtype=np.int64)
    for i in range(len(starts)):
        count, found = text_names(data[starts[i] : ends[i]], table)
        counts[i] = count
        offsets[i + 1] = offsets[i] + len(found)
        names[offsets[i] : offsets[i + 1]] = found
    return counts, offsets, names[: offsets[-1]]


@_inline
def _spaces(data: NDArray[np.uint8], start: int, end: int) -> int:
    """Count the spaces in data[start:end]."""
    count = 0
    for at in range(start, end):
        if data[at] == 32:
            count += 1
    return count


@_inline
def _word_edge(data: NDArray[np.uint8], at: int, start: int, end: int) -> bool:
    """Whether position `at` of the text data[start:end] lies between words (or at an end)."""
    return at <= start or at >= end or data[at] == 32


@_compiled
def common_ends(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    words: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the words pair p's two normalized texts share at their head, then at their tail.

    Text k of pair p is data[starts[p, k]:starts[p, k] + lengths[p, k]] (UTF-8, words joined
    by single spaces), of words[p, k] words. The words shared are read from the bytes shared:
    the spaces inside the common bytes, and one word more where both texts break there. The
    tail is counted within what the head leaves of the shorter text (as
    `stages.facts.word_blocks` counts it).
    """
    head = np.zeros(len(starts), dtype=np.int64)
    tail = np.zeros(len(starts), dtype=np.int64)
    for p in numba.prange(len(starts)):
        a, b = starts[p, 0], starts[p, 1]
        a_end, b_end = a + lengths[p, 0], b + lengths[p, 1]
        same = 0
        while a + same < a_end and b + same < b_end and data[a + same] == data[b + same]:
            same += 1
        h = _spaces(data, a, a + same)
        if (
            same > 0
            and _word_edge(data, a + same, a, a_end)
            and _word_edge(data, b + same, b, b_end)
        ):
            h += 1
        back = 0
        while (
            back < a_end - a
            and back < b_end - b
            and data[a_end - 1 - back] == data[b_end - 1 - back]
        ):
            back += 1
        t = _spaces(data, a_end - back, a_end)
        if (
            back > 0
            and _word_edge(data, a_end - back - 1, a - 1, a_end)
            and _word_edge(data, b_end - back - 1, b - 1, b_end)
        ):
            t += 1
        head[p] = h
        tail[p] = min(t, min(words[p, 0], words[p, 1]) - h)
    return head, tail


@_compiled
def gather_slices(
    data: NDArray[Any], starts: NDArray[np.int64], bounds: NDArray[np.int64]
) -> NDArray[Any]:
    """Return the slices of data starting at `starts`, end to end, slice i at bounds[i].

    Slice i is data[starts[i]:starts[i] + bounds[i + 1] - bounds[i]]; one copy per slice,
    threaded across slices. Any dtype (the norms' bytes, the word hashes).
    """
    out = np.empty(bounds[-1], dtype=data.dtype)
    for i in numba.prange(len(starts)):
        out[bounds[i] : bounds[i + 1]] = data[starts[i] : starts[i] + bounds[i + 1] - bounds[i]]
    return out
