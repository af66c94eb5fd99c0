"""Records: the immutable values handed from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NewType

if TYPE_CHECKING:
    from dedupe_news.config import Config

PageId = NewType("PageId", str)
SegmentId = NewType("SegmentId", str)
ClusterId = NewType("ClusterId", str)


class Role(StrEnum):
    """What a segment is on its page."""

    TITLE = "title"
    LEDE = "lede"
    PARAGRAPH = "paragraph"
    SUBHEADING = "subheading"
    SECTION_HEADING = "section_heading"
    TEASER = "teaser"


ARTICLE_ROLES = frozenset({Role.TITLE, Role.LEDE, Role.PARAGRAPH, Role.SUBHEADING})
"""Roles that make up the page's article, as opposed to its furniture."""


class Label(StrEnum):
    """What a segment is worth: the page's own reporting, a copy, or furniture."""

    UNIQUE = "unique"
    DUPLICATE = "duplicate"
    BOILERPLATE = "boilerplate"


class ClusterKind(StrEnum):
    """How the members of a cluster relate."""

    EXACT = "exact"
    NEAR = "near"


@dataclass(frozen=True, slots=True)
class Page:
    r"""One input document: a scraped page file or one JSONL record.

    Attributes:
        id: Path relative to the given root without extension, or the JSONL `id`.
        text: The page dump, lines separated by "\n".
        path: Where it was read from (with `:line` for JSONL), or None when built in code.
        url: Optional metadata from JSONL.
        site: Optional metadata from JSONL.
        published: Optional metadata from JSONL, as given.
    """

    id: PageId
    text: str
    path: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One block cut from a page.

    Attributes:
        page_id: The page it was cut from.
        line: 1-based line number in the page.
        role: What the block is on the page.
        text: The block's text without its dateline and without a glued age.
        place: Dateline place (ledes and teasers), e.g. "MOSKOU".
        agencies: Dateline credits in order, e.g. ("ANP", "AFP").
        age: The relative age as printed, e.g. "4 uur geleden" (teasers).
        age_minutes: The same age as a number of minutes.
    """

    page_id: PageId
    line: int
    role: Role
    text: str
    place: str | None = None
    agencies: tuple[str, ...] = ()
    age: str | None = None
    age_minutes: int | None = None

    @property
    def id(self) -> SegmentId:
        """Return `"<page id>:<line>"`, unique within a run."""
        return SegmentId(f"{self.page_id}:{self.line}")


@dataclass(frozen=True, slots=True)
class Match:
    """A verified candidate pair of distinct texts.

    Attributes:
        a: Index of the first text in the batch (a < b).
        b: Index of the second text.
        score: Verification score in [0, 1] (at least `min_score`).
        jaccard: MinHash estimate of the shingle Jaccard similarity.
    """

    a: int
    b: int
    score: float
    jaccard: float


@dataclass(frozen=True, slots=True)
class Cluster:
    """A connected component of matches: one repeated item.

    Attributes:
        id: Stable id derived from the representative's normalized text.
        kind: `exact` when all members are equal once normalized, else `near`.
        members: Segment ids, sorted by (page id, line).
        representative: The member whose text stands for the cluster (see `cluster.py`).
        min_score: The lowest verification score on the matches that joined the cluster.
    """

    id: ClusterId
    kind: ClusterKind
    members: tuple[SegmentId, ...]
    representative: SegmentId
    min_score: float


@dataclass(frozen=True, slots=True)
class TextCluster:
    """A cluster over a batch of plain texts: members are the texts' indices.

    Attributes:
        id: Stable id derived from the representative's normalized text.
        kind: `exact` when all members are equal once normalized, else `near`.
        members: Indices of the texts, ascending.
        representative: The member with the longest normalized text (ties: smallest index).
        min_score: The lowest verification score on the matches that joined the cluster.
    """

    id: ClusterId
    kind: ClusterKind
    members: tuple[int, ...]
    representative: int
    min_score: float


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not processed, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a run produced, in a deterministic order.

    Attributes:
        config: The settings of the run.
        pages: Pages sorted by id.
        segments: All segments, page by page, in line order.
        labels: The label of each segment (aligned with `segments`).
        segment_clusters: The cluster id of each segment, or None (aligned with `segments`).
        clusters: Clusters sorted by their first member.
        article_clusters: For each page (aligned with `pages`), the id of the page whose
            article it copies or shares (the smallest page id of the group), or None.
        skipped: Inputs that were not processed, and why.
    """

    config: Config
    pages: tuple[Page, ...]
    segments: tuple[Segment, ...]
    labels: tuple[Label, ...]
    segment_clusters: tuple[ClusterId | None, ...]
    clusters: tuple[Cluster, ...]
    article_clusters: tuple[PageId | None, ...]
    skipped: tuple[Skipped, ...] = ()
    _position: dict[SegmentId, int] = field(init=False, repr=False, compare=False)
    _page_spans: dict[PageId, tuple[int, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index segments by id, and each page's run of segments, for the lookups below."""
        object.__setattr__(self, "_position", {s.id: i for i, s in enumerate(self.segments)})
        spans: dict[PageId, tuple[int, int]] = {}
        for index, segment in enumerate(self.segments):
            start, _ = spans.get(segment.page_id, (index, index))
            spans[segment.page_id] = (start, index + 1)
        object.__setattr__(self, "_page_spans", spans)

    def segment(self, segment_id: str) -> Segment:
        """Return the segment with this id; KeyError names an unknown id."""
        return self.segments[self._position[SegmentId(segment_id)]]

    def label_of(self, segment_id: str) -> Label:
        """Return the label of a segment: unique, duplicate or boilerplate."""
        return self.labels[self._position[SegmentId(segment_id)]]

    def cluster_of(self, segment_id: str) -> ClusterId | None:
        """Return the id of the segment's cluster, or None when it is not repeated."""
        return self.segment_clusters[self._position[SegmentId(segment_id)]]

    def segments_of(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's segments in line order (none for an unknown page)."""
        start, end = self._page_spans.get(PageId(page_id), (0, 0))
        return self.segments[start:end]

    def unique_segments(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's own reporting: its segments labelled unique."""
        return tuple(s for s in self.segments_of(page_id) if self.label_of(s.id) is Label.UNIQUE)
