"""Tabular: a run's Report -> JSONL and CSV rows, streamed (columns in docs/output.md).

Each format writes two tables: segment rows (`rows.SEGMENT_COLUMNS`) and cluster rows
(`rows.CLUSTER_COLUMNS`). JSONL keeps lists as JSON arrays; CSV joins `agencies` with "/"
and spells a cluster's `members` and `matches` as JSON text, so one cell holds one value.
"""

from __future__ import annotations

import csv
import io
import json
from itertools import islice
from typing import IO, TYPE_CHECKING

import orjson

from dedupe_news.report.rows import (
    CLUSTER_COLUMNS,
    SEGMENT_COLUMNS,
    cluster_rows,
    json_line,
)
from dedupe_news.report.rows_csv import cell, row_text
from dedupe_news.report.rows_json import row_lines

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dedupe_news.records import Report


def write_jsonl(report: Report, out: IO[bytes]) -> None:
    """Write one JSON object per segment, one per line, keys in column order.

    The lines are those of `rows.json_line` over `rows.segment_rows`, encoded from the
    columns a chunk of rows at a time (`report.rows_json`).
    """
    for chunk in row_lines(report):
        out.write(chunk)


def write_clusters_jsonl(report: Report, out: IO[bytes]) -> None:
    """Write one JSON object per cluster, one per line, keys in column order."""
    _jsonl(cluster_rows(report), out)


def write_csv(report: Report, out: IO[bytes]) -> None:
    """Write the segment rows as CSV with a header (`agencies` joined with "/").

    The text is what the `csv` module writes for `rows.segment_table`, spelled from the
    columns a chunk of rows at a time (`report.rows_csv`).
    """
    out.write((",".join(map(cell, SEGMENT_COLUMNS)) + "\r\n").encode("utf-8"))
    for chunk in row_text(report):
        out.write(chunk.encode("utf-8"))


def write_clusters_csv(report: Report, out: IO[bytes]) -> None:
    """Write the cluster rows as CSV with a header (`members`, `matches` as JSON text)."""
    rows = (
        {**row, "members": _json(row["members"]), "matches": _json(row["matches"])}
        for row in cluster_rows(report)
    )
    _csv(CLUSTER_COLUMNS, ([row[name] for name in CLUSTER_COLUMNS] for row in rows), out)


_BATCH_ROWS = 4096  # CSV rows written to a string, then encoded and written, at once


def _jsonl(rows: Iterable[dict[str, object]], out: IO[bytes]) -> None:
    # One write per row: keeping a batch of encoded lines alive was three times slower.
    for row in rows:
        out.write(json_line(row))


def _json(value: object) -> str:
    """Return compact JSON text: orjson's, or the standard library's where orjson refuses.

    The same text either way (`rows.json_line` relies on it too); orjson took a fifth of the
    time on the 300k-segment crawl's 30k clusters. It refuses a lone surrogate, which the
    standard library writes raw, as before.
    """
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _csv(columns: tuple[str, ...], rows: Iterable[Iterable[object]], out: IO[bytes]) -> None:
    # RFC 4180: "\r\n" between records; a None cell is empty, as the csv module writes it.
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    # The rows stream from the iterator (zip reuses its tuple): none is kept alive.
    rows = iter(rows)
    while True:
        writer.writerows(islice(rows, _BATCH_ROWS))
        chunk = text.getvalue()
        if not chunk:
            return
        out.write(chunk.encode("utf-8"))
        text.seek(0)
        text.truncate()
