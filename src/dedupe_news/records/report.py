"""Report: everything a run produced, and its look-ups by segment and page."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe_news.records.segments import Segments
from dedupe_news.records.vocabulary import (
    Cluster,
    ClusterId,
    Label,
    Link,
    Page,
    PageId,
    Segment,
    SegmentId,
    Skipped,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.config import Config

_MAX_LINE_DIGITS = 10  # a line number is an int32


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a run produced, in a deterministic order.

    Attributes:
        config: The settings of the run.
        pages: Pages sorted by id.
        segments: All segments, page by page, in line order.
        labels: The label of each segment (aligned with `segments`).
        segment_clusters: The cluster id of each segment, or None (aligned with `segments`).
        clusters: Clusters sorted by their first member.
        article_clusters: For each page (aligned with `pages`), the id of the page whose
            article it copies or shares (the smallest page id of the group), or None.
        skipped: Inputs that were not processed, and why.
        links: Teasers linked to the page whose title or lede they match, sorted by teaser
            (page and line), then page id.
    """

    config: Config
    pages: tuple[Page, ...]
    segments: Sequence[Segment]
    labels: tuple[Label, ...]
    segment_clusters: tuple[ClusterId | None, ...]
    clusters: tuple[Cluster[SegmentId], ...]
    article_clusters: tuple[PageId | None, ...]
    skipped: tuple[Skipped, ...] = ()
    links: tuple[Link, ...] = ()
    _page_spans: dict[PageId, tuple[int, int, int]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _lines: list[int] = field(init=False, repr=False, compare=False, default_factory=list)

    def __post_init__(self) -> None:
        """Keep any sequence of segments as columns (`Segments`): the writers read those."""
        object.__setattr__(self, "segments", Segments.of(self.segments))

    @property
    def columns(self) -> Segments:
        """Return `segments` as the columns they are held in."""
        return Segments.of(self.segments)

    def _spans(self) -> dict[PageId, tuple[int, int, int]]:
        """Return each page's run of segments (start, end, index in `page_ids`), built once.

        Built lazily so a report that is only written pays for no index; it holds one entry
        per page, not per segment. A page met again keeps its first start.
        """
        if not self._page_spans and self.segments:
            pages = self.columns.pages
            first = np.unique(pages, return_index=True)[1].tolist()
            last = (len(pages) - np.unique(pages[::-1], return_index=True)[1]).tolist()
            spans = {
                page: (first[at], last[at], at) for at, page in enumerate(self.columns.page_ids)
            }
            self._page_spans.update(spans)  # one C call: a reader never sees half an index
        return self._page_spans

    def position(self, segment_id: str) -> int:
        """Return the index of a segment in `segments` and its aligned tuples; KeyError if unknown.

        An id is `"<page id>:<line>"` and a page's segments ascend by line, so the page's
        run is found by its id and the line by bisection (a scan of the run when a report
        built by hand orders them otherwise).
        """
        page_id, _, line = segment_id.rpartition(":")
        start, end, page = self._spans().get(page_id, (0, 0, -1))
        if start < end and line.isdecimal() and len(line) <= _MAX_LINE_DIGITS:
            number, lines, pages = int(line), self._line_numbers(), self.columns.pages
            if str(number) == line:  # "01" names no segment
                at = bisect_left(lines, number, start, end)
                if at < end and lines[at] == number and pages[at] == page:
                    return at
                for at in range(start, end):
                    if lines[at] == number and pages[at] == page:
                        return at
        raise KeyError(segment_id)

    def _line_numbers(self) -> list[int]:
        """Return every segment's line as a list, made on the first lookup by id."""
        if not self._lines and self.segments:
            self._lines.extend(self.columns.lines.tolist())
        return self._lines

    def segment(self, segment_id: str) -> Segment:
        """Return the segment with this id; KeyError names an unknown id."""
        return self.segments[self.position(segment_id)]

    def label_of(self, segment_id: str) -> Label:
        """Return the label of a segment: unique, duplicate or boilerplate."""
        return self.labels[self.position(segment_id)]

    def cluster_of(self, segment_id: str) -> ClusterId | None:
        """Return the id of the segment's cluster, or None when it is not repeated."""
        return self.segment_clusters[self.position(segment_id)]

    def span_of(self, page_id: str) -> range:
        """Return the positions of the page's segments in `segments` (empty for an unknown page)."""
        start, end, _ = self._spans().get(PageId(page_id), (0, 0, 0))
        return range(start, end)

    def segments_of(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's segments in line order (none for an unknown page)."""
        span = self.span_of(page_id)
        return tuple(self.columns[span.start : span.stop])

    def unique_segments(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's own reporting: its segments labelled unique."""
        span = self.span_of(page_id)
        labels = self.labels[span.start : span.stop]
        return tuple(
            s
            for s, x in zip(self.columns[span.start : span.stop], labels, strict=True)
            if x is Label.UNIQUE
        )

    def to_arrow(self) -> Any:  # noqa: ANN401 - a pyarrow.Table; pyarrow is optional
        """Return the segment rows as a pyarrow Table (`dedupe_news.report.to_arrow`)."""
        from dedupe_news.report.arrow import to_arrow  # noqa: PLC0415 - records sit below report

        return to_arrow(self)

    def to_pandas(self) -> Any:  # noqa: ANN401 - a pandas.DataFrame; pandas is optional
        """Return the segment rows as a pandas DataFrame (`dedupe_news.report.to_pandas`)."""
        from dedupe_news.report.arrow import to_pandas  # noqa: PLC0415 - records sit below report

        return to_pandas(self)

    def to_html(self) -> str:
        """Return the report as one self-contained HTML file (`dedupe_news.report.to_html`)."""
        from dedupe_news.report.html import to_html  # noqa: PLC0415 - records sit below report

        return to_html(self)
