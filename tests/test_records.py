"""Records: frozen values, segment ids, and the Report's lookups."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import ClusterId, PageId, Role, Segments

RAIL = "Meer uit X\nBERN (ANP) - Een teaser.\n1 uur geleden"


@pytest.fixture(scope="module")
def report() -> dn.Report:
    """Two pages sharing one section heading."""
    return dn.dedupe(
        [
            dn.Page(PageId("b"), f"Titel B\nOSLO (ANP) - Nieuws uit Oslo.\n{RAIL}"),
            dn.Page(PageId("a"), f"Titel A\nPARIJS (ANP) - Nieuws uit Parijs.\n{RAIL}"),
        ]
    )


@pytest.mark.parametrize(
    "record",
    [
        dn.Page(PageId("p"), "t"),
        dn.Segment(PageId("p"), 1, Role.TITLE, "t"),
        dn.Match(0, 1, 0.9, 0.5),
        dn.Cluster(ClusterId("c"), dn.ClusterKind.EXACT, (), "p:1", 1.0),  # type: ignore[arg-type]
        dn.Skipped("x", "y"),
    ],
)
def test_records_are_frozen(record: object) -> None:
    """No record can be changed after it is made."""
    name = dataclasses.fields(record)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, name, "changed")


def test_enums_are_their_output_strings() -> None:
    """Roles, labels and kinds compare equal to the strings the report prints."""
    assert [r.value for r in Role] == [
        "title", "lede", "paragraph", "subheading", "section_heading", "teaser",
        "navigation", "footer", "notice", "caption", "byline",
    ]  # fmt: skip
    assert [label.value for label in dn.Label] == ["unique", "duplicate", "boilerplate"]
    assert dn.ClusterKind("near") is dn.ClusterKind.NEAR
    assert json.dumps([dn.Label.UNIQUE, Role.TEASER]) == '["unique", "teaser"]'


def test_report_lookups(report: dn.Report) -> None:
    """segment, label_of, cluster_of, segments_of and unique_segments find by id."""
    heading = report.segment("a:3")
    assert (heading.role, heading.text) == (Role.SECTION_HEADING, "Meer uit X")
    assert report.label_of("a:3") is dn.Label.BOILERPLATE
    assert report.cluster_of("a:3") == report.cluster_of("b:3") is not None
    assert report.cluster_of("a:1") is None
    assert [s.line for s in report.segments_of("b")] == [1, 2, 3, 4]
    assert report.label_of("b:4") is dn.Label.BOILERPLATE
    assert [s.text for s in report.unique_segments("a")] == ["Titel A", "Nieuws uit Parijs."]
    assert report.segments_of("nobody") == ()


def test_unknown_segment_id_is_a_key_error(report: dn.Report) -> None:
    """Looking up an id no segment has raises KeyError naming it."""
    with pytest.raises(KeyError, match="a:9"):
        report.segment("a:9")


def test_reports_compare_by_content(report: dn.Report) -> None:
    """Two runs on the same pages give equal reports (the lookup index is not compared)."""
    again = dn.dedupe(list(report.pages))
    assert again == report


def test_lookups_agree_with_a_scan_of_every_id() -> None:
    """Every lookup by id finds what a scan finds: colons in page ids, lines out of order."""
    segments = (
        dn.Segment(PageId("x:1"), 4, Role.PARAGRAPH, "d"),
        dn.Segment(PageId("x:1"), 2, Role.TITLE, "t"),
        dn.Segment(PageId("y"), 1, Role.TITLE, "u"),
        dn.Segment(PageId("y"), 10, Role.PARAGRAPH, "v"),
    )
    labels = (dn.Label.UNIQUE, dn.Label.DUPLICATE, dn.Label.UNIQUE, dn.Label.BOILERPLATE)
    built = dn.Report(
        config=dn.DEFAULT,
        pages=(dn.Page(PageId("x:1"), "t\nd"), dn.Page(PageId("y"), "u\nv")),
        segments=segments,
        labels=labels,
        segment_clusters=(None,) * 4,
        clusters=(),
        article_clusters=(None, None),
    )
    for index, segment in enumerate(segments):
        assert built.segment(segment.id) == segment  # made on access from the columns
        assert built.label_of(segment.id) is labels[index]
    assert built.segments_of("x:1") == segments[:2]
    assert built.unique_segments("y") == segments[2:3]
    for unknown in ("x:1:3", "y:01", "y", "z:1", "y:+1"):
        with pytest.raises(KeyError):
            built.segment(unknown)


_SEGMENTS = st.lists(
    st.builds(
        dn.Segment,
        page_id=st.sampled_from(["a", "b", "c:1"]),
        line=st.integers(1, 2**31 - 1),
        role=st.sampled_from(list(Role)),
        text=st.text(max_size=8),
        place=st.none() | st.sampled_from(["OSLO", "BERN"]),
        agencies=st.sampled_from([(), ("ANP",), ("ANP", "AFP")]),
        age=st.none() | st.just("1 uur geleden"),
        age_minutes=st.none() | st.integers(0, 10**6),
    ),
    max_size=12,
)


@given(_SEGMENTS, st.slices(14))
def test_segment_columns_are_the_segments_they_hold(
    segments: list[dn.Segment], part: slice
) -> None:
    """Segments as columns index, slice, iterate and compare as the list of segment objects."""
    columns = Segments.of(segments)
    assert len(columns) == len(segments)
    assert list(columns) == segments
    assert columns == segments
    assert [columns[i] for i in range(-len(segments), len(segments))] == segments + segments
    assert list(columns[part]) == segments[part]
    assert columns[part] == segments[part]
    assert columns.ids() == [s.id for s in segments]
    assert Segments.of(columns) is columns
    assert columns != "not a sequence of segments"
    with pytest.raises(IndexError):
        columns[len(segments)]


def test_a_report_holds_any_sequence_of_segments_as_columns(report: dn.Report) -> None:
    """A report built from a tuple of segments holds them as columns, equal to the tuple."""
    given_segments = tuple(report.segments)
    built = dataclasses.replace(report, segments=given_segments)
    assert isinstance(built.segments, Segments)
    assert built.segments == given_segments
    assert built.segments == report.segments
    assert built.segments != given_segments[1:]
    assert hash(built.segments) == hash(given_segments)
    assert hash(built) == hash(report)  # a report stays hashable, as its records are
