"""The small records: ids, roles and labels, pages and segments, matches, clusters, skips."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, NewType, TypeAlias, TypeVar

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
