"""Rule kernels: the veto's pairs that no fact rule can fire on, told from their blocks.

`quiet_pairs` reads the blocks `_veto_kernels.aligned_blocks` gives, the norms' bytes and
the names `_kernels.texts_names` reads from the original texts, and clears the pairs where
`facts.facts_conflict` cannot return True: no small block with a name on both sides or a
possible number on both sides, and no lone noun swap possible. It may leave a pair the
rules would clear (a word that merely holds a number part, such as "achter"): those go to
`facts_conflict` as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages._kernels import _inline, _sequential
from dedupe_news.stages._veto_kernels import _SPACE, _bounds

if TYPE_CHECKING:
    from numpy.typing import NDArray


# Every Dutch number word `facts.number_value` reads holds one of these (a unit, "tien",
# "tig" of the tens, a scale) or a non-ASCII letter ("één", "tweeëntwintig").
NUMBER_PARTS = (
    "een twee drie vier vijf zes zeven acht negen tien elf twaalf tig honderd duizend miljoen"
)


@_inline
def _holds(data: NDArray[np.uint8], start: int, end: int, part: NDArray[np.uint8]) -> bool:
    """Return True when data[start:end] holds the bytes of `part`."""
    for at in range(start, end - len(part) + 1):
        k = 0
        while k < len(part) and data[at + k] == part[k]:
            k += 1
        if k == len(part):
            return True
    return False


@_inline
def _may_count(
    data: NDArray[np.uint8], bounds: NDArray[np.int64], parts: NDArray[np.uint8]
) -> bool:
    """Return True when a word of `bounds` may be a number: digits, non-ASCII, a number part."""
    for k in range(len(bounds) // 2):
        start, end = bounds[2 * k], bounds[2 * k + 1]
        for at in range(start, end):
            if data[at] >= 0x80 or 48 <= data[at] <= 57:  # non-ASCII, "0" to "9"
                return True
        first = 0
        for stop in range(len(parts) + 1):
            if stop == len(parts) or parts[stop] == _SPACE:
                if _holds(data, start, end, parts[first:stop]):
                    return True
                first = stop + 1
    return False


@_inline
def _named(names: NDArray[np.int64], start: int, end: int) -> bool:
    """Return True when a name index of `names` lies in [start, end)."""
    k = 0
    while k < len(names) and not start <= names[k] < end:
        k += 1
    return k < len(names)


@_sequential
def quiet_pairs(  # noqa: PLR0913, PLR0917 - the pairs' texts and blocks, their names, the rules
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    words: NDArray[np.int64],
    blocks: NDArray[np.int64],
    firsts: NDArray[np.int64],
    counts: NDArray[np.int64],
    named: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    parts: NDArray[np.uint8],
    limits: tuple[int, int],
) -> NDArray[np.bool_]:
    """Return True for the pairs `facts.facts_conflict` cannot veto, told from their blocks.

    Pair p's texts and blocks are given as to `aligned_blocks` (its blocks are
    blocks[firsts[p]:firsts[p] + counts[p]]). `named` are, per pair, its two texts' places
    (shape (P, 2)) in the three arrays `_kernels.texts_names` returns for those texts (word
    counts, name offsets, names). A pair is quiet when both texts' words are their norms'
    words (the counts agree), no lone noun swap can apply (`facts._lone_swap`: one block of
    one word a side, in texts of at most `limits[1]` words), and no block small on both
    sides (`limits[0]`) has a name on both sides or a possible number on both sides (a
    word with a digit, a non-ASCII byte or a part of `NUMBER_PARTS`, space-separated in
    `parts`): then no rule of `facts_conflict` fires.
    """
    small, short = limits
    places, name_counts, offsets, names = named
    quiet = np.zeros(len(starts), dtype=np.bool_)
    for p in range(len(starts)):
        ta, tb = places[p, 0], places[p, 1]
        if name_counts[ta] != words[p, 0] or name_counts[tb] != words[p, 1]:
            continue
        block = blocks[firsts[p]]
        one_word = block[1] - block[0] == 1 and block[3] - block[2] == 1
        if counts[p] == 1 and one_word and max(words[p, 0], words[p, 1]) <= short:
            continue
        names_a = names[offsets[ta] : offsets[ta + 1]]
        names_b = names[offsets[tb] : offsets[tb + 1]]
        quiet[p] = True
        for k in range(firsts[p], firsts[p] + counts[p]):
            i1, i2, j1, j2 = blocks[k, 0], blocks[k, 1], blocks[k, 2], blocks[k, 3]
            if not (0 < i2 - i1 <= small and 0 < j2 - j1 <= small):
                continue
            if _named(names_a, i1, i2) and _named(names_b, j1, j2):
                quiet[p] = False
                break
            a, b = np.empty(2 * (i2 - i1), dtype=np.int64), np.empty(2 * (j2 - j1), dtype=np.int64)
            _bounds(data, starts[p, 0], starts[p, 0] + lengths[p, 0], i1, a)
            _bounds(data, starts[p, 1], starts[p, 1] + lengths[p, 1], j1, b)
            if _may_count(data, a, parts) and _may_count(data, b, parts):
                quiet[p] = False
                break
    return quiet
