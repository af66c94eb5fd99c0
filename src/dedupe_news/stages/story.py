"""Story: whole-story evidence that two pages carry one article, and their segments aligned.

A page's story text is its title, lede and paragraphs joined. Two story texts are copies when
one contains the other: word k-gram containment `|S_p & S_q| / min(|S_p|, |S_q|)` of their
shingle sets reaches the caller's minimum, with at least `MIN_SHARED_SHINGLES` shingles
shared so a short standing line cannot trigger it, and the texts do not put other numbers in
the same places (`replaced_numbers`): the same wording with other figures is another item on
one template (`Minstens 45 doden` / `Minstens 12 doden`), not a copy. This joins copies whose
paragraphs were merged, split or cut, where few segments match one to one.

Candidate page pairs come from shared shingles, each shingle pairing the pages that hold it;
a shingle on more than `MAX_PAGES_PER_SHINGLE` pages is template, not copy evidence, and pairs
nothing, so the work is bounded per shingle and linear in the number of pages. `align` pairs
the segments of two copies one to one, for reporting which segment of a copy is which.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from dedupe_news.memory import release_freed
from dedupe_news.records import Role
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _story_kernels
from dedupe_news.stages.tokenize import code_points, tokenize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Segment, SegmentId
    from dedupe_news.stages.tokenize import Tokens

STORY_ROLES = frozenset({Role.TITLE, Role.LEDE, Role.PARAGRAPH})
"""Roles that carry a story; subheadings are too short to tell two stories apart."""
STORY_SHINGLE_WORDS = 5
"""Words per story shingle: long enough that two stories on one topic share few by chance."""
Flags: TypeAlias = "Sequence[bool] | NDArray[np.bool_]"
"""One flag per segment (a list, or a numpy array on a large batch)."""
Indices: TypeAlias = "Sequence[int] | NDArray[np.int64]"
"""One index per segment (a list, or a numpy array on a large batch)."""
MIN_SHARED_SHINGLES = 20
"""Shingles two stories must share (about two sentences) before their containment counts."""
MAX_PAGES_PER_SHINGLE = 64
"""A shingle on more pages than this is template: it pairs no pages."""
MAX_REPLACED_NUMBERS = 1
"""Numbers one copy may change in place (a corrected toll); more make another item."""
_CONTEXT_WORDS = 2
_CONTEXT_CHARS = 128  # a window that holds two words before a number, but for freak words
_DIGIT = re.compile(r"\d")  # a digit: its word, between single spaces, is a number


def _story_keys(  # noqa: PLR0913 - the batch's columns, where its words are, the range
    tokens: Tokens,
    story: Flags,
    page_of: Indices,
    pages: int,
    *,
    rows: Indices | None = None,
    part: tuple[int, int] = (0, 0),
    unique: bool = True,
) -> tuple[NDArray[np.uint64], int]:
    """Return the (shingle, page) keys of the pages' story texts, unique and sorted, and the bits.

    A page's story text is its story segments' words in order (`story` marks them, `page_of`
    names each segment's page, ascending); shingles are its runs of `STORY_SHINGLE_WORDS`
    words, hashed by chaining the word hashes. The page index is packed into the low `bits`
    of each shingle hash, so one sort of one array orders by (shingle, page): the hash keeps
    `64 - bits` bits, and a rare collision adds one shared shingle, far below
    `MIN_SHARED_SHINGLES`. With `rows` (`story_copies`), segment i's words are row rows[i]
    of `tokens`; a segment without words (row -1) adds none to its page's text. With
    `part` (part bits, part), only the keys of that range (`_kernels.story_keys`; all of
    them are made page by page in parallel, `_story_kernels.story_keys`, which writes
    every page's room: 104 MB more resident at 65k pages for a range). Without `unique`,
    a page repeating a run of words keeps its repeated keys, next to each other.
    """
    read, page = _story_rows(story, page_of, rows)
    bits = max(1, (pages - 1).bit_length())
    args = (tokens.hashes, tokens.offsets, read, page, STORY_SHINGLE_WORDS, bits, *part)
    if part[0]:  # a range: the keys kept are written at the front, the rest never touched
        keys = kernels.story_keys(*args)
    else:  # every key: each page's room is filled, pages in parallel
        with kernels.threads_for(int((tokens.offsets[read + 1] - tokens.offsets[read]).sum())):
            keys = _story_kernels.story_keys(*args)
    keys.sort()
    if not unique:
        return keys, bits
    heads = _run_heads(keys)  # np.unique hashes first: ten times slower here
    if not heads.all():  # a page repeating a run of words: its repeats dropped in place
        keys = _kept_in_place(keys, heads)
    return keys, bits


def _story_rows(
    story: Flags, page_of: Indices, rows: Indices | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the token rows of the story segments that have words, and their pages."""
    chosen = np.flatnonzero(np.asarray(story, dtype=np.bool_))
    read = chosen
    if rows is not None:
        read = np.asarray(rows, dtype=np.int64)[chosen]
        chosen, read = chosen[read >= 0], read[read >= 0]
    return read, np.asarray(page_of, dtype=np.int64)[chosen]


def _kept_in_place(values: NDArray[np.uint64], keep: NDArray[np.bool_]) -> NDArray[np.uint64]:
    """Move the kept values to the front, in order, a slice at a time; return that front.

    `values[keep]` in place: no second array as large as the first (a slice's kept values
    never land after the slice, so nothing is overwritten before it is read).
    """
    kept = 0
    for start in range(0, len(values), _SLICE):
        part = values[start : start + _SLICE][keep[start : start + _SLICE]]
        values[kept : kept + len(part)] = part
        kept += len(part)
    return values[:kept]


def _story_pairs(
    tokens: Tokens, story: Flags, page_of: Indices, pages: int, rows: Indices | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the pages' shingle counts, and a pair code per rare shingle two pages share.

    The keys are `_story_keys`' (each a shingle and a page, sorted), made and sorted a range
    of shingle hashes at a time (`_PART_KEYS` a range, about): a crawl's story shingles are
    never held at once (20.5M keys, 164 MB, on 65k pages). One compiled pass over a range's
    keys counts each page's shingles and pairs the holders of each rare shingle
    (`_story_kernels.rare_pairs`, codes p * pages + q, unsorted), a page's repeats counted
    once: no mask or array per shingle, nor the shared keys, are made.
    """
    read, _ = _story_rows(story, page_of, rows)
    words = int((tokens.offsets[read + 1] - tokens.offsets[read]).sum())
    del read
    part_bits = (max(words - 1, 0) // _PART_KEYS).bit_length()
    sizes = np.zeros(pages, dtype=np.int64)
    parts = []
    for part in range(1 << part_bits):
        keys, bits = _story_keys(
            tokens, story, page_of, pages, rows=rows, part=(part_bits, part), unique=False
        )
        with kernels.threads_for(len(keys)):
            found = _story_kernels.rare_pairs(keys, bits, pages, MAX_PAGES_PER_SHINGLE, sizes)
        parts.append(found)
        del keys
        release_freed()  # the range's keys: the heap keeps what it frees
    return sizes, np.concatenate(parts) if len(parts) > 1 else parts[0]


_PART_KEYS = 1 << 23  # story keys made and sorted at once: 64 MB
_SLICE = 1 << 20  # keys compared at once: scratch of a few MB, whatever the crawl


def story_copies(  # noqa: PLR0913 - the batch's columns, the minimum, and where words are
    tokens: Tokens,
    story: Flags,
    page_of: Indices,
    pages: int,
    minimum: float,
    *,
    rows: Indices | None = None,
) -> list[tuple[int, int]]:
    """Return the page pairs (p < q) whose story texts contain each other's: copies.

    `tokens` has one row per segment, or with `rows` one per distinct text: segment i's
    words and norm are then row rows[i]'s (-1: none), as `Distinct.group_of` maps them.

    Examples:
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> story = " ".join(f"woord{n}" for n in range(30))
        >>> texts = [story, "Een ander verhaal over iets anders.", story + " en meer"]
        >>> story_copies(tokenize(texts), [True] * 3, [0, 1, 2], 3, 0.5)
        [(0, 2)]
    """
    sizes, pair_codes = _story_pairs(tokens, story, page_of, pages, rows)
    pair_codes.sort()
    starts = _run_starts(pair_codes)
    shared = np.diff(np.r_[starts, len(pair_codes)])
    pair_codes = pair_codes[starts]
    first, second = pair_codes // pages, pair_codes % pages
    copy = contains_enough(shared, np.minimum(sizes[first], sizes[second]), minimum)
    first, second = first[copy], second[copy]
    replaced = replaced_in_pairs(tokens, story, page_of, first, second, rows=rows)
    kept = replaced <= MAX_REPLACED_NUMBERS
    return list(zip(first[kept].tolist(), second[kept].tolist(), strict=True))


def replaced_in_pairs(  # noqa: PLR0913 - the batch's columns, the pairs, where words are
    tokens: Tokens,
    story: Flags,
    page_of: Indices,
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    *,
    rows: Indices | None = None,
) -> NDArray[np.int64]:
    """Return `replaced_numbers` of each page pair's story texts, from their word hashes.

    `number_places` and `replaced_numbers` compiled over the pairs' pages at once: a place
    and a number are word hashes (`tokens.hashes`, which tell words apart as the exact
    groups do), no string, tuple or set is made per number (the Python form took 0.5 s of
    the 20k-page tokenize stage), and the texts are never joined or decoded. With `rows`,
    segment i's words are row rows[i] of `tokens` (-1: none), as `Distinct.group_of` maps
    them.
    """
    if len(first) == 0:
        return np.zeros(0, dtype=np.int64)
    pages, index = np.unique(np.r_[first, second], return_inverse=True)
    segments = np.flatnonzero(np.asarray(story, dtype=np.bool_))
    segment_pages = np.asarray(page_of, dtype=np.int64)[segments]  # ascending
    wanted = np.isin(segment_pages, pages)
    chosen, chosen_pages = segments[wanted], segment_pages[wanted]
    if rows is not None:  # each segment read through its row; a wordless one adds nothing
        chosen = np.asarray(rows, dtype=np.int64)[chosen]
        chosen, chosen_pages = chosen[chosen >= 0], chosen_pages[chosen >= 0]
    bounds = np.zeros(len(pages) + 1, dtype=np.int64)
    np.cumsum(
        np.searchsorted(chosen_pages, pages, side="right") - np.searchsorted(chosen_pages, pages),
        out=bounds[1:],
    )
    del segments, segment_pages, wanted, chosen_pages
    with kernels.threads_for(int(tokens.norm_lengths[chosen].sum())):
        places, place_bounds = _story_kernels.number_words(
            tokens.hashes,
            tokens.offsets,
            tokens.norms,
            tokens.norm_starts,
            tokens.norm_lengths,
            chosen,
            bounds,
            decimal_digits(),
        )
    owner = np.repeat(np.arange(len(pages)), np.diff(place_bounds))
    places = places[np.lexsort((places[:, 2], places[:, 1], places[:, 0], owner))]
    with kernels.threads_for(len(first)):
        return _story_kernels.replaced_places(
            places, place_bounds, index[: len(first)], index[len(first) :]
        )


def story_shingles(
    tokens: Tokens, story: Flags, page_of: Indices, pages: int
) -> tuple[NDArray[np.int64], NDArray[np.uint64]]:
    """Return the (page, shingle) pairs of the pages' story texts: unique, sorted by shingle.

    All of them, shared here or not: a driver holding part of the pages (engines.articles)
    pairs them with other parts' by shingle.
    """
    keys, bits = _story_keys(tokens, story, page_of, pages)
    low = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    return (keys & low).astype(np.int64), keys >> np.uint64(bits)


def shingle_pairs(
    page: NDArray[np.int64], shingle: NDArray[np.uint64], pages: int
) -> NDArray[np.int64]:
    """Return a code p * pages + q (p < q) per rare shingle the two pages share, unsorted.

    `page` and `shingle` are (page, shingle) pairs, unique, sorted by (shingle, page), with
    every holder of each shingle present: a driver may call it on any set of whole shingles
    and add up the counts of the codes.

    Examples:
        >>> shingle_pairs(np.array([0, 2, 1]), np.array([5, 5, 6], dtype=np.uint64), 3)
        array([2])
    """
    run_length = np.diff(np.r_[_run_starts(shingle), len(shingle)])
    rare = run_length <= MAX_PAGES_PER_SHINGLE  # not template (a run of one pairs nothing)
    if not rare.all():  # a template shingle on many pages; one column copied at a time
        keep = np.repeat(rare, run_length)
        page = page[keep]
        shingle = shingle[keep]
        del keep
    del run_length, rare
    codes = [np.empty(0, dtype=np.int64)]
    for start in range(0, len(shingle) - 1, _SLICE):  # a slice's first holders at a time
        end = min(start + _SLICE, len(shingle) - 1)
        at = start + np.flatnonzero(shingle[start:end] == shingle[start + 1 : end + 1])
        for distance in range(1, MAX_PAGES_PER_SHINGLE):
            if distance > 1:
                at = at[at < len(shingle) - distance]
                at = at[shingle[at] == shingle[at + distance]]
            if len(at) == 0:
                break
            codes.append(page[at] * pages + page[at + distance])
    return np.concatenate(codes)


def contains_enough(
    shared: NDArray[np.int64], smaller: NDArray[np.int64], minimum: float
) -> NDArray[np.bool_]:
    """Return which page pairs share enough shingles of the smaller story: candidate copies."""
    return (shared >= MIN_SHARED_SHINGLES) & (shared >= minimum * smaller)


def story_places(tokens: Tokens, rows: Sequence[int]) -> dict[tuple[str, ...], frozenset[str]]:
    """Return the number places of one page's story text (the norms of its story `rows`).

    A row of -1 is a text without words: its norm is empty.
    """
    return number_places(" ".join(tokens.norm(i) if i >= 0 else "" for i in rows))


def number_places(norm: str) -> dict[tuple[str, ...], frozenset[str]]:
    """Map each place a number is written (the two words before it) to the numbers there.

    Args:
        norm: A normalized text (words separated by single spaces).

    Examples:
        >>> number_places("er vielen minstens 45 doden en minstens 3 gewonden")
        {('vielen', 'minstens'): frozenset({'45'}), ('en', 'minstens'): frozenset({'3'})}
    """
    found: dict[tuple[str, ...], set[str]] = {}
    at = 0
    # Search digits, then widen to the word: a regex, not a loop over every word (numbers
    # are few), and three times faster than matching whole words with a digit.
    while (digit := _DIGIT.search(norm, at)) is not None:
        start = norm.rfind(" ", 0, digit.start()) + 1
        end = norm.find(" ", digit.start())
        at = len(norm) if end < 0 else end
        context = _words_before(norm, start)
        if len(context) >= _CONTEXT_WORDS:
            found.setdefault(context, set()).add(norm[start:at])
    return {place: frozenset(numbers) for place, numbers in found.items()}


def _words_before(norm: str, end: int) -> tuple[str, ...]:
    """Return the last two words (or fewer) of `norm[:end]`, reading a short window.

    Slicing the whole head for every number made a page's cost quadratic in its length. When
    the window holds three parts, the last two are whole words (whitespace precedes them
    inside the window), so they equal those of the whole head; otherwise the head is read.
    """
    start = max(0, end - _CONTEXT_CHARS)
    context = tuple(norm[start:end].rsplit(maxsplit=_CONTEXT_WORDS))
    if start > 0 and len(context) <= _CONTEXT_WORDS:
        context = tuple(norm[:end].rsplit(maxsplit=_CONTEXT_WORDS))
    return context[-_CONTEXT_WORDS:]


def replaced_numbers(
    first: dict[tuple[str, ...], frozenset[str]], second: dict[tuple[str, ...], frozenset[str]]
) -> int:
    """Count the places where both texts write a number and no number agrees: facts replaced.

    Examples:
        >>> a = number_places("er vielen minstens 45 doden in 2024")
        >>> b = number_places("er vielen minstens 12 doden in 2024")
        >>> replaced_numbers(a, b), replaced_numbers(a, a)
        (1, 0)
    """
    return sum(
        1 for place in first.keys() & second.keys() if first[place].isdisjoint(second[place])
    )


def decimal_digits() -> NDArray[np.bool_]:
    """Return, for the code points of the first two planes, whether each is a digit (Nd).

    Every decimal digit of `number_places` is in those planes (tests/test_story.py checks
    every code point): reading only those took 8 ms, against 20 for all 17 planes, once a
    process, and the table a process keeps is 128 KiB, not 1.1 MB.
    """
    return code_points(_DIGIT.pattern, planes=2)


def _run_heads(ordered: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Return a mask of the first value of each run of equal values in a sorted array."""
    heads = np.empty(len(ordered), dtype=np.bool_)
    heads[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=heads[1:])
    return heads


def _run_starts(ordered: NDArray[np.uint64] | NDArray[np.int64]) -> NDArray[np.int64]:
    """Return where each run of equal values starts in a sorted array."""
    if len(ordered) == 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def align(
    first: Sequence[Segment], second: Sequence[Segment], *, fold_diacritics: bool = False
) -> tuple[tuple[SegmentId, SegmentId, float], ...]:
    """Pair the story segments of two copies one to one: which segment of a copy is which.

    Each pair of story segments is scored by the word-shingle containment of the shorter in
    the longer; pairs are taken greedily, best first (ties by position), each segment at
    most once, down to containment 0.5. A paragraph split in two pairs with its larger part.

    Examples:
        >>> from dedupe_news.records import Segment
        >>> lede = "De president gaat dinsdag naar het land toe"
        >>> a = [Segment("a", 1, Role.TITLE, "Poetin dinsdag naar Noord-Korea"),
        ...      Segment("a", 2, Role.LEDE, lede + ".")]
        >>> b = [Segment("b", 1, Role.LEDE, lede + ", meldt KCNA."),
        ...      Segment("b", 3, Role.TITLE, "Poetin gaat dinsdag naar Noord-Korea")]
        >>> align(a, b)
        (('a:2', 'b:1', 1.0), ('a:1', 'b:3', 0.75))
    """
    left = [s for s in first if s.role in STORY_ROLES]
    right = [s for s in second if s.role in STORY_ROLES]
    tokens = tokenize([s.text for s in (*left, *right)], fold_diacritics=fold_diacritics)
    sets = [_segment_shingles(tokens, i) for i in range(len(left) + len(right))]
    scored = []
    for i, a in enumerate(sets[: len(left)]):
        for j, b in enumerate(sets[len(left) :]):
            if a and b:
                scored.append((len(a & b) / min(len(a), len(b)), i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    taken_left, taken_right, pairs = set(), set(), []
    for score, i, j in scored:
        if score >= _ALIGN_MIN and i not in taken_left and j not in taken_right:
            taken_left.add(i)
            taken_right.add(j)
            pairs.append((left[i].id, right[j].id, round(score, 6)))
    return tuple(pairs)


_ALIGN_MIN = 0.5
_ALIGN_WORDS = 2  # segments are short (a title has 5 to 10 words): word pairs


def _segment_shingles(tokens: Tokens, index: int) -> frozenset[tuple[int, ...]]:
    words = tokens.hashes[tokens.offsets[index] : tokens.offsets[index + 1]].tolist()
    if len(words) < _ALIGN_WORDS:
        return frozenset({tuple(words)} if words else set())
    return frozenset(zip(*(words[k:] for k in range(_ALIGN_WORDS)), strict=False))
