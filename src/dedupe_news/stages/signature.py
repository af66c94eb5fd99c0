"""Signature: tokens -> MinHash signature matrix and head/tail anchors, for a whole batch.

A segment's shingles are its word k-grams (the whole text when it has fewer than k words); a
shingle's hash is the polynomial `h = (...(t1 * M + t2) * M + ...) + tk mod 2**64` of its word
hashes, mixed with the MurmurHash3 finalizer and cut to its top 32 bits
(`dedupe_news.interop.shingle_hash` is the same function for one shingle).

The signature of a segment is datasketch's "affine32" MinHash of its shingle hashes: each
hash goes through datasketch's fmix32 pre-mix, then `a_i * h + b_i mod 2**32` for the
permutation i, and row i keeps the minimum (`_kernels.affine32`, threaded across texts). The
matrix is bit-identical to `datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=shingle_hash)` fed the same shingles (tests/test_signature.py holds that).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from dedupe_news.memory import release_freed, release_tail
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _sketch_kernels as sketch_kernels
from dedupe_news.stages.tokenize import tokenize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.stages.tokenize import Tokens


# Texts of at most this many words (headlines, short teasers) are indexed by their words too.
SHORT_WORDS = 16


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """Return datasketch's affine32 permutation parameters (a, b) for this seed.

    The same draws as `datasketch.MinHash(num_perm, seed, scheme="affine32")` makes: an odd
    `a` (a bijection mod 2**32) and any `b`, from numpy's legacy `RandomState(seed)`, whose
    stream numpy keeps stable. Drawn here so the hot path never imports datasketch (and scipy
    with it); tests/test_signature.py holds them equal to datasketch's.

    Examples:
        >>> a, b = permutations(4, 1)
        >>> bool((a % 2 == 1).all()), a.dtype.name, len(b)
        (True, 'uint32', 4)
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


