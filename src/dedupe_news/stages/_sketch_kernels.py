"""Sketch kernels: signatures that are never held as a matrix (`signature.sketch_keys`).

A batch's signature matrix is `num_perm` x 4 bytes a text (512 at the defaults), and its
readers need little of it: the candidates its band keys ((bands + 2) x 8 bytes, 216), the
verification the rows of the kept pairs alone. `set_keys` makes each row from a text's
distinct shingle hashes (the sketch keeps them) and hashes it into its band keys at once,
in a scratch row per block of texts; `sign_sets` remakes any rows later from the same sets.
Both give the bits of `_kernels.sketch_sets` and `_kernels.band_keys`
(tests/test_kernels.py holds them equal): a row is the minimum over a text's distinct
shingles, which are what the sketch keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from dedupe_news.stages._kernels import (
    _SORT_SCRATCH,
    _band_key,
    _blocks,
    _compact,
    _compiled,
    _distinct_shingles,
    _sign,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


@_compiled
def sign_sets(
    sets: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    rows: NDArray[np.int64],
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
) -> NDArray[np.uint32]:
    """Return the signature rows of texts `rows` from their distinct shingle hashes.

    `sets` and `offsets` are `sketch_sets`' (or `sketch_keys`'): the rows are its matrix's.
    """
    matrix = np.empty((len(rows), len(a)), dtype=np.uint32)
    for i in numba.prange(len(rows)):
        text = rows[i]
        _sign(sets[offsets[text] : offsets[text + 1]], a, b, matrix[i])
    return matrix


@_compiled
def set_keys(  # noqa: PLR0913, PLR0917 - sign_sets' arguments, band_keys' shape
    sets: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
    bands: int,
    rows: int,
    extra: int,
) -> NDArray[np.uint64]:
    """`sketch_keys`' keys, made from the distinct shingle hashes it keeps, not the words.

    The sets of every text are `sketch_keys`' (or `sketch_sets`'); the keys are its, bit
    for bit: each row is signed from the set, hashed into its band keys, and dropped.
    """
    n = len(offsets) - 1
    columns = np.zeros((bands + extra, n), dtype=np.uint64)
    blocks = _blocks(n)
    for block in numba.prange(blocks):
        row = np.empty(len(a), dtype=np.uint32)
        for i in range(block * n // blocks, (block + 1) * n // blocks):
            _sign(sets[offsets[i] : offsets[i + 1]], a, b, row)
            for band in range(bands):
                columns[band, i] = _band_key(row, band, rows)
    return columns.T


@_compiled
def sets_over_words(
    tokens: NDArray[np.uint64], starts: NDArray[np.int64], ends: NDArray[np.int64], width: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """`_kernels.shingle_sets` of these texts, written over their words in `tokens`.

    Returns (sets, offsets) as `shingle_sets` does; `sets` is the front of `tokens`, whose
    words are lost. A text has no more shingles than words, and shingle s reads words s to
    s + width - 1 only, so each text's shingles are made in its own word range, left to
    right, then sorted there; the texts' ranges (`starts` ascending, disjoint) are then
    moved left in order. No array as large as the words is made.
    """
    n = len(starts)
    sizes = np.zeros(n + 1, dtype=np.int64)
    blocks = _blocks(n)
    for block in numba.prange(blocks):
        scratch = (
            np.empty(_SORT_SCRATCH, dtype=np.uint64),
            np.empty(_SORT_SCRATCH + 1, dtype=np.int64),
        )
        for i in range(block * n // blocks, (block + 1) * n // blocks):
            count = ends[i] - starts[i]
            made = count - min(width, count) + 1 if count else 0
            out = tokens[starts[i] : starts[i] + made]
            sizes[i + 1] = _distinct_shingles(tokens, starts[i], ends[i], width, out, scratch)
    bounds = np.zeros(n + 1, dtype=np.int64)
    bounds[:n] = starts
    return _compact(tokens, bounds, sizes)
