"""Hypothesis strategies: Dutch-ish words, texts, datelines, ages and seed-layout page dumps.

`page_layouts()` draws a page dump together with the segments the segmenter must cut from it
(the generator knows every line's role), so tests can check the segmenter line for line;
`pages()` is the same dump as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from dedupe_news.records import Role

_VOCABULARY = (
    *("de", "het", "een", "van", "in", "op", "met", "voor", "dat", "is", "naar", "niet"),
    *("zijn", "ook", "maar", "bij", "tot", "over", "door", "werd", "heeft", "worden"),
    *("trein", "bezoek", "leider", "wapens", "oorlog", "grens", "politie", "regering"),
    *("president", "onderhandelingen", "gevechtsvliegtuigen", "klimaattop", "inzittenden"),
    *("zei", "meldt", "bevestigde", "verwacht", "aangekomen", "één-op-één", "café"),
    *("Poetin", "Kim", "Noord-Korea", "Oekraïne", "Parijs", "Medina", "Zelensky", "Belém"),
    *("Kremlin-woordvoerder", "Rafale-toestellen", "Vladivostok", "Peskov", "België"),
    *("45", "2019", "24-jarige", "4,6", "zeldzame", "geïsoleerd", "ruïne", "reeën"),
)
WORDS = st.sampled_from(_VOCABULARY)
"""Words of Dutch wire copy: function words, nouns, names, numbers, diacritics, hyphens."""


def _sentence(words: list[str], end: str) -> str:
    first = words[0][:1].upper() + words[0][1:]
    return " ".join([first, *words[1:]]) + end


SENTENCES = st.builds(
    _sentence, st.lists(WORDS, min_size=3, max_size=14), st.sampled_from([".", ".", "!", "?"])
)
"""One sentence: a capitalized first word, 3 to 14 words, a closing mark."""


def _heading_question(line: str) -> bool:
    return line.endswith("?") and len(line) <= 60 and len(line.split()) <= 6 and "," not in line


PARAGRAPHS = (
    st.lists(SENTENCES, min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda p: not _heading_question(p))
)
"""One to four sentences: a body paragraph (never a heading: it ends a sentence, and is no
short one-phrase question, which heads the paragraphs below it)."""

PLACES = st.sampled_from(
    ["PARIJS", "MOSKOU", "CAPE CANAVERAL", "BELÉM", "LA PAZ", "RIO DE JANEIRO", "'S-HERTOGENBOSCH"]
)
"""Dateline places, some with spaces, diacritics, an apostrophe or a hyphen."""

AGENCY_LISTS = st.lists(
    st.sampled_from(["AFP", "RTR", "DPA", "BLOOMBERG", "AP"]), max_size=3, unique=True
).map(lambda rest: ("ANP", *rest))
"""Credits as parsed: ANP first, then up to three more agencies."""

DASHES = st.sampled_from([" - ", " – ", " — "])  # noqa: RUF001 - en and em dashes are meant


@dataclass(frozen=True, slots=True)
class Credit:
    """A dateline as printed and as it must be parsed."""

    printed: str
    place: str
    agencies: tuple[str, ...]


CREDITS = st.builds(
    lambda place, agencies, dash: Credit(f"{place} ({'/'.join(agencies)}){dash}", place, agencies),
    PLACES,
    AGENCY_LISTS,
    DASHES,
)
"""Datelines `PLACE (ANP/AFP) - ` with what they mean."""

DATELINES = CREDITS.map(lambda credit: credit.printed)
"""Datelines as printed."""


@dataclass(frozen=True, slots=True)
class PrintedAge:
    """A relative age as printed and its number of minutes."""

    text: str
    minutes: int


AGE_VALUES = st.one_of(
    st.integers(2, 59).map(lambda n: PrintedAge(f"{n} minuten geleden", n)),
    st.just(PrintedAge("1 minuut geleden", 1)),
    st.integers(1, 23).map(lambda n: PrintedAge(f"{n} uur geleden", n * 60)),
    st.just(PrintedAge("1 dag geleden", 1440)),
    st.integers(2, 6).map(lambda n: PrintedAge(f"{n} dagen geleden", n * 1440)),
    st.just(PrintedAge("gisteren", 1440)),
    st.just(PrintedAge("1 week geleden", 10080)),
    st.integers(2, 3).map(lambda n: PrintedAge(f"{n} weken geleden", n * 10080)),
)
"""Ages of a news rail, with their minutes."""

AGES = AGE_VALUES.map(lambda age: age.text)
"""Ages as printed: `N minuten geleden`, `N uur geleden`, `N dagen geleden`, `1 dag`, `gisteren`."""

SUBHEADINGS = st.one_of(
    st.sampled_from(["Afstand", "Zeldzaam bezoek", "Onderhandelingen", "Reactie Kremlin"]),
    st.lists(WORDS, min_size=1, max_size=4)
    .map(lambda w: _sentence(w, ""))
    .filter(lambda line: len(line) <= 60 and "," not in line),
)
"""Short lines that do not end a sentence and have no punctuation inside (`4,6`): subheadings."""

SECTIONS = st.sampled_from(["Buitenland", "Binnenland", "Sport", "Economie", "Tech"]).map(
    "Meer uit {}".format
)
"""Section headings above a page's rail."""


