"""Token kernels: the compiled loops that fold and split a batch encoded as it is (`tokenize`).

The batch comes as one UTF-8 buffer of its texts joined by NUL, not folded: `fold` is applied
here, a code point at a time, through a table that `tokenize` builds for the code points the
batch holds (`fold_table`). Texts the table cannot fold come folded by Python in a second
buffer (`extra`) and are only split here, as `_kernels.fold_words` splits them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from dedupe_news.stages._kernels import _code_point, _compiled, _hash_all, _inline

if TYPE_CHECKING:
    from numpy.typing import NDArray

UNICODE_SIZE = 0x110000
SEPARATOR = -1
"""A table value: the code point folds to characters that are not word characters."""
_BLOCK = 1 << 16  # bytes scanned by one task of `joined_bounds` (a multiple of 8)
_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)


@_compiled
def joined_bounds(data: NDArray[np.uint8]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Return where the NUL bytes of `data` are, ascending, and the code points it holds.

    The second result marks, for every code point past ASCII, whether `data` (valid UTF-8)
    holds it: each task reads one block, decoding the characters whose leading byte is in
    it (a block may end inside a character: the characters are read whole).
    """
    blocks = (len(data) + _BLOCK - 1) // _BLOCK
    counts = np.zeros(blocks + 1, dtype=np.int64)
    for b in numba.prange(blocks):
        zeros = 0
        for at in range(b * _BLOCK, min(len(data), (b + 1) * _BLOCK)):
            zeros += data[at] == 0
        counts[b + 1] = zeros
    bounds = np.cumsum(counts)
    nuls = np.empty(bounds[-1], dtype=np.int64)
    seen = np.zeros(UNICODE_SIZE, dtype=np.bool_)
    words = data[: len(data) // 8 * 8].view(np.uint64)
    for b in numba.prange(blocks):
        k, at, end = bounds[b], b * _BLOCK, min(len(data), (b + 1) * _BLOCK)
        while at < end:
            # Eight bytes at a time where none is NUL or past ASCII (the blocks start at
            # multiples of 8): some byte is 0 when (v - 0x01...) & ~v has a high bit set.
            if at + 8 <= end:
                v = words[at // 8]
                if ((v - _ONES) & ~v & _HIGHS) | (v & _HIGHS) == 0:
                    at += 8
                    continue
            stop = min(at + 8, end)  # a word holding a NUL or a byte past ASCII
            while at < stop:
                byte = data[at]
                if byte == 0:
                    nuls[k] = at
                    k += 1
                elif byte >= 0xC0:  # a leading byte: the same True from any task, any order
                    seen[_code_point(data, at)[0]] = True
                at += 1
    return nuls, seen


@_compiled
def unfoldable(
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    table: NDArray[np.int32],
) -> NDArray[np.bool_]:
    """Return which texts hold a code point the table cannot fold (a 0 in `table`)."""
    out = np.zeros(len(starts), dtype=np.bool_)
    for i in numba.prange(len(starts)):
        at = starts[i]
        while at < ends[i]:
            cp, size = _code_point(data, at)
            if table[cp] == 0:
                out[i] = True
                break
            at += size
    return out


@_inline
def _put_code_point(out: NDArray[np.uint8], at: int, cp: int, size: int) -> None:
    """Write the code point `cp` as UTF-8 in `size` bytes to out[at:]."""
    if size == 1:
        out[at] = cp
        return
    lead = (0, 0, 0xC0, 0xE0, 0xF0)[size]
    out[at] = lead | (cp >> (6 * (size - 1)))
    for i in range(1, size):
        out[at + i] = 0x80 | ((cp >> (6 * (size - 1 - i))) & 0x3F)


@_inline
def _split_text(  # noqa: PLR0913, PLR0917 - one text: where to read, how to fold, where to write
    data: NDArray[np.uint8],
    start: int,
    end: int,
    table: NDArray[np.int32],
    word: NDArray[np.bool_],
    folded: bool,  # noqa: FBT001 - numba passes no keywords to an inline function
    out: NDArray[np.uint8],
    at_out: int,
) -> tuple[int, int]:
    """Write the words of data[start:end], folded, joined by single spaces, to out[at_out:].

    A code point folds to table[cp] (a word character of as many UTF-8 bytes) or is a
    separator; in a text already `folded`, a code point is itself when `word[cp]`, else a
    separator. Returns (number of words, bytes written), never more than read.
    """
    count, written, at, inside = 0, 0, start, False
    while at < end:
        cp, size = _code_point(data, at)
        into = (cp if word[cp] else SEPARATOR) if folded else table[cp]
        if into > 0:
            if not inside:
                if count:
                    out[at_out + written] = 32
                    written += 1
                count += 1
                inside = True
            _put_code_point(out, at_out + written, into, size)
            written += size
        else:
            inside = False
        at += size
    return count, written


@_inline
def _split_all(  # noqa: PLR0913, PLR0917 - the batch's two buffers, its bounds, tables, outputs
    data: NDArray[np.uint8],
    extra: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    table: NDArray[np.int32],
    word: NDArray[np.bool_],
    norms: NDArray[np.uint8],
    counts: NDArray[np.int64],
    lengths: NDArray[np.int64],
) -> None:
    size = len(data)
    for i in numba.prange(len(starts)):
        apart = ends[i] > size  # folded by Python, in `extra` (never empty, then)
        source, shift = (extra, size) if apart else (data, 0)
        counts[i + 1], lengths[i] = _split_text(
            source, starts[i] - shift, ends[i] - shift, table, word, apart, norms, starts[i]
        )
        # Zeros after the norm, to the text's end and the NUL after it: every byte of
        # `norms` is written once (but for the room of texts folded apart: the caller's).
        room = min(ends[i] + 1, len(norms) if apart else size)
        norms[starts[i] + lengths[i] : room] = 0


@_compiled
def tokenize_joined(  # noqa: PLR0913, PLR0917 - the batch's two buffers, its bounds, tables
    data: NDArray[np.uint8],
    extra: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    table: NDArray[np.int32],
    word: NDArray[np.bool_],
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint8], NDArray[np.int64]]:
    """Fold, split and hash every text: `_kernels.tokenize` over the two buffers.

    Text i is data[starts[i]:ends[i]], folded here by `table`, or, when ends[i] is past
    `data`, extra[starts[i] - len(data):ends[i] - len(data)], folded already (`word`).
    Returns (word hashes, offsets, norms, norm lengths); text i's norm is
    norms[starts[i]:starts[i] + lengths[i]].
    """
    counts = np.zeros(len(starts) + 1, dtype=np.int64)
    lengths = np.zeros(len(starts), dtype=np.int64)
    # Every byte is written but the room of texts folded apart (zeros, then).
    norms = (
        np.zeros(len(data) + len(extra), dtype=np.uint8)
        if len(extra)
        else np.empty(len(data), dtype=np.uint8)
    )
    _split_all(data, extra, starts, ends, table, word, norms, counts, lengths)
    offsets = np.cumsum(counts)
    hashes = np.empty(offsets[-1], dtype=np.uint64)
    _hash_all(norms, starts, lengths, offsets, hashes)
    return hashes, offsets, norms, lengths


@_compiled
def split_joined(  # noqa: PLR0913, PLR0917 - the batch's two buffers, its bounds, tables, out
    data: NDArray[np.uint8],
    extra: NDArray[np.uint8],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    table: NDArray[np.int32],
    word: NDArray[np.bool_],
    norms: NDArray[np.uint8],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Write each text's norm to norms[starts[i]:], as `tokenize_joined` does; no hashes.

    Returns each text's number of words, after a leading 0 (the offsets' steps), and the
    bytes of its norm (`_kernels.fold_words`' results). `norms` holds at least
    `len(data) + len(extra)` bytes; they are all written, but for the room in `data` of
    the texts in `extra`, which the caller zeroes.
    """
    counts = np.zeros(len(starts) + 1, dtype=np.int64)
    lengths = np.zeros(len(starts), dtype=np.int64)
    _split_all(data, extra, starts, ends, table, word, norms, counts, lengths)
    return counts, lengths
