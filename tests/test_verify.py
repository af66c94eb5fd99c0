"""Verify: scores in [0, 1], symmetric; containment for truncations; templates with other facts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

import dedupe_news as dn
from dedupe_news.records import Match
from dedupe_news.stages.signature import signatures
from dedupe_news.stages.tokenize import tokenize
from dedupe_news.stages.verify import MAX_VERIFY_CHARS, facts, facts_conflict, scores, verify
from tests.strategies import PARAGRAPHS, SENTENCES, TEXTS

RAFALE = (
    "Oekraïne gaat de komende jaren tot een honderdtal moderne Franse gevechtsvliegtuigen "
    "aanschaffen. Naast de Rafale-toestellen koopt het land ook geavanceerde "
    "luchtverdedigingssystemen, hebben president Volodymyr Zelensky en zijn Franse "
    "ambtgenoot Emmanuel Macron afgesproken."
)
RAFALE_FIRST_SENTENCE = (
    "Oekraïne gaat de komende jaren tot een honderdtal moderne Franse gevechtsvliegtuigen "
    "aanschaffen."
)
MEDINA = (
    "Bij de Saudische stad Medina heeft een fataal ongeluk plaatsgevonden met een bus vol "
    "Indiase pelgrims. Minstens 45 inzittenden zijn om het leven gekomen."
)
LUXOR = (
    "Bij de Egyptische stad Luxor heeft een fataal ongeluk plaatsgevonden met een bus vol "
    "Duitse toeristen. Minstens 12 inzittenden zijn om het leven gekomen."
)


class Plain:
    """Texts as verification reads them, computed the slow, obvious way."""

    def __init__(self, texts: list[str]) -> None:
        """Keep the texts."""
        self.texts = texts

    def norm(self, index: int) -> str:
        """Return normalize(text)."""
        return dn.normalize(self.texts[index])

    def original(self, index: int) -> str:
        """Return the text."""
        return self.texts[index]

    def words(self) -> NDArray[np.int64]:
        """Return the tokenizer's word counts."""
        return tokenize(self.texts).counts()


def _score(a: str, b: str, config: dn.Config = dn.DEFAULT) -> float:
    """Score one pair of texts the way the pipeline does: on normalized text and word counts."""
    return float(scores(np.array([[0, 1]]), Plain([a, b]), config)[0])


def _verify(texts: list[str], config: dn.Config = dn.DEFAULT) -> tuple[Match[int], ...]:
    """Verify every pair of a small batch."""
    pairs = np.array(
        [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))], dtype=np.int64
    ).reshape(-1, 2)
    return verify(pairs, Plain(texts), signatures(texts, config), config)


def _pairs(count: int) -> NDArray[np.int64]:
    return np.array([(i, j) for i in range(count) for j in range(count)], dtype=np.int64)


@given(
    texts=st.lists(PARAGRAPHS | TEXTS, min_size=1, max_size=5),
    min_containment_words=st.integers(1, 12),
    min_score=st.floats(0, 1),
)
def test_scores_are_symmetric_and_in_the_unit_interval(
    texts: list[str], min_containment_words: int, min_score: float
) -> None:
    """score(a, b) == score(b, a), always in [0, 1], and 1 for a text with itself."""
    config = dn.Config(min_containment_words=min_containment_words, min_score=min_score)
    pairs = _pairs(len(texts))
    forward = scores(pairs, Plain(texts), config)
    backward = scores(pairs[:, ::-1].copy(), Plain(texts), config)
    np.testing.assert_array_equal(forward, backward)
    assert ((forward >= 0.0) & (forward <= 1.0)).all()
    for k, (i, j) in enumerate(pairs.tolist()):
        if i == j and dn.normalize(texts[i]):
            assert forward[k] == 1.0


def test_no_pairs_no_scores_no_matches() -> None:
    """An empty candidate list gives an empty score array and no match."""
    assert scores(np.empty((0, 2), dtype=np.int64), Plain([]), dn.DEFAULT).size == 0
    assert _verify(["een twee drie"]) == ()


def test_truncated_copy_matches_through_containment() -> None:
    """A teaser cut to its first sentence is contained in the full text: a match."""
    assert _score(RAFALE, RAFALE_FIRST_SENTENCE, dn.Config(min_containment_words=1000)) < 0.6
    assert _score(RAFALE, RAFALE_FIRST_SENTENCE) == 1.0
    (match,) = _verify([RAFALE, RAFALE_FIRST_SENTENCE])
    assert (match.a, match.b, match.score) == (0, 1, 1.0)
    assert 0.0 <= match.jaccard < 0.5


