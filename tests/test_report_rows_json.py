"""Report rows JSON: the JSONL segment rows encoded in bulk are `json_line` of each row dict."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId
from dedupe_news.report import rows_json, write_jsonl
from dedupe_news.report.rows import json_line, segment_rows
from tests.strategies import pages as page_dumps
from tests.test_report_pages import handmade_report


def _reference(report: dn.Report) -> bytes:
    """The JSONL rows as written one dict at a time (the format's definition)."""
    return b"".join(map(json_line, segment_rows(report)))


def _written(report: dn.Report, per_chunk: int) -> bytes:
    """The bytes `write_jsonl` writes with this many rows per chunk."""
    out = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows_json, "ROWS_PER_CHUNK", per_chunk)
        write_jsonl(report, out)
    return out.getvalue()


@pytest.mark.parametrize("per_chunk", [1, 4, 2048])
def test_handmade_rows_are_json_lines_of_the_row_dicts(per_chunk: int) -> None:
    """Datelines, agencies, ages, pages without segments: the same bytes in any chunk size."""
    assert _written(handmade_report(), per_chunk) == _reference(handmade_report())


@pytest.mark.parametrize(
    ("text", "cluster"), [("Tekst met \udc80 erin.", "c1"), ("Eerste alinea.", "c\udc80")]
)
def test_a_lone_surrogate_falls_back_to_the_row_dicts(text: str, cluster: str) -> None:
    """A string orjson refuses goes to the row dicts, which refuse it as they always did."""
    report = handmade_report(text, cluster)
    with pytest.raises(UnicodeEncodeError):
        _reference(report)
    with pytest.raises(UnicodeEncodeError):
        _written(report, 2)


def test_no_segments_no_lines() -> None:
    """A report without segments writes nothing."""
    assert _written(dn.dedupe([]), 2) == b""


@given(texts=st.lists(page_dumps(), min_size=1, max_size=6), per_chunk=st.integers(1, 9))
def test_generated_reports_give_the_same_lines(texts: list[str], per_chunk: int) -> None:
    """Reports on generated page dumps: the same bytes for any chunk size."""
    report = dn.dedupe([dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)])
    assert _written(report, per_chunk) == _reference(report)
