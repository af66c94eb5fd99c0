"""Link: matches -> story and furniture kept apart, and teasers linked to their articles.

A rail teaser repeats another page's title or lede: it points to that article, it is no copy
of it. So a cluster never mixes page furniture (section headings, teasers) with story text
(titles, ledes, paragraphs, subheadings). Each distinct text is split into its furniture side
and its story side (`Sides`, a `cluster.Groups`); a match joins two texts within a side only.
A match across the sides, or a text printed both as a teaser and as a title or lede, whose
teaser and title or lede are on different pages, becomes a `Link` from the teaser to that
page instead, scored by verification (1.0 for equal texts). So the lede stays `unique` on its
own page however many rails show it. Matches across the sides between other roles (a teaser
and a paragraph) join nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.records import Link, Match, PageId, Role, SegmentId, Segments
from dedupe_news.stages.cluster_parts import MatchColumns
from dedupe_news.stages.exact import norm_chars

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Segment
    from dedupe_news.stages.exact import Distinct

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

TARGET_ROLES = frozenset({Role.TITLE, Role.LEDE})
"""Roles a teaser summarises: the article's title or its lede."""


@dataclass(frozen=True, slots=True)
class Sides:
    """The distinct texts of a batch, each split into its furniture and its story side.

    Satisfies `cluster.Groups`: side g is the batch's text `firsts[g]`, numbered in order of
    first appearance, so clustering reads it like `exact.Distinct`.

    Attributes:
        group_of: Each text's side, -1 for a text without words.
        firsts: Each side's first text, ascending.
        distinct: The distinct texts the sides split.
    """

    group_of: NDArray[np.int64]
    firsts: NDArray[np.int64]
    distinct: Distinct

    def norm(self, group: int) -> str:
        """Return the normalized text of a side."""
        return self.distinct.tokens.norm(int(self.firsts[group]))

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of each side's normalized text."""
        return norm_chars(self.distinct.tokens, self.firsts)


@dataclass(frozen=True, slots=True)
class Separated:
    """Sides and matches to cluster, and the links across the sides.

    Attributes:
        sides: The distinct texts split into their sides.
        columns: The matches within a side, sorted by (a, b), as columns (with whether
            each one joins by containment only, as `verify` found).
        links: The teasers linked to the pages they summarise.
    """

    sides: Sides
    columns: MatchColumns
    links: tuple[Link, ...]

    @property
    def matches(self) -> tuple[Match[int], ...]:
        """Return the matches within a side, sorted by (a, b), made now."""
        return self.columns.records()

    @property
    def contained(self) -> tuple[bool, ...]:
        """Return, aligned with `matches`, whether each one joins by containment only."""
        return tuple(self.columns.contained.tolist())


