r"""Rows CSV: the CSV segment rows, written from the segment columns many rows at a time.

`row_text` gives `tabular.write_csv` the text the `csv` module writes for `rows.segment_table`
(RFC 4180, "\r\n", minimal quoting, `agencies` joined with "/"), without a cell-by-cell
pass: what a page holds is spelled once per page, a line with its role and label, a cluster
id and each dateline field once per distinct value, each text once; the pieces are
interleaved by slice assignment and joined once per chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe_news.report.pieces import put_dated, segment_kinds

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from dedupe_news.records import Report

ROWS_PER_CHUNK = 4096
"""Segment rows joined and written at once."""

_PIECES = 9  # per row: page id and id's start, line to label, cluster, text, 4 dated, the rest
# What makes the csv module quote a cell (QUOTE_MINIMAL): `,`, `"`, `\r` or `\n`, found by
# four substring scans in C (`cell`, `_texts`), a tenth of the time of a regex search.


def cell(value: object) -> str:
    r"""Return a value as the `csv` module writes a cell: None empty, quoted only when needed.

    Examples:
        >>> cell(None), cell(12), cell("a"), cell('zei "ja", toen'), cell("twee\nregels")
        ('', '12', 'a', '"zei ""ja"", toen"', '"twee\nregels"')
    """
    if value is None:
        return ""
    text = str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def row_text(report: Report) -> Iterator[str]:
    """Yield the CSV segment rows (no header), `ROWS_PER_CHUNK` rows at a time."""
    count = len(report.segments)
    if count == 0:
        return
    shared = _Shared(report)
    for start in range(0, count, ROWS_PER_CHUNK):
        yield shared.chunk(start, min(start + ROWS_PER_CHUNK, count))


class _Shared:
    """What every chunk of rows reads, spelled once for the whole report."""

    def __init__(self, report: Report) -> None:
        """Spell what repeats: each page's fields, lines with roles and labels, values."""
        self.report, columns, pages = report, report.columns, report.pages
        owner = columns.page_index(pages)
        heads, quoted = [], []
        for page_id in columns.page_ids:
            opened = cell(page_id + ":")  # the segment id's start: `P:` or `"P:`
            quoted.append(opened.startswith('"'))
            heads.append(cell(page_id) + "," + opened.removesuffix('"'))
        self.heads = np.array(heads, dtype=object)[columns.pages]
        kinds, kind = segment_kinds(report)
        middles = [
            f"{line}{close},{line},{role},{label},"
            for line, role, label in kinds
            for close in ("", '"')
        ]
        closes = np.array(quoted, dtype=np.intp)[columns.pages]
        self.middles = np.array(middles, dtype=object)[kind * 2 + closes]
        tails = [
            ",".join(map(cell, (page.url, page.site, page.published, article))) + "\r\n"
            for page, article in zip(pages, report.article_clusters, strict=True)
        ]
        self.tails = np.array(tails, dtype=object)[owner]
        self.clusters = _spelled(report.segment_clusters)
        self.dated = [
            _spelled(columns.places),
            {a: cell("/".join(a)) + "," for a in dict.fromkeys([(), *columns.agencies])},
            _spelled(columns.ages),
            _spelled(columns.age_minutes),
        ]
        self.dated[1][None] = ","  # no dateline: no agencies

    def chunk(self, start: int, stop: int) -> str:
        """Return the rows from `start` to `stop` as CSV text."""
        report, columns = self.report, self.report.columns
        pieces = np.empty(_PIECES * (stop - start), dtype=object)
        pieces[0::_PIECES] = self.heads[start:stop]
        pieces[1::_PIECES] = self.middles[start:stop]
        clusters = report.segment_clusters[start:stop]
        pieces[2::_PIECES] = list(map(self.clusters.__getitem__, clusters))
        pieces[3::_PIECES] = _texts(columns.texts[start:stop])
        put_dated(pieces, columns, self.dated, start, stop, stride=_PIECES, first=4)
        pieces[8::_PIECES] = self.tails[start:stop]
        return "".join(pieces.tolist())


def _texts(texts: Sequence[str]) -> list[str]:
    """Return each text as a cell and its comma: quoted (quotes doubled) where it must be.

    A text is quoted as `cell` quotes it: 0.02 s for the 300k-segment crawl's texts, half
    of which hold a comma, against 0.19 s for a regex's search.
    """
    return [
        '"' + text.replace('"', '""') + '",'
        if "," in text or '"' in text or "\n" in text or "\r" in text
        else text + ","
        for text in texts
    ]


def _spelled(values: Iterable[Any]) -> dict[Any, str]:
    """Return each distinct value (and None) as a cell followed by its comma."""
    return {value: cell(value) + "," for value in dict.fromkeys([None, *values])}
