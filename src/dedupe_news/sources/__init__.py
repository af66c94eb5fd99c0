"""Sources: inputs -> pages. Folders, page dumps and JSONL files, read with bad input skipped."""

from __future__ import annotations

from dedupe_news.sources.read import MAX_PAGE_BYTES, read_pages

__all__ = ["MAX_PAGE_BYTES", "read_pages"]
