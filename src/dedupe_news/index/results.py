"""Index results: what `Index.add`, `Index.query` and `Index.stats` return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dedupe_news.records import ClusterId, Label, PageId, Report, SegmentId


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a segment's text was first seen.

    Attributes:
        segment: A segment of the new crawl whose text the index held before.
        page: The page where the text was first seen.
        line: Its line there.
        seen: When that page was added (the crawl's time, ISO 8601 UTC).
    """

    segment: SegmentId
    page: PageId
    line: int
    seen: str


@dataclass(frozen=True, slots=True)
class LabelChange:
    """A segment of an older page whose label the new crawl changed."""

    segment: SegmentId
    before: Label
    after: Label


@dataclass(frozen=True, slots=True)
class Merge:
    """A cluster id that became an alias: `alias` now means `into` (the older cluster)."""

    alias: ClusterId
    into: ClusterId


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome of adding one crawl.

    Attributes:
        report: The batch report of the new pages and the stored pages they touch, with the
            index's lasting cluster ids (clusters list their members across that history).
        new_pages: The pages this crawl added or replaced (a new version), sorted.
        unchanged: Pages given again with the same text: ignored, sorted.
        provenance: For each new segment whose text was seen before: where and when first.
        merged: Clusters that became aliases of older ones.
        changes: Labels of older pages that the new crawl changed.
    """

    report: Report
    new_pages: tuple[PageId, ...]
    unchanged: tuple[PageId, ...]
    provenance: tuple[Provenance, ...]
    merged: tuple[Merge, ...]
    changes: tuple[LabelChange, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored segment that a queried text matches.

    Attributes:
        segment: The stored segment (the first one holding the matching text).
        cluster: Its cluster, or None when it is in none.
        score: Verification score in [0, 1] (1.0: equal once normalized).
        seen: When its page was added.
    """

    segment: SegmentId
    cluster: ClusterId | None
    score: float
    seen: str


@dataclass(frozen=True, slots=True)
class Stats:
    """What an index holds."""

    crawls: int
    pages: int
    segments: int
    texts: int
    clusters: int
    aliases: int
    band_keys: int
    shingle_keys: int
    runs: int
    """The key runs the band and shingle keys are stored in (docs/index.md)."""
    first_crawl: str | None
    last_crawl: str | None
    file_bytes: int
    """The database's size once checkpointed (pages x page size): the index's own bytes, not
    the write-ahead log's leftover space."""
