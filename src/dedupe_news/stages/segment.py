"""Segment: cut a page into segments with roles, datelines and ages.

A page dump (the seed layout) reads, line by line: the title; the lede, opening with a
dateline `PLACE (AGENCY/AGENCY) - `; body paragraphs with short subheadings between them (a
short phrase with no punctuation inside; a quoted phrase or a question when a paragraph
follows); a
section heading such as `Meer uit Buitenland`; then the rail, one teaser per line, where each
teaser's age (`4 uur geleden`) is glued to the start of the next line and the last line holds
only the last age. A page that does not have this shape falls back to one `paragraph` per
non-empty line. Every parser here is a linear scan: no input line can make it backtrack.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from dedupe_news.records import ROLES, Page, PageId, Role, Segment, Segments
from dedupe_news.stages.dateline import (
    MAX_AGE_MINUTES,
    Age,
    Dateline,
    Rail,
    dateline_parts,
    parse_age,
    parse_dateline,
    trailing_rail,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_AGE_MINUTES",
    "Age",
    "Cutter",
    "Dateline",
    "parse_age",
    "parse_dateline",
    "segment_page",
    "segment_pages",
]

# A subheading or section heading is a short phrase: a line that does not end a sentence and
# has no punctuation inside. Punctuation inside marks a sentence or a standing line (a tip
# line `Tips? Mail de redactie`, a byline `Door: Jan de Vries`, a signature `Jan de Vries,
# Moskou`, a photo credit `Foto: ANP`, a `Lees ook:` link), which is a paragraph. Hyphens and
# apostrophes join words (`Noord-Korea`, `zo'n`), so they are no punctuation here.
_HEADING_MAX_WORDS = 6
_HEADING_MAX_CHARS = 60
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "'", "\u201d", "\u2019", "\u2026", ")")
_INNER_PUNCTUATION = frozenset(".,:;!?()[]/|@\u2026")
# A phrase wrapped in one pair of quote marks (`'Nationaal falen'`) is a quoted subheading.
_QUOTE_PAIRS = frozenset(
    {("'", "'"), ('"', '"'), ("\u2018", "\u2019"), ("\u201c", "\u201d"), ("\u201e", "\u201d")}
)


def segment_pages(pages: Iterable[Page]) -> Segments:
    r"""Cut every page of a batch, in the given page order: `segment_page` for each.

    Examples:
        >>> pages = [Page(id="a", text="Een regel"), Page(id="b", text="Nog een\nEn nog een")]
        >>> [s.id for s in segment_pages(pages)]
        ['a:1', 'b:1', 'b:2']
    """
    cutter = Cutter()
    for page in pages:
        cutter.cut(page)
    return cutter.segments()


def segment_page(page: Page) -> tuple[Segment, ...]:
    r"""Cut one page into segments with roles, in line order.

    Each line is parsed at most once: the lede's dateline, and every line of the rail
    (its glued age and dateline) while the rail is found, reused when its teasers are cut.

    Examples:
        >>> page = Page(id="p", text="Titel\nPARIJS (ANP) - Het nieuws.\nMeer uit X\n"
        ...     "BERN (ANP/AFP) - Een teaser.\n3 uur geleden")
        >>> [(s.line, s.role.value, s.age) for s in segment_page(page)]
        [(1, 'title', None), (2, 'lede', None), (3, 'section_heading', None), (4, 'teaser', '3 uur geleden')]
    """  # noqa: E501 - a doctest line cannot wrap
    return tuple(segment_pages((page,)))


CutColumns: TypeAlias = tuple[
    list[PageId],
    list[int],
    list[int],
    list[int],
    list[str],
    list[int],
    list["str | None"],
    list[tuple[str, ...]],
    list["str | None"],
    list["int | None"],
]
"""A `Cutter`'s columns: page ids, segments per page, then each segment's line, role and
text, and the dated segments' positions, places, agencies, ages and minutes."""

_TITLE, _LEDE, _PARAGRAPH, _SUBHEADING, _SECTION_HEADING, _TEASER = (
    ROLES.index(role)
    for role in (
        Role.TITLE,
        Role.LEDE,
        Role.PARAGRAPH,
        Role.SUBHEADING,
        Role.SECTION_HEADING,
        Role.TEASER,
    )
)


