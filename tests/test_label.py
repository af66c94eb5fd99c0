"""Label: every branch of the rule, and stories counted once per article cluster."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import ClusterId, Label, PageId, Role, Segment
from dedupe_news.stages.label import FURNITURE_ROLES, label, label_segments


@pytest.mark.parametrize("role", sorted(FURNITURE_ROLES))
@pytest.mark.parametrize("stories", [0, 1, 2, 3, 50])
def test_furniture_is_boilerplate_whatever_its_clusters(role: Role, stories: int) -> None:
    """Rule 1: a section heading or a teaser is boilerplate, repeated or not."""
    assert label(role, stories, dn.DEFAULT) is Label.BOILERPLATE


ARTICLE = sorted(set(Role) - FURNITURE_ROLES)


@pytest.mark.parametrize("role", ARTICLE)
def test_article_text_in_no_cluster_is_unique(role: Role) -> None:
    """Rule 2: article text found nowhere else is the page's own reporting."""
    assert label(role, 0, dn.DEFAULT) is Label.UNIQUE


@pytest.mark.parametrize("role", ARTICLE)
@pytest.mark.parametrize(
    ("stories", "expected"),
    [(1, "duplicate"), (2, "duplicate"), (3, "boilerplate"), (9, "boilerplate")],
)
def test_repeated_article_text_is_duplicate_below_the_page_count(
    role: Role, stories: int, expected: str
) -> None:
    """Rules 3 and 4: on 3+ stories it is template text, on fewer a copy."""
    assert label(role, stories, dn.DEFAULT) is Label(expected)


@given(minimum=st.integers(2, 20), stories=st.integers(1, 40))
def test_boilerplate_min_pages_is_the_boundary(minimum: int, stories: int) -> None:
    """Repeated article text is boilerplate exactly when it spans at least the minimum."""
    config = dn.Config(boilerplate_min_pages=minimum)
    expected = Label.BOILERPLATE if stories >= minimum else Label.DUPLICATE
    assert label(Role.PARAGRAPH, stories, config) is expected


def test_furniture_roles_are_the_rail_and_the_html_furniture() -> None:
    """The rail, its heading and the HTML-only roles are furniture; article roles are not."""
    html_only = {Role.NAVIGATION, Role.FOOTER, Role.NOTICE, Role.CAPTION, Role.BYLINE}
    assert frozenset({Role.SECTION_HEADING, Role.TEASER, *html_only}) == FURNITURE_ROLES


def _labels(
    articles: dict[str, str | None], shared_on: list[str], config: dn.Config = dn.DEFAULT
) -> tuple[Label, ...]:
    """Labels of one paragraph per page, the pages in `shared_on` sharing one cluster."""
    pages = [dn.Page(PageId(p), "") for p in sorted(articles)]
    segments = [Segment(page.id, 1, Role.PARAGRAPH, "") for page in pages]
    clusters = [ClusterId("c1") if page.id in shared_on else None for page in pages]
    article_of = [None if articles[p.id] is None else PageId(str(articles[p.id])) for p in pages]
    return label_segments(pages, article_of, segments, clusters, config)


def test_text_on_three_unrelated_stories_is_boilerplate() -> None:
    """A paragraph on three pages that are three stories is template."""
    found = _labels({"a": None, "b": None, "c": None, "d": None}, ["a", "b", "c"])
    assert found == (Label.BOILERPLATE,) * 3 + (Label.UNIQUE,)


def test_copies_of_one_article_count_as_one_story() -> None:
    """Three pages of which two are one article: two stories, so a duplicate."""
    found = _labels({"a": "a", "b": "a", "c": None}, ["a", "b", "c"])
    assert found == (Label.DUPLICATE,) * 3


def test_text_on_two_stories_is_duplicate() -> None:
    """A syndicated paragraph on two pages is a duplicate on both."""
    assert _labels({"a": None, "b": None, "c": None}, ["a", "c"]) == (
        Label.DUPLICATE,
        Label.UNIQUE,
        Label.DUPLICATE,
    )


def test_label_segments_of_nothing_is_nothing() -> None:
    """No segments, no labels."""
    assert label_segments([], [], [], [], dn.DEFAULT) == ()


