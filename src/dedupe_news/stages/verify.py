"""Verify: candidate pairs -> matches, scored on shingles and characters, vetoed by facts.

Every candidate is scored, so precision never depends on candidate luck. With A and B the
distinct word shingles of the two texts (`Sketch.shingles`, sorted hashes) and S = |A & B|
(a merge count in `_kernels.shared_counts`):

- containment: S / min(|A|, |B|), the part of the shorter text found in the longer one. It
  counts when the shorter text has at least `min_containment_words` words, or when the longer
  one has at most twice its words (a headline with a clause appended), so a two-word phrase is
  not "contained" in every article.
- similarity: rapidfuzz's normalized Indel similarity of the normalized texts (`fuzz.ratio`)
  when both are at most `MAX_RATIO_CHARS` characters, else the shingle Dice 2S / (|A| + |B|).

The score is the larger of the two, in [0, 1]; a pair is a match when it reaches `min_score`
and `stages.facts.facts_conflict` finds no fact replaced by another. A match is `contained`
when only containment reached `min_score`: clustering treats those apart (`stages.cluster`).

Cost, for P pairs of texts of n_a and n_b words: O(n_a + n_b) each for the shingle merge, plus
O(c**2 / 64) for the character ratio with c <= `MAX_RATIO_CHARS`, so linear in the text
lengths with no cut: two 218 KB texts sharing their first 22 KB score 0.1, not 1. Pairs are
verified in chunks of `CHUNK_PAIRS` in their given (sorted) order; a pair whose texts are
already joined by earlier similarity matches is skipped, so a large group of near copies costs
about one verification per member, and memory holds one chunk's strings at a time.
rapidfuzz's 0-100 scale stays inside this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dedupe_news.records import Match
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.exact import Distinct
from dedupe_news.stages.signature import estimates
from dedupe_news.stages.veto import Facts, veto_checks

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.stages.signature import Sketch


# fuzz.ratio costs O(n * m / 64): above this many characters a side, the shingle Dice stands
# in for it. News paragraphs and teasers are far shorter; whole articles are not.
MAX_RATIO_CHARS = 4_000
CHUNK_PAIRS = 1 << 15
# Products value * 1e6 this close to a half are rounded by `round` (`_rounded`): far above
# the product's rounding error (under 1.2e-10 for values in [-1, 1]).
_HALF_MARGIN = 1e-6


class Texts(Protocol):
    """Where verification reads the texts it compares (`stages.exact.Distinct` is one)."""

    def norm(self, index: int) -> str:
        """Return the normalized text of an index."""

    def original(self, index: int) -> str:
        """Return the original text of an index (for its facts)."""

    def words(self) -> NDArray[np.int64]:
        """Return the number of words of every index."""


@dataclass(frozen=True, slots=True)
class Verified:
    """The matches of a batch, and which of them are containment only.

    Attributes:
        matches: The matches, in pair order.
        contained: Per match, True when only containment reached `min_score`: the shorter
            text lies inside the longer one, but the two are not similar as wholes.
        scored: How many pairs were scored (the rest were already joined): the work done.
    """

    matches: tuple[Match[int], ...]
    contained: tuple[bool, ...]
    scored: int


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores of a batch of pairs, each in [0, 1]."""

    score: NDArray[np.float64]
    similarity: NDArray[np.float64]
    containment: NDArray[np.float64]
    jaccard: NDArray[np.float64]


def overlap(pairs: NDArray[np.int64], found: Sketch) -> NDArray[np.int64]:
    """Return the number of distinct shingles each pair of texts shares.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> from dedupe_news.stages.signature import sketch
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> found = sketch(tokenize(["a b c d e", "b c d e f", "x"]), np.arange(3), DEFAULT)
        >>> overlap(np.array([[0, 1], [0, 2]]), found).tolist()
        [2, 0]
    """
    first = np.ascontiguousarray(pairs[:, 0], dtype=np.int64)
    second = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)
    sizes = found.shingle_counts()
    with kernels.threads_for(int(sizes[first].sum() + sizes[second].sum())):
        return kernels.shared_counts(found.shingles, found.shingle_offsets, first, second)


