"""dedupe_news: find repeated text in scraped news pages.

Pages are cut into segments with roles, fingerprinted with MinHash/LSH, matched exactly and
nearly with verified scores, and every segment is labelled unique, duplicate or boilerplate.
"""

from __future__ import annotations

import logging as _logging
from importlib import metadata as _metadata

from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import ConfigError, DedupeNewsError, InputError
from dedupe_news.normalize import normalize
from dedupe_news.pipeline import dedupe, find_duplicates
from dedupe_news.read import Corpus, read_pages
from dedupe_news.records import (
    Cluster,
    ClusterKind,
    Label,
    Match,
    Page,
    Report,
    Role,
    Segment,
    Skipped,
    TextCluster,
)
from dedupe_news.segment import segment_page
from dedupe_news.signature import lean_minhash

__version__ = _metadata.version("dedupe-news")

__all__ = [
    "DEFAULT",
    "Cluster",
    "ClusterKind",
    "Config",
    "ConfigError",
    "Corpus",
    "DedupeNewsError",
    "InputError",
    "Label",
    "Match",
    "Page",
    "Report",
    "Role",
    "Segment",
    "Skipped",
    "TextCluster",
    "__version__",
    "dedupe",
    "find_duplicates",
    "lean_minhash",
    "normalize",
    "read_pages",
    "segment_page",
]

_logging.getLogger(__name__).addHandler(_logging.NullHandler())