def separate(
    distinct: Distinct,
    matches: Sequence[Match[int]],
    segments: Sequence[Segment],
    contained: Sequence[bool] = (),
) -> Separated:
    """Split distinct texts into furniture and story sides; matches across become links.

    Args:
        distinct: The segments' distinct texts (aligned with `segments`).
        matches: Verified matches between distinct texts.
        segments: The batch's segments, sorted by page and line.
        contained: Aligned with `matches`: whether each joins by containment only (none:
            all by similarity); carried over to the matches within a side.

    Examples:
        >>> from dedupe_news.records import Segment
        >>> from dedupe_news.stages.exact import exact_groups
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> lede = "Poetin gaat dinsdag naar Noord-Korea."
        >>> segments = [Segment("a", 2, Role.LEDE, lede), Segment("b", 9, Role.TEASER, lede)]
        >>> texts = [s.text for s in segments]
        >>> found = separate(exact_groups(texts, tokenize(texts)), [], segments)
        >>> found.sides.group_of.tolist(), found.links
        ([0, 1], (Link(teaser='b:9', page='a', target='a:2', score=1.0),))
    """
    columns = Segments.of(segments)
    furniture = columns.role_in(FURNITURE_ROLES).astype(np.int64)
    valid = np.flatnonzero(distinct.group_of >= 0)
    keys = distinct.group_of[valid] * 2 + furniture[valid]
    # One sort of (key, position) codes finds each key's first position: no stable argsort.
    size = max(len(segments), 1)
    code = np.sort(keys * size + valid)
    runs = np.r_[True, code[1:] // size != code[:-1] // size] if len(code) else code > 0
    unique_keys, firsts = code[runs] // size, code[runs] % size
    order = np.argsort(firsts)  # distinct positions: any sort is stable
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    side_of = np.full(2 * len(distinct), -1, dtype=np.int64)  # (group * 2 + furniture) -> side
    side_of[unique_keys] = rank
    group_of = np.full(len(segments), -1, dtype=np.int64)
    group_of[valid] = side_of[keys]
    sides = Sides(group_of, firsts[order], distinct)
    within, across = _sided(side_of, MatchColumns.of(matches, contained))
    story, shown = side_of[0::2], side_of[1::2]  # one text printed as story and as furniture
    both = np.flatnonzero((story >= 0) & (shown >= 0))
    across.extend(
        (a, b, 1.0) for a, b in zip(story[both].tolist(), shown[both].tolist(), strict=True)
    )
    links = _links(sides, across, columns)
    return Separated(sides, within, links)


def side_matches(
    side_of: NDArray[np.int64], matches: Sequence[Match[int]], contained: Sequence[bool] = ()
) -> tuple[list[tuple[Match[int], bool]], list[tuple[int, int, float]]]:
    """Map matches between distinct texts to matches within a side and pairs across the sides.

    Args:
        side_of: For text t, `side_of[2 * t]` is its story side and `side_of[2 * t + 1]`
            its furniture side, -1 where it has none.
        matches: Verified matches between distinct texts.
        contained: Aligned with `matches`: whether each joins by containment only.

    Returns:
        The matches within a side with their containment flags, sorted by (a, b), and the
        (story or furniture side, other side, score) pairs across the sides.

    Examples:
        >>> side_matches(np.array([0, -1, 1, 2]), [Match(0, 1, 0.9, 0.8)])
        ([(Match(a=0, b=1, score=0.9, jaccard=0.8), False)], [(0, 2, 0.9)])
    """
    within, across = _sided(side_of, MatchColumns.of(matches, contained))
    flags = within.contained.tolist()
    return list(zip(within.records(), flags, strict=True)), across


def _sided(
    side_of: NDArray[np.int64], matches: MatchColumns
) -> tuple[MatchColumns, list[tuple[int, int, float]]]:
    """Return `side_matches` over match columns: the matches within as columns.

    Each match, on each side (story 0, furniture 1), is within that side when both texts
    have it, and across when its first text has it and its second text the other side.
    """
    firsts, seconds = 2 * matches.a, 2 * matches.b
    low, high, at, across = [], [], [], []
    for side in (0, 1):
        one, other = side_of[firsts + side], side_of[seconds + side]
        inside = np.flatnonzero((one >= 0) & (other >= 0))
        low.append(np.minimum(one, other)[inside])
        high.append(np.maximum(one, other)[inside])
        at.append(inside)
        crossed = side_of[seconds + 1 - side]
        over = np.flatnonzero((one >= 0) & (crossed >= 0))
        across.append((over * 2 + side, one[over], crossed[over]))
    a, b, where = np.concatenate(low), np.concatenate(high), np.concatenate(at)
    order = np.lexsort((b, a))
    a, b, where = a[order], b[order], where[order]
    within = MatchColumns(
        a, b, matches.score[where], matches.jaccard[where], matches.contained[where]
    )
    # Across pairs in match order, story side first, as the matches list them.
    key, one, crossed = (np.concatenate(part) for part in zip(*across, strict=True))
    order = np.argsort(key)
    pairs = zip(
        one[order].tolist(),
        crossed[order].tolist(),
        matches.score[key[order] // 2].tolist(),
        strict=True,
    )
    return within, list(pairs)


def _links(
    sides: Sides, across: Sequence[tuple[int, int, float]], segments: Segments
) -> tuple[Link, ...]:
    """Expand side pairs to teaser -> page links: the best target per teaser and page."""
    if not across:
        return ()
    members: dict[int, list[int]] = {}
    wanted = np.array(sorted({side for pair in across for side in pair[:2]}), dtype=np.int64)
    linked = np.flatnonzero(np.isin(sides.group_of, wanted))  # only the sides of links
    for item, side in zip(linked.tolist(), sides.group_of[linked].tolist(), strict=True):
        members.setdefault(side, []).append(item)
    is_teaser = dict(
        zip(linked.tolist(), segments.role_in((Role.TEASER,))[linked].tolist(), strict=True)
    )
    is_target = dict(
        zip(linked.tolist(), segments.role_in(TARGET_ROLES)[linked].tolist(), strict=True)
    )
    page_of = dict(zip(linked.tolist(), segments.pages[linked].tolist(), strict=True))
    best: dict[tuple[int, PageId], tuple[float, int]] = {}
    for one, other, score in across:
        items = members[one] + members[other]
        teasers = [i for i in items if is_teaser[i]]
        targets = [i for i in items if is_target[i]]
        for teaser in teasers:
            for target in targets:
                page = segments.page_ids[page_of[target]]
                known = best.get((teaser, page))
                if page_of[target] != page_of[teaser] and (
                    known is None or (-score, target) < (-known[0], known[1])
                ):
                    best[(teaser, page)] = (score, target)
    lines = segments.lines
    return tuple(
        Link(
            SegmentId(f"{segments.page_ids[page_of[teaser]]}:{lines[teaser]}"),
            page,
            SegmentId(f"{page}:{lines[target]}"),
            score,
        )
        for (teaser, page), (score, target) in sorted(best.items())
    )
