"""Vocabulary: Dutch-like pseudo-words, names, places and numbers with Zipf frequencies.

A token is an int id into one table of strings. Ids are grouped by `Kind` in contiguous
spans, so edits can tell a plain word from a name or a number without looking at the text.
Frequencies follow Zipf-Mandelbrot, `p(rank) ~ 1 / (rank + q) ** s`: with ~50,000 words the
chance that two unrelated paragraphs share a word 5-gram is about `(sum p^2) ** 5 ~ 1e-13`
per pair of positions, so shingles collide only where the generator put a duplicate.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from benchmarks.words import FUNCTION_WORDS, numbers, persons, places, pseudo_words

VOCAB_SEED = 20_240_601
"""The vocabulary is one fixed language for every seed; the seed picks the texts."""

WORD_COUNT = 50_000


class Form(IntEnum):
    """How a token is printed: capitalised (a sentence's first), with a comma or full stop."""

    PLAIN = 0
    COMMA = 1
    STOP = 2
    CAPITAL = 3
    CAPITAL_COMMA = 4
    CAPITAL_STOP = 5


class Kind(IntEnum):
    """What a token is; edits and templates treat each kind differently."""

    WORD = 0
    PERSON = 1
    PLACE = 2
    NUMBER = 3
    COMMA = 4


# Share of running text per kind, and the Zipf-Mandelbrot (s, q) within each kind.
_SHARES = {Kind.WORD: 0.905, Kind.PERSON: 0.025, Kind.PLACE: 0.025, Kind.NUMBER: 0.045}
_ZIPF = {Kind.WORD: (1.0, 2.7), Kind.PERSON: (1.0, 8.0), Kind.PLACE: (1.0, 5.0)}
_ZIPF_NUMBER = (0.8, 3.0)


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """The token table, kinds, widths in words, and the samplers over it.

    Attributes:
        tokens: The text of each token id (a person is one token of two to four words).
        kinds: The `Kind` of each token id.
        widths: Words per token id (a comma is 0).
        spans: `[start, stop)` of the ids of each kind, indexed by `Kind`.
        content_start: First word id after the function words.
        keep: Walker alias table: keep a drawn id with this probability...
        alias: ...else take this id instead.
        cum_weights: Per kind, the cumulative Zipf weights within its span.
        glyphs: Every token in every `Form`, as UTF-8 bytes followed by a space, end to end:
            code `form * len(tokens) + id` is `glyphs[starts[code]:][:lengths[code]]`.
        starts: Where each printed code starts in `glyphs`.
        lengths: How many bytes each printed code takes in `glyphs`, its space included.
    """

    tokens: tuple[str, ...]
    kinds: bytes
    widths: bytes
    spans: tuple[tuple[int, int], ...]
    content_start: int
    keep: npt.NDArray[np.float64]
    alias: npt.NDArray[np.int32]
    cum_weights: tuple[tuple[float, ...], ...]
    glyphs: npt.NDArray[np.uint8]
    starts: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int32]

    @property
    def width_array(self) -> npt.NDArray[np.uint8]:
        """`widths` as a numpy array, for batches."""
        return np.frombuffer(self.widths, dtype=np.uint8)

    @property
    def comma(self) -> int:
        """The id of the comma token."""
        return self.spans[Kind.COMMA][0]

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.int32]:
        """Draw `size` token ids of running text (no commas) at their frequencies."""
        drawn = rng.integers(len(self.keep), size=size, dtype=np.int32)
        return np.where(rng.random(size) < self.keep[drawn], drawn, self.alias[drawn])

    def draw(self, kind: Kind, rnd: random.Random, *, content: bool = False) -> int:
        """Draw one token id of a kind at its frequency; `content` skips function words."""
        start, _ = self.spans[kind]
        cum = self.cum_weights[kind]
        low = self.content_start if content and kind is Kind.WORD else 0
        floor = cum[low - 1] if low else 0.0
        return start + bisect.bisect_right(cum, floor + rnd.random() * (cum[-1] - floor))

    def draw_other(self, token: int, rnd: random.Random) -> int:
        """Draw a token id of the same kind as `token` but a different one."""
        kind = Kind(self.kinds[token])
        while True:
            other = self.draw(kind, rnd, content=kind is Kind.WORD)
            if other != token:
                return other


def build_vocabulary(seed: int = VOCAB_SEED, word_count: int = WORD_COUNT) -> Vocabulary:
    """Build the token table: function words, pseudo-words, names, places, numbers."""
    rnd = random.Random(seed)
    made = (
        (Kind.WORD, pseudo_words(rnd, word_count)),
        (Kind.PERSON, persons(rnd, 3_000)),
        (Kind.PLACE, places(rnd, 800)),
        (Kind.NUMBER, numbers()),
        (Kind.COMMA, (",",)),
    )
    tokens: list[str] = []
    kinds = bytearray()
    spans: list[tuple[int, int]] = []
    cums: list[tuple[float, ...]] = []
    for kind, texts in made:
        spans.append((len(tokens), len(tokens) + len(texts)))
        tokens.extend(texts)
        kinds.extend(bytes([kind]) * len(texts))
        s, q = _ZIPF.get(kind, _ZIPF_NUMBER)
        cums.append(tuple(itertools.accumulate(1.0 / (r + q) ** s for r in range(len(texts)))))
    keep, alias = _alias_table(_running_text(len(tokens), spans, cums))
    glyphs, lengths = _glyphs(tokens)
    widths = bytes(0 if t == "," else t.count(" ") + 1 for t in tokens)
    return Vocabulary(
        tokens=tuple(tokens),
        kinds=bytes(kinds),
        widths=widths,
        spans=tuple(spans),
        content_start=len(FUNCTION_WORDS),
        keep=keep,
        alias=alias,
        cum_weights=tuple(cums),
        glyphs=glyphs,
        starts=np.cumsum(lengths) - lengths,
        lengths=lengths,
    )


def _running_text(
    size: int, spans: list[tuple[int, int]], cums: list[tuple[float, ...]]
) -> npt.NDArray[np.float64]:
    """Return the probability of each token id in running text: each kind its share."""
    probabilities = np.zeros(size)
    for kind, share in _SHARES.items():
        start, stop = spans[kind]
        weights = np.diff(np.asarray(cums[kind]), prepend=0.0)
        probabilities[start:stop] = share * weights / weights.sum()
    return probabilities


def _glyphs(tokens: list[str]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int32]]:
    """Print every token in every `Form`, so a batch of texts is printed with one gather."""
    capitals = [t[:1].upper() + t[1:] for t in tokens]
    printed = [
        f"{text}{mark} ".encode()
        for case in (tokens, capitals)
        for mark in ("", ",", ".")
        for text in case
    ]
    lengths = np.fromiter(map(len, printed), dtype=np.int32, count=len(printed))
    glyphs = np.frombuffer(b"".join(printed), dtype=np.uint8)
    return glyphs, lengths


def _alias_table(
    probabilities: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
    """Build Walker's alias table (Vose's method) for O(1) draws.

    An inverse-CDF binary search over 54,000 ids was most of the cost of a paragraph.
    """
    count = len(probabilities)
    scaled = (probabilities * count / probabilities.sum()).tolist()
    keep = [1.0] * count
    alias = list(range(count))
    small = [i for i, p in enumerate(scaled) if p < 1.0]
    large = [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        low, high = small.pop(), large[-1]
        keep[low], alias[low] = scaled[low], high
        scaled[high] -= 1.0 - scaled[low]
        if scaled[high] < 1.0:
            small.append(large.pop())
    return np.asarray(keep), np.asarray(alias, dtype=np.int32)
