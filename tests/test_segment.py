"""Segment: datelines, ages, the seed layout, its fallbacks, and segments covering the page."""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId, Role
from dedupe_news.stages.segment import (
    MAX_AGE_MINUTES,
    Age,
    Cutter,
    Dateline,
    parse_age,
    parse_dateline,
    segment_page,
    segment_pages,
)
from tests import segment_reference as reference
from tests.strategies import TEXTS, Expected, Layout, page_layouts


def _lines(*lines: str) -> str:
    """Join lines into a page dump."""
    return "\n".join(lines)


def _segments(text: str) -> list[tuple[int, str, str, str | None, tuple[str, ...], str | None]]:
    """Cut a page and keep what identifies each segment: line, role, text, credit, age."""
    return [
        (s.line, s.role.value, s.text, s.place, s.agencies, s.age)
        for s in segment_page(dn.Page(PageId("p"), text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MOSKOU (ANP/RTR) - De trein.", Dateline("MOSKOU", ("ANP", "RTR"), "De trein.")),
        (
            "SEOUL (ANP/RTR/BLOOMBERG/AFP) - Overleg.",
            Dateline("SEOUL", ("ANP", "RTR", "BLOOMBERG", "AFP"), "Overleg."),
        ),
        ("CAPE CANAVERAL (ANP) - Lancering.", Dateline("CAPE CANAVERAL", ("ANP",), "Lancering.")),
        ("RIO DE JANEIRO (AFP) - Top.", Dateline("RIO DE JANEIRO", ("AFP",), "Top.")),
        ("BELÉM (ANP) - Klimaat.", Dateline("BELÉM", ("ANP",), "Klimaat.")),
        ("'S-HERTOGENBOSCH (ANP) - Carnaval.", Dateline("'S-HERTOGENBOSCH", ("ANP",), "Carnaval.")),
        ("ST. LOUIS (AP) - Honkbal.", Dateline("ST. LOUIS", ("AP",), "Honkbal.")),
        ("PARIJS (ANP) – En dash.", Dateline("PARIJS", ("ANP",), "En dash.")),  # noqa: RUF001
        ("PARIJS (ANP) — Em dash.", Dateline("PARIJS", ("ANP",), "Em dash.")),
        ("PARIJS (ANP) -    Ruimte.  ", Dateline("PARIJS", ("ANP",), "Ruimte.")),
        ("PARIJS (ANP) - ", Dateline("PARIJS", ("ANP",), "")),
    ],
)
def test_dateline_is_split_into_place_agencies_and_body(text: str, expected: Dateline) -> None:
    """A dateline opening gives its place, its agencies in order and the stripped body."""
    assert parse_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Parijs (ANP) - Plaats niet in hoofdletters.",
        "PARIJS (anp) - Bureau niet in hoofdletters.",
        "PARIJS (ANP1) - Cijfer in het bureau.",
        "PARIJS (ANP//AFP) - Leeg bureau.",
        "PARIJS (ANP) Geen streepje.",
        "PARIJS (ANP)- Geen spatie voor het streepje.",
        "PARIJS ANP - Geen haakjes.",
        "(ANP) - Geen plaats.",
        "PARIJS 2 (ANP) - Cijfer in de plaats.",
        "PARIJS (ANP - Niet gesloten.",
        "EEN PLAATS MET VEEL TE VEEL LETTERS ERIN VOOR (ANP) - Te lang.",
        "PARIJS (" + "A" * 21 + ") - Bureau te lang.",
        "Geen dateline hier (ANP) - nee",
        "",
    ],
)
def test_text_without_a_dateline_is_not_split(text: str) -> None:
    """Anything but `PLACE (AGENCY/AGENCY) - ` in capitals is no dateline."""
    assert parse_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "age", "minutes", "rest"),
    [
        ("1 minuut geleden", "1 minuut geleden", 1, ""),
        ("35 minuten geleden", "35 minuten geleden", 35, ""),
        ("4 uur geleden", "4 uur geleden", 240, ""),
        ("1 dag geleden", "1 dag geleden", 1440, ""),
        ("3 dagen geleden", "3 dagen geleden", 4320, ""),
        ("1 week geleden", "1 week geleden", 10080, ""),
        ("2 weken geleden", "2 weken geleden", 20160, ""),
        ("gisteren", "gisteren", 1440, ""),
        ("366 dagen geleden", "366 dagen geleden", MAX_AGE_MINUTES, ""),
        ("367 dagen geleden", "367 dagen geleden", None, ""),
        ("999999 uur geleden", "999999 uur geleden", None, ""),
        ("7 uur geledenLONDEN (ANP/RTR) - Hack.", "7 uur geleden", 420, "LONDEN (ANP/RTR) - Hack."),
        ("gisterenPARIJS (ANP) - Iets.", "gisteren", 1440, "PARIJS (ANP) - Iets."),
        ("8 uur geleden   ", "8 uur geleden", 480, ""),
    ],
)
def test_age_is_split_off_with_its_minutes(
    text: str, age: str, minutes: int | None, rest: str
) -> None:
    """Ages in minutes, hours, days, weeks and `gisteren` give minutes; absurd ones give None."""
    assert parse_age(text) == (Age(age, minutes), rest)


