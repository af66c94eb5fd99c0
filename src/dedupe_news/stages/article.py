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
from itertools import combinations
from typing import TYPE_CHECKING

from dedupe_news.stages.cluster import components
from dedupe_news.stages.story import STORY_ROLES, story_copies

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.config import Config
    from dedupe_news.records import ClusterId, Page, PageId, Segment
    from dedupe_news.stages.tokenize import Tokens

__all__ = ["STORY_ROLES", "article_clusters"]

_MIN_SHARED_SEGMENTS = 2
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
