"""The segmenter as it was before it was made fast: the slow, obvious reference for its tests.

A line-by-line copy of `stages/segment.py` as of the seed layout's first version (text pages
only), which parsed every rail line several times. `tests/test_segment.py` checks that the
fast segmenter cuts every page exactly as this one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedupe_news.records import Page, Role, Segment

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

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

# The place of a dateline is at most this long ("CAPE CANAVERAL", "RIO DE JANEIRO").
_PLACE_MAX_CHARS = 40
_DATELINE_DASHES = (" - ", " – ", " — ")  # noqa: RUF001 - the en and em dashes are meant

# `N <unit> geleden` or `gisteren` at the start of a line; digits are bounded, so the
# match is linear and the number cannot be absurdly large.
_AGE = re.compile(
    r"(?:(?P<count>\d{1,6}) (?P<unit>minuut|minuten|uur|dag|dagen|week|weken) geleden"
    r"|(?P<yesterday>gisteren))"
)
_UNIT_MINUTES = {
    "minuut": 1,
    "minuten": 1,
    "uur": 60,
    "dag": 1440,
    "dagen": 1440,
    "week": 10080,
    "weken": 10080,
}
_YESTERDAY_MINUTES = 1440
# A "related news" rail shows recent items: an age beyond a year is a scraping artefact. It is
# still split off and kept as printed, but gets no number of minutes.
MAX_AGE_MINUTES = 366 * 1440


@dataclass(frozen=True, slots=True)
class Dateline:
    """A parsed `PLACE (AGENCY/AGENCY) - ` opening."""

    place: str
    agencies: tuple[str, ...]
    body: str


@dataclass(frozen=True, slots=True)
class Age:
    """A relative age as printed, and in minutes (None beyond `MAX_AGE_MINUTES`)."""

    text: str
    minutes: int | None


def parse_dateline(text: str) -> Dateline | None:
    """Split a dateline off the start of a text, or return None when there is none."""
    open_at = text.find(" (", 0, _PLACE_MAX_CHARS + 2)
    close_at = text.find(")", open_at + 2, open_at + 80) if open_at > 0 else -1
    if close_at < 0:
        return None
    place = text[:open_at]
    agencies = tuple(text[open_at + 2 : close_at].split("/"))
    rest = text[close_at + 1 :]
    dash = next((d for d in _DATELINE_DASHES if rest.startswith(d)), None)
    if dash is None or not _is_place(place) or not all(map(_is_agency, agencies)):
        return None
    return Dateline(place=place, agencies=agencies, body=rest[len(dash) :].strip())


def _is_place(text: str) -> bool:
    letters = text.replace(" ", "").replace("-", "").replace(".", "").replace("'", "")
    return letters.isalpha() and letters.isupper()


def _is_agency(text: str) -> bool:
    return 0 < len(text) <= 20 and text.isalpha() and text.isupper()


def parse_age(text: str) -> tuple[Age, str] | None:
    """Split a relative age off the start of a line: (age, rest), or None."""
    found = _AGE.match(text)
    if found is None:
        return None
    if found["yesterday"]:
        minutes = _YESTERDAY_MINUTES
    else:
        minutes = int(found["count"]) * _UNIT_MINUTES[found["unit"]]
    plausible = minutes if minutes <= MAX_AGE_MINUTES else None
    return Age(text=found.group(), minutes=plausible), text[found.end() :].strip()


def segment_page(page: Page) -> tuple[Segment, ...]:
    """Cut one page into segments with roles, in line order."""
    lines = [(n, line.strip()) for n, line in enumerate(page.text.split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line]
    # A page opens with its title, then the dateline lede; a scrape may have lost the title.
    # When the source names the title (`page.titled`), the line after it is the lede.
    untitled = not page.titled and bool(lines) and parse_dateline(lines[0][1]) is not None
    lede_at = 0 if untitled else 1
    rail_start = _rail_start(lines, first=lede_at + 2)
    has_lede = len(lines) > lede_at and (
        page.titled or parse_dateline(lines[lede_at][1]) is not None
    )
    if page.titled and len(lines) == 1:
        return (Segment(page.id, lines[0][0], Role.TITLE, lines[0][1]),)
    if not has_lede and rail_start == len(lines):
        return tuple(Segment(page.id, n, Role.PARAGRAPH, line) for n, line in lines)
    if rail_start == len(lines):
        return tuple(_article(page, lines, untitled=untitled))
    heading_line, heading = lines[rail_start - 1]
    return (
        *_article(page, lines[: rail_start - 1], untitled=untitled),
        Segment(page.id, heading_line, Role.SECTION_HEADING, heading),
        *_rail(page, lines[rail_start:]),
    )


def _rail_start(lines: Sequence[tuple[int, str]], first: int) -> int:
    """Return the index where the rail begins (len(lines) when there is none).

    The rail is the longest run of teaser lines (an optional glued age, then a dateline) or
    bare ages at the end of the page, at index `first` or later (after the lede and a
    section heading), right below a section heading, holding at least one teaser.
    """
    start = len(lines)
    while start > first and _is_rail_line(lines[start - 1][1]):
        start -= 1
    # Rail lines are bare ages or teasers: a teaser is one with something left after its age.
    has_teaser = any(_strip_age(line) for _, line in lines[start:])
    if start == len(lines) or not has_teaser or not _is_heading(lines[start - 1][1]):
        return len(lines)
    return start


def _is_rail_line(line: str) -> bool:
    rest = _strip_age(line)
    return rest == "" or parse_dateline(rest) is not None


def _strip_age(line: str) -> str:
    parsed = parse_age(line)
    return line if parsed is None else parsed[1]


def _is_heading(line: str, *, heads_text: bool = False) -> bool:
    """Return True for a short phrase: a subheading, or a section heading above a rail.

    With `heads_text` (a paragraph follows the line in the body) a quoted phrase and a
    one-phrase question are headings too: an explainer's `Wat betekent dit?` heads the
    paragraphs below it, while the same line closing an article is a sentence of it.
    """
    phrase = line
    if heads_text and len(line) > 2 and (line[0], line[-1]) in _QUOTE_PAIRS:
        phrase = line[1:-1]
    elif heads_text and line.endswith("?"):
        phrase = line[:-1]
    return (
        len(phrase) > 0
        and len(line) <= _HEADING_MAX_CHARS
        and len(line.split()) <= _HEADING_MAX_WORDS
        and not phrase.endswith(_SENTENCE_END)
        and _INNER_PUNCTUATION.isdisjoint(phrase)
    )


def _article(page: Page, lines: Sequence[tuple[int, str]], *, untitled: bool) -> Iterator[Segment]:
    """Title (unless the scrape lost it), lede, then paragraphs and subheadings."""
    if not untitled:
        title_line, title = lines[0]
        yield Segment(page.id, title_line, Role.TITLE, title)
    lede_at = 0 if untitled else 1  # segment_page only calls this with the lede present
    lede_line, lede = lines[lede_at]
    dateline = parse_dateline(lede)
    if dateline is None:
        yield Segment(page.id, lede_line, Role.LEDE, lede)
    else:
        place, agencies = dateline.place, dateline.agencies
        yield Segment(page.id, lede_line, Role.LEDE, dateline.body, place, agencies)
    body = [line for _, line in lines[lede_at + 1 :]]
    for k, (line_no, line) in enumerate(lines[lede_at + 1 :]):
        heads_text = k + 1 < len(body) and not _is_heading(body[k + 1])
        role = Role.SUBHEADING if _is_heading(line, heads_text=heads_text) else Role.PARAGRAPH
        yield Segment(page.id, line_no, role, line)


def _rail(page: Page, lines: Sequence[tuple[int, str]]) -> Iterator[Segment]:
    """Each teaser, with the age glued to the start of the line after it."""
    pending: tuple[int, Dateline] | None = None
    for line_no, line in lines:
        parsed = parse_age(line)
        age, rest = (None, line) if parsed is None else parsed
        if pending is not None:
            yield _teaser(page, *pending, age)
            pending = None
        dateline = parse_dateline(rest) if rest else None
        if dateline is not None:
            pending = (line_no, dateline)
    if pending is not None:
        yield _teaser(page, *pending, None)


def _teaser(page: Page, line_no: int, dateline: Dateline, age: Age | None) -> Segment:
    return Segment(
        page.id,
        line_no,
        Role.TEASER,
        dateline.body,
        dateline.place,
        dateline.agencies,
        None if age is None else age.text,
        None if age is None else age.minutes,
    )