@pytest.mark.parametrize(
    "text",
    ["4 uur", "uur geleden", "vier uur geleden", "4 jaar geleden", "Gisteren", " 4 uur geleden"],
)
def test_text_without_an_age_is_not_split(text: str) -> None:
    """Only `N <unit> geleden` or `gisteren` at the very start of a line is an age."""
    assert parse_age(text) is None


SEED_LINES = (
    "Poetin dinsdag naar Noord-Korea",
    "PYONGYANG (ANP/RTR) - De Russische president gaat dinsdag naar Noord-Korea.",
    "Het zeldzame bezoek werd vorige week voor het eerst gemeld.",
    "Afstand",
    "Kim en Poetin vinden elkaar in hun antiwesterse retoriek.",
    "Meer uit Buitenland",
    "BELÉM (ANP) - De Europese Unie vervult een leiderschapsrol.",
    "1 uur geledenPARIJS (ANP) - Oekraïne koopt Franse gevechtsvliegtuigen.",
    "35 minuten geledenCAPE CANAVERAL (ANP/AFP/DPA) - Een lancering.",
    "2 dagen geledenLA PAZ (ANP) - Een verkiezing.",
    "gisteren",
)
SEED_LIKE = "\n".join(SEED_LINES)


def test_seed_layout_is_cut_into_roles_with_datelines_and_glued_ages() -> None:
    """Title, lede, paragraphs, subheading, section heading, then teasers with the next ages."""
    assert _segments(SEED_LIKE) == [
        (1, "title", "Poetin dinsdag naar Noord-Korea", None, (), None),
        (2, "lede", "De Russische president gaat dinsdag naar Noord-Korea.", "PYONGYANG",
         ("ANP", "RTR"), None),
        (3, "paragraph", "Het zeldzame bezoek werd vorige week voor het eerst gemeld.", None,
         (), None),
        (4, "subheading", "Afstand", None, (), None),
        (5, "paragraph", "Kim en Poetin vinden elkaar in hun antiwesterse retoriek.", None, (),
         None),
        (6, "section_heading", "Meer uit Buitenland", None, (), None),
        (7, "teaser", "De Europese Unie vervult een leiderschapsrol.", "BELÉM", ("ANP",),
         "1 uur geleden"),
        (8, "teaser", "Oekraïne koopt Franse gevechtsvliegtuigen.", "PARIJS", ("ANP",),
         "35 minuten geleden"),
        (9, "teaser", "Een lancering.", "CAPE CANAVERAL", ("ANP", "AFP", "DPA"),
         "2 dagen geleden"),
        (10, "teaser", "Een verkiezing.", "LA PAZ", ("ANP",), "gisteren"),
    ]  # fmt: skip


def test_teaser_ages_are_also_minutes() -> None:
    """Each teaser's age comes with its number of minutes."""
    teasers = [s for s in segment_page(dn.Page(PageId("p"), SEED_LIKE)) if s.role is Role.TEASER]
    assert [s.age_minutes for s in teasers] == [60, 35, 2880, 1440]


def test_rail_without_ages_has_teasers_without_ages() -> None:
    """A rail whose lines carry no ages still gives one teaser per dateline line."""
    text = "Titel\nPARIJS (ANP) - Nieuws.\nMeer uit Sport\nBERN (ANP) - Een.\nOSLO (AFP) - Twee."
    assert _segments(text)[2:] == [
        (3, "section_heading", "Meer uit Sport", None, (), None),
        (4, "teaser", "Een.", "BERN", ("ANP",), None),
        (5, "teaser", "Twee.", "OSLO", ("AFP",), None),
    ]


def test_rail_ending_without_a_bare_age_leaves_the_last_teaser_without_age() -> None:
    """When the last line is a teaser, not an age, that teaser has no age."""
    text = _lines(
        "Titel",
        "PARIJS (ANP) - Nieuws.",
        "Meer uit X",
        "BERN (ANP) - Een.",
        "3 uur geledenOSLO (AFP) - Twee.",
    )
    ages = [(s.line, s.age) for s in segment_page(dn.Page(PageId("p"), text))][-2:]
    assert ages == [(4, "3 uur geleden"), (5, None)]


