"""Signature: texts -> words -> shingles -> MinHash signature matrix, for a whole batch at once.

Words are those of `normalize`: maximal runs of letters and digits of the NFKC, case-folded
text. One compiled kernel (`kernels.tokenize`) walks the UTF-8 bytes of the whole batch and
hashes every word with XXH64 (the xxhash algorithm, checked against the xxhash library), so
no Python object is made per word. A segment's shingles are its word k-grams (the whole text
when it has fewer than k words); a shingle's hash is the polynomial
`h = (...(t1 * M + t2) * M + ...) + tk mod 2**64` of its word hashes, mixed with the
MurmurHash3 finalizer and cut to its top 32 bits. `shingle_hash` is the same function for
one shingle, to hand to datasketch as `hashfunc`.

The signature of a segment is datasketch's "affine32" MinHash of its shingle hashes: each
hash goes through datasketch's fmix32 pre-mix, then `a_i * h + b_i mod 2**32` for the
permutation i, and row i keeps the minimum (`kernels.affine32`, threaded across texts). The
matrix is bit-identical to `datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=shingle_hash)` fed the same shingles (tests/test_signature.py holds that).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash

from dedupe_news import kernels
from dedupe_news.config import DEFAULT
from dedupe_news.normalize import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config

_MASK64 = (1 << 64) - 1
_POLY = int(kernels.POLY)
_UNICODE_SIZE = 0x110000
_CHUNK_TEXTS = 65_536


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


@lru_cache(maxsize=1)
def word_characters() -> NDArray[np.bool_]:
    """Return, for every code point, whether it is a word character (`str.isalnum`).

    Computed by the running Python, so it agrees with `normalize` on every Unicode version.
    """
    flags = (chr(c).isalnum() for c in range(_UNICODE_SIZE))
    return np.fromiter(flags, dtype=np.bool_, count=_UNICODE_SIZE)


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a batch, hashed, and its normalized texts.

    Text i's word hashes are `hashes[offsets[i]:offsets[i + 1]]`; its `normalize`d text, as
    UTF-8, is `norms[norm_starts[i]:norm_starts[i] + norm_lengths[i]]` (see `norm`).
    """

    hashes: NDArray[np.uint64]
    offsets: NDArray[np.int64]
    norms: NDArray[np.uint8]
    norm_starts: NDArray[np.int64]
    norm_lengths: NDArray[np.int64]

    def counts(self) -> NDArray[np.int64]:
        """Return the number of words of each text."""
        return np.diff(self.offsets)

    def norm(self, index: int) -> str:
        """Return the normalized text of text `index`: `normalize(text)`, without redoing it."""
        start = int(self.norm_starts[index])
        return self.norms[start : start + int(self.norm_lengths[index])].tobytes().decode()


def tokenize(texts: Sequence[str], *, fold_diacritics: bool = False) -> Tokens:
    """Hash the words of every text: the words of `normalize(text)`, in order.

    Examples:
        >>> tokens = tokenize(["Hallo, wereld!", "", "Oekraïne"])
        >>> tokens.counts().tolist(), int(tokens.hashes[0]) == xxhash.xxh64_intdigest(b"hallo")
        ([2, 0, 1], True)
    """
    # Chunks keep each joined buffer in cache-friendly sizes: joining 500k texts at once
    # costs five times as much as joining them 64k at a time.
    parts = [
        _tokenize_chunk(texts[start : start + _CHUNK_TEXTS], fold_diacritics=fold_diacritics)
        for start in range(0, len(texts), _CHUNK_TEXTS)
    ]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(
            np.empty(0, np.uint64), np.zeros(1, np.int64), np.empty(0, np.uint8), empty, empty
        )
    word_base = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
    byte_base = np.cumsum([0] + [len(p.norms) for p in parts[:-1]])
    return Tokens(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate(
            [[0]] + [p.offsets[1:] + base for p, base in zip(parts, word_base, strict=True)]
        ),
        np.concatenate([p.norms for p in parts]),
        np.concatenate([p.norm_starts + base for p, base in zip(parts, byte_base, strict=True)]),
        np.concatenate([p.norm_lengths for p in parts]),
    )


