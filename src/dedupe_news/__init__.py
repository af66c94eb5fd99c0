"""dedupe_news: find repeated text in scraped news pages.

Pages are cut into segments with roles, fingerprinted with MinHash/LSH, matched exactly and
nearly with verified scores, and every segment is labelled unique, duplicate or boilerplate.
"""

from __future__ import annotations

import logging as _logging
from importlib import import_module as _import_module
from importlib import metadata as _metadata
from typing import TYPE_CHECKING

from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import ConfigError, DedupeNewsError, InputError
from dedupe_news.records import (
    Cluster,
    ClusterId,
    ClusterKind,
    Corpus,
    Label,
    Link,
    Match,
    Page,
    PageId,
    Report,
    Role,
    Segment,
    SegmentId,
    SkipKind,
    Skipped,
)
from dedupe_news.sources import read_pages
from dedupe_news.stages.normalize import normalize
from dedupe_news.stages.segment import segment_page

if TYPE_CHECKING:
    from dedupe_news.index import Index
    from dedupe_news.interop import lean_minhash
    from dedupe_news.pipeline import dedupe, find_duplicates

# The compiled kernels import numba (0.13 s): the names that need them load on first use, so
# `import dedupe_news` and `--help` stay fast (docs/benchmarks.md, start-up).
_LAZY = {
    "dedupe": "dedupe_news.pipeline",
    "find_duplicates": "dedupe_news.pipeline",
    "Index": "dedupe_news.index",
    "lean_minhash": "dedupe_news.interop",
}

__version__ = _metadata.version("dedupe-news")

__all__ = [
    "DEFAULT",
    "Cluster",
    "ClusterId",
    "ClusterKind",
    "Config",
    "ConfigError",
    "Corpus",
    "DedupeNewsError",
    "Index",
    "InputError",
    "Label",
    "Link",
    "Match",
    "Page",
    "PageId",
    "Report",
    "Role",
    "Segment",
    "SegmentId",
    "SkipKind",
    "Skipped",
    "__version__",
    "dedupe",
    "find_duplicates",
    "lean_minhash",
    "normalize",
    "read_pages",
    "segment_page",
]


def __getattr__(name: str) -> object:
    """Load a name that needs the compiled kernels on first use (PEP 562)."""
    if name not in _LAZY:
        msg = f"module 'dedupe_news' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(_import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, the lazily loaded ones included."""
    return sorted(set(globals()) | set(_LAZY))


_logging.getLogger(__name__).addHandler(_logging.NullHandler())
