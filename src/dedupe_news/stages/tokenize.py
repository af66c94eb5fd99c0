"""Tokenize: texts -> the hashed words of each text and its normalized form, for a whole batch.

Words are those of `normalize`: maximal runs of letters and digits of the NFKC, case-folded
text. One compiled kernel (`_kernels.tokenize`) walks the UTF-8 bytes of the whole batch and
hashes every word with XXH64 (the xxhash algorithm, checked against the xxhash library), so
no Python object is made per word. It writes each text's `normalize`d form as it goes, so
later stages slice norms out of one buffer instead of normalizing again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress
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


def word_characters() -> NDArray[np.bool_]:
    """Return, for every code point, whether it is a word character (`str.isalnum`).

    Computed by the running Python, so it agrees with `normalize` on every Unicode version:
    the regex engine's word class less the underscore is `str.isalnum` (both are CPython's
    `Py_UNICODE_ISALNUM`).
    """
    return code_points(r"[^\W_]")


@lru_cache(maxsize=4)
def code_points(pattern: str) -> NDArray[np.bool_]:
    """Return, for every code point, whether the one-character regex `pattern` matches it.

    One regex pass over a string of every code point takes 20 ms, where calling
    `str.isalnum` per code point took 360 ms, paid by a process's first batch.

    Examples:
        >>> flags = code_points("[0-9]")
        >>> bool(flags[ord("7")]), bool(flags[ord("a")]), int(flags.sum())
        (True, False, 10)
    """
    flags = np.zeros(_UNICODE_SIZE, dtype=np.bool_)
    runs = re.compile(f"(?:{pattern})+")
    for low in range(0, _UNICODE_SIZE, _PLANE):  # a plane at a time: no 4 MB string held
        plane = np.arange(low, low + _PLANE, dtype="<u4").tobytes()
        for run in runs.finditer(plane.decode("utf-32-le", "surrogatepass")):
            flags[low + run.start() : low + run.end()] = True
    return flags


_PLANE = 0x10000


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

    def take(self, rows: NDArray[np.int64]) -> Tokens:
        """Return the tokens of the texts `rows`, in that order: row k is text `rows[k]`.

        The word hashes are copied text by text in one compiled pass (no index array);
        the norms are shared, not copied.

        Examples:
            >>> tokens = tokenize(["een twee", "", "drie"])
            >>> taken = tokens.take(np.array([2, 0]))
            >>> taken.counts().tolist(), taken.norm(1), bool(taken.hashes[0] == tokens.hashes[2])
            ([1, 2], 'een twee', True)
        """
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(self.counts()[rows], out=offsets[1:])
        with kernels.threads_for(int(offsets[-1])):
            hashes = kernels.gather_slices(self.hashes, self.offsets[rows], offsets)
        return Tokens(hashes, offsets, self.norms, self.norm_starts[rows], self.norm_lengths[rows])

    def without_words(self) -> Tokens:
        """Return these tokens without their word hashes: `hashes` is empty.

        `counts` and `norm` answer as before. The pipeline keeps these for the stages after
        the signatures, which read no word hash: the hashes (8 bytes a word) are the largest
        column a batch holds.

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
    chars = np.fromiter(map(len, texts), np.int64, len(texts))
    chunks = _chunks(chars)
    if len(chunks) == 1:  # the chunk's arrays are the columns: nothing to copy
        return _tokenize_chunk(texts, chars, fold_diacritics=fold_diacritics)
    total = int(chars.sum())
    # Columns filled chunk by chunk, grown in place: the chunks are never held beside the
    # whole batch (joining them held each column twice over: 270 MB more on 1M segments).
    hashes = _Column(np.uint64, total // _CHARS_PER_WORD + len(texts))
    offsets = _Column(np.int64, len(texts) + 1)
    # UTF-8 takes two bytes for an accented letter: room for twice the characters, as
    # pages never written are never resident, while growing zero-fills (touches) the new
    # room (90 MiB on 65k pages, whose norms came to 0.1% more bytes than characters).
    norms = _Column(np.uint8, 2 * total + len(texts))
    starts = _Column(np.int64, len(texts))
    lengths = _Column(np.int64, len(texts))
    offsets.append(np.zeros(1, dtype=np.int64))
    for start, end in chunks:
        # The kernels write each chunk's norms and hashes into the columns: nothing copied.
        data, first, last, ascii_only = _fold_chunk(
            texts[start:end], chars[start:end], fold_diacritics=fold_diacritics
        )
        base, out = norms.size, norms.extend(len(data))
        with kernels.threads_for(len(data)):
            counts, chunk_lengths = kernels.fold_words(
                data, first, last, _ASCII_WORDS if ascii_only else word_characters(), out
            )
        del data  # before the hashes are made
        steps = np.cumsum(counts)
        offsets.append(steps[1:] + hashes.size)
        with kernels.threads_for(int(chunk_lengths.sum())):
            kernels.hash_words(out, first, chunk_lengths, steps, hashes.extend(int(steps[-1])))
        starts.append(first + base)
        lengths.append(chunk_lengths)
        del out  # a view of the norms, which the next chunk may move
    return Tokens(hashes.done(), offsets.done(), norms.done(), starts.done(), lengths.done())


_CHARS_PER_WORD = 5  # a first guess at the words (news text: 5.5 characters a word)


class _Column:
    """A numpy column filled a chunk at a time, grown and finally cut in place (realloc).

    A large array is its own memory mapping: growing or cutting it remaps its pages
    (`mremap`), it copies nothing, and pages never written are never resident.
    """

    def __init__(self, dtype: type[np.generic], capacity: int) -> None:
        self._array: NDArray[Any] = np.empty(max(capacity, 1), dtype=dtype)
        self.size = 0

    def append(self, part: NDArray[Any]) -> None:
        """Copy `part` after the values held."""
        self.extend(len(part))[:] = part

    def extend(self, count: int) -> NDArray[Any]:
        """Hold `count` values more, zeros for now; return a view of them, to be filled.

        The column grows by half when it is full. The view is valid until the next
        `extend` or `done`, which may move the column.
        """
        end = self.size + count
        if end > len(self._array):
            # refcheck off: the array is this object's alone (no view of it is kept).
            self._array.resize(max(end, len(self._array) * 3 // 2), refcheck=False)
        view = self._array[self.size : end]
        view[:] = 0
        self.size = end
        return view

    def done(self) -> NDArray[Any]:
        """Return the column, cut to the values held."""
        self._array.resize(self.size, refcheck=False)
        return self._array


def _chunks(chars: NDArray[np.int64]) -> list[tuple[int, int]]:
    """Cut texts of these lengths into chunks of about `_CHUNK_CHARS` characters.

    At most `_CHUNK_TEXTS` texts a chunk. Chunks keep each joined buffer in cache-friendly
    sizes: joining 500k texts at once costs five times as much as joining them 64k at a
    time. They are not smaller than glibc's largest mmap threshold (32 MB), though: smaller
    per-chunk arrays come from the heap, which keeps their pages once they are freed (176 MB
    resident for nothing at 500k paragraphs, against 0 when every chunk's arrays are mapped
    and unmapped).
    """
    if len(chars) == 0:
        return []
    cut = np.cumsum(chars) // _CHUNK_CHARS + np.arange(len(chars)) // _CHUNK_TEXTS
    bounds = np.r_[0, np.flatnonzero(np.diff(cut)) + 1].tolist()
    return list(zip(bounds, [*bounds[1:], len(chars)], strict=True))


def _tokenize_chunk(
    texts: Sequence[str], chars: NDArray[np.int64], *, fold_diacritics: bool
) -> Tokens:
    """Tokenize one chunk of texts, of `chars` characters each."""
    data, starts, ends, ascii_only = _fold_chunk(texts, chars, fold_diacritics=fold_diacritics)
    words = _ASCII_WORDS if ascii_only else word_characters()
    with kernels.threads_for(len(data)):
        hashes, offsets, norms, lengths = kernels.tokenize(data, starts, ends, words)
    return Tokens(hashes, offsets, norms, starts, lengths)


def _fold_chunk(
    texts: Sequence[str], chars: NDArray[np.int64], *, fold_diacritics: bool
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], bool]:
    """Return the chunk's texts, folded, as UTF-8: text i is data[starts[i]:ends[i]].

    The last value says whether every text is ASCII. One string per kind of text is
    encoded instead of one per text (the per-text fold and encode cost 1.9 s of 2.2 on 300k
    segments). The ASCII texts come first, joined as they are: folding ASCII is lowering it,
    which the kernel does as it copies each word, and their bytes are their characters, so
    their bounds are their lengths. The other texts follow, folded together, joined by NUL:
    that is folding each alone, since case folding maps each character on its own, and NUL
    is a starter that no NFKC mapping produces and nothing composes with, so no
    normalization reaches across it (tests/test_tokenize.py checks the batch against
    `normalize` text by text). Their bounds are the NULs of the encoded string, or, when a
    text holds a NUL itself, the lengths of the texts folded and encoded one by one.
    """
    plain = np.fromiter(map(str.isascii, texts), np.bool_, len(texts))
    simple, others = np.flatnonzero(plain), np.flatnonzero(~plain)
    head = "".join(compress(texts, plain)).encode()
    tail = b""
    starts = np.empty(len(texts), dtype=np.int64)
    ends = np.empty(len(texts), dtype=np.int64)
    lengths = chars[simple]
    ends[simple] = np.cumsum(lengths)
    starts[simple] = ends[simple] - lengths
    if len(others):
        chosen = list(compress(texts, ~plain))
        tail = fold(_SEPARATOR.join(chosen), fold_diacritics=fold_diacritics).encode()
        breaks = np.flatnonzero(np.frombuffer(tail, np.uint8) == 0)
        if len(breaks) == len(others) - 1:
            stops = np.append(breaks, len(tail))
            firsts = np.r_[0, breaks + 1]
        else:  # a text holds a NUL
            parts = [fold(text, fold_diacritics=fold_diacritics).encode() for text in chosen]
            stops = np.cumsum(np.fromiter(map(len, parts), np.int64, len(parts)))
            firsts = stops - np.fromiter(map(len, parts), np.int64, len(parts))
            tail = b"".join(parts)
        starts[others] = firsts + len(head)
        ends[others] = stops + len(head)
    data = np.empty(len(head) + len(tail), dtype=np.uint8)
    data[: len(head)] = np.frombuffer(head, np.uint8)
    data[len(head) :] = np.frombuffer(tail, np.uint8)
    return data, starts, ends, len(others) == 0


_SEPARATOR = "\x00"
_ASCII_WORDS = np.array([chr(c).isalnum() for c in range(128)], dtype=np.bool_)


def text_keys(tokens: Tokens) -> NDArray[np.uint64]:
    """Return two 64-bit keys per text: texts with the same words have the same keys."""
    with kernels.threads_for(len(tokens.hashes)):
        return kernels.text_keys(tokens.hashes, tokens.offsets)
