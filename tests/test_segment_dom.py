"""Segments from an HTML page's blocks: titles, ledes, ages and datelines from the text."""

from __future__ import annotations

from dedupe_news.records import Block, Page, Role
from dedupe_news.stages.segment import segment_page


def _page(*blocks: Block) -> Page:
    return Page("p", "\n".join(b.text for b in blocks), blocks=blocks)


def test_without_landmarks_the_first_dateline_block_is_the_lede() -> None:
    """No article: a later h1 is a subheading, the dateline block the lede, headings stay."""
    page = _page(
        Block("Titel", Role.TITLE, "h1"),
        Block("Los", None, "p"),
        Block("BERN (ANP) - Nieuws.", None, "p"),
        Block("Tweede", Role.TITLE, "h1"),
        Block("Kop", None, "h3"),
    )
    roles = [(s.line, s.role, s.place) for s in segment_page(page)]
    assert roles == [
        (1, Role.TITLE, None),
        (2, Role.PARAGRAPH, None),
        (3, Role.LEDE, "BERN"),
        (4, Role.SUBHEADING, None),
        (5, Role.SUBHEADING, None),
    ]


def test_an_article_lede_without_dateline_and_ages_in_every_place() -> None:
    """A plain first paragraph is the lede; ages come from <time>, the text, or the next block."""
    page = _page(
        Block("Zonder dateline.", Role.PARAGRAPH, "p"),
        Block("gisteren BERN (ANP) - Eerste.", Role.TEASER, "li"),
        Block("Tweede zonder dateline", Role.TEASER, "li"),
        Block("5 uur geleden", Role.TEASER, "li"),
        Block("Derde om 12:00 nu", Role.TEASER, "li", "12:00"),
        Block("Vierde, 2 uur geleden, kort", Role.TEASER, "li", "2 uur geleden"),
        Block("6 uur geleden", Role.TEASER, "li"),
    )
    segments = segment_page(page)
    assert segments[0].role is Role.LEDE
    assert segments[0].place is None
    teasers = [(s.line, s.text, s.place, s.age) for s in segments[1:]]
    assert teasers == [
        (2, "Eerste.", "BERN", "gisteren"),
        (3, "Tweede zonder dateline", None, "5 uur geleden"),
        (5, "Derde om 12:00 nu", None, None),
        (6, "Vierde, , kort", None, "2 uur geleden"),
    ]
