"""Dateline and age: the `PLACE (AGENCY/AGENCY) - ` opening and the relative age of a line.

Both parsers are linear scans: no input can make them backtrack. `stages/segment.py` cuts
pages with them, and finds a page's rail of teasers (`trailing_rail`) with them;
`stages/segment_dom.py` reads them from HTML blocks.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AGE",
    "MAX_AGE_MINUTES",
    "Age",
    "Dateline",
    "Rail",
    "age_minutes",
    "dateline_parts",
    "parse_age",
    "parse_dateline",
    "trailing_rail",
]

# The place of a dateline is at most this long ("CAPE CANAVERAL", "RIO DE JANEIRO").
_PLACE_MAX_CHARS = 40
_DATELINE_DASHES = (" - ", " – ", " — ")  # noqa: RUF001 - the en and em dashes are meant

# `N <unit> geleden` or `gisteren` at the start of a line; digits are bounded, so the
# match is linear and the number cannot be absurdly large.
AGE = re.compile(
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
    """Split a dateline off the start of a text, or return None when there is none.

    Examples:
        >>> parse_dateline("MOSKOU (ANP/RTR) - De trein is aangekomen.")
        Dateline(place='MOSKOU', agencies=('ANP', 'RTR'), body='De trein is aangekomen.')
        >>> parse_dateline("Geen dateline hier (ANP) - nee") is None
        True
    """
    parts = dateline_parts(text)
    return None if parts is None else Dateline(*parts)


# The common dateline, all ASCII capitals, in one match. When it matches, the general parse
# below would find the same " (" (the place holds none, and is at most 40 characters), the
# same ")" (the credits hold none; their length is checked against the 80-character window)
# and accept the place and every agency, so its groups are the answer; any other text takes
# the general parse, which alone decides.
_ASCII_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z .'-]{0,39}) \((?P<agencies>[A-Z]{1,20}(?:/[A-Z]{1,20})*)\)"
    r"(?: - | \u2013 | \u2014 )"
)
_AGENCIES_MAX_CHARS = 77  # the ")" must fall inside text[open_at + 2 : open_at + 80]

# A rail line in one match: an optional age (group `age`), blanks, an optional common
# dateline (groups `place` and `agencies`) and the blanks after it. Whatever text follows,
# it matches; its groups say what it found. The age's group is set exactly when `AGE`
# matches the line (the rest always matches, so the engine never gives the age up), and the
# dateline's groups exactly when `_ASCII_DATELINE` matches what follows the age, stripped.
# Its groups, in order: age, count, unit, yesterday, place, agencies (`trailing_rail`).
_RAIL_LINE = re.compile(rf"(?P<age>{AGE.pattern})?\s*(?:{_ASCII_DATELINE.pattern}\s*)?")


def dateline_parts(text: str) -> tuple[str, tuple[str, ...], str] | None:
    """Return a dateline's (place, agencies, body), or None: `parse_dateline` without a record."""
    fast = _ASCII_DATELINE.match(text)
    if fast is not None and len(fast["agencies"]) <= _AGENCIES_MAX_CHARS:
        return sys.intern(fast["place"]), _agencies(fast["agencies"]), text[fast.end() :].strip()
    open_at = text.find(" (", 0, _PLACE_MAX_CHARS + 2)
    close_at = text.find(")", open_at + 2, open_at + 80) if open_at > 0 else -1
    if close_at < 0:
        return None
    place = text[:open_at]
    agencies = _agencies(text[open_at + 2 : close_at])
    rest = text[close_at + 1 :]
    dash = next((d for d in _DATELINE_DASHES if rest.startswith(d)), None)
    if dash is None or not _is_place(place) or not all(map(_is_agency, agencies)):
        return None
    return sys.intern(place), agencies, rest[len(dash) :].strip()


# A crawl repeats a few hundred places and agency credits over hundreds of thousands of
# ledes and teasers: one shared string and tuple each, not one per segment (about 75 bytes
# per segment, a quarter of the segments' own memory beside their text). Places are
# interned (Python frees an interned string with its last use); the agencies' cache is a
# bounded memo of a pure function: a freak crawl of all-different datelines only misses.
@lru_cache(maxsize=4096)
def _agencies(credit: str) -> tuple[str, ...]:
    """Return the agencies of a dateline's credits (`"ANP/AFP"`), one shared tuple per text."""
    return tuple(map(sys.intern, credit.split("/")))


# Ages repeat even more than credits (a few hundred distinct in a crawl): one parse each.
@lru_cache(maxsize=4096)
def _age_parts(text: str | None) -> tuple[str | None, int | None]:
    """Return an age as printed (one shared string) and its minutes; (None, None) for None.

    Examples:
        >>> _age_parts("4 uur geleden"), _age_parts(None)
        (('4 uur geleden', 240), (None, None))
    """
    found = None if text is None else AGE.fullmatch(text)
    if found is None:
        return None, None
    return sys.intern(found.string), age_minutes(found)


