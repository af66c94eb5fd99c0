"""Veto: the batch path of the facts veto of verification (`stages.facts`, `stages.verify`).

Which kept pairs the veto can fire on is decided first, over the normalized texts' UTF-8
bytes (`veto_checks`); the others have their words aligned and, where a block may hold a
swap, their facts read, each text's words and facts once per verification (`Facts`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.exact import Distinct
from dedupe_news.stages.facts import (
    FactText,
    fact_texts,
    facts_conflict,
    may_conflict_blocks,
    may_conflict_ends,
    word_blocks,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy as np
    from numpy.typing import NDArray

    from dedupe_news.stages.verify import Texts

# A pair the veto aligned: (its place, a, b, the words of a and b, their blocks).
_Aligned = tuple[
    int, int, int, tuple[tuple[str, ...], tuple[str, ...]], list[tuple[int, int, int, int]]
]


# Texts whose words and facts the veto keeps at once. 4096, not 65536: the kept word tuples
# are small objects whose arenas stay resident once cleared (170 MB of a 20k-page run's
# peak, docs/benchmarks.md); 20k template teasers take no longer.
_FACTS_KEPT = 1 << 12
# Pairs whose facts are read together (`Facts.vetoes`): the caches are cleared this much
# before `_FACTS_KEPT`, so they never hold more texts than before.
_VETO_WINDOW = 256


def veto_checks(texts: Texts, pairs: NDArray[np.int64]) -> list[tuple[int, ...] | None]:
    """Return None for the pairs the veto cannot fire on, else their common ends, if known.

    The ends are the words the two texts share at their head and then at their tail, as
    `facts.word_blocks` counts them (`_kernels.common_ends`), handed to the veto so it does
    not count them again; () when they are not known (no norm buffer).
    """
    if not isinstance(texts, Distinct):
        return [()] * len(pairs)
    head, tail, check = _may_conflict(texts, pairs)
    return [
        (h, t) if c else None
        for h, t, c in zip(head.tolist(), tail.tolist(), check.tolist(), strict=True)
    ]


def _may_conflict(
    texts: Distinct, pairs: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Return the pairs' common ends, and False for the pairs the veto cannot fire on.

    Most kept pairs of a batch are copies with words added or dropped at one place: their
    common head and tail words (`_kernels.common_ends`, over the normalized texts' UTF-8
    bytes, whose words are the words the veto splits) leave no block a fact can be swapped
    in, and then no word is split, aligned or read for names. A driver whose texts are not
    a `Distinct` has no norm buffer here: all its pairs go to the veto (`veto_checks`).
    """
    tokens = texts.tokens
    rows = texts.firsts[pairs]
    lengths = tokens.norm_lengths[rows]
    words = texts.words()[pairs]
    with kernels.threads_for(int(lengths.sum())):
        head, tail = kernels.common_ends(tokens.norms, tokens.norm_starts[rows], lengths, words)
    return head, tail, may_conflict_ends(head, tail, words[:, 0], words[:, 1])


class Facts:
    """The veto (`stages.facts`) of a verification, each text's words and facts read once.

    Kept across chunks, so a text in many pairs (a large group of near copies) is split and
    read once, not once per pair or chunk; cleared when it holds `_FACTS_KEPT` texts, so
    memory stays bounded. With `folded`, the normalized texts' words are those of `fold`
    (no diacritics stripped): the facts reuse them instead of folding the text again.
    """

    def __init__(self, texts: Texts, *, folded: bool) -> None:
        """Read the facts of `texts`; `folded`: their norms are `fold`'s (see above)."""
        self._texts = texts
        self._folded = folded
        self._words: dict[int, tuple[str, ...]] = {}
        self._facts: dict[int, FactText] = {}

    def vetoes(
        self,
        pairs: list[list[int]],
        checks: list[tuple[int, ...] | None],
        norms: Mapping[int, str],
    ) -> list[bool]:
        """Return, per pair, True when facts veto it (`veto_checks` tells which may be).

        `norms` hold the normalized texts of the pairs (`verify.decoded`). The pairs are taken
        `_VETO_WINDOW` at a time: the blocks of each, then the facts of the texts of the
        pairs whose blocks may hold a swap (their names read in one call, `fact_texts`),
        then the swaps.
        """
        vetoed = [False] * len(pairs)
        for start in range(0, len(pairs), _VETO_WINDOW):
            if len(self._words) > _FACTS_KEPT - 2 * _VETO_WINDOW:
                self._words.clear()
            if len(self._facts) > _FACTS_KEPT - 2 * _VETO_WINDOW:
                self._facts.clear()
            aligned = self._aligned(pairs, checks, norms, start)
            self._read_facts(aligned)
            for at, a, b, words, blocks in aligned:
                first, second = self._facts[a], self._facts[b]
                same = (first.words, second.words) == words  # else folding split words otherwise
                vetoed[at] = facts_conflict(first, second, blocks if same else None)
        return vetoed

    def _aligned(
        self,
        pairs: list[list[int]],
        checks: list[tuple[int, ...] | None],
        norms: Mapping[int, str],
        start: int,
    ) -> list[_Aligned]:
        """Return the pairs of the window at `start` whose blocks may hold a fact swap.

        Each as (its place, a, b, the words of both, their blocks).
        """
        aligned = []
        for at in range(start, min(start + _VETO_WINDOW, len(pairs))):
            ends = checks[at]
            if ends is None:
                continue
            a, b = pairs[at]
            words = (self._words_of(a, norms), self._words_of(b, norms))
            blocks = word_blocks(*words, ends=ends or None)
            if may_conflict_blocks(blocks):
                aligned.append((at, a, b, words, blocks))
        return aligned

    def _read_facts(self, aligned: list[_Aligned]) -> None:
        """Read the facts of the texts of aligned pairs not read yet, in one batch."""
        new = {
            index: known
            for _, a, b, words, _ in aligned
            for index, known in zip((a, b), words, strict=True)
            if index not in self._facts
        }
        read = fact_texts(
            [self._texts.original(index) for index in new],
            [known if self._folded else None for known in new.values()],
        )
        self._facts.update(zip(new, read, strict=True))

    def _words_of(self, index: int, norms: Mapping[int, str]) -> tuple[str, ...]:
        if index not in self._words:
            self._words[index] = tuple(norms[index].split())
        return self._words[index]
