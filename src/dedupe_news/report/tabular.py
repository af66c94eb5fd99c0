"""Tabular: a run's Report -> JSONL and CSV rows, streamed (columns in docs/output.md).

Each format writes two tables: segment rows (`rows.SEGMENT_COLUMNS`) and cluster rows
(`rows.CLUSTER_COLUMNS`). JSONL keeps lists as JSON arrays; CSV joins `agencies` with "/"
and spells a cluster's `members` and `matches` as JSON text, so one cell holds one value.
"""

from __future__ import annotations

import json
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
    """Write the cluster rows as CSV with a header (`members`, `matches` as JSON text).

    The text is the `csv` module's (`rows_csv.cell` spells each cell as it does), a batch of
    rows at a time: its writer scanned the long JSON cells a character at a time, 0.11 of
    the 0.16 s the 300k-segment crawl's 30k clusters took.
    """
    out.write((",".join(map(cell, CLUSTER_COLUMNS)) + "\r\n").encode("utf-8"))
    lines: list[str] = []
    for row in cluster_rows(report):
        row["members"], row["matches"] = _json(row["members"]), _json(row["matches"])
        lines.append(",".join([cell(row[name]) for name in CLUSTER_COLUMNS]) + "\r\n")
        if len(lines) == _BATCH_ROWS:
            out.write("".join(lines).encode("utf-8"))
            lines.clear()
    out.write("".join(lines).encode("utf-8"))


_BATCH_ROWS = 4096  # CSV rows written to a string, then encoded and written, at once


def _jsonl(rows: Iterable[dict[str, object]], out: IO[bytes]) -> None:
    # One write per row: keeping a batch of encoded lines alive was three times slower.
    for row in rows:
        out.write(json_line(row))


def _json(value: object) -> str:
    """Return compact JSON text: orjson's, or the standard library's where orjson refuses.

    orjson writes what the JSON report and the JSONL rows write. It differs from the
    standard library only in a float below 1e-4 (`0.00005`, not `5e-05`); a lone surrogate,
    which orjson refuses, is written by the standard library, as before. It took a fifth
    of the time on the 300k-segment crawl's 30k clusters, whose file came out the same.
    """
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
