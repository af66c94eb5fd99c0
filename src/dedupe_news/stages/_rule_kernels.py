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


_LAST_CONTROL_SPACE = 31  # bytes 9 to 13 and 28 to 31 are whitespace to `str.isspace`


@_sequential
def sentence_ends(
    data: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Return False for the texts data[starts[i]:ends[i]] that do not end a sentence.

    True when the text, stripped of trailing whitespace, ends with a mark of
    `facts._SENTENCE_END`, or with a non-ASCII character (which may be whitespace that
    `str.rstrip` strips): True means the veto must read the text to know.
    """
    ended = np.zeros(len(starts), dtype=np.bool_)
    for i in range(len(starts)):
        at = ends[i] - 1
        while at >= starts[i] and (
            data[at] == _SPACE or 9 <= data[at] <= 13 or 28 <= data[at] <= _LAST_CONTROL_SPACE
        ):
            at -= 1
        if at >= starts[i]:
            last = data[at]
            marks = last in (46, 33, 63, 58, 59)  # . ! ? : ;
            ended[i] = last >= 0x80 or marks  # a non-ASCII last byte
    return ended


@_inline
def _may_be_content(
    data: NDArray[np.uint8], start: int, end: int, letters: int, endings: NDArray[np.uint8]
) -> bool:
    """Return False for a word `facts._lone_swap` cannot count as a content word.

    Too few bytes (so too few letters), an ASCII byte that is no letter (so not
    `str.isalpha`), or an adjective ending of `endings` (space-separated).
    """
    if end - start < letters:
        return False
    for at in range(start, end):
        byte = data[at]
        if byte < 0x80 and not (65 <= byte <= 90 or 97 <= byte <= 122):  # A-Z, a-z
            return False
    first = 0
    for stop in range(len(endings) + 1):
        if stop == len(endings) or endings[stop] == _SPACE:
            size = stop - first
            if size <= end - start:
                k = 0
                while k < size and data[end - size + k] == endings[first + k]:
                    k += 1
                if k == size:
                    return False
            first = stop + 1
    return True


@_inline
def _may_swap_alone(  # noqa: PLR0913, PLR0917 - the block's texts, their ends, the rule's limits
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    block: NDArray[np.int64],
    ended: tuple[bool, bool],
    rules: tuple[int, NDArray[np.uint8]],
) -> bool:
    """Return False when `facts._lone_swap` cannot fire on a block of one word a side.

    Both texts must end a sentence (`ended`), and both words be content words
    (`_may_be_content`, with `rules` its letters and endings).
    """
    if not (ended[0] and ended[1]):
        return False
    letters, endings = rules
    a, b = np.empty(2, dtype=np.int64), np.empty(2, dtype=np.int64)
    _bounds(data, starts[0], starts[0] + lengths[0], block[0], a)
    _bounds(data, starts[1], starts[1] + lengths[1], block[2], b)
    return _may_be_content(data, a[0], a[1], letters, endings) and _may_be_content(
        data, b[0], b[1], letters, endings
    )


@_sequential
def quiet_pairs(  # noqa: PLR0913, PLR0917 - the pairs' texts and blocks, their names, the rules
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    words: NDArray[np.int64],
    blocks: NDArray[np.int64],
    firsts: NDArray[np.int64],
    counts: NDArray[np.int64],
    named: tuple[
        NDArray[np.int64],
        NDArray[np.bool_],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
    ],
    parts: tuple[NDArray[np.uint8], NDArray[np.uint8]],
    limits: tuple[int, int, int],
) -> NDArray[np.bool_]:
    """Return True for the pairs `facts.facts_conflict` cannot veto, told from their blocks.

    Pair p's texts and blocks are given as to `aligned_blocks` (its blocks are
    blocks[firsts[p]:firsts[p] + counts[p]]). `named` are, per pair, its two texts' places
    (shape (P, 2)) in the arrays that follow: whether each text may end a sentence
    (`sentence_ends`), then the three `_kernels.texts_names` returns for those texts (word
    counts, name offsets, names). A pair is quiet when both texts' words are their norms'
    words (the counts agree), no lone noun swap can apply (`facts._lone_swap`: one block of
    one content word a side, `_may_swap_alone` with `limits[2]` letters and the endings
    `parts[1]`, in texts of at most `limits[1]` words), and no block small on both sides
    (`limits[0]`) has a name on both sides or a possible number on both sides (a word with
    a digit, a non-ASCII byte or a part of `NUMBER_PARTS`, space-separated in `parts[0]`):
    then no rule of `facts_conflict` fires.
    """
    small, short, letters = limits
    places, ended, name_counts, offsets, names = named
    quiet = np.zeros(len(starts), dtype=np.bool_)
    for p in range(len(starts)):
        ta, tb = places[p, 0], places[p, 1]
        if name_counts[ta] != words[p, 0] or name_counts[tb] != words[p, 1]:
            continue
        block = blocks[firsts[p]]
        one_word = block[1] - block[0] == 1 and block[3] - block[2] == 1
        if (
            counts[p] == 1
            and one_word
            and max(words[p, 0], words[p, 1]) <= short
            and _may_swap_alone(
                data, starts[p], lengths[p], block, (ended[ta], ended[tb]), (letters, parts[1])
            )
        ):
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
            if _may_count(data, a, parts[0]) and _may_count(data, b, parts[0]):
                quiet[p] = False
                break
    return quiet
