"""Label: clusters, roles and article clusters -> one label per segment.

Repetition is counted across pages only: a cluster whose members are all on one page (a title
quoted in its own body, a lede sentence repeated as a pull quote) is no repetition, and its
members stay `unique`. A segment is `duplicate` only when its cluster has a member on another
page, of another story or of a copy of this one.
"""

from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.records import Label, Role, Segments
from dedupe_news.stages.cluster import cluster_codes
from dedupe_news.stages.cluster_parts import distinct_sorted
from dedupe_news.stages.link import FURNITURE_ROLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.records import ClusterId, Page, PageId, Segment

__all__ = ["FURNITURE_ROLES", "label", "label_segments"]


def label(role: Role, stories: int, config: Config) -> Label:
    """Return the label of one segment.

    The rule, in order:

    1. a section heading, a teaser or another furniture role (`FURNITURE_ROLES`) is
       `boilerplate` (page furniture, not reporting);
    2. a segment in no cluster, or in a cluster on its own page only (`stories == 0`), is
       `unique`: the page's own reporting, even where the page quotes itself;
    3. a repeated segment whose cluster spans at least `boilerplate_min_pages` different
       stories (pages that are not copies of one article) is `boilerplate`: template text;
    4. any other repeated segment is `duplicate`: article text found elsewhere, such as a
       syndicated copy.

    Args:
        role: The segment's role.
        stories: How many different stories its cluster spans (0 when not in a cluster, or
            when all its members are on one page).
        config: Supplies `boilerplate_min_pages`.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> label(Role.PARAGRAPH, 0, DEFAULT), label(Role.PARAGRAPH, 1, DEFAULT)
        (<Label.UNIQUE: 'unique'>, <Label.DUPLICATE: 'duplicate'>)
        >>> label(Role.PARAGRAPH, 3, DEFAULT), label(Role.TEASER, 0, DEFAULT)
        (<Label.BOILERPLATE: 'boilerplate'>, <Label.BOILERPLATE: 'boilerplate'>)
    """
    if role in FURNITURE_ROLES:
        return Label.BOILERPLATE
    if stories == 0:
        return Label.UNIQUE
    if stories >= config.boilerplate_min_pages:
        return Label.BOILERPLATE
    return Label.DUPLICATE


def label_segments(  # noqa: PLR0913 - the batch's columns, and the codes a clustering gives
    pages: Sequence[Page],
    article_clusters: Sequence[PageId | None],
    segments: Sequence[Segment],
    segment_clusters: Sequence[ClusterId | None],
    config: Config,
    *,
    codes: NDArray[np.int64] | None = None,
) -> tuple[Label, ...]:
    """Label every segment of a batch (aligned with `segments`).

    Args:
        pages: The batch's pages.
        article_clusters: Each page's article cluster, or None (`article_clusters`).
        segments: The batch's segments.
        segment_clusters: Each segment's cluster id, or None.
        config: Supplies `boilerplate_min_pages`.
        codes: Each segment's cluster as a number, -1 for none (`Clustering.codes`), when
            the caller has them: then `segment_clusters` is not read.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> from dedupe_news.records import ClusterId, Page, Segment
        >>> quoted = [Segment("a", 1, Role.TITLE, "'Nationaal falen'"),
        ...           Segment("a", 4, Role.PARAGRAPH, "'Nationaal falen'")]
        >>> c = ClusterId("c1")
        >>> label_segments([Page("a", "")], [None], quoted, [c, c], DEFAULT)
        (<Label.UNIQUE: 'unique'>, <Label.UNIQUE: 'unique'>)
    """
    columns = Segments.of(segments)
    story_of = _stories(pages, article_clusters)
    page_of = columns.page_index(pages)
    cluster_of = cluster_codes(segment_clusters) if codes is None else codes
    if len(cluster_of) != len(page_of):
        msg = f"segment_clusters must be aligned with segments, got {len(cluster_of)} values"
        raise ValueError(msg)
    inside = np.flatnonzero(cluster_of >= 0)
    clusters = int(cluster_of.max(initial=-1)) + 1
    spans = _distinct_per_cluster(cluster_of[inside], page_of[inside], clusters)
    counts = _distinct_per_cluster(cluster_of[inside], story_of[page_of[inside]], clusters)
    counts[spans == 1] = 0  # a cluster on one page only is no repetition
    found = np.zeros(len(page_of), np.int64)
    found[inside] = counts[cluster_of[inside]]
    # label() over columns: 0 unique, 1 duplicate, 2 boilerplate.
    code = np.where(found == 0, 0, np.where(found >= config.boilerplate_min_pages, 2, 1))
    code[columns.role_in(FURNITURE_ROLES)] = 2
    return tuple(_LABELS[code].tolist())


_LABELS = np.array([Label.UNIQUE, Label.DUPLICATE, Label.BOILERPLATE], dtype=object)


def _stories(pages: Sequence[Page], article_clusters: Sequence[PageId | None]) -> NDArray[np.int64]:
    """Return each page's story as a number: that of its article cluster, or its own id."""
    stories: dict[PageId, int] = {}
    keys = [page.id if a is None else a for page, a in zip(pages, article_clusters, strict=True)]
    return np.fromiter(map(stories.setdefault, keys, count()), np.int64, len(keys))


def _distinct_per_cluster(
    cluster: NDArray[np.int64], value: NDArray[np.int64], clusters: int
) -> NDArray[np.int64]:
    """Return, for each cluster, how many different values its members have."""
    width = int(value.max(initial=0)) + 1
    pairs = distinct_sorted(cluster * width + value)
    return np.bincount(pairs // width, minlength=clusters).astype(np.int64)
