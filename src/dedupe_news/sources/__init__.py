"""Sources: inputs -> pages. Folders, page dumps, JSONL and stdin, read with bad input skipped."""

from __future__ import annotations

from dedupe_news.sources.discover import shown_path
from dedupe_news.sources.dump import MAX_PAGE_BYTES
from dedupe_news.sources.read import STDIN, line_starts, plain_jsonl, read_lines, read_pages

__all__ = [
    "MAX_PAGE_BYTES",
    "STDIN",
    "line_starts",
    "plain_jsonl",
    "read_lines",
    "read_pages",
    "shown_path",
]
