"""Label: clusters, roles and article clusters -> one label per segment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe_news.records import Label, Role

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.config import Config
    from dedupe_news.records import ClusterId, Page, PageId, Segment

FURNITURE_ROLES = frozenset(
    {
        Role.SECTION_HEADING,
        Role.TEASER,
        Role.NAVIGATION,
        Role.FOOTER,
        Role.NOTICE,
        Role.CAPTION,
        Role.BYLINE,
    }
)
"""Roles that are page furniture whatever their text: headings of rails and their teasers,
and the HTML-only roles (navigation, footer, notice, caption, byline)."""


def label(role: Role, stories: int, config: Config) -> Label:
    """Return the label of one segment.

    The rule, in order:

    1. a section heading, a teaser or another furniture role (`FURNITURE_ROLES`) is
       `boilerplate` (page furniture, not reporting);
    2. a segment in no cluster (`stories == 0`) is `unique`: the page's own reporting;
    3. a repeated segment whose cluster spans at least `boilerplate_min_pages` different
       stories (pages that are not copies of one article) is `boilerplate`: template text;
    4. any other repeated segment is `duplicate`: article text found elsewhere, such as a
       syndicated copy.

    Args:
        role: The segment's role.
        stories: How many different stories its cluster spans (0 when not in a cluster).
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


def label_segments(
    pages: Sequence[Page],
    article_clusters: Sequence[PageId | None],
    segments: Sequence[Segment],
    segment_clusters: Sequence[ClusterId | None],
    config: Config,
) -> tuple[Label, ...]:
    """Label every segment of a batch (aligned with `segments`)."""
    story_of = {
        page.id: page.id if article is None else article
        for page, article in zip(pages, article_clusters, strict=True)
    }
    stories_of: dict[ClusterId, set[PageId]] = {}
    for segment, cluster in zip(segments, segment_clusters, strict=True):
        if cluster is not None:
            stories_of.setdefault(cluster, set()).add(story_of[segment.page_id])
    return tuple(
        label(segment.role, 0 if cluster is None else len(stories_of[cluster]), config)
        for segment, cluster in zip(segments, segment_clusters, strict=True)
    )
