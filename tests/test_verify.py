"""Verify: scores in [0, 1], symmetric; containment for truncations; linear cost on long texts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

import dedupe_news as dn
from dedupe_news.stages import veto
from dedupe_news.stages.exact import Distinct, exact_groups
from dedupe_news.stages.signature import Sketch, sketch
from dedupe_news.stages.tokenize import tokenize
from dedupe_news.stages.verify import (
    MAX_RATIO_CHARS,
    Scores,
    Verified,
    _joined,
    _rounded,
    scores,
    verify,
)
from tests.strategies import PARAGRAPHS, TEXTS

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


def _sketch(texts: list[str], config: dn.Config = dn.DEFAULT) -> Sketch:
    return sketch(tokenize(texts), np.arange(len(texts), dtype=np.int64), config)


def _scores(texts: list[str], pairs: NDArray[np.int64], config: dn.Config = dn.DEFAULT) -> Scores:
    return scores(pairs, Plain(texts), _sketch(texts, config), config)


def _score(a: str, b: str, config: dn.Config = dn.DEFAULT) -> float:
    """Score one pair of texts the way the pipeline does."""
    return float(_scores([a, b], np.array([[0, 1]]), config).score[0])


def _all_pairs(count: int) -> NDArray[np.int64]:
    return np.array(
        [(i, j) for i in range(count) for j in range(i + 1, count)], dtype=np.int64
    ).reshape(-1, 2)


def _run(texts: list[str], config: dn.Config = dn.DEFAULT, chunk: int = 1 << 15) -> Verified:
    """Verify every pair of a small batch."""
    pairs = _all_pairs(len(texts))
    return verify(pairs, Plain(texts), _sketch(texts, config), config, chunk=chunk)


def _verify(texts: list[str], config: dn.Config = dn.DEFAULT) -> tuple[dn.Match[int], ...]:
    return _run(texts, config).matches


@given(
    texts=st.lists(PARAGRAPHS | TEXTS, min_size=1, max_size=5),
    min_containment_words=st.integers(1, 12),
)
def test_scores_are_symmetric_and_in_the_unit_interval(
    texts: list[str], min_containment_words: int
) -> None:
    """score(a, b) == score(b, a), always in [0, 1], and 1 for a text with itself."""
    config = dn.Config(min_containment_words=min_containment_words)
    pairs = np.array([(i, j) for i in range(len(texts)) for j in range(len(texts))])
    forward = _scores(texts, pairs, config)
    backward = _scores(texts, pairs[:, ::-1].copy(), config)
    for name in ("score", "similarity", "containment", "jaccard"):
        np.testing.assert_array_equal(getattr(forward, name), getattr(backward, name))
        values = getattr(forward, name)
        assert ((values >= 0.0) & (values <= 1.0)).all()
    for k, (i, j) in enumerate(pairs.tolist()):
        if i == j and dn.normalize(texts[i]):
            assert forward.score[k] == 1.0


def test_no_pairs_no_scores_no_matches() -> None:
    """An empty candidate list gives an empty score array and no match."""
    assert _scores([], np.empty((0, 2), dtype=np.int64)).score.size == 0
    assert _verify(["een twee drie"]) == ()


def test_truncated_copy_matches_through_containment() -> None:
    """A teaser cut to its first sentence is contained in the full text: a containment match."""
    assert _score(RAFALE, RAFALE_FIRST_SENTENCE, dn.Config(min_containment_words=1000)) < 0.6
    assert _score(RAFALE, RAFALE_FIRST_SENTENCE) == 1.0
    found = _run([RAFALE, RAFALE_FIRST_SENTENCE])
    (match,) = found.matches
    assert (match.a, match.b, match.score) == (0, 1, 1.0)
    assert found.contained == (True,)
    assert 0.0 <= match.jaccard < 0.5


def test_short_text_is_not_contained_by_containment_alone() -> None:
    """Below min_containment_words words a text inside a much longer one counts by similarity."""
    heading = "Meer uit Buitenland"
    page = f"Lees {heading} en al het andere nieuws van vandaag op onze site."
    assert _score(heading, page) < 0.6
    assert _verify([heading, page]) == ()
    assert _score(heading, page, dn.Config(min_containment_words=3)) == 1.0
    assert len(_verify([heading, page], dn.Config(min_containment_words=3))) == 1


def test_headline_with_a_clause_appended_is_contained() -> None:
    """A short headline inside one at most twice as long counts as contained (an update)."""
    title = "Poetin dinsdag naar Noord-Korea"
    updated = title + ", daarna door naar Vietnam"
    assert _score(title, updated) == 1.0
    assert _run([title, updated]).contained == (True,)
    assert _score(title, updated + " na zijn bezoek aan Kim") < dn.DEFAULT.min_score


def test_same_template_with_other_facts_does_not_match() -> None:
    """A bus crash in Luxor with 12 dead is not the Medina crash with 45, however alike."""
    assert _score(MEDINA, LUXOR) >= dn.DEFAULT.min_score
    assert _verify([MEDINA, LUXOR]) == ()


def test_headlines_differing_in_a_final_number_do_not_match() -> None:
    """`begroting 2024` and `begroting 2025` are two budgets (issue 9, finding 18)."""
    first, second = "Kabinet presenteert de begroting 2024", "Kabinet presenteert de begroting 2025"
    assert _score(first, second) >= dn.DEFAULT.min_score
    assert _verify([first, second]) == ()


def test_edited_copy_with_the_same_facts_matches() -> None:
    """Light edits that keep every number and name are a near-duplicate, not containment."""
    edited = MEDINA.replace("een fataal ongeluk", "een dodelijk ongeluk")
    found = _run([MEDINA, edited])
    (match,) = found.matches
    assert dn.DEFAULT.min_score <= match.score < 1.0
    assert 0.0 < match.jaccard < 1.0
    assert found.contained == (False,)


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


def _random_words(rng: np.random.Generator, count: int) -> str:
    return " ".join(f"w{k}" for k in rng.integers(0, 50_000, count).tolist())


def test_long_texts_sharing_only_their_opening_are_not_near_duplicates() -> None:
    """Two 218 KB texts sharing their first 22 KB score low: no leading cut (issue 9, 18)."""
    rng = np.random.default_rng(3)
    head = _random_words(rng, 22_000 // 7)
    first, second = (head + " " + _random_words(rng, 196_000 // 7) for _ in range(2))
    assert len(first) > 200_000
    assert _score(first, second) < 0.2
    assert _verify([first, second]) == ()


def test_long_texts_sharing_a_sign_off_score_by_shingles_not_characters() -> None:
    """Texts over MAX_RATIO_CHARS sharing a sign-off score by shingles, near 0 (issue 9, 1)."""
    rng = np.random.default_rng(4)
    sign_off = "Heeft u een tip? Mail de redactie via tips@krant.nl of app ons."
    first, second = (_random_words(rng, 6000) + " " + sign_off for _ in range(2))
    assert len(first) > MAX_RATIO_CHARS
    found = _scores([first, second], np.array([[0, 1]]))
    assert found.score[0] < 0.01
    assert found.similarity[0] == found.score[0]


def test_pairs_already_joined_are_not_scored() -> None:
    """N exact-but-one-word copies: verification scores about one pair per member, not N**2."""
    texts = [MEDINA.replace("fataal", f"fataal{k}") for k in range(40)]
    found = _run(texts, chunk=8)
    assert found.scored <= len(texts) + 8  # 780 candidate pairs
    assert len(found.matches) >= len(texts) - 1


def test_the_veto_gives_the_same_matches_whatever_it_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Template teasers and copies: the veto's cache and name slabs, a text each, change nothing."""
    texts = [MEDINA.replace("45", str(k)) for k in range(6)] + [MEDINA, MEDINA + " Later meer."]
    kept = _run(texts)
    monkeypatch.setattr(veto, "_FACTS_KEPT", 0)
    monkeypatch.setattr(veto, "_VETO_WINDOW", 1)
    monkeypatch.setattr(veto, "_NAMES_SLAB", 1)
    assert _run(texts) == kept