def test_short_text_is_not_contained_by_containment_alone() -> None:
    """Below min_containment_words words a text inside another counts by similarity only."""
    heading = "Meer uit Buitenland"
    page = f"Lees {heading} en al het andere nieuws van vandaag op onze site."
    assert _score(heading, page) < 0.6
    assert _verify([heading, page]) == ()
    assert _score(heading, page, dn.Config(min_containment_words=3)) == 1.0
    assert len(_verify([heading, page], dn.Config(min_containment_words=3))) == 1


def test_same_template_with_other_facts_does_not_match() -> None:
    """A bus crash in Luxor with 12 dead is not the Medina crash with 45, however alike."""
    assert _score(MEDINA, LUXOR) >= dn.DEFAULT.min_score
    assert _verify([MEDINA, LUXOR]) == ()


def test_edited_copy_with_the_same_facts_matches() -> None:
    """Light edits that keep every number and name are a near-duplicate match."""
    edited = MEDINA.replace("een fataal ongeluk", "een dodelijk ongeluk")
    (match,) = _verify([MEDINA, edited])
    assert dn.DEFAULT.min_score <= match.score < 1.0
    assert 0.0 < match.jaccard < 1.0


def test_a_fact_on_one_side_only_is_no_conflict() -> None:
    """A copy with a sentence added has facts the other lacks, but not the other way round."""
    extended = MEDINA + " Ook de Indiase ambassadeur Rajesh Kumar reisde af naar Medina."
    assert len(_verify([MEDINA, extended])) == 1


def test_matches_keep_pair_order_and_round_scores() -> None:
    """Matches come in the order of the pairs, with scores and estimates rounded to 6 places."""
    texts = [MEDINA, RAFALE, MEDINA.replace("fataal", "ernstig"), RAFALE_FIRST_SENTENCE]
    found = _verify(texts)
    assert [(m.a, m.b) for m in found] == [(0, 2), (1, 3)]
    for match in found:
        assert match.score == round(match.score, 6)
        assert match.jaccard == round(match.jaccard, 6)


def test_min_score_is_the_cutoff() -> None:
    """A pair scoring exactly min_score matches; the same pair with a higher cutoff does not."""
    edited = MEDINA.replace("een fataal ongeluk", "een dodelijk ongeluk")
    score = _score(MEDINA, edited)
    assert len(_verify([MEDINA, edited], dn.Config(min_score=score))) == 1
    assert _verify([MEDINA, edited], dn.Config(min_score=min(1.0, score + 1e-6))) == ()


def test_only_the_leading_characters_are_compared() -> None:
    """Texts equal in their first MAX_VERIFY_CHARS characters score 1, whatever follows."""
    body = "woord " * (MAX_VERIFY_CHARS // 6 + 10)
    assert _score(body + "einde een", body + "ander slot") == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MEDINA, {"saudische", "medina", "indiase", "45"}),
        ("Minstens 45 doden. De politie zoekt Ahmed", {"45"}),
        ("Minstens 45 doden. De politie zoekt Ahmed.", {"45", "ahmed"}),
        ("De 24-jarige Kim en Noord-Korea.", {"24", "jarige", "kim", "noord", "korea"}),
        ("Het gaat om 4,6 miljoen euro.", {"4", "6"}),
        ("Kort zonder feiten.", set()),
        ("", set()),
    ],
)
def test_facts_are_numbers_and_names_inside_sentences(text: str, expected: set[str]) -> None:
    """Numbers, and capitalized words not opening a sentence; a trailing fragment is dropped."""
    assert facts(text) == expected


@given(sentence=SENTENCES)
def test_facts_are_normalized_words_of_the_text(sentence: str) -> None:
    """Every fact is a word of the normalized text."""
    assert facts(sentence) <= set(dn.normalize(sentence).split())


@pytest.mark.parametrize(
    ("a", "norm_a", "b", "norm_b", "conflict"),
    [
        ({"45"}, "45 doden", {"12"}, "12 doden", True),
        ({"45"}, "45 doden", set(), "45", False),
        (set(), "doden", {"12"}, "12 doden", False),
        ({"45", "medina"}, "45 doden in medina", {"45"}, "45 doden in medina", False),
        ({"ahmed"}, "de politie meldt dat ahmed vastzit", {"12"}, "ahmed zit vast met 12", False),
    ],
)
def test_facts_conflict_only_when_each_side_has_one_the_other_lacks(
    a: set[str],
    norm_a: str,
    b: set[str],
    norm_b: str,
    conflict: bool,  # noqa: FBT001
) -> None:
    """Facts missing on one side only, or found among the other's words, are no conflict."""
    assert facts_conflict(frozenset(a), norm_a, frozenset(b), norm_b) is conflict
    assert facts_conflict(frozenset(b), norm_b, frozenset(a), norm_a) is conflict