class Cutter:
    """Cut pages one after another straight into the columns of `Segments`.

    No `Segment` object is made for a text page: its lines, roles and texts are appended to
    the columns, and only ledes and teasers add a dateline or an age (`Segments.dated`).
    """

    __slots__ = (
        "_agencies",
        "_ages",
        "_counts",
        "_dated",
        "_lines",
        "_minutes",
        "_page_ids",
        "_places",
        "_roles",
        "_seen",
        "_texts",
    )

    def __init__(self) -> None:
        """Start with no page cut."""
        self._page_ids: list[PageId] = []
        self._counts: list[int] = []  # segments per page, in the order cut
        self._lines: list[int] = []
        self._roles: list[int] = []
        self._texts: list[str] = []
        # One string per distinct text, shared from the first page that has it: a crawl
        # repeats its rail teasers and syndicated copies on many pages (at 65k pages, 488k of
        # 1.0M texts repeat an earlier one: 95 of the texts' 228 MiB), every later stage
        # holds the texts, and a copy dropped as soon as it is cut leaves its memory to the
        # next page's lines.
        self._seen: dict[str, str] = {}
        self._dated: list[int] = []  # positions of the segments with a dateline or an age
        self._places: list[str | None] = []
        self._agencies: list[tuple[str, ...]] = []
        self._ages: list[str | None] = []
        self._minutes: list[int | None] = []

    def cut(self, page: Page) -> None:
        """Append the segments of one page, in line order."""
        first = len(self._texts)
        if page.blocks:  # an HTML page: roles from its DOM
            from dedupe_news.stages.segment_dom import segment_blocks  # noqa: PLC0415 - it imports us

            for segment in segment_blocks(page):
                self._add(segment)
        else:
            self._cut_text(page)
        self._page_ids.append(page.id)
        self._counts.append(len(self._texts) - first)

    def segments(self, order: Sequence[int] | None = None) -> Segments:
        """Return the segments cut so far, pages in `order` (indices in cut order, or as cut).

        The cutter hands its columns over and is empty again: a caller still holding it
        holds none of them (a million segments' lists are 40 MB).
        """
        counts = np.array(self._counts, np.int64)
        pages = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        page_ids = tuple(self._page_ids)
        columns = Segments(
            page_ids,
            pages,
            np.array(self._lines, np.int32),
            np.array(self._roles, np.uint8),
            self._texts,
            np.array(self._dated, np.int64),
            self._places,
            self._agencies,
            self._ages,
            self._minutes,
        )
        Cutter.__init__(self)  # the texts are shared already: the index goes too
        if order is None or list(order) == list(range(len(counts))):
            return columns
        ends = np.cumsum(counts)
        positions = [np.arange(ends[p] - counts[p], ends[p]) for p in order]
        chosen = np.concatenate(positions) if positions else np.empty(0, np.int64)
        rank = np.empty(len(counts), np.int32)
        rank[np.asarray(order, np.int64)] = np.arange(len(counts), dtype=np.int32)
        moved = columns.take(chosen)
        return replace(moved, page_ids=tuple(page_ids[p] for p in order), pages=rank[moved.pages])

    def columns(self) -> CutColumns:
        """Return the columns cut so far, for `extend` in another cutter (another process)."""
        return (
            self._page_ids,
            self._counts,
            self._lines,
            self._roles,
            self._texts,
            self._dated,
            self._places,
            self._agencies,
            self._ages,
            self._minutes,
        )

    def extend(self, columns: CutColumns) -> None:
        """Append the pages another cutter cut (its `columns`), as if cut here after these.

        Their texts are taken as they are: `share` them first, as cutting them here would.
        """
        page_ids, counts, lines, roles, texts, dated, places, agencies, ages, minutes = columns
        base = len(self._texts)
        self._page_ids.extend(page_ids)
        self._counts.extend(counts)
        self._lines.extend(lines)
        self._roles.extend(roles)
        self._texts.extend(texts)
        self._dated.extend([at + base for at in dated])
        self._places.extend(places)
        self._agencies.extend(agencies)
        self._ages.extend(ages)
        self._minutes.extend(minutes)

    def share(self, texts: Iterable[str]) -> list[str]:
        """Return the texts, each one the string held here already when an equal one is."""
        return list(map(self._seen.setdefault, texts, texts))

    def _add(self, segment: Segment) -> None:
        if segment != Segment(segment.page_id, segment.line, segment.role, segment.text):
            self._date(segment.place, segment.agencies, segment.age, segment.age_minutes)
        self._lines.append(segment.line)
        self._roles.append(ROLES.index(segment.role))
        self._texts.append(self._seen.setdefault(segment.text, segment.text))

    def _cut_text(self, page: Page) -> None:
        """Cut a page dump: title, lede, body, section heading and rail, or plain paragraphs."""
        numbers, lines = _lines(page.text)
        if page.titled and len(lines) == 1:
            self._lines.append(numbers[0])
            self._roles.append(_TITLE)
            self._texts.append(self._seen.setdefault(lines[0], lines[0]))
            return
        # A page opens with its title, then the dateline lede; a scrape may have lost the
        # title. When the source names the title (`page.titled`), the line after it is the lede.
        opening = dateline_parts(lines[0]) if lines and not page.titled else None
        untitled = opening is not None
        lede_at = 0 if untitled else 1
        lede = opening if untitled or len(lines) < 2 else dateline_parts(lines[1])
        rail = trailing_rail(lines, first=lede_at + 2)  # it must be right below a heading
        if rail is not None and not _is_heading(lines[rail.start - 1]):
            rail = None
        has_lede = len(lines) > lede_at and (page.titled or lede is not None)
        if not has_lede and rail is None:
            self._lines.extend(numbers)
            self._roles.extend([_PARAGRAPH] * len(lines))
            self._texts.extend(map(self._seen.setdefault, lines, lines))
            return
        if rail is None:
            self._article(numbers, lines, lede, untitled=untitled)
            return
        end = rail.start - 1
        self._article(numbers[:end], lines[:end], lede, untitled=untitled)
        self._lines.append(numbers[end])
        self._roles.append(_SECTION_HEADING)
        self._texts.append(self._seen.setdefault(lines[end], lines[end]))
        self._rail(numbers, rail)

    def _article(
        self,
        numbers: Sequence[int],
        lines: Sequence[str],
        lede: tuple[str, tuple[str, ...], str] | None,
        *,
        untitled: bool,
    ) -> None:
        """Title (unless the scrape lost it), lede (`lede`: its parsed dateline), then the body."""
        at = 0 if untitled else 1  # _cut_text only calls this with the lede present
        body = lines[at + 1 :]
        self._lines.extend(numbers)
        self._roles.extend([_TITLE, _LEDE][1 - at :])
        self._roles.extend(_body_roles(body))
        texts, shared = self._texts, self._seen.setdefault
        if untitled:
            opening = lines[0] if lede is None else lede[2]
            texts.append(shared(opening, opening))
        else:
            opening = lines[1] if lede is None else lede[2]
            texts.append(shared(lines[0], lines[0]))
            texts.append(shared(opening, opening))
        if lede is not None:  # the lede's dateline: the lede is the last text appended
            self._dated.append(len(texts) - 1)
            self._places.append(lede[0])
            self._agencies.append(lede[1])
            self._ages.append(None)
            self._minutes.append(None)
        texts.extend(map(shared, body, body))

    def _rail(self, numbers: Sequence[int], rail: Rail) -> None:
        """Append the rail's teasers, each with its dateline and age."""
        first = len(self._texts)
        self._dated.extend(range(first, first + len(rail.at)))
        self._places.extend(rail.places)
        self._agencies.extend(rail.agencies)
        self._ages.extend(rail.ages)
        self._minutes.extend(rail.minutes)
        self._lines.extend(map(numbers.__getitem__, rail.at))
        self._roles.extend([_TEASER] * len(rail.at))
        self._texts.extend(map(self._seen.setdefault, rail.texts, rail.texts))

    def _date(
        self, place: str | None, agencies: tuple[str, ...], age: str | None, minutes: int | None
    ) -> None:
        """Give the next segment appended a dateline or an age."""
        self._dated.append(len(self._texts))
        self._places.append(place)
        self._agencies.append(agencies)
        self._ages.append(age)
        self._minutes.append(minutes)


