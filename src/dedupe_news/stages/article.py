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

from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.records import Segments
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.cluster import cluster_codes
from dedupe_news.stages.cluster_parts import roots_of
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
    page_of: Indices, story: Flags, cluster: NDArray[np.int64], pages: int, config: Config
) -> NDArray[np.int64]:
    """Return the page pairs (p, q), p < q, ascending, sharing enough story segment clusters.

    `cluster` numbers each segment's cluster, -1 for none. No Python object per page pair,
    which large groups of near copies made by the million: the pairs are made by a
    compiled loop and counted by one sort. Returned as rows of a (pairs, 2) array.
    """
    page = np.asarray(page_of, dtype=np.int64)
    story_at = np.asarray(story, dtype=np.bool_)
    story_count = np.bincount(page[story_at], minlength=pages)
    held = story_at & (cluster >= 0)
    made = cluster_page_pairs(cluster[held], page[held], pages)
    made.sort()
    firsts = np.flatnonzero(np.r_[True, made[1:] != made[:-1]]) if len(made) else made
    shared = np.diff(np.r_[firsts, len(made)])
    first, second = made[firsts] // max(pages, 1), made[firsts] % max(pages, 1)
    smaller = np.minimum(story_count[first], story_count[second])
    enough = segment_copies_enough(shared, smaller, config)
    return np.stack([first[enough], second[enough]], axis=1).astype(np.int64)


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


def article_clusters(  # noqa: PLR0913 - the batch's columns, and the codes a clustering gives
    pages: Sequence[Page],
    segments: Sequence[Segment],
    segment_clusters: Sequence[ClusterId | None],
    config: Config,
    *,
    whole_story: Sequence[tuple[int, int]] = (),
    codes: NDArray[np.int64] | None = None,
) -> tuple[PageId | None, ...]:
    """Return, for each page, the id of its article cluster, or None when it has no copy.

    Args:
        pages: The batch's pages, sorted by id.
        segments: Their segments, page by page in line order.
        segment_clusters: Each segment's cluster id, or None.
        config: Supplies `article_min_shared`.
        whole_story: The page pairs whose story texts are copies (`whole_story_copies`,
            taken while the segments' word hashes are held): they join pages too.
        codes: Each segment's cluster as a number, -1 for none (`Clustering.codes`), when
            the caller has them: then `segment_clusters` is not read.
    """
    page_of, story = _page_story(pages, segments)
    cluster = cluster_codes(segment_clusters) if codes is None else codes
    copies = _segment_copies(page_of, story, cluster, len(pages), config)
    joined = np.concatenate([copies, np.array(whole_story, np.int64).reshape(-1, 2)])
    roots = roots_of(len(pages), joined[:, 0], joined[:, 1])
    grouped = np.flatnonzero(np.bincount(roots, minlength=len(pages))[roots] > 1)
    name: dict[int, PageId] = {}  # each group is named by its smallest page id, in any order
    group_roots = roots[grouped].tolist()
    for root, at in zip(group_roots, grouped.tolist(), strict=True):
        name[root] = min(name.get(root, pages[at].id), pages[at].id)
    found: list[PageId | None] = [None] * len(pages)
    for root, at in zip(group_roots, grouped.tolist(), strict=True):
        found[at] = name[root]
    return tuple(found)


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
