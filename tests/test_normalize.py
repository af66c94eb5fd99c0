"""Normalize: idempotent on any text, and equal to a slow, obviously correct reference."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.stages.normalize import fold
from tests.strategies import PARAGRAPHS, TEXTS

FOLDS = st.booleans()


def _reference(text: str, *, fold_diacritics: bool) -> str:
    """Normalize the slow way: NFKC, casefold, NFKC, maybe strip marks, keep runs of isalnum."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if fold_diacritics:
        marks = unicodedata.normalize("NFKD", folded)
        folded = unicodedata.normalize(
            "NFKC", "".join(c for c in marks if not unicodedata.combining(c))
        )
    words, word = [], ""
    for character in folded:
        if character.isalnum():
            word += character
        elif word:
            words.append(word)
            word = ""
    return " ".join([*words, word] if word else words)


@given(text=st.text(), fold_diacritics=FOLDS)
def test_normalize_is_idempotent_on_any_unicode(text: str, fold_diacritics: bool) -> None:  # noqa: FBT001
    """A second pass changes nothing: normalize(normalize(t)) == normalize(t)."""
    once = dn.normalize(text, fold_diacritics=fold_diacritics)
    assert dn.normalize(once, fold_diacritics=fold_diacritics) == once


@given(text=TEXTS | PARAGRAPHS, fold_diacritics=FOLDS)
def test_normalize_is_idempotent_on_news_text(text: str, fold_diacritics: bool) -> None:  # noqa: FBT001
    """Idempotence holds on page-shaped text and Dutch sentences too."""
    once = dn.normalize(text, fold_diacritics=fold_diacritics)
    assert dn.normalize(once, fold_diacritics=fold_diacritics) == once


@given(text=st.text() | TEXTS, fold_diacritics=FOLDS)
def test_normalize_equals_the_reference(text: str, fold_diacritics: bool) -> None:  # noqa: FBT001
    """The fast paths (ASCII, one regular expression) give the reference's words."""
    assert dn.normalize(text, fold_diacritics=fold_diacritics) == _reference(
        text, fold_diacritics=fold_diacritics
    )


@given(text=st.text(), fold_diacritics=FOLDS)
def test_normalized_text_is_words_joined_by_single_spaces(text: str, fold_diacritics: bool) -> None:  # noqa: FBT001
    """The result is letters and digits in words separated by one space, nothing else."""
    norm = dn.normalize(text, fold_diacritics=fold_diacritics)
    assert norm == " ".join(norm.split(" "))
    assert all(word and word.isalnum() for word in norm.split(" ")) or norm == ""


@given(text=st.text(st.characters(max_codepoint=127)))
def test_ascii_case_does_not_matter(text: str) -> None:
    """Upper- and lower-case ASCII text normalize alike."""
    assert dn.normalize(text.upper()) == dn.normalize(text.lower())


@given(text=st.text(st.characters(max_codepoint=127)))
def test_ascii_fold_equals_the_unicode_path(text: str) -> None:
    """The ASCII shortcut of fold (str.lower) agrees with NFKC and casefold."""
    assert fold(text) == unicodedata.normalize("NFKC", text.casefold())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Het zeldzame   bezoek — van Poetin!  ", "het zeldzame bezoek van poetin"),
        ("Kremlin-woordvoerder Dmitri Peskov.", "kremlin woordvoerder dmitri peskov"),
        ('"Het wordt een volwaardig bezoek", zei hij.', "het wordt een volwaardig bezoek zei hij"),
        ("Oekraïne's “vrede”", "oekraïne s vrede"),
        ("één-op-één", "één op één"),
        ("4,6 miljoen euro", "4 6 miljoen euro"),
        ("snake_case_naam", "snake case naam"),
        ("STRAßE", "strasse"),
        ("ﬁnale", "finale"),
        ("Ｗｅｒｅｌｄ　２０２４", "wereld 2024"),  # noqa: RUF001 - fullwidth forms are the point
        ("tab\tnieuwe\nregel\u2028scheiding", "tab nieuwe regel scheiding"),
        ("...!?", ""),
        ("", ""),
    ],
)
def test_normalize_examples(text: str, expected: str) -> None:
    """Case, punctuation, whitespace, compatibility forms and underscores fold as documented."""
    assert dn.normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "kept", "folded"),
    [
        ("Oekraïne", "oekraïne", "oekraine"),
        ("geïsoleerd café", "geïsoleerd café", "geisoleerd cafe"),
        ("BELÉM", "belém", "belem"),
        ("Oeкраïна", "oeкраïна", "oeкраiна"),  # noqa: RUF001 - Cyrillic with a Latin ï
        ("e\u0301", "é", "e"),
    ],
)
def test_diacritics_are_kept_unless_folded(text: str, kept: str, folded: str) -> None:
    """Dutch keeps its diacritics by default; fold_diacritics strips combining marks."""
    assert dn.normalize(text) == kept
    assert dn.normalize(text, fold_diacritics=True) == folded


def test_folding_diacritics_strips_exactly_the_combining_marks_of_all_unicode() -> None:
    """Over every code point, diacritic folding drops exactly the combining marks of NFKD."""
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    decomposed = unicodedata.normalize("NFKD", folded)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold(text, fold_diacritics=True) == unicodedata.normalize("NFKC", kept)