def _lines(text: str) -> tuple[Sequence[int], list[str]]:
    """Return the non-empty lines of a page, stripped, and their 1-based line numbers."""
    lines = list(map(str.strip, text.split("\n")))
    if "" not in lines:
        return range(1, len(lines) + 1), lines
    return [n for n, line in enumerate(lines, start=1) if line], [line for line in lines if line]


def _body_roles(body: Sequence[str]) -> list[int]:
    """Return the role of each body line: a subheading or a paragraph.

    A line is a heading on its own (`_is_heading`), or above a paragraph as one heading it
    (`heads_text`). Only a line of at most `_HEADING_MAX_CHARS` can be either: the others,
    most lines, are paragraphs without a test.
    """
    roles = [_PARAGRAPH] * len(body)
    short = [k for k, line in enumerate(body) if len(line) <= _HEADING_MAX_CHARS]
    if not short:
        return roles
    plain = {k: _is_heading(body[k]) for k in short}  # a long line is no heading
    last = len(body) - 1
    for k in short:
        if k < last and not plain.get(k + 1, False):  # heads text: a phrase heading it?
            heading = _is_heading(body[k], heads_text=True)
        else:
            heading = plain[k]
        if heading:
            roles[k] = _SUBHEADING
    return roles


def _is_heading(line: str, *, heads_text: bool = False) -> bool:
    """Return True for a short phrase: a subheading, or a section heading above a rail.

    With `heads_text` (a paragraph follows the line in the body) a quoted phrase and a
    one-phrase question are headings too: an explainer's `Wat betekent dit?` heads the
    paragraphs below it, while the same line closing an article is a sentence of it.
    """
    if len(line) > _HEADING_MAX_CHARS:  # most lines: a paragraph is longer than a heading
        return False
    phrase = line
    if heads_text and len(line) > 2 and (line[0], line[-1]) in _QUOTE_PAIRS:
        phrase = line[1:-1]
    elif heads_text and line.endswith("?"):
        phrase = line[:-1]
    return (  # the tests that make no new object first
        len(phrase) > 0
        and not phrase.endswith(_SENTENCE_END)
        and _INNER_PUNCTUATION.isdisjoint(phrase)
        and len(line.split()) <= _HEADING_MAX_WORDS
    )
