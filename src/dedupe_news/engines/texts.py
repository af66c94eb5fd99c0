"""Shipped texts: what verification reads of a distinct text, moved to the pairs that need it.

A `TextRows` holds, for some distinct texts (by global id, ascending), their signature rows,
shingle sets, word counts, normalized and original texts: enough to build a `Sketch` and a
`verify.Texts` on the worker that verifies pairs of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages.signature import Sketch

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.stages.tokenize import Tokens


def ragged_take(
    values: NDArray[np.generic], offsets: NDArray[np.int64], rows: NDArray[np.int64]
) -> tuple[NDArray[np.generic], NDArray[np.int64]]:
    """Return the runs `values[offsets[r]:offsets[r + 1]]` of `rows`, flat, with new offsets.

    Examples:
        >>> values, offsets = ragged_take(np.arange(6), np.array([0, 2, 5, 6]), np.array([2, 0]))
        >>> values.tolist(), offsets.tolist()
        ([5, 0, 1], [0, 1, 3])
    """
    starts, lengths = offsets[rows], offsets[rows + 1] - offsets[rows]
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
    return values[index], new_offsets


def take_tokens(tokens: Tokens, rows: NDArray[np.int64]) -> Tokens:
    """Return the tokens of some texts of a batch, in the order of `rows`."""
    hashes, offsets = ragged_take(tokens.hashes, tokens.offsets, rows)
    starts, lengths = tokens.norm_starts[rows], tokens.norm_lengths[rows]
    norm_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=norm_offsets[1:])
    index = np.repeat(starts - norm_offsets[:-1], lengths) + np.arange(norm_offsets[-1])
    return type(tokens)(
        hashes.astype(np.uint64), offsets, tokens.norms[index], norm_offsets[:-1], lengths
    )


def concat_tokens(parts: Sequence[Tokens]) -> Tokens:
    """Concatenate the tokens of batches, in order."""
    word_base = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
    byte_base = np.cumsum([0] + [len(p.norms) for p in parts[:-1]])
    return type(parts[0])(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate(
            [[0]] + [p.offsets[1:] + base for p, base in zip(parts, word_base, strict=True)]
        ).astype(np.int64),
        np.concatenate([p.norms for p in parts]),
        np.concatenate(
            [p.norm_starts + base for p, base in zip(parts, byte_base, strict=True)]
        ).astype(np.int64),
        np.concatenate([p.norm_lengths for p in parts]).astype(np.int64),
    )


@dataclass(frozen=True, slots=True)
class TextRows:
    """Distinct texts by global id: the data verification reads (a `verify.Texts`)."""

    ids: NDArray[np.int64]
    signatures: NDArray[np.uint32]
    shingles: NDArray[np.uint64]
    shingle_offsets: NDArray[np.int64]
    counts: NDArray[np.int64]
    norms: tuple[str, ...]
    originals: tuple[str, ...]

    def norm(self, index: int) -> str:
        """Return the normalized text of a row."""
        return self.norms[index]

    def original(self, index: int) -> str:
        """Return the original text of a row."""
        return self.originals[index]

    def words(self) -> NDArray[np.int64]:
        """Return the number of words of every row."""
        return self.counts

    def sketch(self) -> Sketch:
        """Return the rows' sketch: signatures and shingles (no anchors or words: unused)."""
        n = len(self.ids)
        return Sketch(
            self.signatures,
            np.zeros((n, 2), dtype=np.uint64),
            self.shingles,
            self.shingle_offsets,
            np.empty(0, dtype=np.uint64),
            np.zeros(n + 1, dtype=np.int64),
        )

    def take(self, rows: NDArray[np.int64]) -> TextRows:
        """Return some rows, in the order given."""
        shingles, offsets = ragged_take(self.shingles, self.shingle_offsets, rows)
        picked = rows.tolist()
        return TextRows(
            self.ids[rows],
            self.signatures[rows],
            shingles.astype(np.uint64),
            offsets,
            self.counts[rows],
            tuple(self.norms[r] for r in picked),
            tuple(self.originals[r] for r in picked),
        )

    def select(self, ids: NDArray[np.int64]) -> TextRows:
        """Return the rows of the ids given that these rows hold, ascending."""
        if len(self.ids) == 0:
            return self
        rows = np.searchsorted(self.ids, ids)
        rows = rows[(rows < len(self.ids)) & (self.ids[np.minimum(rows, len(self.ids) - 1)] == ids)]
        return self.take(np.unique(rows))


def concat_rows(parts: Sequence[TextRows]) -> TextRows:
    """Concatenate text rows and sort them by id."""
    offsets = [p.shingle_offsets for p in parts]
    base = np.cumsum([0] + [int(o[-1]) for o in offsets[:-1]])
    joined = TextRows(
        np.concatenate([p.ids for p in parts]),
        np.concatenate([p.signatures for p in parts]),
        np.concatenate([p.shingles for p in parts]).astype(np.uint64),
        np.concatenate([[0]] + [o[1:] + b for o, b in zip(offsets, base, strict=True)]).astype(
            np.int64
        ),
        np.concatenate([p.counts for p in parts]),
        tuple(t for p in parts for t in p.norms),
        tuple(t for p in parts for t in p.originals),
    )
    return joined.take(np.argsort(joined.ids, kind="stable"))


def split_rows(rows: TextRows, bounds: NDArray[np.int64]) -> tuple[TextRows, ...]:
    """Split text rows (ascending ids) into the id ranges `[bounds[j], bounds[j + 1])`."""
    cuts = np.searchsorted(rows.ids, bounds).tolist()
    return tuple(rows.take(np.arange(low, high, dtype=np.int64)) for low, high in pairwise(cuts))
