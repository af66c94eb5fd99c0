"""Story kernels: the compiled loops of the whole-story number check (`story._replaced`).

`number_places` and `replaced_numbers` of `stages.story`, written over word hashes: a place
is the hashes of the two words before a number, a number the hash of its word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from dedupe_news.stages._kernels import POLY, _code_point, _compiled, _inline

if TYPE_CHECKING:
    from numpy.typing import NDArray


@_inline
def _plain(norms: NDArray[np.uint8], start: int, end: int) -> bool:
    """Whether norms[start:end] is ASCII without a digit: no word of it is a number."""
    pos = start
    while pos < end and norms[pos] < 0x80 and not 0x30 <= norms[pos] <= 0x39:  # '0' to '9'
        pos += 1
    return pos == end


@_inline
def _page_numbers(  # noqa: PLR0913, PLR0917 - one page's words: the token columns and where to write
    hashes: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    norms: NDArray[np.uint8],
    norm_starts: NDArray[np.int64],
    norm_lengths: NDArray[np.int64],
    rows: NDArray[np.int64],
    digit: NDArray[np.bool_],
    out: NDArray[np.uint64],
    at: int,
) -> int:
    """Write the (place, place, number) word hashes of one page's rows to out[at:]; count them.

    `out` of length 0 only counts. Word w of row r is the w-th space-separated word of its
    norm and has the hash hashes[offsets[r] + w]; the rows' words in order are the page's
    story text.
    """
    before, last, seen, found = np.uint64(0), np.uint64(0), 0, 0
    for row in rows:
        word, stop = offsets[row], offsets[row + 1]
        start, end = norm_starts[row], norm_starts[row] + norm_lengths[row]
        if _plain(norms, start, end):  # no digit: its words are context alone
            if stop - word >= 2:
                before, last = hashes[stop - 2], hashes[stop - 1]
            elif stop > word:
                before, last = last, hashes[word]
            seen += stop - word
            continue
        pos, begin, number = start, start, False
        while pos <= end:
            if pos == end or norms[pos] == 32:
                if pos > begin and word < stop:
                    if number and seen >= 2:  # two words before it: its place
                        if len(out):
                            out[3 * (at + found)] = before
                            out[3 * (at + found) + 1] = last
                            out[3 * (at + found) + 2] = hashes[word]
                        found += 1
                    before, last = last, hashes[word]
                    seen += 1
                    word += 1
                pos, begin, number = pos + 1, pos + 1, False
                continue
            cp, size = _code_point(norms, pos)
            number = number or (cp < len(digit) and digit[cp])  # none past the table
            pos += size
    return found


@_compiled
def number_words(  # noqa: PLR0913, PLR0917 - the token columns, the pages' rows, the digit table
    hashes: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    norms: NDArray[np.uint8],
    norm_starts: NDArray[np.int64],
    norm_lengths: NDArray[np.int64],
    rows: NDArray[np.int64],
    row_bounds: NDArray[np.int64],
    digit: NDArray[np.bool_],
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Return the number places of pages: rows[row_bounds[k]:row_bounds[k + 1]] is page k's.

    Every word holding a digit (`digit[cp]`) with two words before it in its page's story
    text gives one row (hash of the word two before, of the word before, of the number) of
    the (m, 3) result; page k's are rows bounds[k]:bounds[k + 1] (the second result).
    """
    n = len(row_bounds) - 1
    counts = np.zeros(n + 1, dtype=np.int64)
    nothing = np.empty(0, dtype=np.uint64)
    for k in numba.prange(n):
        page = rows[row_bounds[k] : row_bounds[k + 1]]
        counts[k + 1] = _page_numbers(
            hashes, offsets, norms, norm_starts, norm_lengths, page, digit, nothing, 0
        )
    bounds = np.cumsum(counts)
    out = np.empty(3 * bounds[-1], dtype=np.uint64)
    for k in numba.prange(n):
        if bounds[k + 1] > bounds[k]:  # a page without numbers has nothing to write
            page = rows[row_bounds[k] : row_bounds[k + 1]]
            _page_numbers(
                hashes, offsets, norms, norm_starts, norm_lengths, page, digit, out, bounds[k]
            )
    return out.reshape((bounds[-1], 3)), bounds