def _tokenize_chunk(texts: Sequence[str], *, fold_diacritics: bool) -> Tokens:
    encoded = [fold(text, fold_diacritics=fold_diacritics).encode() for text in texts]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    bounds = np.zeros(len(encoded) + 1, dtype=np.int64)  # text i: data[bounds[i]:bounds[i + 1]]
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=bounds[1:])
    ascii_only = len(data) == 0 or int(data.max()) < 128
    words = _ASCII_WORDS if ascii_only else word_characters()
    with kernels.threads_for(len(data)):
        hashes, offsets, norms, lengths = kernels.tokenize(data, bounds, words)
    return Tokens(hashes, offsets.astype(np.int64), norms, bounds[:-1], lengths)


_ASCII_WORDS = np.array([chr(c).isalnum() for c in range(128)], dtype=np.bool_)


def text_keys(tokens: Tokens) -> NDArray[np.uint64]:
    """Return two 64-bit keys per text: texts with the same words have the same keys."""
    with kernels.threads_for(len(tokens.hashes)):
        return kernels.text_keys(tokens.hashes, tokens.offsets)


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


def sketch(tokens: Tokens, rows: NDArray[np.int64], config: Config) -> Sketch:
    """Fingerprint the texts `rows` of a tokenized batch: signatures and anchors.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> tokens = tokenize(["Het zeldzame bezoek van Poetin", "", "het zeldzame bezoek"])
        >>> found = sketch(tokens, np.arange(3), DEFAULT)
        >>> found.signatures.shape, bool((found.signatures[1] == 0xFFFFFFFF).all())
        ((3, 128), True)
    """
    a, b = permutations(config.num_perm, config.seed)
    starts, ends = tokens.offsets[rows], tokens.offsets[rows + 1]
    with kernels.threads_for(int((ends - starts).sum()) * config.num_perm // 8):
        matrix = kernels.affine32(tokens.hashes, starts, ends, config.shingle_size, a, b)
    return Sketch(matrix, anchors(tokens.hashes, starts, ends, config.anchor_words))


def signatures(texts: Sequence[str], config: Config) -> NDArray[np.uint32]:
    """Return the MinHash signature matrix of some texts: one uint32 row per text."""
    tokens = tokenize(texts, fold_diacritics=config.fold_diacritics)
    return sketch(tokens, np.arange(len(texts), dtype=np.int64), config).signatures


def anchors(
    hashes: NDArray[np.uint64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    anchor_words: int,
) -> NDArray[np.uint64]:
    """Hash each text's first and last `anchor_words` words: shape (n, 2), 0 when too short.

    Examples:
        >>> tokens = tokenize(["a b c", "a b d", "a b"])
        >>> keys = anchors(tokens.hashes, tokens.offsets[:-1], tokens.offsets[1:], 2)
        >>> bool(keys[0, 0] == keys[1, 0]), bool(keys[0, 1] == keys[1, 1]), keys[2].tolist()
        (True, False, [0, 0])
    """
    keys = np.zeros((len(starts), 2), dtype=np.uint64)
    # A text of exactly `anchor_words` words is a whole-text match, found without anchors.
    long_enough = np.flatnonzero(ends - starts > anchor_words)
    for column, first in enumerate((starts[long_enough], ends[long_enough] - anchor_words)):
        h = np.full(len(first), column + 1, dtype=np.uint64)  # salt: head 1, tail 2
        for j in range(anchor_words):
            h = h * kernels.POLY + hashes[first + j]
        keys[long_enough, column] = kernels.fmix64_array(h) | np.uint64(1)  # never 0
    return keys


def lean_minhash(text: str, config: Config = DEFAULT) -> LeanMinHash:
    """Return a text's signature as a datasketch `LeanMinHash`, to use with datasketch.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> a = lean_minhash("Oekraïne koopt honderd Franse Rafale-gevechtsvliegtuigen", DEFAULT)
        >>> b = lean_minhash("Oekraïne koopt honderd Franse Rafale-gevechtsvliegtuigen.", DEFAULT)
        >>> a.jaccard(b), a.scheme
        (1.0, 'affine32')
    """
    return row_minhash(signatures([text], config)[0], config)


def row_minhash(row: NDArray[np.uint32], config: Config) -> LeanMinHash:
    """Return one row of a signature matrix as a datasketch `LeanMinHash`."""
    return LeanMinHash(seed=config.seed, hashvalues=row, scheme="affine32")


def jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Estimate the Jaccard similarity of row pairs: the fraction of equal columns."""
    return np.asarray((sig_a == sig_b).mean(axis=-1), dtype=np.float64)
