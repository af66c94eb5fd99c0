"""Signature: shingles -> MinHash signature matrix, for a whole batch at once.

A segment's shingles are its word k-grams (the whole text when it has fewer than k words).
Each token is hashed once with xxhash (XXH3-64); a shingle's hash is the polynomial
`h = (...(t1 * M + t2) * M + ...) + tk mod 2**64`, mixed with the MurmurHash3 finalizer and
cut to its top 32 bits, so every shingle of the batch is computed with k vector operations
over one array of token hashes, never a Python loop per shingle. `shingle_hash` is the same
function for one shingle, to hand to datasketch as `hashfunc`.

The signature of a segment is datasketch's "affine32" MinHash of its shingle hashes: each
hash goes through datasketch's fmix32 pre-mix, then `a_i * h + b_i mod 2**32` for the
permutation i, and row i keeps the minimum. The matrix is bit-identical to
`datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=shingle_hash)` fed the same
shingles (tests/test_signature.py holds that).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config

_MASK64 = (1 << 64) - 1
_POLY = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial step is a bijection per token
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's initial hash value: a segment with no shingle
# Rows of the (shingles x num_perm) product computed at once: about 16 MiB at 128 columns.
_CHUNK_SHINGLES = 32_768


def _fmix64(h: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finalizer: a bijection that spreads every input bit."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _fmix32(h: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix of the affine schemes."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hash(shingle: str | Sequence[str]) -> int:
    """Return the 32-bit hash of one shingle (its tokens, or the tokens joined by spaces).

    This is the scalar reference of the batch computation in `shingle_hashes`.

    Examples:
        >>> shingle_hash("de russische president") == shingle_hash(["de", "russische", "president"])
        True
    """
    tokens = shingle.split() if isinstance(shingle, str) else shingle
    h = 0
    for token in tokens:
        h = (h * int(_POLY) + xxhash.xxh3_64_intdigest(token.encode())) & _MASK64
    return int(_fmix64(np.array([h], dtype=np.uint64))[0] >> np.uint64(32))


def shingles(norm: str, shingle_size: int) -> list[tuple[str, ...]]:
    """Return a normalized text's shingles in order (reference for tests and datasketch).

    Examples:
        >>> shingles("a b c d", 3)
        [('a', 'b', 'c'), ('b', 'c', 'd')]
        >>> shingles("a b", 3)
        [('a', 'b')]
    """
    tokens = norm.split()
    if len(tokens) < shingle_size:
        return [tuple(tokens)] if tokens else []
    return [tuple(tokens[i : i + shingle_size]) for i in range(len(tokens) - shingle_size + 1)]


def shingle_hashes(
    norms: Sequence[str], shingle_size: int
) -> tuple[NDArray[np.uint32], NDArray[np.int64]]:
    """Hash every shingle of a batch: (hashes, owner), owner the text index, non-decreasing.

    Examples:
        >>> hashes, owner = shingle_hashes(["a b c d", "", "x"], 3)
        >>> owner.tolist(), hashes[0] == shingle_hash("a b c")
        ([0, 0, 2], np.True_)
    """
    # bytes.split is one C call per text; a norm holds single ASCII spaces only.
    token_lists = [norm.encode().split() for norm in norms]
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = chain.from_iterable(token_lists)
    n_tokens = int(lengths.sum())
    tokens = np.fromiter(map(xxhash.xxh3_64_intdigest, flat), dtype=np.uint64, count=n_tokens)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    owner_of_token = np.repeat(np.arange(len(norms), dtype=np.int64), lengths)
    position = np.arange(n_tokens, dtype=np.int64) - offsets[owner_of_token]
    parts: list[tuple[NDArray[np.uint64], NDArray[np.int64]]] = []
    window = tokens.copy()  # window[i]: hash of the w tokens starting at i
    for w in range(1, shingle_size + 1):
        if w > 1:
            window[: n_tokens - w + 1] = window[: n_tokens - w + 1] * _POLY + tokens[w - 1 :]
        if w < shingle_size:  # texts of exactly w < k words: one shingle, the whole text
            short = np.flatnonzero(lengths == w)
            parts.append((window[offsets[short]], short))
    full = np.flatnonzero(position <= lengths[owner_of_token] - shingle_size)
    parts.append((window[full], owner_of_token[full]))
    hashes = np.concatenate([p[0] for p in parts])
    owner = np.concatenate([p[1] for p in parts])
    order = np.argsort(owner, kind="stable")
    return (_fmix64(hashes[order]) >> np.uint64(32)).astype(np.uint32), owner[order]


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """Return datasketch's affine32 permutation parameters (a, b) for this seed."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def signatures(norms: Sequence[str], config: Config) -> NDArray[np.uint32]:
    """Return the MinHash signature matrix of a batch: one uint32 row per text.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> sig = signatures(["het zeldzame bezoek van poetin", "", "het zeldzame bezoek"], DEFAULT)
        >>> sig.shape, bool((sig[1] == 0xFFFFFFFF).all())
        ((3, 128), True)
    """
    hashes, owner = shingle_hashes(norms, config.shingle_size)
    a, b = permutations(config.num_perm, config.seed)
    matrix = np.full((len(norms), config.num_perm), _EMPTY, dtype=np.uint32)
    mixed = _fmix32(hashes)
    for lo in range(0, len(mixed), _CHUNK_SHINGLES):
        chunk_owner = owner[lo : lo + _CHUNK_SHINGLES]
        values = mixed[lo : lo + _CHUNK_SHINGLES, None] * a + b
        starts = np.flatnonzero(np.r_[True, chunk_owner[1:] != chunk_owner[:-1]])
        rows = chunk_owner[starts]
        # A text split across two chunks keeps the smaller of both partial minima.
        matrix[rows] = np.minimum(matrix[rows], np.minimum.reduceat(values, starts, axis=0))
    return matrix


def lean_minhash(row: NDArray[np.uint32], config: Config) -> LeanMinHash:
    """Return one signature row as a datasketch `LeanMinHash`, for use with datasketch."""
    return LeanMinHash(seed=config.seed, hashvalues=row, scheme="affine32")


def jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Estimate the Jaccard similarity of row pairs: the fraction of equal columns."""
    return np.asarray((sig_a == sig_b).mean(axis=-1), dtype=np.float64)
