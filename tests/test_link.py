"""Link: story and furniture never share a cluster; teasers link to other pages' title or lede."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import Link, Match, PageId, Role, Segment, SegmentId
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.link import FURNITURE_ROLES, TARGET_ROLES, separate
from dedupe_news.stages.tokenize import tokenize

LEDE = "De Russische president Vladimir Poetin gaat dinsdag naar Noord-Korea."


def test_target_roles_are_title_and_lede() -> None:
    """A teaser summarises an article's title or lede, nothing else."""
    assert frozenset({Role.TITLE, Role.LEDE}) == TARGET_ROLES


def test_equal_teaser_and_lede_are_two_sides_and_one_link() -> None:
    """A teaser printing another page's lede is a link (score 1.0), not a shared side."""
    segments = [
        Segment(PageId("a"), 2, Role.LEDE, LEDE),
        Segment(PageId("b"), 9, Role.TEASER, LEDE),
        Segment(PageId("c"), 5, Role.TEASER, LEDE),
    ]
    texts = [s.text for s in segments]
    found = separate(exact_groups(texts, tokenize(texts)), [], segments)
    assert found.sides.group_of.tolist() == [0, 1, 1]
    assert found.sides.firsts.tolist() == [0, 1]
    assert found.sides.norm(1) == dn.normalize(LEDE)
    assert found.links == (
        Link(SegmentId("b:9"), PageId("a"), SegmentId("a:2"), 1.0),
        Link(SegmentId("c:5"), PageId("a"), SegmentId("a:2"), 1.0),
    )


def test_matches_within_a_side_are_kept_and_across_become_links() -> None:
    """A match of story texts stays; a match of a teaser and a title becomes a link."""
    segments = [
        Segment(PageId("a"), 1, Role.TITLE, "Poetin dinsdag naar Noord-Korea"),
        Segment(PageId("b"), 1, Role.TITLE, "Poetin gaat dinsdag naar Noord-Korea"),
        Segment(PageId("c"), 7, Role.TEASER, "Poetin dinsdag naar Noord-Korea!"),
    ]
    texts = [s.text for s in segments]
    distinct = exact_groups(texts, tokenize(texts))  # c equals a once normalized
    found = separate(distinct, [Match(0, 1, 0.9, 0.5)], segments)
    assert found.matches == (Match(0, 1, 0.9, 0.5),)
    assert (found.contained, found.columns.records()) == ((False,), found.matches)
    assert found.links == (
        Link(SegmentId("c:7"), PageId("a"), SegmentId("a:1"), 1.0),
        Link(SegmentId("c:7"), PageId("b"), SegmentId("b:1"), 0.9),
    )


def test_no_link_to_the_teasers_own_page_or_to_a_paragraph() -> None:
    """A teaser matching its own page's lede, or another page's paragraph, links nowhere."""
    segments = [
        Segment(PageId("a"), 2, Role.LEDE, LEDE),
        Segment(PageId("a"), 9, Role.TEASER, LEDE),
        Segment(PageId("b"), 3, Role.PARAGRAPH, LEDE),
    ]
    texts = [s.text for s in segments]
    assert separate(exact_groups(texts, tokenize(texts)), [], segments).links == ()


def test_the_best_target_per_page_wins() -> None:
    """A teaser matching a page's title and lede links once, to the better-scored one."""
    segments = [
        Segment(PageId("a"), 1, Role.TITLE, "Kim en Poetin tekenen een verdrag"),
        Segment(PageId("a"), 2, Role.LEDE, "Kim en Poetin tekenen een verdrag in Pyongyang."),
        Segment(PageId("b"), 9, Role.TEASER, "Kim en Poetin tekenen verdrag in Pyongyang."),
    ]
    texts = [s.text for s in segments]
    distinct = exact_groups(texts, tokenize(texts))
    found = separate(distinct, [Match(0, 2, 0.8, 0.4), Match(1, 2, 0.95, 0.7)], segments)
    assert found.links == (Link(SegmentId("b:9"), PageId("a"), SegmentId("a:2"), 0.95),)


ROLES = st.sampled_from(sorted(Role))


@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abc"), ROLES, st.sampled_from(["x y", "x y z", "w", ""])),
        max_size=12,
    )
)
def test_a_side_holds_one_text_and_one_kind_of_role(rows: list[tuple[str, Role, str]]) -> None:
    """Sides refine the distinct texts: equal text, and all furniture or all story."""
    segments = [Segment(PageId(p), n, role, text) for n, (p, role, text) in enumerate(rows)]
    texts = [s.text for s in segments]
    distinct = exact_groups(texts, tokenize(texts))
    found = separate(distinct, [], segments)
    sides = found.sides.group_of.tolist()
    assert (found.sides.group_of < 0).tolist() == (distinct.group_of < 0).tolist()
    assert found.sides.firsts.tolist() == sorted(found.sides.firsts.tolist())
    for i, side in enumerate(sides):
        first = int(found.sides.firsts[side]) if side >= 0 else i
        assert distinct.group_of[i] == distinct.group_of[first]
        assert (segments[i].role in FURNITURE_ROLES) == (segments[first].role in FURNITURE_ROLES)
    for link in found.links:
        assert link.teaser.split(":")[0] != link.page
    assert list(found.links) == sorted(
        found.links, key=lambda k: (int(k.teaser.split(":")[1]), k.page)
    )


def test_dedupe_keeps_the_lede_unique_and_reports_the_link() -> None:
    """End to end: the lede shown in another page's rail is unique and linked, not clustered."""
    host = f"Titel\nPARIJS (ANP) - Ander nieuws.\nMeer uit X\nMOSKOU (ANP) - {LEDE}\n1 uur geleden"
    article = f"Poetin dinsdag naar Noord-Korea\nPYONGYANG (ANP) - {LEDE}"
    report = dn.dedupe([dn.Page(PageId("host"), host), dn.Page(PageId("poetin"), article)])
    assert report.label_of("poetin:2") is dn.Label.UNIQUE
    assert report.cluster_of("poetin:2") is None
    assert report.links == (
        Link(SegmentId("host:4"), PageId("poetin"), SegmentId("poetin:2"), 1.0),
    )