def test_a_cluster_on_one_page_is_no_repetition() -> None:
    """A title quoted in its own body: both members on one page stay unique."""
    page = dn.Page(PageId("a"), "")
    segments = [Segment(page.id, 1, Role.TITLE, ""), Segment(page.id, 5, Role.PARAGRAPH, "")]
    clusters = [ClusterId("c1"), ClusterId("c1")]
    assert label_segments([page], [None], segments, clusters, dn.DEFAULT) == (Label.UNIQUE,) * 2


def test_a_self_quote_also_copied_elsewhere_is_duplicate() -> None:
    """Once the cluster reaches another page, every member is a duplicate, the self-quote too."""
    pages = [dn.Page(PageId("a"), ""), dn.Page(PageId("b"), "")]
    segments = [
        Segment(PageId("a"), 1, Role.TITLE, ""),
        Segment(PageId("a"), 5, Role.PARAGRAPH, ""),
        Segment(PageId("b"), 1, Role.TITLE, ""),
    ]
    clusters = [ClusterId("c1")] * 3
    found = label_segments(pages, [None, None], segments, clusters, dn.DEFAULT)
    assert found == (Label.DUPLICATE,) * 3


def _labels_one_by_one(
    pages: list[dn.Page],
    articles: list[PageId | None],
    segments: list[Segment],
    clusters: list[ClusterId | None],
    config: dn.Config,
) -> tuple[Label, ...]:
    """Label segment by segment with `label`: the rule spelled out, sets of page ids."""
    story_of = {p.id: p.id if a is None else a for p, a in zip(pages, articles, strict=True)}
    stories: dict[ClusterId, set[PageId]] = {}
    on_pages: dict[ClusterId, set[PageId]] = {}
    for segment, cluster in zip(segments, clusters, strict=True):
        if cluster is not None:
            stories.setdefault(cluster, set()).add(story_of[segment.page_id])
            on_pages.setdefault(cluster, set()).add(segment.page_id)
    return tuple(
        label(s.role, 0 if c is None or len(on_pages[c]) == 1 else len(stories[c]), config)
        for s, c in zip(segments, clusters, strict=True)
    )


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(list(Role)), st.none() | st.integers(0, 3)),
        max_size=30,
    ),
    st.lists(st.none() | st.integers(0, 4), min_size=5, max_size=5),
    st.integers(2, 4),
)
def test_batch_labels_are_the_rule_applied_one_by_one(
    rows: list[tuple[int, Role, int | None]], article_of: list[int | None], minimum: int
) -> None:
    """The column-wise labelling gives what `label` gives segment by segment."""
    pages = [dn.Page(PageId(f"p{i}"), "") for i in range(5)]
    articles = [None if a is None else PageId(f"p{a}") for a in article_of]
    segments = [Segment(PageId(f"p{p}"), line, role, "t") for line, (p, role, _) in enumerate(rows)]
    clusters = [None if c is None else ClusterId(f"c{c}") for _, _, c in rows]
    config = dn.Config(boilerplate_min_pages=minimum)
    got = label_segments(pages, articles, segments, clusters, config)
    assert got == _labels_one_by_one(pages, articles, segments, clusters, config)


def test_labels_need_one_cluster_entry_per_segment() -> None:
    """A cluster list not aligned with the segments is refused, not labelled."""
    segments = [Segment(PageId("a"), 1, Role.TITLE, "t")]
    with pytest.raises(ValueError, match="aligned"):
        label_segments([dn.Page(PageId("a"), "")], [None], segments, [], dn.DEFAULT)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.none() | st.integers(0, 3)), max_size=20),
    st.permutations(range(4)),
)
def test_cluster_codes_label_as_the_ids_do(
    rows: list[tuple[int, int | None]], numbering: list[int]
) -> None:
    """Clusters given as numbers, in any numbering, label as their ids do."""
    pages = [dn.Page(PageId(f"p{i}"), "") for i in range(4)]
    segments = [
        Segment(PageId(f"p{p}"), line, Role.PARAGRAPH, "t") for line, (p, _) in enumerate(rows)
    ]
    clusters = [None if c is None else ClusterId(f"c{c}") for _, c in rows]
    codes = np.array([-1 if c is None else numbering[c] for _, c in rows], dtype=np.int64)
    articles = [None, PageId("p1"), PageId("p1"), None]
    by_ids = label_segments(pages, articles, segments, clusters, dn.DEFAULT)
    assert label_segments(pages, articles, segments, [], dn.DEFAULT, codes=codes) == by_ids