def test_joins_of_earlier_chunks_root_each_set_at_its_smallest_text() -> None:
    """The chunks' joins give every text of a set the set's smallest text, chains included."""
    roots = np.array([0, 0, 2, 3, 4, 5], dtype=np.int64)  # 1 already joined to 0
    joined = _joined(roots, np.array([[3, 4], [4, 1], [2, 5]]))
    assert joined.tolist() == [0, 0, 2, 0, 0, 2]
    assert _joined(joined, np.empty((0, 2), dtype=np.int64)).tolist() == joined.tolist()


HALVES = st.integers(0, 10**6).map(lambda k: (k + 0.5) / 1e6)  # ties, or a hair off them


@given(
    values=st.lists(
        st.one_of(
            st.floats(-2.0, 2.0),
            HALVES,
            HALVES.map(lambda v: float(np.nextafter(v, 2.0))),
            HALVES.map(lambda v: float(np.nextafter(v, -1.0))),
        )
    )
)
def test_rounded_is_python_round_float_for_float(values: list[float]) -> None:
    """Matches' scores rounded at once are the floats `round(value, 6)` gives, ties included."""
    found = _rounded(np.array(values, dtype=np.float64))
    assert [v.hex() for v in found] == [round(v, 6).hex() for v in values]


class Wrapped:
    """A `Distinct` seen through the `Texts` protocol only: verification has no norm buffer."""

    def __init__(self, distinct: Distinct) -> None:
        """Keep the distinct texts."""
        self.distinct = distinct

    def norm(self, index: int) -> str:
        """Return the normalized text."""
        return self.distinct.norm(index)

    def original(self, index: int) -> str:
        """Return the original text."""
        return self.distinct.original(index)

    def words(self) -> NDArray[np.int64]:
        """Return the word counts."""
        return self.distinct.words()


EDITS = st.lists(
    st.sampled_from(
        [
            MEDINA,
            MEDINA.replace("45", "12"),
            MEDINA.replace("Medina", "Luxor"),
            MEDINA.replace("fataal", "dodelijk"),
            MEDINA.replace("Indiase", "Indiase en Pakistaanse"),
            MEDINA + " Later meer.",
            MEDINA.replace(" Minstens", " Volgens de politie zijn minstens"),
            LUXOR,
            RAFALE,
            RAFALE_FIRST_SENTENCE,
            RAFALE.replace("Volodymyr Zelensky", "Zelensky"),
        ]
    )
    | PARAGRAPHS,
    min_size=2,
    max_size=8,
)


@given(texts=EDITS)
def test_the_common_ends_shortcut_to_the_veto_changes_no_match(texts: list[str]) -> None:
    """Pairs cleared by their common head and tail are the pairs the full veto clears."""
    distinct = exact_groups(texts, tokenize(texts))
    found = sketch(distinct.tokens, distinct.firsts, dn.DEFAULT)
    pairs = _all_pairs(len(distinct))
    fast = verify(pairs, distinct, found, dn.DEFAULT)
    assert verify(pairs, Wrapped(distinct), found, dn.DEFAULT) == fast