def test_page_without_rail_is_the_article() -> None:
    """Title, lede and body, with no section heading and no teaser."""
    text = "Titel\nPARIJS (ANP) - Nieuws van vandaag.\nKort kopje\nEen alinea met een zin."
    assert [(line, role) for line, role, *_ in _segments(text)] == [
        (1, "title"),
        (2, "lede"),
        (3, "subheading"),
        (4, "paragraph"),
    ]


def test_page_without_a_dateline_or_rail_falls_back_to_paragraphs() -> None:
    """A page not in the seed layout becomes one paragraph per non-empty line."""
    text = "Een blog\n\nGeen persbureau hier.\nKort\n  \nNog een regel."
    assert _segments(text) == [
        (1, "paragraph", "Een blog", None, (), None),
        (3, "paragraph", "Geen persbureau hier.", None, (), None),
        (4, "paragraph", "Kort", None, (), None),
        (6, "paragraph", "Nog een regel.", None, (), None),
    ]


def test_lede_without_dateline_above_a_rail_is_still_a_lede() -> None:
    """With a rail the page is an article even when the lede has lost its dateline."""
    text = "Titel\nHet nieuws zonder persbureau.\nMeer uit X\nBERN (ANP) - Een.\n1 uur geleden"
    assert _segments(text)[:2] == [
        (1, "title", "Titel", None, (), None),
        (2, "lede", "Het nieuws zonder persbureau.", None, (), None),
    ]


def test_page_without_title_opens_with_the_lede() -> None:
    """A first line that is a dateline is the lede: the scrape lost the title."""
    text = "PARIJS (ANP) - Nieuws.\nMeer uit X\nBERN (ANP) - Een.\ngisteren"
    assert [(line, role) for line, role, *_ in _segments(text)] == [
        (1, "lede"),
        (2, "section_heading"),
        (3, "teaser"),
    ]


def test_rail_needs_a_heading_above_it() -> None:
    """Dateline lines at the end of a page with no heading above them are paragraphs."""
    text = (
        "Titel\nPARIJS (ANP) - Nieuws.\nEen hele zin als alinea.\nBERN (ANP) - Een.\n1 uur geleden"
    )
    assert [role for _, role, *_ in _segments(text)] == [
        "title",
        "lede",
        "paragraph",
        "paragraph",
        "subheading",
    ]


def test_rail_of_bare_ages_without_teasers_is_no_rail() -> None:
    """Age lines alone under a heading are not a rail: the page stays article."""
    text = "Titel\nPARIJS (ANP) - Nieuws.\nMeer uit X\n1 uur geleden\n2 uur geleden"
    assert [role for _, role, *_ in _segments(text)] == [
        "title",
        "lede",
        "subheading",
        "subheading",
        "subheading",
    ]


def test_only_the_trailing_run_of_rail_lines_is_the_rail() -> None:
    """A paragraph between dateline lines ends the rail: only the lines below it are teasers."""
    text = _lines(
        "Titel",
        "PARIJS (ANP) - Nieuws.",
        "Meer uit X",
        "BERN (ANP) - Niet in het rijtje.",
        "Een gewone alinea met een zin.",
        "Meer uit Y",
        "OSLO (ANP) - Wel in het rijtje.",
    )
    assert [(line, role) for line, role, *_ in _segments(text)][-3:] == [
        (5, "paragraph"),
        (6, "section_heading"),
        (7, "teaser"),
    ]


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("Zes woorden is nog een kopje", "subheading"),
        ("Zeven woorden is geen kopje meer nu", "paragraph"),
        ("Kort maar met punt.", "paragraph"),
        ("Vraag?", "paragraph"),
        ("Citaat van Peskov\u201d", "paragraph"),
        ("A" * 60, "subheading"),
        ("A" * 61, "paragraph"),
        ("Tips? Mail de redactie", "paragraph"),
        ("Door Jan de Vries, Den Haag", "paragraph"),
        ("Foto: ANP", "paragraph"),
        ("Lees ook: Poetin naar Noord-Korea", "paragraph"),
        ("Reactie Noord-Korea", "subheading"),
        ("'Nationaal falen'", "paragraph"),
    ],
)
def test_subheading_is_short_and_does_not_end_a_sentence(line: str, role: str) -> None:
    """At most six words and 60 characters, no punctuation inside, no sentence end: a subheading."""
    assert _segments(f"Titel\nPARIJS (ANP) - Nieuws.\n{line}")[2][1] == role


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("'Nationaal falen'", "subheading"),
        ("\u201cNationaal falen\u201d", "subheading"),
        ("Wat betekent dit voor Oekra\u00efne?", "subheading"),
        ("Wat nu, Kim?", "paragraph"),
        ("'Nationaal falen', zei hij", "paragraph"),
        ("Citaat van Peskov\u201d", "paragraph"),
    ],
)
def test_quoted_phrase_or_question_heads_the_paragraph_below(line: str, role: str) -> None:
    """A quoted phrase or a one-phrase question followed by a paragraph is a subheading."""
    text = f"Titel\nPARIJS (ANP) - Nieuws.\n{line}\nEen alinea met een zin."
    assert _segments(text)[2][1] == role


