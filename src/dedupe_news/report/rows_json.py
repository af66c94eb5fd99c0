"""Rows JSON: the JSONL segment rows, encoded from the segment columns many rows at a time.

`row_lines` gives `tabular.write_jsonl` the bytes of `rows.json_line` over `rows.segment_rows`
without a dict per segment: what a page holds is encoded once per page, a line with its role
and label, a cluster id and each dateline field once per distinct value, the texts by orjson
one by one; the pieces are interleaved by slice assignment and joined once per chunk. A chunk
orjson refuses (a lone surrogate) is written row by row from the dicts.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from dedupe_news.report.pieces import put_dated, segment_kinds
from dedupe_news.report.rows import json_line, segment_rows

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from dedupe_news.records import Report

ROWS_PER_CHUNK = 2048
"""Segment rows encoded and written at once (about 1 MB of JSONL on news pages)."""

_MIDDLE = b':%d","line":%d,"role":"%s","label":"%s","cluster":'
_PIECES = 9  # per row: page id, line to cluster key, cluster, text, 4 dated fields, the rest
_DATED = (b',"place":', b',"agencies":', b',"age":', b',"age_minutes":')


def row_lines(report: Report) -> Iterator[bytes]:
    """Yield the JSONL segment rows, `ROWS_PER_CHUNK` lines at a time."""
    count = len(report.segments)
    try:
        shared = _Shared(report)
    except orjson.JSONEncodeError:  # a lone surrogate in a value encoded once
        shared = None
    for start in range(0, count, ROWS_PER_CHUNK):
        stop = min(start + ROWS_PER_CHUNK, count)
        chunk = None if shared is None else shared.chunk_or_none(start, stop)
        if chunk is None:  # orjson refused a value: row by row, as `json_line` writes them
            chunk = b"".join(map(json_line, islice(segment_rows(report), start, stop)))
        yield chunk


class _Shared:
    """What every chunk of rows reads, encoded once for the whole report."""

    def __init__(self, report: Report) -> None:
        """Encode what repeats: each page's fields, lines with roles and labels, values."""
        self.report, columns, pages = report, report.columns, report.pages
        owner = columns.page_index(pages)
        self.heads = np.array(
            [
                b'{"page_id":%s,"segment_id":%s' % (_dumps(p), _dumps(p)[:-1])
                for p in columns.page_ids
            ],
            dtype=object,
        )[columns.pages]
        tails = [
            b',"url":%s,"site":%s,"published":%s,"article_cluster":%s}\n'
            % (_dumps(page.url), _dumps(page.site), _dumps(page.published), _dumps(article))
            for page, article in zip(pages, report.article_clusters, strict=True)
        ]
        self.tails = np.array(tails, dtype=object)[owner] if len(owner) else np.array([], object)
        kinds, kind = segment_kinds(report)
        middles = [
            _MIDDLE % (line, line, role.encode(), label.encode()) for line, role, label in kinds
        ]
        self.middles = np.array(middles, dtype=object)[kind]
        self.clusters = _encoded(report.segment_clusters, b"", b',"text":')
        fields = (columns.places, columns.agencies, columns.ages, columns.age_minutes)
        self.dated = [
            _encoded(values, key, b"") for key, values in zip(_DATED, fields, strict=True)
        ]
        self.dated[1][None] = _DATED[1] + b"[]"  # no dateline: no agencies

    def chunk_or_none(self, start: int, stop: int) -> bytes | None:
        """Return the rows from `start` to `stop`, or None if orjson refuses one of their texts."""
        report, columns = self.report, self.report.columns
        try:
            texts = list(map(orjson.dumps, columns.texts[start:stop]))
        except orjson.JSONEncodeError:
            return None
        pieces = np.empty(_PIECES * (stop - start), dtype=object)
        pieces[0::_PIECES] = self.heads[start:stop]
        pieces[1::_PIECES] = self.middles[start:stop]
        pieces[2::_PIECES] = list(
            map(self.clusters.__getitem__, report.segment_clusters[start:stop])
        )
        pieces[3::_PIECES] = texts
        put_dated(pieces, columns, self.dated, start, stop, stride=_PIECES, first=4)
        pieces[8::_PIECES] = self.tails[start:stop]
        return b"".join(pieces.tolist())


def _dumps(value: object) -> bytes:
    return orjson.dumps(value)


def _encoded(values: Iterable[Any], key: bytes, end: bytes) -> dict[Any, bytes]:
    """Return the compact JSON of each distinct value and of None, after `key`, before `end`."""
    return {value: key + orjson.dumps(value) + end for value in dict.fromkeys([None, *values])}
