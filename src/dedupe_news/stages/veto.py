"""Veto: the batch path of the facts veto of verification (`stages.facts`, `stages.verify`).

Which kept pairs the veto can fire on is decided first, over the normalized texts' UTF-8
bytes (`veto_checks`): their common ends, then their words aligned in one compiled call
(`_veto_kernels.aligned_blocks`, the blocks of `facts.word_blocks`). Only the pairs with a
block small on both sides go on: those whose blocks no fact rule can fire on are cleared in
one more compiled pass (`_rule_kernels.quiet_pairs`), numbers replaced by others
(`_veto_kernels.aligned_blocks`) veto a pair of ASCII texts at once, and the rest have their
words split and their facts read, each text's words and facts once per verification
(`Facts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _rule_kernels as rule_kernels
from dedupe_news.stages import _veto_kernels as veto_kernels
from dedupe_news.stages.exact import Distinct
from dedupe_news.stages.facts import (
    _ADJECTIVE_ENDINGS,
    _ALIGN_WORDS,
    _CONTENT_LETTERS,
    _FACT_WORDS,
    _SHORT_WORDS,
    FactText,
    _chars,
    fact_texts,
    facts_conflict,
    may_conflict_blocks,
    may_conflict_ends,
    word_blocks,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from dedupe_news.stages.verify import Texts

Block = tuple[int, int, int, int]
# A pair the veto aligned: (its place, a, b, the words of a and b, their blocks).
_Aligned = tuple[int, int, int, tuple[tuple[str, ...], tuple[str, ...]], list[Block]]


# Texts whose words and facts the veto keeps at once. 4096, not 65536: the kept word tuples
# are small objects whose arenas stay resident once cleared (170 MB of a 20k-page run's
# peak, docs/benchmarks.md); 20k template teasers take no longer.
_FACTS_KEPT = 1 << 12
# Pairs whose facts are read together (`Facts.vetoes`): the caches are cleared this much
# before `_FACTS_KEPT`, so they never hold more texts than before.
_VETO_WINDOW = 256
# Texts whose originals `_quiet` encodes at once to read their names: a few MB of bytes.
_NAMES_SLAB = 1 << 12


@dataclass(frozen=True, slots=True)
class Checks:
    """What the veto knows of each kept pair before any word is split (`veto_checks`).

    Attributes:
        aligned: Per pair: None when the veto cannot fire on it; a list, its blocks (the
            words aligned, a block small on both sides); a tuple, the words the two share
            at their head and then their tail, or () when unknown, for `word_blocks`.
        swapped: Per pair: True when a block replaces one number (digits) by another, away
            from both texts' ends, and both original texts are ASCII: the veto fires, as the
            facts' words are then the norms' words.
    """

    aligned: list[list[Block] | tuple[int, ...] | None]
    swapped: list[bool]


def veto_checks(texts: Texts, pairs: NDArray[np.int64], *, folded: bool) -> Checks:
    """Return what the veto knows of each pair before splitting words (see `Checks`).

    With `folded` (the facts' words are the norms' words where their counts agree: see
    `Facts`), a pair whose blocks no rule can fire on (`_rule_kernels.quiet_pairs`) is
    None. A driver whose texts are not a `Distinct` has no norm buffer here: all its pairs
    go to `word_blocks`, without ends.
    """
    if not isinstance(texts, Distinct):
        return Checks([()] * len(pairs), [False] * len(pairs))
    tokens = texts.tokens
    rows = texts.firsts[pairs]
    lengths = tokens.norm_lengths[rows]
    words = texts.words()[pairs]
    with kernels.threads_for(int(lengths.sum())):
        head, tail = kernels.common_ends(tokens.norms, tokens.norm_starts[rows], lengths, words)
    checked = np.flatnonzero(may_conflict_ends(head, tail, words[:, 0], words[:, 1]))
    ends = np.stack((head[checked], tail[checked]), axis=1)
    rows, lengths, words = rows[checked], lengths[checked], words[checked]
    sides = (tokens.norms, tokens.norm_starts[rows], lengths, words)
    status, firsts, counts, blocks, swaps = veto_kernels.aligned_blocks(
        *sides, ends, (_ALIGN_WORDS, _FACT_WORDS)
    )
    small = np.flatnonzero(status == veto_kernels.SMALL)
    swaps = _ascii_swaps(texts, pairs[checked[small]], swaps[small])
    unsure = np.flatnonzero(~swaps)  # a swap is never quiet: it has numbers on both sides
    if folded and len(unsure):
        at = small[unsure]
        taken = (tokens.norms, sides[1][at], lengths[at], words[at])
        quiet = np.zeros(len(small), dtype=np.bool_)
        quiet[unsure] = _quiet(texts, pairs[checked[at]], taken, (blocks, firsts[at], counts[at]))
        small, swaps = small[~quiet], swaps[~quiet]
    aligned: list[list[Block] | tuple[int, ...] | None] = [None] * len(pairs)
    swapped = [False] * len(pairs)
    listed = _listed(blocks, firsts[small], counts[small])
    for at, swap, found in zip(checked[small].tolist(), swaps.tolist(), listed, strict=True):
        aligned[at] = found
        swapped[at] = swap
    fallback = np.flatnonzero(status == veto_kernels.FALLBACK)
    for at, pair_ends in zip(checked[fallback].tolist(), ends[fallback].tolist(), strict=True):
        aligned[at] = tuple(pair_ends)
    return Checks(aligned, swapped)


def _ascii_swaps(
    texts: Distinct, pairs: NDArray[np.int64], swaps: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Return the swaps (`aligned_blocks`) of the pairs whose original texts are both ASCII."""
    flagged = np.flatnonzero(swaps)
    ascii_texts = [text.isascii() for text in _originals(texts, pairs[flagged].reshape(-1))]
    found = np.zeros(len(swaps), dtype=np.bool_)
    found[flagged] = np.reshape(ascii_texts, (-1, 2)).all(axis=1)
    return found