@dataclass(frozen=True, slots=True)
class Expected:
    """One segment the segmenter must cut: where, what, and its dateline and age."""

    line: int
    role: Role
    text: str
    place: str | None = None
    agencies: tuple[str, ...] = ()
    age: str | None = None
    age_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """A generated page dump and the segments it holds, in line order."""

    text: str
    segments: tuple[Expected, ...]


class _Lines:
    """Lines of a page being built, some padded, some after a blank line."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.lines: list[str] = []
        self._draw = draw

    def add(self, line: str) -> int:
        """Append a line (sometimes after a blank one) and return its line number."""
        if self._draw(st.integers(0, 7)) == 0:
            self.lines.append(self._draw(st.sampled_from(["", " ", "\t"])))
        self.lines.append(line + self._draw(st.sampled_from(["", "", "", " ", "\t "])))
        return len(self.lines)


def _rail(draw: st.DrawFn, page: _Lines) -> list[Expected]:
    """Add the teasers of a rail, each one's age glued to the start of the next line."""
    printed = draw(st.lists(CREDITS, min_size=1, max_size=6))
    bodies = draw(st.lists(SENTENCES, min_size=len(printed), max_size=len(printed)))
    with_ages = draw(st.booleans())
    ages = [draw(AGE_VALUES) if with_ages else None for _ in printed]
    found, glued = [], ""
    for credit, body, age in zip(printed, bodies, ages, strict=True):
        line = page.add(glued + credit.printed + body)
        found.append(
            Expected(
                line,
                Role.TEASER,
                body,
                credit.place,
                credit.agencies,
                None if age is None else age.text,
                None if age is None else age.minutes,
            )
        )
        glued = "" if age is None else age.text
    if glued:
        page.add(glued)  # the last line holds only the last age
    return found


@st.composite
def page_layouts(draw: st.DrawFn) -> Layout:
    """A page dump in the seed layout and the segments it must be cut into.

    Title, dateline lede, paragraphs with subheadings between them, optionally a section
    heading `Meer uit X` and a rail of teasers whose ages are glued to the start of the next
    line (the last line only an age). Sometimes the title is lost, blank lines sit between
    lines, or the lede has no dateline: without a rail that page falls back to paragraphs.
    """
    page = _Lines(draw)
    titled = draw(st.integers(0, 3)) > 0  # a lost title is the exception
    dated = draw(st.integers(0, 5)) > 0  # so is a lede without its dateline
    found: list[Expected] = []
    if titled:
        title = draw(SENTENCES)[:-1]
        found.append(Expected(page.add(title), Role.TITLE, title))
    lede = draw(PARAGRAPHS)
    if dated or not titled:
        credit = draw(CREDITS)
        line = page.add(credit.printed + lede)
        found.append(Expected(line, Role.LEDE, lede, credit.place, credit.agencies))
    else:
        found.append(Expected(page.add(lede), Role.LEDE, lede))
    body = st.tuples(st.just(Role.SUBHEADING), SUBHEADINGS) | st.tuples(
        st.just(Role.PARAGRAPH), PARAGRAPHS
    )
    for role, text in draw(st.lists(body, max_size=6)):
        found.append(Expected(page.add(text), role, text))
    if draw(st.booleans()):
        heading = draw(SECTIONS)
        found.append(Expected(page.add(heading), Role.SECTION_HEADING, heading))
        found.extend(_rail(draw, page))
    elif titled and not dated:  # no dateline, no rail: one paragraph per line
        found = [Expected(e.line, Role.PARAGRAPH, e.text) for e in found]
    return Layout("\n".join(page.lines), tuple(found))


def pages() -> st.SearchStrategy[str]:
    """Page dumps in the seed layout (see `page_layouts`)."""
    return page_layouts().map(lambda layout: layout.text)


_PIECES = st.sampled_from(
    [
        "PARIJS (ANP) - ",
        "CAPE CANAVERAL (ANP/AFP/DPA) - ",
        "LA PAZ (ANP) — ",
        "(ANP) - ",
        "4 uur geleden",
        "1 dag geleden",
        "gisteren",
        "999999 minuten geleden",
        "Meer uit Buitenland",
        "Oekraïne gaat honderd Franse gevechtsvliegtuigen kopen.",
        "Minstens 45 inzittenden kwamen om.",
        "Afstand",
        "(",
        ") - ",
        " ",
        "\r",
        "\t",
        "\u2028",
    ]
)
PAGE_LIKE = st.lists(
    st.lists(_PIECES | st.text(max_size=12), max_size=4).map("".join), max_size=12
).map("\n".join)
"""Page-shaped noise: dateline, age and heading fragments mixed with arbitrary text."""

TEXTS = st.text(max_size=200) | PAGE_LIKE
"""Arbitrary text: any Unicode, or page-shaped noise."""
