"""Veto kernels: the compiled word alignment of the facts veto (`facts.word_blocks`, batched).

`aligned_blocks` gives, for a batch of pairs of normalized texts (UTF-8, words joined by
single spaces), the differing blocks of their aligned words: the blocks `facts.word_blocks`
makes from rapidfuzz's `Levenshtein.opcodes`, with rapidfuzz's own choice among equal-cost
alignments. It is the algorithm of rapidfuzz's reference implementation
(`rapidfuzz.distance.Levenshtein_py.editops`): common affix removed, Hyyrö's bit-parallel
matrix (`_matrix`, here with words of 64 bits and the carries between them written out),
then the same backtrace (deletion first, then insertion, then a match or a replacement).
Words are compared by their bytes. Pairs too long for the plain matrix, where rapidfuzz's
compiled code switches to Hirschberg's split, are left to `word_blocks` (status
`FALLBACK`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages._kernels import _inline, _sequential

if TYPE_CHECKING:
    from numpy.typing import NDArray

NONE = 0  # no block is small on both sides: the veto cannot fire
SMALL = 1  # a block is small on both sides: the facts decide (the blocks are given)
FALLBACK = 2  # too long to align here: `facts.word_blocks` aligns it
# Mids with more word pairs than this are left to rapidfuzz, which aligns pairs of at least
# 4M word pairs by Hirschberg's split (another choice among equal-cost alignments).
MAX_CELLS = 1 << 21
_SPACE = 32
_ONE = np.uint64(1)
_ZERO = np.uint64(0)
_FNV = np.uint64(0x100000001B3)
_MAX_DIGITS = 18  # `facts._one_number`: under 19 digits


@_inline
def _bounds(
    data: NDArray[np.uint8], start: int, end: int, first: int, out: NDArray[np.int64]
) -> None:
    """Write the byte bounds of words first .. first + len(out) // 2 - 1 of data[start:end]."""
    word, at = 0, start
    while word < first:
        if data[at] == _SPACE:
            word += 1
        at += 1
    for k in range(len(out) // 2):
        out[2 * k] = at
        while at < end and data[at] != _SPACE:
            at += 1
        out[2 * k + 1] = at
        at += 1


@_inline
def _hash(data: NDArray[np.uint8], bounds: NDArray[np.int64], k: int) -> np.uint64:
    """Return the FNV-1a hash of word k (only to find equal words fast; bytes decide)."""
    h = np.uint64(0xCBF29CE484222325)
    for at in range(bounds[2 * k], bounds[2 * k + 1]):
        h = (h ^ np.uint64(data[at])) * _FNV
    return h


@_inline
def _equal(
    data: NDArray[np.uint8], x: NDArray[np.int64], i: int, y: NDArray[np.int64], j: int
) -> bool:
    """Return True when word i of bounds x and word j of bounds y have the same bytes."""
    size = x[2 * i + 1] - x[2 * i]
    if size != y[2 * j + 1] - y[2 * j]:
        return False
    k = 0
    while k < size and data[x[2 * i] + k] == data[y[2 * j] + k]:
        k += 1
    return bool(k == size)


@_inline
def _ids(
    data: NDArray[np.uint8], a: NDArray[np.int64], b: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return ids of the words of a and of b: equal words, equal ids (the first a word equal).

    A b word equal to no a word has id -1. The a words go into an open-addressing table
    (hash, then bytes), which the b words look up.
    """
    n1, n2 = len(a) // 2, len(b) // 2
    mask = 15
    while mask < 2 * n1:
        mask = 2 * mask + 1
    table = np.full(mask + 1, -1, dtype=np.int64)
    hashes = np.empty(n1, dtype=np.uint64)
    ids_a = np.empty(n1, dtype=np.int64)
    for i in range(n1):
        hashes[i] = _hash(data, a, i)
        slot = np.int64(hashes[i] & np.uint64(mask))
        while table[slot] >= 0 and not (
            hashes[table[slot]] == hashes[i] and _equal(data, a, table[slot], a, i)
        ):
            slot = (slot + 1) & mask
        if table[slot] < 0:
            table[slot] = i
        ids_a[i] = table[slot]
    ids_b = np.full(n2, -1, dtype=np.int64)
    for j in range(n2):
        h = _hash(data, b, j)
        slot = np.int64(h & np.uint64(mask))
        while table[slot] >= 0:
            if hashes[table[slot]] == h and _equal(data, a, table[slot], b, j):
                ids_b[j] = table[slot]
                break
            slot = (slot + 1) & mask
    return ids_a, ids_b


@_inline
def _matrix(
    ids_a: NDArray[np.int64], ids_b: NDArray[np.int64]
) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """Return Hyyrö's VP and VN rows, one row per b word, as `Levenshtein_py._matrix`.

    Bits at and above len(ids_a) differ from the unbounded integers of the reference, but
    no operation carries from a high bit to a lower one, so the bits read are the same.
    """
    n1, n2 = len(ids_a), len(ids_b)
    words = (n1 + 63) // 64
    pm = np.zeros((n1, words), dtype=np.uint64)  # row of the a id: where a holds that word
    for i in range(n1):
        pm[ids_a[i], i // 64] |= _ONE << np.uint64(i % 64)
    vp = np.full(words, ~_ZERO, dtype=np.uint64)
    vn = np.zeros(words, dtype=np.uint64)
    rows_vp = np.empty((n2, words), dtype=np.uint64)
    rows_vn = np.empty((n2, words), dtype=np.uint64)
    for j in range(n2):
        carry, hp_in, hn_in = _ZERO, _ONE, _ZERO
        for w in range(words):
            x = pm[ids_b[j], w] if ids_b[j] >= 0 else _ZERO
            t = x & vp[w]
            s = t + vp[w]
            high = _ONE if s < t else _ZERO
            s2 = s + carry
            carry = high | (_ONE if s2 < s else _ZERO)
            d0 = (s2 ^ vp[w]) | x | vn[w]
            hp = vn[w] | ~(d0 | vp[w])
            hn = d0 & vp[w]
            hp_up = (hp << _ONE) | hp_in
            hn_up = (hn << _ONE) | hn_in
            hp_in, hn_in = hp >> np.uint64(63), hn >> np.uint64(63)
            vp[w] = hn_up | ~(d0 | hp_up)
            vn[w] = hp_up & d0
        rows_vp[j] = vp
        rows_vn[j] = vn
    return rows_vp, rows_vn


@_inline
def _bit(rows: NDArray[np.uint64], row: int, col: int) -> bool:
    return bool((rows[row, col // 64] >> np.uint64(col % 64)) & _ONE != _ZERO)


@_inline
def _add(out: NDArray[np.int64], count: int, edit: tuple[int, int, int, int]) -> int:
    """Put the edit [i1, i2) x [j1, j2) before the blocks (edits come last first); count them.

    It grows the block last written when it ends where that block starts, else opens one.
    """
    i1, i2, j1, j2 = edit
    if count and out[count - 1, 0] == i2 and out[count - 1, 2] == j2:
        out[count - 1, 0], out[count - 1, 2] = i1, j1
        return count
    out[count, 0], out[count, 1], out[count, 2], out[count, 3] = i1, i2, j1, j2
    return count + 1


@_inline
def _edits(ids_a: NDArray[np.int64], ids_b: NDArray[np.int64], out: NDArray[np.int64]) -> int:
    """Write the blocks of the edits turning ids_a into ids_b to out, last first; count them.

    The backtrace of `Levenshtein_py.editops` over the matrix of the affix-free ids; the
    blocks are runs of edits with no equal word between (those of `facts.word_blocks`).
    """
    count, col, row = 0, len(ids_a), len(ids_b)
    if col and row:
        rows_vp, rows_vn = _matrix(ids_a, ids_b)
        while row and col:
            if _bit(rows_vp, row - 1, col - 1):  # deletion
                col -= 1
                count = _add(out, count, (col, col + 1, row, row))
                continue
            row -= 1
            if row and _bit(rows_vn, row - 1, col - 1):  # insertion
                count = _add(out, count, (col, col, row, row + 1))
                continue
            col -= 1
            if ids_a[col] != ids_b[row]:  # a replacement; a match is no edit
                count = _add(out, count, (col, col + 1, row, row + 1))
    while col:
        col -= 1
        count = _add(out, count, (col, col + 1, row, row))
    while row:
        row -= 1
        count = _add(out, count, (col, col, row, row + 1))
    return count


@_inline
def _aligned(
    data: NDArray[np.uint8],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    head: int,
    out: NDArray[np.int64],
) -> int:
    """Write the blocks of two mids (word bounds a, b, after `head` words) to out; count them."""
    ids_a, ids_b = _ids(data, a, b)
    n1, n2 = len(ids_a), len(ids_b)
    prefix = 0
    while prefix < n1 and prefix < n2 and ids_a[prefix] == ids_b[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < n1 - prefix
        and suffix < n2 - prefix
        and ids_a[n1 - 1 - suffix] == ids_b[n2 - 1 - suffix]
    ):
        suffix += 1
    scratch = np.empty((min(n1, n2) + 1, 4), dtype=np.int64)
    count = _edits(ids_a[prefix : n1 - suffix], ids_b[prefix : n2 - suffix], scratch)
    for k in range(count):  # last first -> in order, placed in the texts
        out[k] = scratch[count - 1 - k] + head + prefix
    return count


@_inline
def _digits(data: NDArray[np.uint8], bounds: NDArray[np.int64], k: int) -> int:
    """Return the value of word k when it is 1 to `_MAX_DIGITS` ASCII digits, else -1."""
    start, end = bounds[2 * k], bounds[2 * k + 1]
    if end - start > _MAX_DIGITS:
        return -1
    value = 0
    for at in range(start, end):
        if not 48 <= data[at] <= 57:  # "0" to "9"
            return -1
        value = value * 10 + (data[at] - 48)
    return value


@_inline
def _joined_equal(  # noqa: PLR0913, PLR0917 - two runs of words: bounds, first, count each
    data: NDArray[np.uint8],
    x: NDArray[np.int64],
    i: int,
    n1: int,
    y: NDArray[np.int64],
    j: int,
    n2: int,
) -> bool:
    """Return True when words i to i + n1 - 1 of x, joined, are words j to j + n2 - 1 of y."""
    size = 0
    for k in range(n1):
        size += x[2 * (i + k) + 1] - x[2 * (i + k)]
    for k in range(n2):
        size -= y[2 * (j + k) + 1] - y[2 * (j + k)]
    if size != 0:
        return False
    kx, ky = i, j
    at_x, at_y = x[2 * i], y[2 * j]
    while kx < i + n1:  # equal sizes: both runs end together
        if at_x == x[2 * kx + 1]:
            kx += 1
            at_x = x[2 * kx] if kx < i + n1 else at_x
            continue
        if at_y == y[2 * ky + 1]:
            ky += 1
            at_y = y[2 * ky]
            continue
        if data[at_x] != data[at_y]:
            return False
        at_x += 1
        at_y += 1
    return True


@_inline
def _initials(  # noqa: PLR0913, PLR0917 - a word (bounds, place), a run of words (bounds, first, count)
    data: NDArray[np.uint8], x: NDArray[np.int64], i: int, y: NDArray[np.int64], j: int, n: int
) -> bool:
    """Return True when word i of x is the first bytes of words j to j + n - 1 of y."""
    if x[2 * i + 1] - x[2 * i] != n:
        return False
    k = 0
    while k < n and data[x[2 * i] + k] == data[y[2 * (j + k)]]:
        k += 1
    return k == n


@_inline
def _swapped(  # noqa: PLR0913, PLR0917 - a block, the mids' bounds, the texts' sizes, a limit
    data: NDArray[np.uint8],
    block: NDArray[np.int64],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    head: int,
    sizes: tuple[int, int],
    small: int,
) -> bool:
    """Return True for a block of numbers (digits) replaced by other numbers, in both texts.

    At most `small` words a side, each 1 to `_MAX_DIGITS` ASCII digits, and not at the end
    of either text, so no truncation rule applies (`facts._truncated`). Not the same fact as
    `facts._same_fact` reads it: other values, other digits once joined, and no side one
    word of the other's first digits (an acronym).
    """
    i1, i2, j1, j2 = block[0], block[1], block[2], block[3]
    n1, n2 = i2 - i1, j2 - j1
    if not (0 < n1 <= small and 0 < n2 <= small) or i2 >= sizes[0] or j2 >= sizes[1]:
        return False
    same = n1 == n2
    for k in range(max(n1, n2)):
        left = _digits(data, a, i1 - head + k) if k < n1 else 0
        right = _digits(data, b, j1 - head + k) if k < n2 else 0
        if left < 0 or right < 0:
            return False
        same = same and left == right
    if same:
        return False
    ia, ib = i1 - head, j1 - head
    acronym = (n1 == 1 and n2 > 1 and _initials(data, a, ia, b, ib, n2)) or (
        n2 == 1 and n1 > 1 and _initials(data, b, ib, a, ia, n1)
    )
    return not (acronym or _joined_equal(data, a, ia, n1, b, ib, n2))


@_sequential
def aligned_blocks(  # noqa: PLR0913, PLR0917 - the pairs' texts, their ends, the limits
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    words: NDArray[np.int64],
    ends: NDArray[np.int64],
    limits: tuple[int, int],
) -> tuple[
    NDArray[np.int8], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]
]:
    """Return each pair's status, first block, block count, the blocks, and number swaps.

    Text k of pair p is data[starts[p, k]:starts[p, k] + lengths[p, k]], of words[p, k]
    words, the two sharing ends[p, 0] head and ends[p, 1] tail words (`common_ends`). Pair
    p's blocks are blocks[first[p]:first[p] + count[p]], the rows written end to end (the
    array grows as it fills: memory follows the blocks found, not their bound). `limits` are
    `facts._ALIGN_WORDS` and `facts._FACT_WORDS`. Status: `NONE`, `SMALL` or `FALLBACK`
    (no blocks written).
    """
    align, small = limits
    status = np.zeros(len(starts), dtype=np.int8)
    firsts = np.zeros(len(starts), dtype=np.int64)
    counts = np.zeros(len(starts), dtype=np.int64)
    swapped = np.zeros(len(starts), dtype=np.bool_)
    blocks = np.empty((2 * len(starts) + 16, 4), dtype=np.int64)
    used = 0
    for p in range(len(starts)):
        head, tail = ends[p, 0], ends[p, 1]
        sizes = (words[p, 0], words[p, 1])
        m1, m2 = sizes[0] - tail - head, sizes[1] - tail - head
        if m1 > align or m2 > align or (m1 == 0 and m2 == 0):
            continue
        if m1 > 1 and m2 > 1 and m1 * m2 > MAX_CELLS:
            status[p] = FALLBACK
            continue
        if used + min(m1, m2) + 1 > len(blocks):  # room for the most blocks a pair can have
            grown = np.empty((2 * len(blocks) + min(m1, m2) + 1, 4), dtype=np.int64)
            grown[:used] = blocks[:used]
            blocks = grown
        a, b = np.empty(2 * m1, dtype=np.int64), np.empty(2 * m2, dtype=np.int64)
        _bounds(data, starts[p, 0], starts[p, 0] + lengths[p, 0], head, a)
        _bounds(data, starts[p, 1], starts[p, 1] + lengths[p, 1], head, b)
        out = blocks[used:]
        if m1 <= 1 or m2 <= 1:  # one block, as `word_blocks` takes it without aligning
            out[0, 0], out[0, 1], out[0, 2], out[0, 3] = head, head + m1, head, head + m2
            counts[p] = 1
        else:
            counts[p] = _aligned(data, a, b, head, out)
        for k in range(counts[p]):
            width_a, width_b = out[k, 1] - out[k, 0], out[k, 3] - out[k, 2]
            if 0 < width_a <= small and 0 < width_b <= small:
                status[p] = SMALL
            if _swapped(data, out[k], a, b, head, sizes, small):
                swapped[p] = True
        firsts[p] = used
        used += counts[p]
    return status, firsts, counts, blocks[:used], swapped
