"""Verify: candidate pairs -> matches, scored in bulk with rapidfuzz.

Every candidate is scored on the normalized texts, so precision never depends on LSH luck:

- similarity: rapidfuzz's normalized Indel similarity (`fuzz.ratio`), symmetric;
- containment: the best alignment of the shorter text inside the longer one
  (`fuzz.partial_ratio`), counted only when the shorter text has at least
  `min_containment_words` words, so a two-word phrase is not "contained" everywhere.

The score is the larger of the two, in [0, 1]; a pair is a match when the score reaches
`min_score` and the facts agree. Facts are the numbers and the capitalized words inside a
sentence (names, places) of the original text; when each text has a fact that is not among
the other's words (45 dead vs 12 dead, Parijs vs Berlijn), they are the same template with
other facts: a different item, however similar the wording. A fact missing on one side only
(a sentence added, a teaser truncated) is no conflict. rapidfuzz's 0-100 scale stays inside
this module.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dedupe_news.records import Match
from dedupe_news.stages.normalize import normalize
from dedupe_news.stages.signature import jaccard

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from dedupe_news.config import Config


class Texts(Protocol):
    """Where verification reads the texts it compares (`stages.exact.Distinct` is one)."""

    def norm(self, index: int) -> str:
        """Return the normalized text of an index."""

    def original(self, index: int) -> str:
        """Return the original text of an index (for its facts)."""

    def words(self) -> NDArray[np.int64]:
        """Return the number of words of every index."""


_DIGIT = re.compile(r"\d")  # a word holding one is a number: "45", "24-jarige"
_SENTENCE_END = (".", "!", "?", ":", ";")
# Edit-distance scores cost O(n * m / 64): texts are compared on at most this many leading
# characters, so one 50 MB line cannot stall a run. A news paragraph is far shorter.
MAX_VERIFY_CHARS = 20_000


def facts(text: str) -> frozenset[str]:
    """Return the numbers and the names (capitalized words inside a sentence) of a text.

    The last word counts only when the text ends a sentence: a text cut short ends in a
    fragment that is no fact. Facts come back as normalized words.

    Examples:
        >>> sorted(facts("Minstens 45 doden in Medina. De politie meldt dat Ahmed vastzit"))
        ['45', 'ahmed', 'medina']
        >>> sorted(facts("Noord-Korea en de 24-jarige Kim."))
        ['24', 'jarige', 'kim']
    """
    words = text.split()
    if words and not words[-1].endswith(_SENTENCE_END):
        words.pop()
    numbers = (
        [word for word in words if not word.isalpha() and _DIGIT.search(word)]
        if _DIGIT.search(text)
        else []
    )
    names = [
        word
        for previous, word in pairwise(words)
        if word[:1].isupper() and not previous.endswith(_SENTENCE_END)
    ]
    return frozenset(normalize(" ".join(numbers + names)).split())


def facts_conflict(
    facts_a: frozenset[str], norm_a: str, facts_b: frozenset[str], norm_b: str
) -> bool:
    """Return True when each text has a fact missing from the other: another item, not a copy.

    A fact is missing when it is not among the other text's words at all, so a name that is
    a fact in one text and opens a sentence in the other is no conflict.

    Examples:
        >>> facts_conflict(frozenset({"45"}), "45 doden", frozenset({"12"}), "12 doden")
        True
        >>> facts_conflict(frozenset({"45", "medina"}), "45 doden in medina", frozenset(), "45")
        False
    """
    if not facts_a or not facts_b:
        return False
    return not facts_a <= set(norm_b.split()) and not facts_b <= set(norm_a.split())


def scores(
    pairs: NDArray[np.int64], texts: Texts, config: Config, *, workers: int = -1
) -> NDArray[np.float64]:
    """Return the verification score in [0, 1] of each pair of texts.

    Args:
        pairs: Pairs (i, j) of text indices.
        texts: The texts (read only for the indices in `pairs`).
        config: Supplies `min_score` and `min_containment_words`.
        workers: rapidfuzz threads (-1: all cores); the scores do not depend on it.
    """
    if len(pairs) == 0:
        return np.empty(0, dtype=np.float64)
    first = [texts.norm(i)[:MAX_VERIFY_CHARS] for i in pairs[:, 0].tolist()]
    second = [texts.norm(j)[:MAX_VERIFY_CHARS] for j in pairs[:, 1].tolist()]
    similarity = cpdist(first, second, scorer=fuzz.ratio, dtype=np.float64, workers=workers)
    words = texts.words()
    shorter = np.minimum(words[pairs[:, 0]], words[pairs[:, 1]])
    # Containment only matters where similarity alone falls short of a match.
    eligible = np.flatnonzero(
        (shorter >= config.min_containment_words) & (similarity < 100.0 * config.min_score)
    )
    containment = np.zeros(len(pairs), dtype=np.float64)
    containment[eligible] = cpdist(
        [first[k] for k in eligible],
        [second[k] for k in eligible],
        scorer=fuzz.partial_ratio,
        dtype=np.float64,
        workers=workers,
    )
    return np.asarray(np.maximum(similarity, containment) / 100.0, dtype=np.float64)


def verify(
    pairs: NDArray[np.int64],
    texts: Texts,
    matrix: NDArray[np.uint32],
    config: Config,
    *,
    workers: int = -1,
) -> tuple[Match[int], ...]:
    """Score candidate pairs of distinct texts and keep the matches, in pair order.

    Args:
        pairs: Candidate pairs (i < j), sorted.
        texts: The distinct texts the pairs index.
        matrix: Signature matrix (for the Jaccard estimate reported with each match).
        config: The run's settings (`min_score`, `min_containment_words`).
        workers: rapidfuzz threads (-1: all cores); the matches do not depend on it.
    """
    score = scores(pairs, texts, config, workers=workers)
    keep = np.flatnonzero(score >= config.min_score)
    known: dict[int, tuple[frozenset[str], str]] = {}

    def facts_of(index: int) -> tuple[frozenset[str], str]:
        if index not in known:
            known[index] = (facts(texts.original(index)), texts.norm(index))
        return known[index]

    matches = []
    estimates = jaccard(matrix[pairs[keep, 0]], matrix[pairs[keep, 1]])
    for k, estimate in zip(keep.tolist(), estimates.tolist(), strict=True):
        a, b = int(pairs[k, 0]), int(pairs[k, 1])
        if not facts_conflict(*facts_of(a), *facts_of(b)):
            matches.append(Match(a, b, round(float(score[k]), 6), round(estimate, 6)))
    return tuple(matches)
