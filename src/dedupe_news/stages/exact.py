"""Exact: tokens -> groups of texts equal once normalized, the fast path that needs no comparison.

Each group of equal texts is handled once from here on: signed, banded, verified and clustered
through its first text. `Distinct` is that view of the batch, the hand-off to the later stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.tokenize import Tokens, text_keys, tokenize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Distinct:
    """The distinct texts of a batch: distinct text g is the batch's text `firsts[g]`.

    Attributes:
        texts: The batch's original texts.
        tokens: The batch's tokens.
        group_of: Each text's distinct text, -1 for a text without words (never clustered).
        firsts: Each distinct text's first text in the batch, ascending.
    """

    texts: Sequence[str]
    tokens: Tokens
    group_of: NDArray[np.int64]
    firsts: NDArray[np.int64]

    def __len__(self) -> int:
        """Return the number of distinct texts."""
        return len(self.firsts)

    def norm(self, group: int) -> str:
        """Return the normalized text of a distinct text."""
        return self.tokens.norm(int(self.firsts[group]))

    def original(self, group: int) -> str:
        """Return the original text of a distinct text (its first occurrence)."""
        return self.texts[int(self.firsts[group])]

    def words(self) -> NDArray[np.int64]:
        """Return the number of words of each distinct text."""
        return self.tokens.counts()[self.firsts]

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of each distinct text's normalized text."""
        return norm_chars(self.tokens, self.firsts)


@dataclass(frozen=True, slots=True)
class Words:
    """The word hashes of a batch's distinct texts: distinct text g's are row `rows[g]`.

    Attributes:
        tokens: The tokens of the batch's distinct raw texts (equal strings once).
        rows: Each distinct text's row in `tokens`, ascending.
    """

    tokens: Tokens
    rows: NDArray[np.int64]

    def of(self, group_of: NDArray[np.int64]) -> NDArray[np.int64]:
        """Return the row of each item's distinct text, -1 for an item without words."""
        if len(self.rows) == 0:
            return np.full(len(group_of), -1, dtype=np.int64)
        return np.where(group_of >= 0, self.rows[np.maximum(group_of, 0)], -1)


def distinct_texts(
    texts: Sequence[str], *, fold_diacritics: bool = False
) -> tuple[Distinct, Words]:
    """Group a batch's texts by their words, tokenizing each distinct string once.

    The same `Distinct` as `exact_groups(texts, tokenize(texts))` once its word hashes are
    dropped (`Tokens.without_words`), and the words of its distinct texts, without the
    batch's: equal strings are found first (a dict: a string's hash is cached), and only
    one of each is tokenized. A crawl repeats its teasers, page furniture and copied
    paragraphs verbatim: 40% of its words, which are then neither hashed nor held.

    Examples:
        >>> texts = ["Kim in Rusland.", "", "Poetin", "Kim in Rusland.", "kim in rusland"]
        >>> distinct, words = distinct_texts(texts)
        >>> distinct.group_of.tolist(), distinct.firsts.tolist(), distinct.norm(0)
        ([0, -1, 1, 0, 0], [0, 2], 'kim in rusland')
        >>> len(words.tokens.offsets) - 1, words.rows.tolist(), len(distinct.tokens.hashes)
        (4, [0, 2], 0)
    """
    seen: dict[str, int] = {}
    # Each text's first position: setdefault keeps the first one's, all in C.
    first_of = np.fromiter(map(seen.setdefault, texts, count()), np.int64, len(texts))
    raw = list(seen)  # the distinct strings, in order of first appearance
    del seen
    tokens = tokenize(raw, fold_diacritics=fold_diacritics)
    del raw
    raw_group, raw_firsts = group_keys(text_keys(tokens), tokens.counts())
    opens = first_of == np.arange(len(texts))  # the first text of each distinct string
    items = np.flatnonzero(opens)  # raw text r is text items[r]
    raw_of = (np.cumsum(opens) - 1)[first_of]  # each text's raw text
    del first_of, opens
    group_of = raw_group[raw_of]
    words = Words(tokens, raw_firsts)
    # Raw texts are numbered by first appearance, so their groups' firsts keep that order.
    firsts = items[raw_firsts]
    return Distinct(texts, _item_tokens(words, raw_of, group_of), group_of, firsts), words


def _item_tokens(words: Words, raw_of: NDArray[np.int64], group_of: NDArray[np.int64]) -> Tokens:
    """Return per-item tokens without word hashes, each norm its distinct text's, shared."""
    tokens = words.tokens
    offsets = np.zeros(len(raw_of) + 1, dtype=np.int64)
    np.cumsum(tokens.counts()[raw_of], out=offsets[1:])
    row = words.of(group_of)
    worded = row >= 0
    return Tokens(
        np.empty(0, dtype=np.uint64),
        offsets,
        tokens.norms,
        np.where(worded, tokens.norm_starts[row], 0),
        np.where(worded, tokens.norm_lengths[row], 0),
    )


