"""Facts: the veto fires only where one fact replaces another in the aligned texts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.facts import (
    _TABLE_END,
    _chars,
    fact_text,
    fact_texts,
    facts_conflict,
    may_conflict_ends,
    may_conflict_words,
    names_by_gaps,
    number_value,
    word_blocks,
)
from dedupe_news.stages.tokenize import tokenize
from tests.strategies import PARAGRAPHS

if TYPE_CHECKING:
    from numpy.typing import NDArray

MEDINA = (
    "Bij de Saudische stad Medina heeft een fataal ongeluk plaatsgevonden met een bus vol "
    "Indiase pelgrims. Minstens 45 inzittenden zijn om het leven gekomen."
)


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("vijf", 5),
        ("veertig", 40),
        ("vijfenveertig", 45),
        ("tweeëntwintig", 22),
        ("honderd", 100),
        ("tweehonderdvijftig", 250),
        ("vierduizend", 4000),
        ("vierhonderdeenentwintig", 421),
        ("driemiljoen", 3_000_000),
        ("tiental", None),
        ("honderdtal", None),
        ("zorgpremie", None),
    ],
)
def test_dutch_number_words_have_their_value(word: str, value: int | None) -> None:
    """Number words parse to their value; other words to None."""
    assert number_value(word) == value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (MEDINA, MEDINA.replace("45", "vijfenveertig")),
        (MEDINA, MEDINA.replace("45", "vijf en veertig").replace("vijf en ", "vijfen")),
        (
            "In 4421 zaken is dat bepaald.",
            "In vierduizend vierhonderdeenentwintig zaken is dat bepaald.",
        ),
        ("Zei Kremlin-woordvoerder Peskov.", "Zei Kremlinwoordvoerder Peskov."),
        ("Sancties van de VS en de EU.", "Sancties van de Verenigde Staten en de Europese Unie."),
        (
            "Er is geen bevestiging van Kims aanwezigheid.",
            "Er is geen bevestiging van de aanwezigheid van Kim.",
        ),
        ("De leider Kim Jong-un is in Rusland.", "De leider Kim is in Rusland."),
        (MEDINA, MEDINA + " Ook de ambassadeur Rajesh Kumar reisde af."),
        (
            "Kim en Poetin tekenen 'alomvattend' verdrag",
            "Kim en Poetin sluiten 'alomvattend' verdrag",
        ),
        (MEDINA, MEDINA.replace("fataal", "dodelijk")),
        ("De trein reed naar Amsterdam.", "De trein reed naar Ams"),
    ],
)
def test_the_same_fact_written_otherwise_is_no_conflict(a: str, b: str) -> None:
    """Compounds, abbreviations, inflections, number words, added names, headline synonyms."""
    assert not facts_conflict(fact_text(a), fact_text(b))
    assert not facts_conflict(fact_text(b), fact_text(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (MEDINA, MEDINA.replace("45", "12")),
        (MEDINA, MEDINA.replace("Medina", "Luxor")),
        (MEDINA, MEDINA.replace("45", "twaalf")),
        ("Kabinet presenteert begroting 2024", "Kabinet presenteert begroting 2025"),
        ("Poetin dinsdag naar Noord-Korea", "Poetin dinsdag naar China"),
        (
            "Het kabinet wil de zorgpremie volgend jaar verlagen. Dat staat in de plannen.",
            "Het kabinet wil de huurtoeslag volgend jaar verlagen. Dat staat in de plannen.",
        ),
    ],
)
def test_a_fact_replaced_by_another_is_a_conflict(a: str, b: str) -> None:
    """Other numbers, places, a final number in a headline, a teaser's noun swapped."""
    assert facts_conflict(fact_text(a), fact_text(b))
    assert facts_conflict(fact_text(b), fact_text(a))


def test_a_noun_swapped_in_a_long_text_is_no_conflict() -> None:
    """The lone noun swap is for short teasers: in a long paragraph it is an edit."""
    long = " ".join([MEDINA] * 4)
    assert not facts_conflict(fact_text(long), fact_text(long.replace("ongeluk", "incident", 1)))


