"""Articles: pages sharing enough story segments or story text are one article, smallest id."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

import dedupe_news as dn
from dedupe_news.records import ClusterId, PageId, Role, Segment
from dedupe_news.stages.article import STORY_ROLES, article_clusters, whole_story_copies
from dedupe_news.stages.tokenize import tokenize

STORY = (Role.TITLE, Role.LEDE, Role.PARAGRAPH, Role.PARAGRAPH)


def _run(
    layout: Mapping[str, Sequence[tuple[Role, str | None]]],
    config: dn.Config = dn.DEFAULT,
    *,
    ordered: bool = True,
) -> tuple[str | None, ...]:
    """Article clusters of pages given as (role, cluster id or None) per segment.

    Each call also checks that the clusters given as numbers give the same.

    The pages go in sorted by id, as `dedupe` hands them to the stage, unless `ordered` is off.
    """
    if ordered:
        layout = dict(sorted(layout.items()))
    pages = [dn.Page(PageId(page_id), "") for page_id in layout]
    segments, clusters = [], []
    for page_id, rows in layout.items():
        for line, (role, cluster) in enumerate(rows, start=1):
            segments.append(Segment(PageId(page_id), line, role, ""))
            clusters.append(None if cluster is None else ClusterId(cluster))
    found = article_clusters(pages, segments, clusters, config)
    # Clusters given as numbers (`Clustering.codes`, here numbered backwards) agree.
    numbers = {c: i for i, c in enumerate(sorted({c for c in clusters if c}, reverse=True))}
    codes = np.array([numbers.get(c, -1) if c else -1 for c in clusters], dtype=np.int64)
    assert article_clusters(pages, segments, [], config, codes=codes) == found
    return found


def _page(*clusters: str | None) -> list[tuple[Role, str | None]]:
    """A page of four story segments (title, lede, two paragraphs), the first in these clusters."""
    padded = [*clusters, *[None] * (len(STORY) - len(clusters))]
    return list(zip(STORY, padded, strict=True))


def test_story_roles_are_title_lede_and_paragraph() -> None:
    """Subheadings and furniture never count as story."""
    assert frozenset({Role.TITLE, Role.LEDE, Role.PARAGRAPH}) == STORY_ROLES


def test_pages_sharing_most_of_their_story_are_one_article() -> None:
    """Two pages sharing 3 of 4 story segments are copies, named by the smaller id."""
    found = _run({"a": _page(None, "l", "p", "t"), "b": _page("t", "l", "p", None), "c": _page()})
    assert found == ("a", "a", None)


def test_one_shared_segment_is_not_an_article_copy() -> None:
    """A single shared segment (a quote, a template line) never makes two pages copies."""
    assert _run({"a": _page("q", None, None, None), "b": _page("q")}) == (None, None)
    assert _run({"a": [(Role.LEDE, "q")], "b": [(Role.LEDE, "q")]}) == (None, None)


def test_shared_fraction_is_measured_on_the_smaller_page() -> None:
    """2 shared of the smaller page's 4 is 0.5: a copy at 0.5, not at 0.6."""
    layout = {"a": _page("x", "y", None, None), "b": [*_page("x", "y", None, None), *_page()]}
    assert _run(layout) == ("a", "a")
    assert _run(layout, dn.Config(article_min_shared=0.6)) == (None, None)


def test_subheadings_and_furniture_do_not_count() -> None:
    """Shared subheadings, section headings and teasers are not story evidence."""
    shared = [
        (Role.SUBHEADING, "s"),
        (Role.SECTION_HEADING, "h"),
        (Role.TEASER, "t1"),
        (Role.TEASER, "t2"),
    ]
    assert _run({"a": [*_page(), *shared], "b": [*_page(), *shared]}) == (None, None)


def test_copies_are_joined_transitively() -> None:
    """Page a copies b and b copies c: all three are one article, named a."""
    layout = {
        "a": _page("k", "l", None, None),
        "b": _page("k", "l", "m", "n"),
        "c": _page("m", "n", None, None),
        "d": _page("z"),
    }
    assert _run(layout) == ("a", "a", "a", None)


def test_a_group_is_named_by_its_smallest_page_id_in_any_order() -> None:
    """Pages given in reverse order still name their article by the smallest id."""
    layout = {"c": _page("k", "l"), "b": _page("z"), "a": _page("k", "l")}
    assert _run(layout, ordered=False) == ("a", None, "a")


def test_a_cluster_on_very_many_pages_is_no_copy_evidence() -> None:
    """Clusters spanning more than 256 pages are template text, never pairing pages."""
    many = {f"p{i:03}": _page("x", "y", None, None) for i in range(257)}
    assert set(_run(many)) == {None}
    some = {f"p{i:03}": _page("x", "y", None, None) for i in range(256)}
    assert set(_run(some)) == {"p000"}


@pytest.mark.parametrize("pages", [0, 1])
def test_few_pages_have_no_articles(pages: int) -> None:
    """No page or one page has nothing to copy."""
    assert _run({f"p{i}": _page("x", "y", "z", "w") for i in range(pages)}) == (None,) * pages


REAL_EDITS = Path(__file__).parent / "data" / "real_edits.jsonl"


def _story_only(texts: Mapping[str, str]) -> tuple[str | None, ...]:
    """Article clusters from whole-story evidence alone: no segment is in a cluster."""
    pages = [dn.Page(PageId(k), v) for k, v in sorted(texts.items())]
    segments = [s for page in pages for s in dn.segment_page(page)]
    pairs = whole_story_copies(pages, segments, tokenize([s.text for s in segments]), dn.DEFAULT)
    none: list[ClusterId | None] = [None] * len(segments)
    return article_clusters(pages, segments, none, dn.DEFAULT, whole_story=pairs)


def _article_cases() -> list[tuple[str, str, str, bool]]:
    rows = [json.loads(line) for line in REAL_EDITS.read_text(encoding="utf-8").splitlines()]
    return [(r["id"], r["a"], r["b"], r["match"]) for r in rows if r["class"] == "article"]


@pytest.mark.parametrize(("case", "a", "b", "copy"), _article_cases(), ids=lambda v: str(v)[:20])
def test_whole_story_containment_joins_real_copies_only(
    case: str,
    a: str,
    b: str,
    copy: bool,  # noqa: FBT001 - a parameter
) -> None:
    """Real pages abridged, merged, re-split or edited join; other stories on one rail do not."""
    expected = ("a", "a") if copy else (None, None)
    assert _story_only({"a": a, "b": b}) == expected, case


def test_whole_story_pairs_of_a_batch_join_its_real_copies() -> None:
    """Pairs from `whole_story_copies` over many cases at once join each copy with its page."""
    cases = _article_cases()
    texts = {
        f"{n:02}{side}": page
        for n, (_, *pair, _) in enumerate(cases)
        for side, page in zip("ab", pair, strict=True)
    }
    pages = [dn.Page(PageId(k), v) for k, v in sorted(texts.items())]
    segments = [s for page in pages for s in dn.segment_page(page)]
    tokens = tokenize([s.text for s in segments])
    none: list[ClusterId | None] = [None] * len(segments)
    pairs = whole_story_copies(pages, segments, tokens, dn.DEFAULT)
    found = article_clusters(pages, segments, none, dn.DEFAULT, whole_story=pairs)
    assert all(p < q for p, q in pairs)
    for n, (case, _, _, copy) in enumerate(cases):
        joined = found[2 * n] is not None and found[2 * n] == found[2 * n + 1]
        assert joined == copy, case
    assert article_clusters(pages, segments, none, dn.DEFAULT) == (None,) * len(pages)
