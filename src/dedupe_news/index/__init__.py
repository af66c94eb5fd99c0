"""The persistent index: each new crawl checked against all history, with ids that last."""

from __future__ import annotations

from dedupe_news.index.driver import Index
from dedupe_news.index.results import Added, Hit, LabelChange, Merge, Provenance, Stats
from dedupe_news.index.store import FORMAT_VERSION, IndexBusyError

__all__ = [
    "FORMAT_VERSION",
    "Added",
    "Hit",
    "Index",
    "IndexBusyError",
    "LabelChange",
    "Merge",
    "Provenance",
    "Stats",
]
