"""Tokenize: texts -> the hashed words of each text and its normalized form, for a whole batch.

Words are those of `normalize`: maximal runs of letters and digits of the NFKC, case-folded
text. One compiled kernel (`_kernels.tokenize`) walks the UTF-8 bytes of the whole batch and
hashes every word with XXH64 (the xxhash algorithm, checked against the xxhash library), so
no Python object is made per word. It writes each text's `normalize`d form as it goes, so
later stages slice norms out of one buffer instead of normalizing again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.normalize import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

_UNICODE_SIZE = 0x110000
_CHUNK_TEXTS = 1 << 18
_CHUNK_CHARS = 1 << 25


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

    def without_words(self) -> Tokens:
        """Return these tokens without their word hashes: `hashes` is empty.

        `counts` and `norm` answer as before. Once a batch is signed only the norms are read
        again, and the hashes (8 bytes a word) are the largest column a batch holds.

        Examples:
            >>> tokens = tokenize(["Hallo, wereld!"]).without_words()
            >>> len(tokens.hashes), tokens.counts().tolist(), tokens.norm(0)
            (0, [2], 'hallo wereld')
        """
        return replace(self, hashes=np.empty(0, dtype=np.uint64))


def tokenize(texts: Sequence[str], *, fold_diacritics: bool = False) -> Tokens:
    """Hash the words of every text: the words of `normalize(text)`, in order.

    Examples:
        >>> tokens = tokenize(["Hallo, wereld!", "", "Oekraïne"])
        >>> import xxhash
        >>> tokens.counts().tolist(), int(tokens.hashes[0]) == xxhash.xxh64_intdigest(b"hallo")
        ([2, 0, 1], True)
    """
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(
            np.empty(0, np.uint64), np.zeros(1, np.int64), np.empty(0, np.uint8), empty, empty
        )
    columns: list[list[NDArray[Any]]] = [[], [], [], [], []]
    word_base, byte_base = 0, 0
    for start, end in _chunks(texts):
        part = _tokenize_chunk(texts[start:end], fold_diacritics=fold_diacritics)
        columns[0].append(part.hashes)
        columns[1].append(part.offsets[1:] + word_base)
        columns[2].append(part.norms)
        columns[3].append(part.norm_starts + byte_base)
        columns[4].append(part.norm_lengths)
        word_base += int(part.offsets[-1])
        byte_base += len(part.norms)
    del part  # the columns alone hold the chunks now
    columns[1].insert(0, np.zeros(1, dtype=np.int64))
    # One column at a time, its chunks dropped once joined: the batch's tokens are held
    # once plus one column while joining, not twice.
    hashes, offsets, norms, starts, lengths = (_joined(column) for column in columns)
    return Tokens(hashes, offsets, norms, starts, lengths)


def _joined(chunks: list[NDArray[Any]]) -> NDArray[Any]:
    """Concatenate one column's chunks and empty the list, so the chunks can be freed."""
    joined = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    chunks.clear()
    return joined


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Cut the texts into chunks of about `_CHUNK_CHARS` characters, at most `_CHUNK_TEXTS` texts.

    Chunks keep each joined buffer in cache-friendly sizes: joining 500k texts at once
    costs five times as much as joining them 64k at a time. They are not smaller than
    glibc's largest mmap threshold (32 MB), though: smaller per-chunk arrays come from the
    heap, which keeps their pages once they are freed (176 MB resident for nothing at 500k
    paragraphs, against 0 when every chunk's arrays are mapped and unmapped).
    """
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    cut = np.cumsum(lengths) // _CHUNK_CHARS + np.arange(len(texts)) // _CHUNK_TEXTS
    starts = np.r_[0, np.flatnonzero(np.diff(cut)) + 1].tolist()
    return list(zip(starts, [*starts[1:], len(texts)], strict=True))


def _tokenize_chunk(texts: Sequence[str], *, fold_diacritics: bool) -> Tokens:
    data, bounds = _fold_chunk(texts, fold_diacritics=fold_diacritics)
    ascii_only = len(data) == 0 or int(data.max()) < 128
    words = _ASCII_WORDS if ascii_only else word_characters()
    with kernels.threads_for(len(data)):
        hashes, offsets, norms, lengths = kernels.tokenize(data, bounds, words)
    return Tokens(hashes, offsets.astype(np.int64), norms, bounds[:-1], lengths)


def _fold_chunk(
    texts: Sequence[str], *, fold_diacritics: bool
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Return the chunk's texts, folded, as UTF-8, and their bounds: text i is data[b[i]:b[i+1]].

    One string per chunk, joined by NUL, is encoded instead of one per text (the per-text
    fold and encode cost 1.9 s of 2.2 on 300k segments). An ASCII text goes in as it is:
    folding ASCII is lowering it, which the kernel does as it copies each word. The other
    texts are folded together, joined by NUL and split again, which is folding each alone:
    case folding maps each character on its own, and NUL is a starter that no NFKC mapping
    produces and nothing composes with, so no normalization reaches across it
    (tests/test_tokenize.py checks the batch against `normalize` text by text). Each text
    keeps its NUL at its end: the kernel reads it as a word break. A text holding a NUL
    itself would shift the bounds: then the texts are encoded one by one.
    """
    parts = list(texts)
    plain = np.fromiter(map(str.isascii, texts), np.bool_, len(texts))
    others = np.flatnonzero(~plain).tolist()
    if others:
        folded = fold(_SEPARATOR.join([texts[i] for i in others]), fold_diacritics=fold_diacritics)
        split = folded.split(_SEPARATOR)
        if len(split) != len(others):  # a text holds a NUL
            split = [fold(texts[i], fold_diacritics=fold_diacritics) for i in others]
        for i, text in zip(others, split, strict=True):
            parts[i] = text
    data = np.frombuffer(_SEPARATOR.join(parts).encode(), np.uint8)
    ends = np.flatnonzero(data == 0)
    bounds = np.empty(len(texts) + 1, dtype=np.int64)
    bounds[0] = 0
    if len(ends) == len(texts) - 1:
        bounds[1:-1], bounds[-1] = ends + 1, len(data)
        return data, bounds
    encoded = [text.encode() for text in parts]
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=bounds[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), bounds


_SEPARATOR = "\x00"
_ASCII_WORDS = np.array([chr(c).isalnum() for c in range(128)], dtype=np.bool_)


def text_keys(tokens: Tokens) -> NDArray[np.uint64]:
    """Return two 64-bit keys per text: texts with the same words have the same keys."""
    with kernels.threads_for(len(tokens.hashes)):
        return kernels.text_keys(tokens.hashes, tokens.offsets)