def _listed(
    blocks: NDArray[np.int64], firsts: NDArray[np.int64], counts: NDArray[np.int64]
) -> list[list[Block]]:
    """Return the blocks[firsts[p]:firsts[p] + counts[p]] of each pair p as Python tuples."""
    bounds = np.zeros(len(firsts) + 1, dtype=np.int64)
    np.cumsum(4 * counts, out=bounds[1:])
    with kernels.threads_for(int(bounds[-1])):
        flat = kernels.gather_slices(blocks.reshape(-1), 4 * firsts, bounds).tolist()
    return [
        [(flat[k], flat[k + 1], flat[k + 2], flat[k + 3]) for k in range(start, end, 4)]
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


def _quiet(
    texts: Distinct,
    pairs: NDArray[np.int64],
    sides: tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    found: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
) -> NDArray[np.bool_]:
    """Return True for the pairs no fact rule can fire on (`_rule_kernels.quiet_pairs`).

    `sides` and `found` are the pairs' texts and blocks as `aligned_blocks` takes and gives
    them. The names of their texts are read once per text (`_names_of`), then all pairs are
    told in one compiled call.
    """
    norms, starts, lengths, words = sides
    blocks, firsts, counts = found
    indices, places = np.unique(pairs, return_inverse=True)
    return rule_kernels.quiet_pairs(
        norms,
        starts,
        lengths,
        words,
        blocks,
        firsts,
        counts,
        (places.reshape(-1, 2), *_names_of(texts, indices)),
        _PARTS,
        (_FACT_WORDS, _SHORT_WORDS, _CONTENT_LETTERS),
    )


def _names_of(
    texts: Distinct, indices: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return whether each text may end a sentence, then `texts_names` of them all.

    The texts are encoded `_NAMES_SLAB` at a time (one compiled call each), so only a
    slab's original texts are held as bytes at once; the names, a few ints a text, are
    joined.
    """
    ended, counts, offsets, names = [], [], [np.zeros(1, dtype=np.int64)], []
    for start in range(0, len(indices), _NAMES_SLAB):
        encoded = [
            text.encode() for text in _originals(texts, indices[start : start + _NAMES_SLAB])
        ]
        sizes = np.fromiter(map(len, encoded), np.int64, len(encoded))
        stops = np.cumsum(sizes)
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        ended.append(rule_kernels.sentence_ends(data, stops - sizes, stops))
        found = kernels.texts_names(data, stops - sizes, stops, _chars())
        counts.append(found[0])
        offsets.append(found[1][1:] + offsets[-1][-1])
        names.append(found[2])
    return (
        np.concatenate(ended),
        np.concatenate(counts),
        np.concatenate(offsets),
        np.concatenate(names),
    )


def _originals(texts: Texts, indices: NDArray[np.int64]) -> list[str]:
    """Return the original text of each index, read from a `Distinct`'s batch at once."""
    if not isinstance(texts, Distinct):
        return [texts.original(index) for index in indices.tolist()]
    batch = texts.texts
    return [batch[first] for first in texts.firsts[indices].tolist()]


_PARTS = (
    np.frombuffer(rule_kernels.NUMBER_PARTS.encode(), dtype=np.uint8),
    np.frombuffer(" ".join(_ADJECTIVE_ENDINGS).encode(), dtype=np.uint8),
)


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
        checks: Checks,
        norms: Mapping[int, str],
    ) -> list[bool]:
        """Return, per pair, True when facts veto it (`veto_checks` tells which may be).

        `norms` hold the normalized texts of the pairs (`verify.decoded`). The pairs the veto
        may fire on are taken `_VETO_WINDOW` at a time: the blocks of each, then the facts of
        the texts of the pairs whose blocks may hold a swap (their names read in one call,
        `fact_texts`), then the swaps.
        """
        vetoed = [False] * len(pairs)
        places = [at for at, check in enumerate(checks.aligned) if check is not None]
        for start in range(0, len(places), _VETO_WINDOW):
            if len(self._words) > _FACTS_KEPT - 2 * _VETO_WINDOW:
                self._words.clear()
            if len(self._facts) > _FACTS_KEPT - 2 * _VETO_WINDOW:
                self._facts.clear()
            window = places[start : start + _VETO_WINDOW]
            aligned = self._aligned(pairs, checks, norms, window, vetoed)
            self._read_facts(aligned)
            for at, a, b, words, blocks in aligned:
                first, second = self._facts[a], self._facts[b]
                same = (first.words, second.words) == words  # else folding split words otherwise
                vetoed[at] = facts_conflict(first, second, blocks if same else None)
        return vetoed

    def _aligned(
        self,
        pairs: list[list[int]],
        checks: Checks,
        norms: Mapping[int, str],
        window: list[int],
        vetoed: list[bool],
    ) -> list[_Aligned]:
        """Return the pairs at the places of `window` whose blocks may hold a fact swap.

        Each as (its place, a, b, the words of both, their blocks). A pair of ASCII texts
        whose blocks replace a number by another is vetoed here, without its facts (their
        words are the norms' words, so `facts_conflict` reads the same blocks and fires).
        """
        aligned = []
        for at in window:
            check = checks.aligned[at]
            a, b = pairs[at]
            if checks.swapped[at]:
                vetoed[at] = True
                continue
            words = (self._words_of(a, norms), self._words_of(b, norms))
            if isinstance(check, list):
                aligned.append((at, a, b, words, check))
                continue
            blocks = word_blocks(*words, ends=check or None)
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
            _originals(self._texts, np.fromiter(new, np.int64, len(new))),
            [known if self._folded else None for known in new.values()],
        )
        self._facts.update(zip(new, read, strict=True))

    def _words_of(self, index: int, norms: Mapping[int, str]) -> tuple[str, ...]:
        if index not in self._words:
            self._words[index] = tuple(norms[index].split())
        return self._words[index]