@given(text=PARAGRAPHS)
def test_a_text_never_conflicts_with_itself_or_its_truncation(text: str) -> None:
    """No veto between a text and itself, or a copy cut after some words."""
    words = text.split()
    assert not facts_conflict(fact_text(text), fact_text(text))
    cut = " ".join(words[: max(1, len(words) // 2)])
    assert not facts_conflict(fact_text(text), fact_text(cut))


def test_names_are_capitalized_words_inside_a_sentence() -> None:
    """A sentence's first word is no name; later capitalized words are."""
    found = fact_text("De politie zoekt Ahmed. Hij is 24-jarige.")
    assert sorted(found.words[i] for i in found.names) == ["ahmed"]
    assert found.ends_sentence


@given(
    text=PARAGRAPHS
    | st.text(max_size=60)
    | st.text("aB9 ._;!?:-,\u00e9\u00c9\u00eb\u2019\u2014\u00bd\u0130\u01c5\u3042", max_size=30)
)
def test_the_names_kernel_is_the_rule_by_gaps(text: str) -> None:
    """The compiled pass counts the words and names the regex finds, or defers (-1)."""
    count, names = kernels.text_names(np.frombuffer(text.encode(), dtype=np.uint8), _chars())
    if count < 0:  # a code point beyond the kernel's table: names_by_gaps reads the text
        assert any(ord(c) >= _TABLE_END for c in text)
    else:
        assert (count, frozenset(names.tolist())) == names_by_gaps(text)


WORDS = st.lists(
    st.sampled_from(["de", "der", "4", "45", "x", "xx", "medina", "\u00e9", "\u00e9e"]), max_size=14
)


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """The common head and tail words, counted as `word_blocks` counts them."""
    limit = min(len(a), len(b))
    head = next((i for i in range(limit) if a[i] != b[i]), limit)
    tail = next((i for i in range(limit) if a[-1 - i] != b[-1 - i]), limit)
    return head, min(tail, limit - head)


def _compiled_ends(
    a: list[str], b: list[str], *, compiled: bool = True
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return `_kernels.common_ends` of two texts' words (its Python source if not compiled)."""
    tokens = tokenize([" ".join(a), " ".join(b)])
    starts = tokens.norm_starts.reshape(1, 2)
    lengths, words = tokens.norm_lengths.reshape(1, 2), tokens.counts().reshape(1, 2)
    ends = kernels.common_ends if compiled else kernels.common_ends.py_func  # type: ignore[attr-defined]  # numba keeps the source
    found: tuple[NDArray[np.int64], NDArray[np.int64]] = ends(tokens.norms, starts, lengths, words)
    return found


@given(a=WORDS, b=WORDS)
def test_may_conflict_ends_clears_only_pairs_the_alignment_clears(
    a: list[str], b: list[str]
) -> None:
    """Ends read from the normalized bytes are the word ends; False only where no swap can be."""
    (head, tail), python = _compiled_ends(a, b), _compiled_ends(a, b, compiled=False)
    assert (int(head[0]), int(tail[0])) == (int(python[0][0]), int(python[1][0]))
    assert (int(head[0]), int(tail[0])) == _common_ends(a, b)
    ends = may_conflict_ends(head, tail, np.array([len(a)]), np.array([len(b)]))
    assert ends[0] or not may_conflict_words(tuple(a), tuple(b))


def test_a_word_that_folding_changes_is_read_word_by_word() -> None:
    """A vulgar fraction folds to digits around a fraction slash: names still line up."""
    found = fact_text("Een \u00bd kilo kaas voor Jan.")
    assert found.words == ("een", "1\u20442", "kilo", "kaas", "voor", "jan")
    assert sorted(found.words[i] for i in found.names) == ["jan"]


@given(a=WORDS, b=WORDS)
def test_word_blocks_from_counted_ends_equal_word_blocks_counting_them(
    a: list[str], b: list[str]
) -> None:
    """Blocks aligned from the compiled common ends are those `word_blocks` finds alone."""
    head, tail = _compiled_ends(a, b)
    ends = (int(head[0]), int(tail[0]))
    assert word_blocks(tuple(a), tuple(b), ends=ends) == word_blocks(tuple(a), tuple(b))


@given(texts=st.lists(PARAGRAPHS | st.text(max_size=40), max_size=6))
def test_fact_texts_read_in_one_call_equal_fact_text_of_each(texts: list[str]) -> None:
    """The batch equals `fact_text` text by text, given words or not, beyond the table too."""
    texts = [*texts, "Een \u00bd kilo kaas voor Jan.", "Kim \u4e2d in Seoul."]
    given_words = [tuple(text.lower().split()) if k % 2 else None for k, text in enumerate(texts)]
    batch = fact_texts(texts, given_words)
    assert batch == [
        fact_text(text, folded=words) for text, words in zip(texts, given_words, strict=True)
    ]


def test_texts_names_python_source_equals_the_compiled_kernel() -> None:
    """`texts_names` as Python gives the compiled kernel's words and names, text by text."""
    texts = ["De politie zoekt Ahmed. Hij is 24.", "", "Kim \u4e2d Seoul", "Jan en Piet"]
    encoded = [text.encode() for text in texts]
    ends = np.cumsum([len(data) for data in encoded]).astype(np.int64)
    starts = (ends - [len(data) for data in encoded]).astype(np.int64)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    compiled = kernels.texts_names(data, starts, ends, _chars())
    python = kernels.texts_names.py_func(  # type: ignore[attr-defined]  # numba keeps the source
        data, starts, ends, _chars()
    )
    assert [x.tolist() for x in compiled] == [x.tolist() for x in python]
    assert compiled[0].tolist() == [7, 0, -1, 3]
    assert compiled[2].tolist() == [3, 2]


def test_decimal_words_are_the_words_of_digits_re_matches() -> None:
    """`str.isdecimal` (the veto's digit words) is `re`'s digit class at every code point."""
    digits = re.compile(r"\d+")
    for code in range(0x110000):
        char = chr(code)
        assert char.isdecimal() == (digits.fullmatch(char) is not None), hex(code)