def test_question_closing_the_article_is_a_paragraph() -> None:
    """A short question with nothing below it heads nothing: a paragraph."""
    text = "Titel\nPARIJS (ANP) - Nieuws.\nEen alinea.\nWat nu?\nKort kopje"
    assert [role for _, role, *_ in _segments(text)][2:] == ["paragraph", "paragraph", "subheading"]


def test_empty_page_has_no_segments() -> None:
    """A page of blank lines gives nothing."""
    assert segment_page(dn.Page(PageId("p"), "\n \n\t\n")) == ()


def test_segment_ids_name_page_and_line() -> None:
    """A segment's id is `<page id>:<line>`."""
    (segment,) = segment_page(dn.Page(PageId("a/b"), "\n\nEen regel."))
    assert segment.id == "a/b:3"


def test_seed_pages_match_the_gold_annotation(seed_corpus: dn.Corpus, gold: dict[str, Any]) -> None:
    """Every seed page is cut exactly as annotated by hand: line, role, text, credit, age."""
    for page in seed_corpus.pages:
        expected = [
            (s["line"], s["role"], s["text"], s.get("place"), tuple(s.get("agencies", [])))
            for s in gold["files"][f"{page.id}.txt"]
        ]
        got = [(s.line, s.role.value, s.text, s.place, s.agencies) for s in segment_page(page)]
        assert got == expected, page.id


@given(layout=page_layouts())
def test_generated_layouts_are_cut_as_built(layout: Layout) -> None:
    """A page built in the seed layout is cut into exactly the segments it was built from."""
    got = [
        Expected(s.line, s.role, s.text, s.place, s.agencies, s.age, s.age_minutes)
        for s in segment_page(dn.Page(PageId("p"), layout.text))
    ]
    assert got == list(layout.segments)


def _is_bare_age(line: str) -> bool:
    parsed = parse_age(line)
    return parsed is not None and parsed[1] == ""


@given(text=TEXTS | page_layouts().map(lambda layout: layout.text))
def test_segments_cover_every_line_once_in_order(text: str) -> None:
    """Segments come in increasing line order; each non-empty line is cut once, bare ages aside."""
    segments = segment_page(dn.Page(PageId("p"), text))
    lines = [s.line for s in segments]
    assert lines == sorted(set(lines))
    page_lines = text.split("\n")
    non_empty = {n for n, line in enumerate(page_lines, start=1) if line.strip()}
    assert set(lines) <= non_empty
    for uncovered in non_empty - set(lines):
        assert _is_bare_age(page_lines[uncovered - 1].strip()), page_lines[uncovered - 1]
    for segment in segments:
        line = page_lines[segment.line - 1].strip()
        if segment.role in {Role.LEDE, Role.TEASER}:
            assert segment.text in line
        else:
            assert segment.text == line
        assert segment.age_minutes is None or 0 < segment.age_minutes <= MAX_AGE_MINUTES


def test_a_title_named_by_the_source_is_the_title_whatever_follows() -> None:
    """`Page(titled=True)`: line 1 is the title and line 2 the lede, with or without dateline."""
    page = dn.Page("p", "Kabinet valt\nHet kabinet is gevallen.\nDe Kamer debatteert.", titled=True)
    roles = [(s.line, s.role) for s in dn.segment_page(page)]
    assert roles == [(1, Role.TITLE), (2, Role.LEDE), (3, Role.PARAGRAPH)]
    (alone,) = dn.segment_page(dn.Page("q", "Alleen een titel", titled=True))
    assert alone.role is Role.TITLE
    untitled = dn.segment_page(dn.Page("r", "Kabinet valt\nHet kabinet is gevallen."))
    assert [s.role for s in untitled] == [Role.PARAGRAPH, Role.PARAGRAPH]