def norm_chars(tokens: Tokens, items: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return `len(tokens.norm(i))` for each item, counted in the UTF-8 buffer, not decoded.

    Examples:
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> norm_chars(tokenize(["Oekraïne!", "a b"]), np.array([1, 0])).tolist()
        [3, 8]
    """
    lengths = tokens.norm_lengths[items]
    with kernels.threads_for(int(lengths.sum())):
        return kernels.utf8_lengths(tokens.norms, tokens.norm_starts[items], lengths)


def exact_groups(texts: Sequence[str], tokens: Tokens) -> Distinct:
    """Group a tokenized batch's texts by their words: equal words, one distinct text.

    Distinct texts are numbered in order of first appearance.

    Examples:
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> texts = ["Kim in Rusland.", "", "Poetin", "kim in Rusland"]
        >>> found = exact_groups(texts, tokenize(texts))
        >>> found.group_of.tolist(), found.firsts.tolist(), found.norm(0)
        ([0, -1, 1, 0], [0, 2], 'kim in rusland')
    """
    group_of, firsts = group_keys(text_keys(tokens), tokens.counts())
    return Distinct(texts, shared_norms(tokens, group_of, firsts), group_of, firsts)


def shared_norms(tokens: Tokens, group_of: NDArray[np.int64], firsts: NDArray[np.int64]) -> Tokens:
    """Return the tokens with one copy of each distinct normalized text, shared by its group.

    Texts with the same words have the same normalized text (words joined by single
    spaces), so each text's norm is made to point at its group's first; a text without
    words has the empty norm. Every `norm(i)` is unchanged; a crawl's repeated teasers and
    copied paragraphs are held once (on 20k pages, 34 MB of norms instead of 58).

    Examples:
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> texts = ["Kim in Rusland.", "", "kim in rusland", "Poetin"]
        >>> tokens = tokenize(texts)
        >>> group_of, firsts = group_keys(text_keys(tokens), tokens.counts())
        >>> shared = shared_norms(tokens, group_of, firsts)
        >>> [shared.norm(i) for i in range(4)], len(shared.norms)
        (['kim in rusland', '', 'kim in rusland', 'poetin'], 20)
    """
    if len(firsts) == 0:  # no text has words: every norm is empty
        none = np.zeros(len(group_of), dtype=np.int64)
        return Tokens(tokens.hashes, tokens.offsets, np.empty(0, np.uint8), none, none)
    lengths = tokens.norm_lengths[firsts]
    starts = np.zeros(len(firsts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    with kernels.threads_for(int(starts[-1])):  # slice copies: no index array per byte
        norms = kernels.gather_slices(tokens.norms, tokens.norm_starts[firsts], starts)
    worded = group_of >= 0
    return Tokens(
        tokens.hashes,
        tokens.offsets,
        norms,
        np.where(worded, starts[:-1][np.maximum(group_of, 0)], 0),
        np.where(worded, lengths[np.maximum(group_of, 0)], 0),
    )


def group_keys(
    keys: NDArray[np.uint64], counts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Group rows by their keys: (group_of, firsts), -1 for a row with no words.

    Examples:
        >>> keys = np.array([[5, 5], [0, 0], [7, 1], [5, 5]], dtype=np.uint64)
        >>> group_of, firsts = group_keys(keys, np.array([2, 0, 1, 2]))
        >>> group_of.tolist(), firsts.tolist()
        ([0, -1, 1, 0], [0, 2])
    """
    group_of = np.full(len(keys), -1, dtype=np.int64)
    rows = np.flatnonzero(counts > 0)
    if len(rows) == 0:
        return group_of, rows.astype(np.int64)
    # One unstable sort of the first key (numpy's vectorized sort: a sixth of a two-key
    # lexsort's time on 300k texts), each group's first index its smallest; the two-key
    # sort only when two groups share a first key (a 64-bit collision).
    order = rows[np.argsort(keys[rows, 0])]
    ordered = keys[order]
    new_first = ordered[1:, 0] != ordered[:-1, 0]
    if ((ordered[1:, 1] != ordered[:-1, 1]) & ~new_first).any():
        order = rows[np.lexsort((keys[rows, 1], keys[rows, 0]))]
        ordered = keys[order]
        new_first = (ordered[1:] != ordered[:-1]).any(axis=1)
    starts = np.flatnonzero(np.r_[True, new_first])
    firsts = np.minimum.reduceat(order, starts)  # each group's smallest index
    rank = np.empty(len(starts), dtype=np.int64)
    rank[np.argsort(firsts)] = np.arange(len(starts))  # number groups by first appearance
    group_of[order] = np.repeat(rank, np.diff(np.r_[starts, len(order)]))
    return group_of, np.sort(firsts).astype(np.int64)
