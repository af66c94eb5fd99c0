"""Records: the immutable values handed from stage to stage."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, NewType, TypeAlias, TypeVar

if TYPE_CHECKING:
    from dedupe_news.config import Config

PageId: TypeAlias = str
"""A page's id: any non-empty string (a plain alias, so `Page("a", text)` type-checks)."""
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
    # Furniture that only an HTML page tells apart (docs/report.md): always boilerplate.
    NAVIGATION = "navigation"
    FOOTER = "footer"
    NOTICE = "notice"
    CAPTION = "caption"
    BYLINE = "byline"


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
class Block:
    """One block-level element of an HTML page, in document order.

    Attributes:
        text: The element's text, whitespace collapsed (markup, scripts, styles and comments
            never reach it).
        role: The role its place in the DOM gives it (a landmark, a rail, a caption...), or
            None when only its text can tell (`stages/segment_dom.py` decides).
        hint: The element's tag name (`"#text"` for loose text between blocks).
        time: The text of the first `<time>` element inside it, if any.
    """

    text: str
    role: Role | None
    hint: str
    time: str | None = None


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
        blocks: The DOM's blocks of an HTML page, in document order (empty for a text
            dump); when present, `text` is their texts joined by "\n" and segments come
            from the blocks.
        titled: The source says the first line of `text` is the page's title (a JSONL
            record's title field); otherwise the segmenter judges by the page's shape.
    """

    id: PageId
    text: str
    path: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None
    blocks: tuple[Block, ...] = ()
    titled: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    """One block cut from a page.

    Attributes:
        page_id: The page it was cut from.
        line: 1-based line number in the page (an HTML page: the 1-based position of its
            block in `Page.blocks`).
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


MemberT = TypeVar("MemberT")
"""What a match joins: distinct-text indices inside the stages, segment ids in a `Report`,
text indices from `find_duplicates`."""


@dataclass(frozen=True, slots=True)
class Match(Generic[MemberT]):
    """A candidate pair that verification accepted: why two items are in one cluster.

    Attributes:
        a: The first item (a < b).
        b: The second item.
        score: Verification score in [0, 1] (at least the run's `Config.min_score`).
        jaccard: MinHash estimate of the shingle Jaccard similarity.
    """

    a: MemberT
    b: MemberT
    score: float
    jaccard: float


@dataclass(frozen=True, slots=True)
class Cluster(Generic[MemberT]):
    """A connected component of matches: one repeated item.

    Members equal once normalized are joined without a comparison; `matches` are the verified
    matches that join their distinct texts, each named by the first member holding the text.

    Attributes:
        id: The cluster's name in this report. In a batch run it is `"c" + key`, so it depends
            on the representative's normalized text only: the same in any input order or
            partitioning, but a run that also holds a longer copy (a new representative)
            names the cluster differently. An index assigns ids that persist instead.
        key: Content key: the xxh3-64 hex digest of the representative's normalized text.
        kind: `exact` when all members are equal once normalized, else `near`.
        members: Sorted: segment ids by (page id, line), or text indices ascending.
        representative: The member whose text stands for the cluster (`stages/cluster.py`).
        matches: The verified matches between its distinct texts, sorted (none when exact).
        lowest_score: The lowest score among `matches` (1.0 for an exact cluster).
    """

    id: ClusterId
    key: str
    kind: ClusterKind
    members: tuple[MemberT, ...]
    representative: MemberT
    matches: tuple[Match[MemberT], ...] = ()
    lowest_score: float = 1.0


class SkipKind(StrEnum):
    """Why an input was skipped: bad input, a page with no text, or a file that is no page."""

    ERROR = "error"
    EMPTY = "empty"
    NOT_PAGE = "not_page"


