"""Records: the immutable values handed from stage to stage."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, NewType, TypeAlias, TypeVar, overload

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

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


ROLES: tuple[Role, ...] = tuple(Role)
"""The roles in code order: `Segments.roles` holds each segment's index into this."""


_ROLE_VALUES = np.array([role.value for role in ROLES], dtype=object)
_ROLE_CODES = {role: code for code, role in enumerate(ROLES)}
_MAX_LINE_DIGITS = 10  # a line number is an int32


@dataclass(frozen=True, slots=True, eq=False)
class Segments(Sequence[Segment]):
    """All segments of a batch as columns: a `Sequence[Segment]`, each made on access.

    One `Segment` object per segment costs about 100 bytes beside its text; here a segment
    is 9 bytes of numpy columns and a pointer to its text. Only ledes and teasers have a
    dateline or an age, so those fields are held for them alone (`dated`). Equal to any
    sequence of the same segments. `Segments.of` builds one from segment objects.

    Attributes:
        page_ids: The ids of the batch's pages, in the order `pages` indexes them.
        pages: Each segment's page, an index into `page_ids`.
        lines: Each segment's `Segment.line`.
        roles: Each segment's role, an index into `ROLES`.
        texts: Each segment's `Segment.text`.
        dated: Ascending positions of the segments with a place, agencies or an age.
        places: `Segment.place` of each dated segment (aligned with `dated`).
        agencies: `Segment.agencies` of each dated segment.
        ages: `Segment.age` of each dated segment.
        age_minutes: `Segment.age_minutes` of each dated segment.
    """

    page_ids: tuple[PageId, ...]
    pages: NDArray[np.int32]
    lines: NDArray[np.int32]
    roles: NDArray[np.uint8]
    texts: Sequence[str]
    dated: NDArray[np.int64]
    places: Sequence[str | None]
    agencies: Sequence[tuple[str, ...]]
    ages: Sequence[str | None]
    age_minutes: Sequence[int | None]

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> Segments:
        """Return segments as columns (the same object when they already are).

        Examples:
            >>> found = Segments.of([Segment("a", 2, Role.LEDE, "Nieuws.", "OSLO", ("ANP",))])
            >>> found[0].place, found == [Segment("a", 2, Role.LEDE, "Nieuws.", "OSLO", ("ANP",))]
            ('OSLO', True)
        """
        if isinstance(segments, Segments):
            return segments
        index: dict[PageId, int] = {}
        pages = [index.setdefault(s.page_id, len(index)) for s in segments]
        dated = [
            i for i, s in enumerate(segments) if s != Segment(s.page_id, s.line, s.role, s.text)
        ]
        chosen = [segments[i] for i in dated]
        return cls(
            page_ids=tuple(index),
            pages=np.array(pages, np.int32),
            lines=np.array([s.line for s in segments], np.int32),
            roles=np.array([_ROLE_CODES[s.role] for s in segments], np.uint8),
            texts=[s.text for s in segments],
            dated=np.array(dated, np.int64),
            places=[s.place for s in chosen],
            agencies=[s.agencies for s in chosen],
            ages=[s.age for s in chosen],
            age_minutes=[s.age_minutes for s in chosen],
        )

    def __len__(self) -> int:
        """Return the number of segments."""
        return len(self.texts)

    @overload
    def __getitem__(self, at: int) -> Segment: ...
    @overload
    def __getitem__(self, at: slice) -> Segments: ...
    def __getitem__(self, at: int | slice) -> Segment | Segments:
        """Return the segment at a position (made now), or a slice as columns."""
        if isinstance(at, slice):
            start, stop, step = at.indices(len(self))
            if step != 1:
                return self.take(np.arange(start, stop, step, dtype=np.int64))
            stop = max(start, stop)
            first, last = self.dated.searchsorted([start, stop]).tolist()
            return Segments(
                self.page_ids,
                self.pages[start:stop],
                self.lines[start:stop],
                self.roles[start:stop],
                self.texts[start:stop],
                self.dated[first:last] - start,
                self.places[first:last],
                self.agencies[first:last],
                self.ages[first:last],
                self.age_minutes[first:last],
            )
        at = range(len(self))[at]  # a negative index counts from the end; IndexError past it
        extra = int(self.dated.searchsorted(at))
        role, page = ROLES[self.roles[at]], self.page_ids[self.pages[at]]
        line, text = int(self.lines[at]), self.texts[at]
        if extra == len(self.dated) or self.dated[extra] != at:
            return Segment(page, line, role, text)
        return Segment(
            page,
            line,
            role,
            text,
            self.places[extra],
            self.agencies[extra],
            self.ages[extra],
            self.age_minutes[extra],
        )

    def __iter__(self) -> Iterator[Segment]:
        """Yield each segment, made as it is reached."""
        page_ids, texts = self.page_ids, self.texts
        dated = [*self.dated.tolist(), -1]  # the next dated position; -1 after the last
        sparse = zip(self.places, self.agencies, self.ages, self.age_minutes, strict=True)
        rows = zip(self.pages.tolist(), self.lines.tolist(), self.roles.tolist(), strict=True)
        following = 0
        for at, (page, line, role) in enumerate(rows):
            if at == dated[following]:
                following += 1
                yield Segment(page_ids[page], line, ROLES[role], texts[at], *next(sparse))
            else:
                yield Segment(page_ids[page], line, ROLES[role], texts[at])

    def __eq__(self, other: object) -> bool:
        """Return whether another sequence holds equal segments in the same order."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        """Return the hash of the tuple of these segments, which compares equal to them."""
        return hash(tuple(self))

    def take(self, positions: NDArray[np.int64]) -> Segments:
        """Return the segments at these positions (ascending where `dated` must stay so)."""
        keep = np.isin(self.dated, positions)
        chosen = np.flatnonzero(keep).tolist()
        where = np.full(len(self), -1, np.int64)
        where[positions] = np.arange(len(positions))
        moved = where[self.dated[keep]]
        order = np.argsort(moved, kind="stable")
        picked = [chosen[i] for i in order.tolist()]
        texts = self.texts
        return Segments(
            self.page_ids,
            self.pages[positions],
            self.lines[positions],
            self.roles[positions],
            [texts[i] for i in positions.tolist()],
            moved[order],
            [self.places[i] for i in picked],
            [self.agencies[i] for i in picked],
            [self.ages[i] for i in picked],
            [self.age_minutes[i] for i in picked],
        )

    def page_id_column(self) -> list[PageId]:
        """Return each segment's page id."""
        return np.array(self.page_ids, dtype=object)[self.pages].tolist()  # type: ignore[no-any-return]  # a list of str

    def ids(self) -> list[SegmentId]:
        """Return each segment's `Segment.id`."""
        return [
            SegmentId(f"{page}:{line}")
            for page, line in zip(self.page_id_column(), self.lines.tolist(), strict=True)
        ]

    def role_column(self) -> list[str]:
        """Return each segment's role as its output string (`Role.value`)."""
        return _ROLE_VALUES[self.roles].tolist()  # type: ignore[no-any-return]  # a list of str

    def sparse(self, values: Sequence[object], default: object) -> list[object]:
        """Return a dated field (`places`, ...) as one value per segment, `default` elsewhere."""
        column = [default] * len(self)
        for at, value in zip(self.dated.tolist(), values, strict=True):
            column[at] = value
        return column

    def page_index(self, pages: Sequence[Page]) -> NDArray[np.int64]:
        """Return each segment's page as an index into `pages` (KeyError: a page not there)."""
        if tuple(page.id for page in pages) == self.page_ids:
            return self.pages.astype(np.int64)
        where = {page.id: i for i, page in enumerate(pages)}
        return np.array([where[p] for p in self.page_ids], np.int64)[self.pages]

    def role_in(self, roles: Collection[Role]) -> NDArray[np.bool_]:
        """Return which segments have one of these roles."""
        return np.isin(self.roles, [_ROLE_CODES[role] for role in roles])


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
    segments: Sequence[Segment]
    labels: tuple[Label, ...]
    segment_clusters: tuple[ClusterId | None, ...]
    clusters: tuple[Cluster[SegmentId], ...]
    article_clusters: tuple[PageId | None, ...]
    skipped: tuple[Skipped, ...] = ()
    links: tuple[Link, ...] = ()
    _page_spans: dict[PageId, tuple[int, int, int]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _lines: list[int] = field(init=False, repr=False, compare=False, default_factory=list)

    def __post_init__(self) -> None:
        """Keep any sequence of segments as columns (`Segments`): the writers read those."""
        object.__setattr__(self, "segments", Segments.of(self.segments))

    @property
    def columns(self) -> Segments:
        """Return `segments` as the columns they are held in."""
        return Segments.of(self.segments)

    def _spans(self) -> dict[PageId, tuple[int, int, int]]:
        """Return each page's run of segments (start, end, index in `page_ids`), built once.

        Built lazily so a report that is only written pays for no index; it holds one entry
        per page, not per segment. A page met again keeps its first start.
        """
        if not self._page_spans and self.segments:
            pages = self.columns.pages
            first = np.unique(pages, return_index=True)[1].tolist()
            last = (len(pages) - np.unique(pages[::-1], return_index=True)[1]).tolist()
            spans = {
                page: (first[at], last[at], at) for at, page in enumerate(self.columns.page_ids)
            }
            self._page_spans.update(spans)  # one C call: a reader never sees half an index
        return self._page_spans

    def position(self, segment_id: str) -> int:
        """Return the index of a segment in `segments` and its aligned tuples; KeyError if unknown.

        An id is `"<page id>:<line>"` and a page's segments ascend by line, so the page's
        run is found by its id and the line by bisection (a scan of the run when a report
        built by hand orders them otherwise).
        """
        page_id, _, line = segment_id.rpartition(":")
        start, end, page = self._spans().get(page_id, (0, 0, -1))
        if start < end and line.isdecimal() and len(line) <= _MAX_LINE_DIGITS:
            number, lines, pages = int(line), self._line_numbers(), self.columns.pages
            if str(number) == line:  # "01" names no segment
                at = bisect_left(lines, number, start, end)
                if at < end and lines[at] == number and pages[at] == page:
                    return at
                for at in range(start, end):
                    if lines[at] == number and pages[at] == page:
                        return at
        raise KeyError(segment_id)

    def _line_numbers(self) -> list[int]:
        """Return every segment's line as a list, made on the first lookup by id."""
        if not self._lines and self.segments:
            self._lines.extend(self.columns.lines.tolist())
        return self._lines

    def segment(self, segment_id: str) -> Segment:
        """Return the segment with this id; KeyError names an unknown id."""
        return self.segments[self.position(segment_id)]

    def label_of(self, segment_id: str) -> Label:
        """Return the label of a segment: unique, duplicate or boilerplate."""
        return self.labels[self.position(segment_id)]

    def cluster_of(self, segment_id: str) -> ClusterId | None:
        """Return the id of the segment's cluster, or None when it is not repeated."""
        return self.segment_clusters[self.position(segment_id)]

    def span_of(self, page_id: str) -> range:
        """Return the positions of the page's segments in `segments` (empty for an unknown page)."""
        start, end, _ = self._spans().get(PageId(page_id), (0, 0, 0))
        return range(start, end)

    def segments_of(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's segments in line order (none for an unknown page)."""
        span = self.span_of(page_id)
        return tuple(self.columns[span.start : span.stop])

    def unique_segments(self, page_id: str) -> tuple[Segment, ...]:
        """Return the page's own reporting: its segments labelled unique."""
        span = self.span_of(page_id)
        labels = self.labels[span.start : span.stop]
        return tuple(
            s
            for s, x in zip(self.columns[span.start : span.stop], labels, strict=True)
            if x is Label.UNIQUE
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