def scores(  # noqa: PLR0913 - the batch, its config, and two keyword-only knobs
    pairs: NDArray[np.int64],
    texts: Texts,
    found: Sketch,
    config: Config,
    *,
    workers: int = -1,
    norms: Mapping[int, str] | None = None,
) -> Scores:
    """Return the verification scores of pairs of texts (see the module docstring).

    Args:
        pairs: Pairs (i, j) of text indices.
        texts: The texts (read only for the indices in `pairs`).
        found: The texts' sketch (for their shingles).
        config: Supplies `min_containment_words`.
        workers: rapidfuzz threads (-1: all cores); the scores do not depend on it.
        norms: The normalized text of every index in `pairs`, when the caller holds them
            (`decoded`); else they are decoded here.
    """
    shared = overlap(pairs, found).astype(np.float64)
    sizes = found.shingle_counts()
    size_a, size_b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
    union = np.maximum(size_a + size_b - shared, 1.0)
    dice = 2.0 * shared / np.maximum(size_a + size_b, 1)
    similarity = dice
    known = decoded(texts, pairs) if norms is None else norms
    short = _short(pairs, texts, known)
    if len(short):
        ratio = cpdist(
            [known[i] for i in pairs[short, 0].tolist()],
            [known[j] for j in pairs[short, 1].tolist()],
            scorer=fuzz.ratio,
            dtype=np.float64,
            workers=workers,
        )
        similarity[short] = ratio / 100.0
    words = texts.words()
    fewer = np.minimum(words[pairs[:, 0]], words[pairs[:, 1]])
    more = np.maximum(words[pairs[:, 0]], words[pairs[:, 1]])
    eligible = (fewer >= config.min_containment_words) | (more <= 2 * fewer)
    containment = np.where(eligible, shared / np.maximum(np.minimum(size_a, size_b), 1), 0.0)
    return Scores(
        score=np.maximum(similarity, containment),
        similarity=similarity,
        containment=containment,
        jaccard=shared / union,
    )


def _short(pairs: NDArray[np.int64], texts: Texts, known: Mapping[int, str]) -> NDArray[np.int64]:
    """Return the places of the pairs whose texts both have at most `MAX_RATIO_CHARS` characters.

    A `Distinct`'s text of at most that many UTF-8 bytes has at most that many characters:
    only the others are measured as strings.
    """
    if isinstance(texts, Distinct):
        tokens = texts.tokens
        sizes = tokens.norm_lengths[texts.firsts[pairs]]
        unsure = np.flatnonzero(sizes.max(axis=1) > MAX_RATIO_CHARS)
    else:
        unsure = np.arange(len(pairs))
    fits = np.ones(len(pairs), dtype=np.bool_)
    fits[unsure] = [
        len(known[i]) <= MAX_RATIO_CHARS and len(known[j]) <= MAX_RATIO_CHARS
        for i, j in pairs[unsure].tolist()
    ]
    return np.flatnonzero(fits)


def decoded(texts: Texts, pairs: NDArray[np.int64]) -> dict[int, str]:
    """Return the normalized text of every index in `pairs`, each decoded once.

    A `Distinct`'s norms are slices of one UTF-8 buffer: they are decoded from a view of it,
    with their bounds read as Python values at once (a third of the cost of `norm` per text,
    which verification called 71k times on 20k pages).

    Examples:
        >>> from dedupe_news.stages.exact import exact_groups
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> texts = ["Kim in Rusland.", "Poetin!", "Xi"]
        >>> decoded(exact_groups(texts, tokenize(texts)), np.array([[0, 2]]))
        {0: 'kim in rusland', 2: 'xi'}
    """
    indices = np.unique(pairs)
    if not isinstance(texts, Distinct):
        return {index: texts.norm(index) for index in indices.tolist()}
    tokens = texts.tokens
    rows = texts.firsts[indices]
    starts = tokens.norm_starts[rows]
    ends = starts + tokens.norm_lengths[rows]
    buffer = tokens.norms.data  # a memoryview: slices copy nothing until decoded
    return {
        index: str(buffer[start:end], "utf-8")
        for index, start, end in zip(indices.tolist(), starts.tolist(), ends.tolist(), strict=True)
    }


