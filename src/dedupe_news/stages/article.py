"""Articles: shared story segments and whole-story text -> page-level article clusters.

Two pages are copies of one story (syndicated, edited, re-published with an update) on either
of two kinds of evidence:

- segments: at least two of their story segments (title, lede, paragraphs) are in shared
  clusters, and those make up at least `article_min_shared` of the smaller page's story
  segments;
- whole story: the story text (title, lede and paragraphs joined) of one contains the other's,
  measured as word k-gram containment `|S_p & S_q| / min(|S_p|, |S_q|)` of their shingle
  sets, at least `article_min_shared`, with at least `MIN_SHARED_SHINGLES` shingles shared
  so a short standing line cannot trigger it. This joins copies whose paragraphs were merged,
  split or cut, where few segments match one to one.

Candidate page pairs come from shared shingles, each shingle pairing the pages that hold it;
a shingle on more than `MAX_PAGES_PER_SHINGLE` pages is template, not copy evidence, and pairs
nothing, so the work is bounded per shingle and linear in the number of pages. Copies are
joined by union-find; each group is named by its smallest page id. `align` then pairs the
segments of two copies one to one, for reporting which segment of a copy is which.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.records import PageId, Role
from dedupe_news.stages.cluster import components
from dedupe_news.stages.tokenize import tokenize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.records import ClusterId, Page, Segment, SegmentId
    from dedupe_news.stages.tokenize import Tokens

STORY_ROLES = frozenset({Role.TITLE, Role.LEDE, Role.PARAGRAPH})
"""Roles that carry a story; subheadings are too short to tell two stories apart."""

_MIN_SHARED_SEGMENTS = 2
STORY_SHINGLE_WORDS = 5
"""Words per story shingle: long enough that two stories on one topic share few by chance."""
MIN_SHARED_SHINGLES = 20
"""Shingles two stories must share (about two sentences) before their containment counts."""
MAX_PAGES_PER_SHINGLE = 64
"""A shingle on more pages than this is template: it pairs no pages."""
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio) to chain word hashes
# A cluster on more pages than this is template evidence, not copy evidence: pairing all of
# its pages would cost a quadratic number of page pairs for nothing.
_MAX_PAGES_PER_CLUSTER = 256


def article_clusters(
    pages: Sequence[Page],
    segments: Sequence[Segment],
    segment_clusters: Sequence[ClusterId | None],
    config: Config,
    *,
    tokens: Tokens | None = None,
) -> tuple[PageId | None, ...]:
    """Return, for each page, the id of its article cluster, or None when it has no copy.

    Args:
        pages: The batch's pages, sorted by id.
        segments: Their segments, page by page in line order.
        segment_clusters: Each segment's cluster id, or None.
        config: Supplies `article_min_shared`.
        tokens: The segments' word hashes (aligned with `segments`): with them, whole-story
            containment joins pages too.
    """
    index = {page.id: i for i, page in enumerate(pages)}
    story_count = [0] * len(pages)
    pages_of: dict[ClusterId, set[int]] = {}
    for segment, cluster in zip(segments, segment_clusters, strict=True):
        if segment.role in STORY_ROLES:
            page = index[segment.page_id]
            story_count[page] += 1
            if cluster is not None:
                pages_of.setdefault(cluster, set()).add(page)
    shared: Counter[tuple[int, int]] = Counter()
    for members in pages_of.values():
        if 1 < len(members) <= _MAX_PAGES_PER_CLUSTER:
            shared.update(combinations(sorted(members), 2))
    copies = [
        (p, q)
        for (p, q), count in sorted(shared.items())
        if count >= _MIN_SHARED_SEGMENTS
        and count >= config.article_min_shared * min(story_count[p], story_count[q])
    ]
    if tokens is not None:
        story = [segment.role in STORY_ROLES for segment in segments]
        page_of = [index[segment.page_id] for segment in segments]
        copies.extend(story_copies(tokens, story, page_of, len(pages), config.article_min_shared))
    roots = components(len(pages), copies).tolist()
    name: dict[int, PageId] = {}  # each group is named by its smallest page id, in any order
    for member, root in zip(pages, roots, strict=True):
        name[root] = min(name.get(root, member.id), member.id)
    sizes = Counter(roots)
    return tuple(name[r] if sizes[r] > 1 else None for r in roots)


def story_shingles(
    tokens: Tokens, story: Sequence[bool], page_of: Sequence[int]
) -> tuple[NDArray[np.int64], NDArray[np.uint64]]:
    """Return the (page, shingle) pairs of the pages' story texts: unique, sorted by shingle.

    A page's story text is its story segments' words in order (`story` marks them, `page_of`
    names each segment's page, ascending); shingles are its runs of `STORY_SHINGLE_WORDS`
    words, hashed by chaining the word hashes.
    """
    chosen = np.flatnonzero(np.asarray(story, dtype=np.bool_))
    starts, counts = tokens.offsets[chosen], np.diff(tokens.offsets)[chosen]
    total = int(counts.sum())
    shift = np.repeat(starts - np.r_[0, np.cumsum(counts)[:-1]], counts)
    words = tokens.hashes[np.arange(total, dtype=np.int64) + shift]
    page = np.repeat(np.asarray(page_of, dtype=np.int64)[chosen], counts)
    k = STORY_SHINGLE_WORDS
    if total < k:
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    windows = total - k + 1
    shingle = words[:windows].copy()
    for offset in range(1, k):  # uint64 arithmetic wraps: a polynomial hash mod 2^64
        shingle = shingle * _MIX + words[offset : offset + windows]
    inside = page[:windows] == page[k - 1 :]  # a shingle never spans two pages
    shingle, page = shingle[inside], page[:windows][inside]
    order = np.lexsort((page, shingle))
    shingle, page = shingle[order], page[order]
    fresh = np.r_[True, (shingle[1:] != shingle[:-1]) | (page[1:] != page[:-1])]
    return page[fresh], shingle[fresh]


def story_copies(
    tokens: Tokens, story: Sequence[bool], page_of: Sequence[int], pages: int, minimum: float
) -> list[tuple[int, int]]:
    """Return the page pairs (p < q) whose story texts contain each other's: copies.

    Examples:
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> story = " ".join(f"woord{n}" for n in range(30))
        >>> texts = [story, "Een ander verhaal over iets anders.", story + " en meer"]
        >>> story_copies(tokenize(texts), [True] * 3, [0, 1, 2], 3, 0.5)
        [(0, 2)]
    """
    page, shingle = story_shingles(tokens, story, page_of)
    sizes = np.bincount(page, minlength=pages)
    run_start = np.flatnonzero(np.r_[True, shingle[1:] != shingle[:-1]])
    run_length = np.diff(np.r_[run_start, len(shingle)])
    rare = np.repeat(run_length <= MAX_PAGES_PER_SHINGLE, run_length)
    codes = []
    for distance in range(1, min(int(run_length.max(initial=1)), MAX_PAGES_PER_SHINGLE)):
        same = (shingle[:-distance] == shingle[distance:]) & rare[:-distance]
        at = np.flatnonzero(same)
        codes.append(page[at] * pages + page[at + distance])  # pages ascend within a shingle
    if not codes:
        return []
    pair_codes, shared = np.unique(np.concatenate(codes), return_counts=True)
    first, second = pair_codes // pages, pair_codes % pages
    smaller = np.minimum(sizes[first], sizes[second])
    copy = (shared >= MIN_SHARED_SHINGLES) & (shared >= minimum * smaller)
    return list(zip(first[copy].tolist(), second[copy].tolist(), strict=True))


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