def _is_place(text: str) -> bool:
    letters = text.replace(" ", "").replace("-", "").replace(".", "").replace("'", "")
    return letters.isalpha() and letters.isupper()


def _is_agency(text: str) -> bool:
    return 0 < len(text) <= 20 and text.isalpha() and text.isupper()


def parse_age(text: str) -> tuple[Age, str] | None:
    """Split a relative age off the start of a line: (age, rest), or None.

    Examples:
        >>> parse_age("4 uur geledenGUAYAQUIL (ANP/AFP) - De politie...")
        (Age(text='4 uur geleden', minutes=240), 'GUAYAQUIL (ANP/AFP) - De politie...')
        >>> parse_age("gisteren")
        (Age(text='gisteren', minutes=1440), '')
        >>> parse_age("999999 uur geleden")
        (Age(text='999999 uur geleden', minutes=None), '')
    """
    found = AGE.match(text)
    if found is None:
        return None
    return Age(text=found.group(), minutes=age_minutes(found)), text[found.end() :].strip()


def age_minutes(found: re.Match[str]) -> int | None:
    """Return the minutes of a matched age, or None when it is beyond `MAX_AGE_MINUTES`."""
    if found["yesterday"]:
        minutes = _YESTERDAY_MINUTES
    else:
        minutes = int(found["count"]) * _UNIT_MINUTES[found["unit"]]
    return minutes if minutes <= MAX_AGE_MINUTES else None


class Rail(NamedTuple):  # one per page: a tuple is made in a third of a dataclass's time
    """A page's rail: where it starts, and its teasers' columns in line order.

    Attributes:
        start: The index of the rail's first line.
        at: Each teaser's line index.
        texts: Each teaser's text, without its dateline.
        places: Each teaser's dateline place.
        agencies: Each teaser's dateline agencies.
        ages: Each teaser's age as printed (glued to the line below it), or None.
        minutes: Each teaser's age in minutes, or None.
    """

    start: int
    at: list[int]
    texts: list[str]
    places: list[str]
    agencies: list[tuple[str, ...]]
    ages: list[str | None]
    minutes: list[int | None]


_Parts = tuple[str, tuple[str, ...], str]  # a dateline's (place, agencies, body)


def _rail_teaser(line: str) -> tuple[str | None, _Parts] | None:
    """Parse a teaser line (an optional glued age, then a dateline), else return None.

    Returns the glued age as printed (None without one) and the dateline's (place,
    agencies, body). The general parse, for a line that `trailing_rail`'s one match
    (`_RAIL_LINE`) does not take; a bare age that one match always takes.
    """
    found = AGE.match(line)
    dateline = dateline_parts(line if found is None else line[found.end() :].strip())
    return None if dateline is None else (None if found is None else found.group(), dateline)


def trailing_rail(lines: Sequence[str], first: int) -> Rail | None:
    """Return the page's rail, or None when it has none.

    The rail is the longest run of teaser lines (an optional glued age, then a dateline) or
    bare ages at the end of the page's (stripped, non-empty) lines, at index `first` or
    later, holding at least one teaser; the segmenter also wants a section heading above
    it. A teaser's age is glued to the start of the line below it (none for the last line).

    Lines are stripped, so `_RAIL_LINE` parses the usual line in one match, as `AGE` and
    `dateline_parts` would: its age group is `AGE`'s match, its dateline groups the common
    dateline after the age, and the blanks it takes after them are the body's strip. A
    dateline it cannot take (not ASCII, credits too long) goes to `_rail_teaser`; a line
    without "(" has no dateline at all (`dateline_parts` needs " (").
    """
    rail = Rail(len(lines), [], [], [], [], [], [])  # filled bottom up, then reversed
    below_age, below_minutes = None, None  # the age glued to the line below
    match, intern, start = _RAIL_LINE.match, sys.intern, len(lines)
    while start > first:
        line = lines[start - 1]
        found = match(line)
        age, _, _, _, place, credit = found.groups()  # type: ignore[union-attr]  # it matches any text
        dateline: tuple[str, tuple[str, ...], str] | None
        if place is not None and len(credit) <= _AGENCIES_MAX_CHARS:
            dateline = (intern(place), _agencies(credit), line[found.end() :])  # type: ignore[union-attr]  # as above
        elif place is None and age is not None and found.end() == len(line):  # type: ignore[union-attr]  # as above
            dateline = None  # a bare age
        elif "(" in line and (parsed := _rail_teaser(line)) is not None:
            age, dateline = parsed
        else:
            break
        if dateline is not None:
            rail.at.append(start - 1)
            rail.places.append(dateline[0])
            rail.agencies.append(dateline[1])
            rail.texts.append(dateline[2])
            rail.ages.append(below_age)
            rail.minutes.append(below_minutes)
        below_age, below_minutes = _age_parts(age)
        start -= 1
    if not rail.at:
        return None
    for column in rail[1:]:
        column.reverse()
    return rail._replace(start=start)
