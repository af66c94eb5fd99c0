"""Interop: the bridge to datasketch, for users who keep their own MinHash index.

`shingle_hash` is the scalar reference of the signature kernels, written independently of
them: handed to datasketch as `hashfunc`, it gives datasketch the same signatures as ours.
`lean_minhash` returns one text's signature as a datasketch `LeanMinHash`. datasketch is
imported here only, and only when one of these is called (it pulls in scipy: 0.3 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import xxhash

from dedupe_news.config import DEFAULT
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.signature import signatures

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from datasketch import LeanMinHash
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
    """Return the 32-bit hash of one shingle (its words, or the words joined by spaces).

    The scalar reference of the batch kernels, written independently of them: hand it to
    datasketch as `hashfunc` to get the same signatures from datasketch.

    Examples:
        >>> shingle_hash("de russische president") == shingle_hash(["de", "russische", "president"])
        True
    """
    words = shingle.split() if isinstance(shingle, str) else shingle
    h = 0
    for word in words:
        h = (h * _POLY + xxhash.xxh64_intdigest(word.encode())) & _MASK64
    return _fmix64(h) >> 32


def shingles(norm: str, shingle_size: int) -> list[tuple[str, ...]]:
    """Return a normalized text's shingles in order (reference for tests and datasketch).

    Examples:
        >>> shingles("a b c d", 3)
        [('a', 'b', 'c'), ('b', 'c', 'd')]
        >>> shingles("a b", 3)
        [('a', 'b')]
    """
    words = norm.split()
    if len(words) < shingle_size:
        return [tuple(words)] if words else []
    return [tuple(words[i : i + shingle_size]) for i in range(len(words) - shingle_size + 1)]


def lean_minhash(text: str, config: Config = DEFAULT) -> LeanMinHash:
    """Return a text's signature as a datasketch `LeanMinHash`, to use with datasketch.

    Examples:
        >>> a = lean_minhash("Oekraïne koopt honderd Franse Rafale-gevechtsvliegtuigen", DEFAULT)
        >>> b = lean_minhash("Oekraïne koopt honderd Franse Rafale-gevechtsvliegtuigen.", DEFAULT)
        >>> a.jaccard(b), a.scheme
        (1.0, 'affine32')
    """
    return row_minhash(signatures([text], config)[0], config)


def row_minhash(row: NDArray[np.uint32], config: Config) -> LeanMinHash:
    """Return one row of a signature matrix as a datasketch `LeanMinHash`."""
    from datasketch import LeanMinHash  # noqa: PLC0415 - imported on use: it costs 0.3 s

    return LeanMinHash(seed=config.seed, hashvalues=row, scheme="affine32")