@dataclass(frozen=True, slots=True)
class Link:
    """A rail teaser that summarises another page's article: a pointer, not a copy.

    Attributes:
        teaser: The teaser segment.
        page: The page whose article it summarises.
        target: The segment of that page it matches: the title or the lede.
        score: Verification score of the teaser against the target in [0, 1] (1.0 when
            their texts are equal once normalized).
    """

    teaser: SegmentId
    page: PageId
    target: SegmentId
    score: float


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not processed, and why.

    Attributes:
        path: Where it was found (with `:line` for JSONL), control characters escaped.
        reason: Why it was not read.
        kind: `error` (bad input), `empty` (a page with no text) or `not_page` (a file whose
            name or content says it is not a page in a known format).
    """

    path: str
    reason: str
    kind: SkipKind = SkipKind.ERROR


@dataclass(frozen=True, slots=True)
class Corpus:
    """Pages read from some sources, and the inputs that were skipped."""

    pages: tuple[Page, ...]
    skipped: tuple[Skipped, ...] = ()


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
        links: Teasers linked to the page whose title or lede they match, sorted by teaser
            (page and line), then page id.
    """

    config: Config
    pages: tuple[Page, ...]
    segments: tuple[Segment, ...]
    labels: tuple[Label, ...]
    segment_clusters: tuple[ClusterId | None, ...]
    clusters: tuple[Cluster[SegmentId], ...]
    article_clusters: tuple[PageId | None, ...]
    skipped: tuple[Skipped, ...] = ()
    links: tuple[Link, ...] = ()
    _page_spans: dict[PageId, tuple[int, int]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def _spans(self) -> dict[PageId, tuple[int, int]]:
        """Return each page's run of segments, indexed on first use.

        Built lazily so a report that is only written (the JSON document walks `segments`)
        pays for no index; no id string is made per segment, so the index holds one entry
        per page, not per segment.
        """
        if not self._page_spans and self.segments:
            spans: dict[PageId, tuple[int, int]] = {}
            index = 0
            for page_id, run in groupby(self.segments, key=attrgetter("page_id")):
                size = sum(1 for _ in run)
                first, _ = spans.get(page_id, (index, index))  # a page met again keeps its start
                spans[page_id] = (first, index + size)
                index += size
            self._page_spans.update(spans)  # one C call: a reader never sees half an index
        return self._page_spans

    def _position(self, segment_id: str) -> int:
        """Return the index of a segment in `segments`; KeyError names an unknown id.

        An id is `"<page id>:<line>"` and a page's segments ascend by line, so the page's
        run is found by its id and the line by bisection (a scan of the run when a report
        built by hand orders them otherwise).
        """
        page_id, _, line = segment_id.rpartition(":")
        start, end = self._spans().get(page_id, (0, 0))
        if line.isdecimal():
            at = bisect_left(self.segments, int(line), start, end, key=attrgetter("line"))
            if at < end and self.segments[at].id == segment_id:
                return at
            for at in range(start, end):
                if self.segments[at].id == segment_id:
                    return at
        raise KeyError(segment_id)

    def segment(self, segment_id: str) -> Segment:
        """Return the segment with this id; KeyError names an unknown id."""
        return self.segments[self._position(segment_id)]

    def label_of(self, segment_id: str) -> Label:
        """Return the label of a segment: unique, duplicate or boilerplate."""
        return self.labels[self._position(segment_id)]

    def cluster_of(self, segment_id: str) -> ClusterId | None:
        """Return the id of the segment's cluster, or None when it is not repeated."""
        return self.segment_clusters[self._position(segment_id)]

    def segments_of(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's segments in line order (none for an unknown page)."""
        start, end = self._spans().get(PageId(page_id), (0, 0))
        return self.segments[start:end]

    def unique_segments(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's own reporting: its segments labelled unique."""
        start, end = self._spans().get(PageId(page_id), (0, 0))
        labels = self.labels[start:end]
        return tuple(
            s for s, x in zip(self.segments[start:end], labels, strict=True) if x is Label.UNIQUE
        )

    def to_arrow(self) -> Any:  # noqa: ANN401 - a pyarrow.Table; pyarrow is optional
        """Return the segment rows as a pyarrow Table (`dedupe_news.report.to_arrow`)."""
        from dedupe_news.report.arrow import to_arrow  # noqa: PLC0415 - records sit below report

        return to_arrow(self)

    def to_pandas(self) -> Any:  # noqa: ANN401 - a pandas.DataFrame; pandas is optional
        """Return the segment rows as a pandas DataFrame (`dedupe_news.report.to_pandas`)."""
        from dedupe_news.report.arrow import to_pandas  # noqa: PLC0415 - records sit below report

        return to_pandas(self)

    def to_html(self) -> str:
        """Return the report as one self-contained HTML file (`dedupe_news.report.to_html`)."""
        from dedupe_news.report.html import to_html  # noqa: PLC0415 - records sit below report

        return to_html(self)
