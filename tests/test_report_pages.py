"""Report pages: the JSON report's bulk-encoded pages are exactly `json.dumps`'s indented text."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import (
    Cluster,
    ClusterId,
    ClusterKind,
    Label,
    Link,
    Match,
    PageId,
    Role,
    Segment,
    SegmentId,
    SkipKind,
)
from dedupe_news.report import pages, to_dict, write_json
from tests.strategies import pages as page_dumps


def _reference(report: dn.Report) -> bytes:
    """The JSON report as the standard library writes `to_dict` (the format's definition)."""
    text = json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", "backslashreplace")


def _written(report: dn.Report, per_chunk: int) -> bytes:
    """The bytes `write_json` writes with this many pages per chunk."""
    out = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "PAGES_PER_CHUNK", per_chunk)
        write_json(report, out)
    return out.getvalue()


def handmade_report(text: str = "Eerste alinea.", cluster: str = "c1") -> dn.Report:
    """Pages without segments first, between and last; datelines, agencies and ages."""
    segments = [
        Segment(PageId("b"), 1, Role.TITLE, "Titel van b"),
        Segment(PageId("b"), 2, Role.LEDE, text, "PARIJS", ("ANP", "AFP")),
        Segment(PageId("b"), 4, Role.PARAGRAPH, 'Tweede alinea, met "aanhalingstekens".'),
        Segment(PageId("d"), 1, Role.TEASER, "Een teaser", None, (), "4 uur geleden", 240),
        Segment(PageId("d"), 3, Role.TITLE, "Titel van d"),
        Segment(PageId("d"), 12, Role.LEDE, "Nieuws.", "BELÉM", ("ANP",)),
    ]
    return dn.Report(
        dn.DEFAULT,
        tuple(dn.Page(PageId(i), "", url=f"https://x/{i}") for i in ("a", "b", "c", "d", "e")),
        segments,
        (
            Label.UNIQUE,
            Label.DUPLICATE,
            Label.BOILERPLATE,
            Label.UNIQUE,
            Label.UNIQUE,
            Label.DUPLICATE,
        ),
        (None, ClusterId(cluster), None, None, None, ClusterId(cluster)),
        (_cluster(cluster),),
        (None, PageId("b"), None, PageId("b"), None),
        (dn.Skipped("leeg.txt", "no text", SkipKind.EMPTY),),
        (Link(SegmentId("d:1"), PageId("b"), SegmentId("b:1"), 0.875),),
    )


def _cluster(name: str) -> Cluster[SegmentId]:
    """A near cluster of the two ledes, with its one match."""
    first, second = SegmentId("b:2"), SegmentId("d:12")
    match = Match(first, second, 0.9375, 0.8)
    return Cluster(
        ClusterId(name), "k1", ClusterKind.NEAR, (first, second), first, (match,), 0.9375
    )


@pytest.mark.parametrize("per_chunk", [1, 2, 3, 1024])
def test_handmade_pages_are_written_as_json_dumps_writes_them(per_chunk: int) -> None:
    """Empty pages anywhere in a chunk, datelines, agencies and ages: the same bytes."""
    assert _written(handmade_report(), per_chunk) == _reference(handmade_report())


@pytest.mark.parametrize(
    ("text", "cluster"), [("Tekst met \udc80 erin.", "c1"), ("Eerste alinea.", "c\udc80")]
)
def test_a_lone_surrogate_falls_back_to_the_same_bytes(text: str, cluster: str) -> None:
    """A string orjson refuses (in a text, or in a value encoded once) still gives the bytes."""
    report = handmade_report(text, cluster)
    for per_chunk in (1, 1024):
        assert _written(report, per_chunk) == _reference(report)
    assert b"\\udc80" in _reference(report)


def test_a_report_without_pages_has_an_empty_page_list() -> None:
    """No pages at all: `"pages": []`, as json.dumps writes it."""
    empty = dn.dedupe([])
    assert _written(empty, 2) == _reference(empty)
    assert b'"pages": [],' in _reference(empty)


def test_seed_report_is_written_as_json_dumps_writes_it(seed_corpus: dn.Corpus) -> None:
    """The seed pages' report, in chunks of 2 pages and in one, is json.dumps's text."""
    report = dn.dedupe(seed_corpus)
    assert _written(report, 2) == _written(report, 1024) == _reference(report)


@given(texts=st.lists(page_dumps(), min_size=1, max_size=6), per_chunk=st.integers(1, 4))
def test_generated_reports_are_written_as_json_dumps_writes_them(
    texts: list[str], per_chunk: int
) -> None:
    """Reports on generated page dumps: the same bytes for any chunk size."""
    report = dn.dedupe([dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)])
    assert _written(report, per_chunk) == _reference(report)


def test_page_bounds_follow_the_runs_of_segments() -> None:
    """Each page's segments are its run in the columns; a page without segments has none."""
    assert pages.page_bounds(handmade_report()) == [(0, 0), (0, 3), (3, 3), (3, 6), (6, 6)]