@dataclass(frozen=True, slots=True)
class Sketch:
    """The fingerprints of a batch of texts.

    Attributes:
        signatures: MinHash signature matrix, one uint32 row per text; no rows in a sketch
            made by `sketch_keys` (`signature_rows` remakes rows from the shingles).
        anchors: Hash of each text's first and last `anchor_words` words, shape (n, 2);
            0 for a text with no more words than that (it is matched whole instead).
        shingles: Every text's distinct shingle hashes (64-bit), sorted, one flat array:
            text i's are `shingles[shingle_offsets[i]:shingle_offsets[i + 1]]`. The
            candidate index and the containment score read them.
        shingle_offsets: Where each text's shingles start, length n + 1.
        words: The distinct word hashes of each short text (at most `SHORT_WORDS` words),
            sorted, flat; empty for longer texts. A one-word edit of a headline leaves
            few shared shingles but most words: the candidate index reads these too.
        word_offsets: Where each text's words start, length n + 1.
    """

    signatures: NDArray[np.uint32]
    anchors: NDArray[np.uint64]
    shingles: NDArray[np.uint64]
    shingle_offsets: NDArray[np.int64]
    words: NDArray[np.uint64]
    word_offsets: NDArray[np.int64]

    def shingle_counts(self) -> NDArray[np.int64]:
        """Return the number of distinct shingles of each text."""
        return np.diff(self.shingle_offsets)


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
    extras = _short_words_anchors(tokens, rows, config)
    with kernels.threads_for(int((ends - starts).sum()) * config.num_perm // 8):
        matrix, shingles, offsets = kernels.sketch_sets(
            tokens.hashes, starts, ends, config.shingle_size, a, b
        )
    return _sketch_of((matrix, shingles, offsets), extras)


def sketch_keys(
    tokens: Tokens, rows: NDArray[np.int64], config: Config
) -> tuple[Sketch, NDArray[np.uint64]]:
    """Fingerprint the texts `rows` as `sketch` does, giving bucket keys, not the signatures.

    Returns the sketch, whose `signatures` has no rows (`signature_rows` remakes any from
    the shingles), and `lsh.bucket_keys` of the sketch `sketch` would give: `lean_sketch`
    and then `sketch_bucket_keys`.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> tokens = tokenize(["Het zeldzame bezoek van Poetin", "", "het zeldzame bezoek"])
        >>> found, keys = sketch_keys(tokens, np.arange(3), DEFAULT)
        >>> found.signatures.shape, keys.shape
        ((0, 128), (3, 27))
    """
    found = lean_sketch(tokens, rows, config)
    return found, sketch_bucket_keys(found, config)


def lean_sketch(
    tokens: Tokens, rows: NDArray[np.int64], config: Config, *, over_words: bool = False
) -> Sketch:
    """Fingerprint the texts `rows` as `sketch` does, without the signature matrix.

    Its bucket keys come from `sketch_bucket_keys`, which reads the shingle sets alone: a
    caller can free the word hashes (8 bytes a word) before the keys are made. The short
    texts' words and the anchors are made first, and their temporaries freed, before the
    shingle sets (as large as the words) are made beside the words: 30 MiB less at the
    peak of the 65k-page crawl. With `over_words`, the shingle sets are written over the
    word hashes (`_sketch_kernels.sets_over_words`; `rows` ascending): no array as large as
    the words is made beside them (155 MiB on that crawl), and `tokens.hashes` is spent:
    for a caller that reads the words no more.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> tokens = tokenize(["Het zeldzame bezoek van Poetin", "", "het zeldzame bezoek"])
        >>> rows = np.array([0, 2])
        >>> kept = lean_sketch(tokens, rows, DEFAULT).shingles.tolist()
        >>> lean_sketch(tokens, rows, DEFAULT, over_words=True).shingles.tolist() == kept
        True
    """
    extras = _short_words_anchors(tokens, rows, config)
    release_freed()  # the anchors' per-text temporaries, before the largest array is made
    starts, ends = tokens.offsets[rows], tokens.offsets[rows + 1]
    made = sketch_kernels.sets_over_words if over_words else kernels.shingle_sets
    with kernels.threads_for(int((ends - starts).sum()) * 8):
        shingles, offsets = made(tokens.hashes, starts, ends, config.shingle_size)
    if over_words:  # the words past the sets are read no more (8 MiB on the 65k crawl)
        release_tail(tokens.hashes, shingles.nbytes)
    empty = np.empty((0, config.num_perm), dtype=np.uint32)
    return _sketch_of((empty, shingles, offsets), extras)


def sketch_bucket_keys(found: Sketch, config: Config) -> NDArray[np.uint64]:
    """Return `lsh.bucket_keys` of the sketch's signatures, never holding them.

    The matrix is `num_perm` x 4 bytes a text, the keys (bands + 2) x 8 (512 and 216 at the
    defaults): each row is made from its text's shingle set and hashed into its keys as it
    is made (`_sketch_kernels.set_keys`).
    """
    a, b = permutations(config.num_perm, config.seed)
    bands, band_rows = config.bands_rows()
    with kernels.threads_for(len(found.shingles) * config.num_perm // 8):
        keys = sketch_kernels.set_keys(
            found.shingles, found.shingle_offsets, a, b, bands, band_rows, 2
        )
    keys[:, bands:] = found.anchors
    return keys


_Extras: TypeAlias = "tuple[NDArray[np.uint64], NDArray[np.uint64], NDArray[np.int64]]"


def _short_words_anchors(tokens: Tokens, rows: NDArray[np.int64], config: Config) -> _Extras:
    """Return the texts' anchors, and the short texts' distinct words and their offsets."""
    starts, ends = tokens.offsets[rows], tokens.offsets[rows + 1]
    short_ends = np.where(ends - starts <= SHORT_WORDS, ends, starts)
    with kernels.threads_for(int((short_ends - starts).sum()) * 8):
        short_words, word_offsets = kernels.shingle_sets(tokens.hashes, starts, short_ends, 1)
    del short_ends
    keys = anchors(tokens.hashes, starts, ends, config.anchor_words)
    return keys, short_words, word_offsets.astype(np.int64)


def _sketch_of(
    parts: tuple[NDArray[np.uint32], NDArray[np.uint64], NDArray[np.int64]], extras: _Extras
) -> Sketch:
    """Return the sketch of these parts and `_short_words_anchors`."""
    matrix, shingles, offsets = parts
    keys, short_words, word_offsets = extras
    return Sketch(matrix, keys, shingles, offsets.astype(np.int64), short_words, word_offsets)


def signature_rows(found: Sketch, rows: NDArray[np.int64], config: Config) -> NDArray[np.uint32]:
    """Return the signature rows of texts `rows`: held ones read, else remade from the shingles.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> tokens = tokenize(["Het zeldzame bezoek van Poetin", "het zeldzame bezoek"])
        >>> held, (lean, _) = sketch(tokens, np.arange(2), DEFAULT), sketch_keys(
        ...     tokens, np.arange(2), DEFAULT)
        >>> remade = signature_rows(lean, np.array([1, 0]), DEFAULT)
        >>> bool((remade == held.signatures[[1, 0]]).all())
        True
    """
    if len(found.signatures) == len(found.shingle_offsets) - 1:
        return found.signatures[rows]
    a, b = permutations(config.num_perm, config.seed)
    sizes = found.shingle_offsets[rows + 1] - found.shingle_offsets[rows]
    with kernels.threads_for(int(sizes.sum()) * config.num_perm // 8):
        return sketch_kernels.sign_sets(found.shingles, found.shingle_offsets, rows, a, b)


def estimates(found: Sketch, pairs: NDArray[np.int64], config: Config) -> NDArray[np.float64]:
    """Return the Jaccard estimate of each pair of texts (rows of `pairs`), from signatures.

    Each text's row is read or remade once (`signature_rows`), however many pairs hold it.
    """
    texts, where = np.unique(pairs, return_inverse=True)
    matrix = signature_rows(found, texts.astype(np.int64), config)
    where = where.reshape(pairs.shape)
    return jaccard(matrix[where[:, 0]], matrix[where[:, 1]])


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


def jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Estimate the Jaccard similarity of row pairs: the fraction of equal columns."""
    return np.asarray((sig_a == sig_b).mean(axis=-1), dtype=np.float64)