@_inline
def _place_end(places: NDArray[np.uint64], at: int, end: int) -> int:
    """Return where the run of rows with row `at`'s place (its first two columns) ends."""
    stop = at + 1
    while stop < end and places[stop, 0] == places[at, 0] and places[stop, 1] == places[at, 1]:
        stop += 1
    return stop


@_inline
def _share_a_number(places: NDArray[np.uint64], a: int, a_end: int, b: int, b_end: int) -> bool:
    """Whether two runs of rows, sorted by their number (third column), share a number."""
    while a < a_end and b < b_end:
        if places[a, 2] == places[b, 2]:
            return True
        if places[a, 2] < places[b, 2]:
            a += 1
        else:
            b += 1
    return False


@_compiled
def replaced_places(
    places: NDArray[np.uint64],
    bounds: NDArray[np.int64],
    first: NDArray[np.int64],
    second: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Count, for each page pair, the places both write a number at and no number agrees.

    `places` are `number_words`' rows sorted within each page (by place, then number);
    page k's rows are bounds[k]:bounds[k + 1]; pair i is pages first[i] and second[i].
    """
    out = np.zeros(len(first), dtype=np.int64)
    for i in numba.prange(len(first)):
        a, a_end = bounds[first[i]], bounds[first[i] + 1]
        b, b_end = bounds[second[i]], bounds[second[i] + 1]
        count = 0
        while a < a_end and b < b_end:
            if places[a, 0] != places[b, 0]:
                before = places[a, 0] < places[b, 0]
            else:
                before = places[a, 1] < places[b, 1]
            if places[a, 0] != places[b, 0] or places[a, 1] != places[b, 1]:
                if before:
                    a = _place_end(places, a, a_end)
                else:
                    b = _place_end(places, b, b_end)
            else:
                a_stop, b_stop = _place_end(places, a, a_end), _place_end(places, b, b_end)
                if not _share_a_number(places, a, a_stop, b, b_stop):
                    count += 1
                a, b = a_stop, b_stop
        out[i] = count
    return out


@_inline
def _run_end(keys: NDArray[np.uint64], at: int, shift: np.uint64) -> int:
    """Return where the run of keys with key `at`'s shingle (its bits above `shift`) ends."""
    stop = at + 1
    while stop < len(keys) and (keys[stop] >> shift) == (keys[at] >> shift):
        stop += 1
    return stop


@_inline
def _holders(keys: NDArray[np.uint64], at: int, stop: int) -> int:
    """Return the distinct keys of keys[at:stop] (sorted: a repeat follows its key)."""
    count = 0
    for k in range(at, stop):
        if k == at or keys[k] != keys[k - 1]:
            count += 1
    return count


@_inline
def _run_cuts(keys: NDArray[np.uint64], shift: np.uint64, blocks: int) -> NDArray[np.int64]:
    """Return `blocks` + 1 cuts of the keys into blocks of about equal size, at run starts."""
    cuts = np.zeros(blocks + 1, dtype=np.int64)
    cuts[blocks] = len(keys)
    for b in range(1, blocks):
        at = max(b * len(keys) // blocks, cuts[b - 1])
        while 0 < at < len(keys) and (keys[at] >> shift) == (keys[at - 1] >> shift):
            at += 1
        cuts[b] = at
    return cuts


@_inline
def _pair_run(  # noqa: PLR0913, PLR0917 - the run, the page bits, where to write
    keys: NDArray[np.uint64],
    at: int,
    stop: int,
    low: np.uint64,
    pages: int,
    codes: NDArray[np.int64],
    out: int,
) -> int:
    """Write the codes of every two distinct holders of the run keys[at:stop]; return the end."""
    for first in range(at, stop - 1):
        if first > at and keys[first] == keys[first - 1]:
            continue
        for second in range(first + 1, stop):
            if keys[second] != keys[second - 1]:
                codes[out] = np.int64(keys[first] & low) * pages + np.int64(keys[second] & low)
                out += 1
    return out


def rare_pairs(
    keys: NDArray[np.uint64], bits: int, pages: int, most: int, sizes: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Return a code p * pages + q (p < q) per shingle pages p and q share, on at most `most`.

    `keys` are (shingle, page) keys, sorted, the page in the low `bits`: a shingle's holders
    are one run, pages ascending, and a key may repeat (a page repeating a run of words),
    counted once. Each distinct key adds one to its page's `sizes`. A run of 2 to `most`
    pages pairs them, every two once; a longer one is template and pairs none. The codes
    are unsorted. The keys are cut into blocks at run starts, paired in parallel.
    """
    blocks = max(1, min(len(keys) // _PAIR_BLOCK, 4 * numba.get_num_threads()))
    return _rare_pairs(keys, bits, pages, most, sizes, blocks)


@_compiled
def _rare_pairs(  # noqa: PLR0913, PLR0917 - `rare_pairs`' arguments and its blocks
    keys: NDArray[np.uint64],
    bits: int,
    pages: int,
    most: int,
    sizes: NDArray[np.int64],
    blocks: int,
) -> NDArray[np.int64]:
    """Return `rare_pairs`, the keys cut into `blocks` blocks."""
    shift, low = np.uint64(bits), (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    for k in range(len(keys)):
        if k == 0 or keys[k] != keys[k - 1]:
            sizes[keys[k] & low] += 1
    cuts = _run_cuts(keys, shift, blocks)
    made = np.zeros(blocks + 1, dtype=np.int64)
    for b in numba.prange(blocks):
        at = cuts[b]
        while at < cuts[b + 1]:
            stop = _run_end(keys, at, shift)
            held = _holders(keys, at, stop)
            if held <= most:
                made[b + 1] += held * (held - 1) // 2
            at = stop
    bounds = np.cumsum(made)
    codes = np.empty(bounds[-1], dtype=np.int64)
    for b in numba.prange(blocks):
        at, out = cuts[b], bounds[b]
        while at < cuts[b + 1]:
            stop = _run_end(keys, at, shift)
            if _holders(keys, at, stop) <= most:
                out = _pair_run(keys, at, stop, low, pages, codes, out)
            at = stop
    return codes


_PAIR_BLOCK = 1 << 16  # keys paired by one task of `rare_pairs`, at least


@_inline
def _page_keys(  # noqa: PLR0913, PLR0917 - one page's rows, the shingle and range, the output
    hashes: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    rows: NDArray[np.int64],
    page: int,
    k: int,
    bits: int,
    part_bits: int,
    part: int,
    out: NDArray[np.uint64],
) -> int:
    """Write one page's keys to `out` (`_kernels.story_keys` for one page); count them."""
    window = np.zeros(2 * k, dtype=np.uint64)
    low = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64(64 - part_bits if part_bits > 0 else 0)
    wanted = np.uint64(part)
    made, run, slot = 0, 0, 0
    for row in rows:
        for at in range(offsets[row], offsets[row + 1]):
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
    return made


@_compiled
def story_keys(  # noqa: PLR0913, PLR0917 - `_kernels.story_keys`' arguments
    hashes: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    chosen: NDArray[np.int64],
    pages: NDArray[np.int64],
    k: int,
    bits: int,
    part_bits: int = 0,
    part: int = 0,
) -> NDArray[np.uint64]:
    """Return `_kernels.story_keys`, the same keys in the same order, page by page in parallel.

    Each page's run of `chosen` (pages ascend) writes at most its words - k + 1 keys, from
    where the pages before it could end: the room is known before a key is made, so the
    pages are shingled at once, and the keys moved to the front in order after, when a
    range (`part_bits`) kept fewer.
    """
    heads = (
        np.empty(0, dtype=np.int64)
        if len(chosen) == 0
        else np.flatnonzero(np.concatenate((np.ones(1, dtype=np.bool_), pages[1:] != pages[:-1])))
    )
    bounds = np.append(heads, len(chosen))
    room = np.zeros(len(heads) + 1, dtype=np.int64)
    for p in range(len(heads)):
        words = 0
        for c in range(bounds[p], bounds[p + 1]):
            words += offsets[chosen[c] + 1] - offsets[chosen[c]]
        room[p + 1] = room[p] + max(words - k + 1, 0)
    out = np.empty(room[-1], dtype=np.uint64)
    made = np.zeros(len(heads), dtype=np.int64)
    for p in numba.prange(len(heads)):
        made[p] = _page_keys(
            hashes,
            offsets,
            chosen[bounds[p] : bounds[p + 1]],
            pages[bounds[p]],
            k,
            bits,
            part_bits,
            part,
            out[room[p] : room[p + 1]],
        )
    if made.sum() == len(out):  # every page's room is full: the keys are in place
        return out
    kept = 0
    for p in range(len(heads)):  # forward, each page's keys to the left: nothing overwritten
        for at in range(room[p], room[p] + made[p]):
            out[kept] = out[at]
            kept += 1
    return out[:kept]
