"""Records: the immutable values handed from stage to stage.

The vocabulary every layer shares, imported from here (`from dedupe_news.records import
Page`): the small records (`vocabulary`), a batch's segments as columns (`segments`) and the
report of a run (`report`). Nothing here imports the rest of the package.
"""

from __future__ import annotations

from dedupe_news.records.report import Report
from dedupe_news.records.segments import ROLES, Segments
from dedupe_news.records.vocabulary import (
    Block,
    Cluster,
    ClusterId,
    ClusterKind,
    Corpus,
    Label,
    Link,
    Match,
    MemberT,
    Page,
    PageId,
    Role,
    Segment,
    SegmentId,
    SkipKind,
    Skipped,
)

__all__ = [
    "ROLES",
    "Block",
    "Cluster",
    "ClusterId",
    "ClusterKind",
    "Corpus",
    "Label",
    "Link",
    "Match",
    "MemberT",
    "Page",
    "PageId",
    "Report",
    "Role",
    "Segment",
    "SegmentId",
    "Segments",
    "SkipKind",
    "Skipped",
]
