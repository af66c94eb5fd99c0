"""Sketch kernels: signatures that are never held as a matrix (`signature.sketch_keys`).

A batch's signature matrix is `num_perm` x 4 bytes a text (512 at the defaults), and its
readers need little of it: the candidates its band keys ((bands + 2) x 8 bytes, 216), the
verification the rows of the kept pairs alone. `sketch_keys` hashes each row into its band
keys as soon as the row is made, in a scratch row per block of texts; `sign_sets` remakes
any rows later from the distinct shingle hashes the sketch keeps. Both give the bits of
`_kernels.sketch_sets` and `_kernels.band_keys` (tests/test_signature.py holds them equal):
a row is the minimum over a text's distinct shingles, which are what the sketch keeps.
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
    _shingle_bounds,
    _sign,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


@_compiled
def sketch_keys(  # noqa: PLR0913, PLR0917 - sketch_sets' arguments, band_keys' shape
    tokens: NDArray[np.uint64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    width: int,
    a: NDArray[np.uint32],
    b: NDArray[np.uint32],
    bands: int,
    rows: int,
    extra: int,
) -> tuple[NDArray[np.uint64], NDArray[np.uint64], NDArray[np.int64]]:
    """`band_keys` of `sketch_sets`' matrix, and its sets, in one pass: (keys, sets, offsets).

    The keys are laid out by column as `band_keys` lays them, `extra` zero columns after the
    bands; no text's row outlives its keys.
    """
    n = len(starts)
    bounds = _shingle_bounds(starts, ends, width)
    raw = np.empty(bounds[-1], dtype=np.uint64)
    sizes = np.zeros(n + 1, dtype=np.int64)
    columns = np.zeros((bands + extra, n), dtype=np.uint64)
    blocks = _blocks(n)
    for block in numba.prange(blocks):
        scratch = (
            np.empty(_SORT_SCRATCH, dtype=np.uint64),
            np.empty(_SORT_SCRATCH + 1, dtype=np.int64),
        )
        row = np.empty(len(a), dtype=np.uint32)
        for i in range(block * n // blocks, (block + 1) * n // blocks):
            out = raw[bounds[i] : bounds[i + 1]]
            kept = _distinct_shingles(tokens, starts[i], ends[i], width, out, scratch)
            sizes[i + 1] = kept
            _sign(out[:kept], a, b, row)
            for band in range(bands):
                columns[band, i] = _band_key(row, band, rows)
    sets, offsets = _compact(raw, bounds, sizes)
    return columns.T, sets, offsets


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
