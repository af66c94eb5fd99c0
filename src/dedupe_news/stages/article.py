"""Articles: shared story segments and whole-story text -> page-level article clusters.

Two pages are copies of one story (syndicated, edited, re-published with an update) on either
of two kinds of evidence:

- segments: at least two of their story segments (title, lede, paragraphs) are in shared
  clusters, and those make up at least `article_min_shared` of the smaller page's story
  segments;
- whole story (`stages.story`): one story text contains the other's, with word k-gram
  containment at least `article_min_shared`, enough shingles shared, and no numbers replaced
  in place. This joins copies whose paragraphs were merged, split or cut.

Copies are joined by union-find; each group is named by its smallest page id.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.records import Segments
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.cluster import components
from dedupe_news.stages.story import STORY_ROLES, Flags, Indices, story_copies

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.records import ClusterId, Page, PageId, Segment
    from dedupe_news.stages.tokenize import Tokens

__all__ = ["STORY_ROLES", "article_clusters", "whole_story_copies"]

_MIN_SHARED_SEGMENTS = 2
# A cluster on more pages than this is template evidence, not copy evidence: pairing all of
# its pages would cost a quadratic number of page pairs for nothing.
_MAX_PAGES_PER_CLUSTER = 256


def _segment_copies(
    page_of: Indices,
    story: Flags,
    segment_clusters: Sequence[ClusterId | None],
    pages: int,
    config: Config,
) -> list[tuple[int, int]]:
    """Return the page pairs (p < q, ascending) sharing enough story segment clusters.

    No Python object per page pair, which large groups of near copies made by the million:
    the pairs are made by a compiled loop and counted by one sort.
    """
    page = np.asarray(page_of, dtype=np.int64)
    story_at = np.asarray(story, dtype=np.bool_)
    code: dict[ClusterId, int] = {}
    cluster = np.fromiter(
        (-1 if c is None else code.setdefault(c, len(code)) for c in segment_clusters),
        np.int64,
        len(segment_clusters),
    )
    story_count = np.bincount(page[story_at], minlength=pages)
    held = story_at & (cluster >= 0)
    made = cluster_page_pairs(cluster[held], page[held], pages)
    made.sort()
    firsts = np.flatnonzero(np.r_[True, made[1:] != made[:-1]]) if len(made) else made
    shared = np.diff(np.r_[firsts, len(made)])
    first, second = made[firsts] // max(pages, 1), made[firsts] % max(pages, 1)
    smaller = np.minimum(story_count[first], story_count[second])
    enough = segment_copies_enough(shared, smaller, config)
    return list(zip(first[enough].tolist(), second[enough].tolist(), strict=True))


def cluster_page_pairs(
    cluster: NDArray[np.int64], page: NDArray[np.int64], pages: int
) -> NDArray[np.int64]:
    """Return a code p * pages + q (p < q) per cluster holding story segments of both pages.

    Each cluster (any int code) on 2 to `_MAX_PAGES_PER_CLUSTER` pages pairs its pages; the
    codes are unsorted, one per (cluster, page pair): counted, they are the shared clusters.
    A driver may call it on any set of whole clusters and add up the counts.

    Examples:
        >>> cluster_page_pairs(np.array([7, 7, 7, 9]), np.array([3, 1, 3, 1]), 10).tolist()
        [13]
    """
    keys = np.sort(cluster * max(pages, 1) + page)  # (cluster, page), sorted
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    owners = keys % max(pages, 1)
    starts = np.flatnonzero(np.r_[True, np.diff(keys // max(pages, 1)) != 0]) if len(keys) else keys
    ends = np.r_[starts[1:], len(keys)].astype(np.int64)
    size = ends - starts
    chosen = (size >= 2) & (size <= _MAX_PAGES_PER_CLUSTER)
    with kernels.threads_for(int((size[chosen] ** 2).sum())):
        return kernels.group_pairs(owners, starts[chosen].astype(np.int64), ends[chosen], pages)


def segment_copies_enough(
    shared: NDArray[np.int64], smaller: NDArray[np.int64], config: Config
) -> NDArray[np.bool_]:
    """Return which page pairs share enough story clusters: copies on segment evidence."""
    return (shared >= _MIN_SHARED_SEGMENTS) & (shared >= config.article_min_shared * smaller)


def article_clusters(
    pages: Sequence[Page],
    segments: Sequence[Segment],
    segment_clusters: Sequence[ClusterId | None],
    config: Config,
    *,
    whole_story: Sequence[tuple[int, int]] = (),
) -> tuple[PageId | None, ...]:
    """Return, for each page, the id of its article cluster, or None when it has no copy.

    Args:
        pages: The batch's pages, sorted by id.
        segments: Their segments, page by page in line order.
        segment_clusters: Each segment's cluster id, or None.
        config: Supplies `article_min_shared`.
        whole_story: The page pairs whose story texts are copies (`whole_story_copies`,
            taken while the segments' word hashes are held): they join pages too.
    """
    page_of, story = _page_story(pages, segments)
    copies = _segment_copies(page_of, story, segment_clusters, len(pages), config)
    copies.extend(whole_story)
    roots = components(len(pages), copies).tolist()
    name: dict[int, PageId] = {}  # each group is named by its smallest page id, in any order
    for member, root in zip(pages, roots, strict=True):
        name[root] = min(name.get(root, member.id), member.id)
    sizes = Counter(roots)
    return tuple(name[r] if sizes[r] > 1 else None for r in roots)


def whole_story_copies(
    pages: Sequence[Page],
    segments: Sequence[Segment],
    tokens: Tokens,
    config: Config,
    *,
    rows: NDArray[np.int64] | None = None,
) -> list[tuple[int, int]]:
    """Return the page pairs (p < q, indices into `pages`) whose story texts are copies.

    The whole-story evidence of `article_clusters(..., whole_story=pairs)`, taken while
    word hashes are held: the pipeline frees them once the batch is signed. `tokens` is
    aligned with `segments`, or with `rows` (`Distinct.group_of`) holds one row per
    distinct text: segment i's words are row rows[i]'s (the pipeline keeps only those).
    """
    page_of, story = _page_story(pages, segments)
    minimum = config.article_min_shared
    return story_copies(tokens, story, page_of, len(pages), minimum, rows=rows)


def _page_story(
    pages: Sequence[Page], segments: Sequence[Segment]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Return each segment's page index and whether its role carries the story."""
    columns = Segments.of(segments)
    return columns.page_index(pages), columns.role_in(STORY_ROLES)
