"""Signature: shingles -> MinHash signature matrix, for a whole batch at once.

A segment's shingles are its word k-grams (the whole text when it has fewer than k words).
Each token is hashed once with xxhash (XXH3-64); a shingle's hash is the polynomial
`h = (...(t1 * M + t2) * M + ...) + tk mod 2**64`, mixed with the MurmurHash3 finalizer and
cut to its top 32 bits. `shingle_hash` is the same function for one shingle, to hand to
datasketch as `hashfunc`.

The signature of a segment is datasketch's "affine32" MinHash of its shingle hashes: each
hash goes through datasketch's fmix32 pre-mix, then `a_i * h + b_i mod 2**32` for the
permutation i, and row i keeps the minimum. The loop runs compiled (`kernels.affine32`) on
one flat array of token hashes for the whole batch, on all cores. The matrix is bit-identical to
`datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=shingle_hash)` fed the same
shingles (tests/test_signature.py holds that).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash

from dedupe_news import kernels

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config

_MASK64 = (1 << 64) - 1
_POLY = int(kernels.POLY)


def _fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finalizer on a Python int: the reference for the kernel's."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


def shingle_hash(shingle: str | Sequence[str]) -> int:
    """Return the 32-bit hash of one shingle (its tokens, or the tokens joined by spaces).

    The scalar reference of the batch kernel, written independently of it: hand it to
    datasketch as `hashfunc` to get the same signatures from datasketch.

    Examples:
        >>> shingle_hash("de russische president") == shingle_hash(["de", "russische", "president"])
        True
    """
    tokens = shingle.split() if isinstance(shingle, str) else shingle
    h = 0
    for token in tokens:
        h = (h * _POLY + xxhash.xxh3_64_intdigest(token.encode())) & _MASK64
    return _fmix64(h) >> 32


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


def token_hashes(norms: Sequence[str]) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Hash every token of a batch: (hashes, offsets), text i's tokens at offsets[i:i+2].

    Examples:
        >>> hashes, offsets = token_hashes(["a b", "", "c"])
        >>> offsets.tolist(), int(hashes[2]) == xxhash.xxh3_64_intdigest(b"c")
        ([0, 2, 2, 3], True)
    """
    # bytes.split is one C call per text; a norm holds single ASCII spaces only.
    token_lists = [norm.encode().split() for norm in norms]
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, token_lists), np.int64, len(token_lists)), out=offsets[1:])
    flat = chain.from_iterable(token_lists)
    hashes = np.fromiter(map(xxhash.xxh3_64_intdigest, flat), np.uint64, int(offsets[-1]))
    return hashes, offsets


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """Return datasketch's affine32 permutation parameters (a, b) for this seed."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


@dataclass(frozen=True, slots=True)
class Sketch:
    """The fingerprints of a batch of texts.

    Attributes:
        signatures: MinHash signature matrix, one uint32 row per text.
        anchors: Hash of each text's first and last `anchor_words` words, shape (n, 2);
            0 for a text with no more words than that (it is matched whole instead).
    """

    signatures: NDArray[np.uint32]
    anchors: NDArray[np.uint64]


def sketch(norms: Sequence[str], config: Config) -> Sketch:
    """Fingerprint a batch of normalized texts: signatures and anchors.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> found = sketch(["het zeldzame bezoek van poetin", "", "het zeldzame bezoek"], DEFAULT)
        >>> found.signatures.shape, bool((found.signatures[1] == 0xFFFFFFFF).all())
        ((3, 128), True)
    """
    hashes, offsets = token_hashes(norms)
    a, b = permutations(config.num_perm, config.seed)
    matrix = kernels.affine32(hashes, offsets, config.shingle_size, a, b)
    return Sketch(matrix, anchors(hashes, offsets, config.anchor_words))


def signatures(norms: Sequence[str], config: Config) -> NDArray[np.uint32]:
    """Return the MinHash signature matrix of a batch: one uint32 row per text."""
    return sketch(norms, config).signatures


def anchors(
    hashes: NDArray[np.uint64], offsets: NDArray[np.int64], anchor_words: int
) -> NDArray[np.uint64]:
    """Hash each text's first and last `anchor_words` tokens: shape (n, 2), 0 when too short.

    Examples:
        >>> hashes, offsets = token_hashes(["a b c", "a b d", "a b"])
        >>> keys = anchors(hashes, offsets, 2)
        >>> bool(keys[0, 0] == keys[1, 0]), bool(keys[0, 1] == keys[1, 1]), keys[2].tolist()
        (True, False, [0, 0])
    """
    keys = np.zeros((len(offsets) - 1, 2), dtype=np.uint64)
    # A text of exactly `anchor_words` words is a whole-text match, found without anchors.
    long_enough = np.flatnonzero(np.diff(offsets) > anchor_words)
    starts = offsets[long_enough]
    ends = offsets[long_enough + 1] - anchor_words
    for column, first in enumerate((starts, ends)):
        h = np.full(len(first), column + 1, dtype=np.uint64)  # salt: head 1, tail 2
        for j in range(anchor_words):
            h = h * kernels.POLY + hashes[first + j]
        keys[long_enough, column] = kernels.fmix64_array(h) | np.uint64(1)  # never 0
    return keys


def lean_minhash(row: NDArray[np.uint32], config: Config) -> LeanMinHash:
    """Return one signature row as a datasketch `LeanMinHash`, for use with datasketch."""
    return LeanMinHash(seed=config.seed, hashvalues=row, scheme="affine32")


def jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Estimate the Jaccard similarity of row pairs: the fraction of equal columns."""
    return np.asarray((sig_a == sig_b).mean(axis=-1), dtype=np.float64)