# Dateline-shaped text around the fast parse's edges: capitals in and out of ASCII, the
# characters a place may hold, credits of every length, each dash, and the 40-character place
# and 80-character credit windows.
_DATELINE_CHARS = st.sampled_from([*"ABZÉÖ .'-/()aé1", "\u2013", "\u2014"])
_DATELINE_LIKE = st.builds(
    lambda place, agencies, dash, body: f"{place} ({'/'.join(agencies)}){dash}{body}",
    st.text(_DATELINE_CHARS, max_size=44) | st.sampled_from(["A" * 40, "A" * 41, "B B"]),
    st.lists(st.text(_DATELINE_CHARS, max_size=22) | st.just("A" * 20), min_size=1, max_size=5)
    | st.sampled_from([["A" * 20] * 3 + ["A" * 14], ["A" * 20] * 3 + ["A" * 15]]),  # 77, 78
    st.sampled_from([" - ", " \u2013 ", " \u2014 ", "- ", " -", " ~ "]),
    st.text(max_size=8),
)


@pytest.mark.parametrize(
    "text",
    [
        f"{'A' * 40} (ANP) - x",
        f"{'A' * 41} (ANP) - x",
        f"{'A' * 39}. (ANP) - x",
        f"PARIJS ({'/'.join(['A' * 20] * 3 + ['A' * 14])}) - x",
        f"PARIJS ({'/'.join(['A' * 20] * 3 + ['A' * 15])}) - x",
        f"PARIJS ({'A' * 21}) - x",
        "PARIJS (ANP//AFP) - x",
        "PARIJS  (ANP) - x",
        "-PARIJS (ANP) - x",
        "SÃO PAULO (ANP) \u2014 x",
        "PARIJS (ANP) -x",
    ],
)
@given(other=_DATELINE_LIKE | TEXTS)
def test_dateline_parse_is_the_reference_parse(text: str, other: str) -> None:
    """Datelines are split exactly as the slow reference parse splits them, on any text."""
    for case in (text, other):
        expected = reference.parse_dateline(case)
        got = parse_dateline(case)
        assert (got is None) == (expected is None), case
        if got is not None and expected is not None:
            assert (got.place, got.agencies, got.body) == (
                expected.place,
                expected.agencies,
                expected.body,
            )


def _pages_like(lines: list[str]) -> str:
    """Join drawn lines into a page dump."""
    return "\n".join(lines)


@given(
    text=TEXTS
    | page_layouts().map(lambda layout: layout.text)
    | st.lists(_DATELINE_LIKE | TEXTS, max_size=8).map(_pages_like),
    titled=st.booleans(),
)
def test_pages_are_cut_as_the_reference_cuts_them(text: str, *, titled: bool) -> None:
    """Any page is cut into the very segments of the slow reference segmenter."""
    page = dn.Page(PageId("p"), text, titled=titled)
    assert segment_page(page) == reference.segment_page(page)


def test_generated_and_seed_pages_are_cut_as_the_reference_cuts_them(
    seed_corpus: dn.Corpus,
) -> None:
    """The generated quality crawl and the seed pages are cut exactly as the reference cuts them."""
    pages = dn.read_pages(Path(__file__).parent / "data" / "pages-quality.jsonl").pages
    batch = (*pages, *seed_corpus.pages)
    expected = tuple(s for page in batch for s in reference.segment_page(page))
    assert segment_pages(batch) == expected


def test_a_dateline_repeated_across_pages_is_held_once() -> None:
    """Ledes and teasers with the same credits share one place, agencies tuple and age string."""
    text = (
        "Titel\nMOSKOU (ANP/AFP) - Het nieuws.\nMeer uit X\nBERN (ANP) - Een teaser.\n3 uur geleden"
    )
    first, second = (segment_page(dn.Page(PageId(name), text)) for name in ("a", "b"))
    assert first[1].agencies == ("ANP", "AFP")
    assert first[1].agencies is second[1].agencies
    assert first[1].place is second[1].place
    assert first[3].age == "3 uur geleden"
    assert first[3].age is second[3].age


@given(st.lists(TEXTS, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_cut_pages_reordered_are_the_pages_cut_in_that_order(
    texts: list[str], random: Random
) -> None:
    """Columns cut in one order and put in another equal cutting the pages in that order."""
    pages = [dn.Page(PageId(f"p{i}"), text) for i, text in enumerate(texts)]
    order = list(range(len(pages)))
    random.shuffle(order)
    cutter = Cutter()
    for page in pages:
        cutter.cut(page)
    moved = cutter.segments(order)
    expected = [s for at in order for s in segment_page(pages[at])]
    assert moved == expected
    assert moved.page_ids == tuple(pages[at].id for at in order)
    assert segment_pages(pages) == [s for page in pages for s in segment_page(page)]