def verify(  # noqa: PLR0913 - the batch, its config, and two keyword-only knobs
    pairs: NDArray[np.int64],
    texts: Texts,
    found: Sketch,
    config: Config,
    *,
    chunk: int = CHUNK_PAIRS,
    workers: int = -1,
) -> Verified:
    """Score candidate pairs of distinct texts and keep the matches, in pair order.

    Args:
        pairs: Candidate pairs (i < j), sorted.
        texts: The distinct texts the pairs index.
        found: Their sketch (shingles for the scores, signatures for the Jaccard estimate).
        config: The run's settings (`min_score`, `min_containment_words`).
        chunk: Pairs scored at once; pairs joined by the matches of earlier chunks are skipped.
        workers: rapidfuzz threads (-1: all cores); the matches do not depend on it.
    """
    scored = 0
    roots = np.arange(len(found.shingle_offsets) - 1, dtype=np.int64)  # each text's set
    matches: list[Match[int]] = []
    contained: list[bool] = []
    folded = not config.fold_diacritics
    facts = Facts(texts, folded=folded)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        part = part[roots[part[:, 0]] != roots[part[:, 1]]]
        if len(part) == 0:
            continue
        scored += len(part)
        norms = decoded(texts, part)  # read by the scores and by the veto
        result = scores(part, texts, found, config, workers=workers, norms=norms)
        keep = np.flatnonzero(result.score >= config.min_score)
        kept = part[keep]
        vetoed = facts.vetoes(kept.tolist(), veto_checks(texts, kept, folded=folded), norms)
        chosen = np.flatnonzero(~np.asarray(vetoed, dtype=np.bool_))
        similar = result.similarity[keep][chosen] >= config.min_score
        chosen_pairs = kept[chosen]
        _append(
            matches,
            chosen_pairs,
            result.score[keep][chosen],
            estimates(found, chosen_pairs, config),
        )
        contained.extend((~similar).tolist())
        if start + chunk < len(pairs):  # the joins only skip pairs of later chunks
            roots = _joined(roots, chosen_pairs[similar])
    return Verified(tuple(matches), tuple(contained), scored)


def _append(
    matches: list[Match[int]],
    pairs: NDArray[np.int64],
    score: NDArray[np.float64],
    estimate: NDArray[np.float64],
) -> None:
    """Append a Match per pair, its score and estimate rounded as Python's `round` (6 places).

    Python values read once, column by column: no numpy scalar, tuple or loop step per match.
    """
    matches.extend(
        map(Match, pairs[:, 0].tolist(), pairs[:, 1].tolist(), _rounded(score), _rounded(estimate))
    )


def _rounded(values: NDArray[np.float64]) -> list[float]:
    """Return `round(value, 6)` of each value, the float Python's `round` gives (the bytes).

    rint(value * 1e6) / 1e6 is that float (the division rounds correctly) unless the product
    lies within a hair of a half, where its own rounding may pick the other neighbour: those,
    and values beyond [-1, 1], go through `round`.

    Examples:
        >>> _rounded(np.array([0.1234565, 2.5e-7, 1.0, 0.6666666666]))
        [0.123456, 0.0, 1.0, 0.666667]
    """
    scaled = values * 1e6
    nearest = np.rint(scaled)
    rounded: list[float] = (nearest / 1e6).tolist()
    unsure = (np.abs(np.abs(scaled - nearest) - 0.5) < _HALF_MARGIN) | (np.abs(values) > 1.0)
    for at in np.flatnonzero(unsure).tolist():
        rounded[at] = round(float(values[at]), 6)
    return rounded


def _joined(roots: NDArray[np.int64], pairs: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return each text's set root (its smallest text) once the sets of `pairs` are joined.

    `roots` holds each text's root: the pairs join roots, in one compiled union-find pass.

    Examples:
        >>> _joined(np.array([0, 0, 2, 3, 4]), np.array([[1, 3], [3, 4]])).tolist()
        [0, 0, 2, 0, 0]
    """
    if len(pairs) == 0:
        return roots
    joined = kernels.component_roots(len(roots), roots[pairs[:, 0]], roots[pairs[:, 1]])
    return joined[roots]
