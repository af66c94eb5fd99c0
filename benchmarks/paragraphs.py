"""Paragraph stream: originals, near-duplicates of recent originals, and template hard negatives.

Copies and templates are made from the last `WINDOW` originals only, so a copy lands within a
few hundred items of its original and memory stays O(WINDOW) however many items are made. The
numbers of copies and templates are exact: each item's kind is drawn from what is left to make
(sampling without replacement), so `round(n * dup_rate)` items are copies.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.groups import Groups
from benchmarks.prose import Line, decode, lines, render
from benchmarks.records import Item, Variant
from benchmarks.seeds import random_sources
from benchmarks.variants import applies, fact_swap, has_facts, swap, variant_text
from benchmarks.vocab import Vocabulary, build_vocabulary

if TYPE_CHECKING:
    from collections.abc import Iterator

WINDOW = 256
"""Originals that a copy or a template may be made from: the most recent ones."""

WORDS = (30, 80)
SENTENCES = (2, 5)

# How often each kind of copy is made (when it applies to the original; else another is drawn).
_KINDS = (
    (Variant.EXACT, 12),
    (Variant.CREDIT, 10),
    (Variant.WORD_EDIT, 20),
    (Variant.SENTENCE_DROPPED, 10),
    (Variant.SENTENCE_ADDED, 10),
    (Variant.TRUNCATED_FIRST_SENTENCE, 8),
    (Variant.CUT_SHORT, 14),
    (Variant.SYNDICATED_EDIT, 16),
)
_KIND_LIST = tuple(kind for kind, _ in _KINDS)
_KIND_CUM = tuple(itertools.accumulate(weight for _, weight in _KINDS))

# Each original gets a Pareto popularity (capped): most are copied rarely or never, a few
# widely, as wire stories are. A copy picks its original in proportion to popularity.
_PARETO_ALPHA = 1.2
_POPULARITY_CAP = 300.0
_TEMPLATE_TRIES = 16
_CORPUS = 1  # the paragraph corpus's stream of seeds (pages: 2)


@dataclass(frozen=True, slots=True)
class _Original:
    line: Line
    text: str
    group: str
    popularity: float


def paragraph_items(n: int, *, seed: int, dup_rate: float, template_rate: float) -> Iterator[Item]:
    """Yield `n` paragraph items (arguments already validated), streaming."""
    copies = round(n * dup_rate)
    templates = round(n * template_rate)
    if n and copies + templates >= n:  # tiny n: keep at least one original
        templates = min(templates, n - 1)
        copies = n - 1 - templates
    stream = _Stream(build_vocabulary(), seed)
    for index in range(1, n + 1):
        # Invariant: originals + copies + templates left == n - index + 1 items left to make.
        draw = stream.rnd.random() * (n - index + 1)
        if not stream.window or draw >= copies + templates:
            yield stream.original(f"p{index:07d}")
        elif draw < copies:
            copies -= 1
            yield stream.copy(f"p{index:07d}")
        else:
            templates -= 1
            yield stream.template(f"p{index:07d}")


class _Stream:
    """The state of one paragraph stream: random sources, window of originals, group count."""

    __slots__ = ("groups", "lines", "popularity", "rnd", "vocab", "window")

    def __init__(self, vocab: Vocabulary, seed: int) -> None:
        rng, self.rnd = random_sources(seed, _CORPUS)
        self.vocab = vocab
        self.lines = lines(vocab, rng, words=WORDS, sentences=SENTENCES)
        self.groups = Groups()
        self.window: deque[_Original] = deque(maxlen=WINDOW)
        self.popularity: deque[float] = deque(maxlen=WINDOW)

    def original(self, item_id: str) -> Item:
        """Make a fresh paragraph and remember it as a possible source of copies."""
        line, text = next(self.lines)
        popularity = min(self.rnd.paretovariate(_PARETO_ALPHA), _POPULARITY_CAP)
        kept = _Original(line, text, self.groups.new(), popularity)
        self.window.append(kept)
        self.popularity.append(popularity)
        return Item(item_id, text, kept.group, Variant.ORIGINAL)

    def copy(self, item_id: str) -> Item:
        """Make a near-duplicate of a recent original, of a kind that applies to it."""
        source = self.window[self.rnd.choices(range(len(self.window)), self.popularity)[0]]
        kind = self.rnd.choices(_KIND_LIST, cum_weights=_KIND_CUM)[0]
        if kind in {Variant.EXACT, Variant.CREDIT}:
            return Item(item_id, source.text, source.group, kind)
        draft = decode(self.vocab, source.line)
        while not applies(kind, draft, self.vocab):
            kind = self.rnd.choices(_KIND_LIST, cum_weights=_KIND_CUM)[0]
        text = variant_text(kind, draft, self.vocab, self.rnd)
        return Item(item_id, text, source.group, kind)

    def template(self, item_id: str) -> Item:
        """Make a hard negative: a recent original's sentences with other facts, a new group.

        Falls back to an original when no recent original has both a number and a name.
        """
        for _ in range(_TEMPLATE_TRIES):
            source = self.window[self.rnd.randrange(len(self.window))]
            draft = decode(self.vocab, source.line)
            if has_facts(draft, self.vocab):
                draft = swap(draft, fact_swap([draft], self.vocab, self.rnd))
                return Item(item_id, render(self.vocab, draft), self.groups.new(), Variant.TEMPLATE)
        return self.original(item_id)
