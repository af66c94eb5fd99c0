"""Report rows CSV: the CSV segment rows spelled in bulk are the `csv` module's text."""

from __future__ import annotations

import csv
import io
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId, Role, Segment
from dedupe_news.report import SEGMENT_COLUMNS, rows_csv, write_csv
from dedupe_news.report.rows import segment_table
from tests.strategies import pages as page_dumps
from tests.test_report_pages import handmade_report


def _reference(report: dn.Report) -> bytes:
    """The segment rows as the `csv` module writes the columns (the format's definition)."""
    table = segment_table(report)
    agencies = cast("list[tuple[str, ...]]", table["agencies"])
    table["agencies"] = ["/".join(a) for a in agencies]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(SEGMENT_COLUMNS)
    writer.writerows(zip(*table.values(), strict=True))
    return text.getvalue().encode("utf-8")


def _written(report: dn.Report, per_chunk: int) -> bytes:
    """The bytes `write_csv` writes with this many rows per chunk."""
    out = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows_csv, "ROWS_PER_CHUNK", per_chunk)
        write_csv(report, out)
    return out.getvalue()


def _quoted() -> dn.Report:
    """Page ids, texts, places and URLs with commas, quotes and line breaks."""
    page = PageId('p,"1"')
    segments = [
        Segment(page, 1, Role.TITLE, 'Titel, met "aanhalingstekens"'),
        Segment(page, 2, Role.LEDE, "Twee\r\nregels.", 'LA "PAZ", BOLIVIA', ("ANP", "AF,P")),
        Segment(PageId("q"), 1, Role.TEASER, "", None, (), "1 uur, geleden", 60),
    ]
    return dn.Report(
        dn.DEFAULT,
        (dn.Page(page, "", url="https://x/?a=1,b=2"), dn.Page(PageId("q"), "", site='"s"')),
        segments,
        (dn.Label.UNIQUE, dn.Label.UNIQUE, dn.Label.BOILERPLATE),
        (None, None, None),
        (),
        (None, page),
    )


@pytest.mark.parametrize("per_chunk", [1, 2, 4096])
def test_handmade_rows_are_the_csv_modules(per_chunk: int) -> None:
    """Empty pages, datelines, agencies, ages, quoting anywhere: the same bytes."""
    for report in (handmade_report(), _quoted()):
        assert _written(report, per_chunk) == _reference(report)


def test_no_segments_only_the_header() -> None:
    """A report without segments writes the header alone."""
    assert (
        _written(dn.dedupe([]), 2)
        == _reference(dn.dedupe([]))
        == b"page_id,segment_id," + (",".join(SEGMENT_COLUMNS[2:]).encode() + b"\r\n")
    )


@given(texts=st.lists(page_dumps(), min_size=1, max_size=6), per_chunk=st.integers(1, 9))
def test_generated_reports_give_the_csv_modules_text(texts: list[str], per_chunk: int) -> None:
    """Reports on generated page dumps: the same bytes for any chunk size."""
    report = dn.dedupe([dn.Page(PageId(f"p,{i}"), t) for i, t in enumerate(texts)])
    assert _written(report, per_chunk) == _reference(report)
