"""Tokenize: texts -> the hashed words of each text and its normalized form, for a whole batch.

Words are those of `normalize`: maximal runs of letters and digits of the NFKC, case-folded
text. One compiled kernel (`_kernels.tokenize`) walks the UTF-8 bytes of the whole batch and
hashes every word with XXH64 (the xxhash algorithm, checked against the xxhash library), so
no Python object is made per word. It writes each text's `normalize`d form as it goes, so
later stages slice norms out of one buffer instead of normalizing again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _token_kernels as token_kernels
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
def code_points(pattern: str, planes: int = 17) -> NDArray[np.bool_]:
    """Return, for every code point, whether the one-character regex `pattern` matches it.

    One regex pass over a string of every code point takes 20 ms, where calling
    `str.isalnum` per code point took 360 ms, paid by a process's first batch. A caller
    knowing that no code point past the first `planes` planes matches reads only those.

    Examples:
        >>> flags = code_points("[0-9]")
        >>> bool(flags[ord("7")]), bool(flags[ord("a")]), int(flags.sum())
        (True, False, 10)
    """
    flags = np.zeros(planes * _PLANE, dtype=np.bool_)  # past them, nothing matches
    runs = re.compile(f"(?:{pattern})+")
    for low in range(0, planes * _PLANE, _PLANE):  # a plane at a time: no 4 MB string held
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
        return _tokenize_chunk(texts, fold_diacritics=fold_diacritics)
    total = int(chars.sum())
    # Columns filled chunk by chunk, grown in place: the chunks are never held beside the
    # whole batch (joining them held each column twice over: 270 MB more on 1M segments).
    hashes = _Column(np.uint64, total // _CHARS_PER_WORD + len(texts))
    offsets = _Column(np.int64, len(texts) + 1)
    # UTF-8 takes two bytes for an accented letter: room for twice the characters, as
    # pages never written are never resident (on 65k pages, the norms came to 0.1% more
    # bytes than characters).
    norms = _Column(np.uint8, 2 * total + len(texts))
    starts = _Column(np.int64, len(texts))
    lengths = _Column(np.int64, len(texts))
    offsets.append(np.zeros(1, dtype=np.int64))
    for start, end in chunks:
        # The kernels write each chunk's norms and hashes into the columns: nothing copied.
        data, extra, first, last, table = _encoded(
            texts[start:end], fold_diacritics=fold_diacritics
        )
        base, out = norms.size, norms.extend(len(data) + len(extra))
        if len(extra):  # the room of the texts folded apart is not written by the kernel
            out[: len(data)] = 0
        with kernels.threads_for(len(data)):
            counts, chunk_lengths = token_kernels.split_joined(
                data, extra, first, last, table, _words_of(extra), out
            )
        del data, extra  # before the hashes are made
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
        """Hold `count` values more, not set yet; return a view of them, to be filled.

        The column grows by half when it is full. The view is valid until the next
        `extend` or `done`, which may move the column. The values are not zeroed: the
        caller's kernel writes every one (zeroing them first touched every page twice:
        0.3 s of the 20k crawl's tokenize stage under load).
        """
        end = self.size + count
        if end > len(self._array):
            # refcheck off: the array is this object's alone (no view of it is kept).
            self._array.resize(max(end, len(self._array) * 3 // 2), refcheck=False)
        view = self._array[self.size : end]
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


def _tokenize_chunk(texts: Sequence[str], *, fold_diacritics: bool) -> Tokens:
    """Tokenize one chunk of texts."""
    data, extra, starts, ends, table = _encoded(texts, fold_diacritics=fold_diacritics)
    with kernels.threads_for(len(data) + len(extra)):
        hashes, offsets, norms, lengths = token_kernels.tokenize_joined(
            data, extra, starts, ends, table, _words_of(extra)
        )
    return Tokens(hashes, offsets, norms, starts, lengths)


def _encoded(
    texts: Sequence[str], *, fold_diacritics: bool
) -> tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], Table]:
    """Return the chunk's texts as UTF-8, where each is, and the table that folds them.

    The texts are joined by NUL and encoded as they are, in one string: text i is
    data[starts[i]:ends[i]], which the kernels fold a code point at a time through the
    table (`fold_table`), lowering ASCII as they copy each word. That is `fold` text by
    text, and no string is made per text or per kind of text (folding and encoding the
    non-ASCII texts in Python took 0.06 s of the 20k crawl's 0.16 s here). A text holding a
    code point the table cannot fold, or any non-ASCII text with `fold_diacritics`, is
    folded by Python (`_folded_apart`): its bytes are in `extra`, and its bounds are past
    `data` (starts[i] - len(data) in `extra`). A text holding a NUL itself has it read as a
    space, which `fold` and the word split treat alike (neither is a word character, nor
    changes, nor composes with anything).
    """
    data = np.frombuffer(_SEPARATOR.join(texts).encode(), np.uint8)
    with kernels.threads_for(len(data)):
        nuls, seen = token_kernels.joined_bounds(data)
    if len(nuls) != len(texts) - 1:  # a text holds a NUL
        spaced = [text.replace(_SEPARATOR, " ") for text in texts]
        return _encoded(spaced, fold_diacritics=fold_diacritics)
    starts = np.r_[0, nuls + 1]
    ends = np.r_[nuls, len(data)]
    table = fold_table(seen, fold_diacritics=fold_diacritics)
    extra = np.frombuffer(b"", np.uint8)
    if not table[np.flatnonzero(seen)].all():  # some code point folds in Python alone
        with kernels.threads_for(len(data)):
            apart = np.flatnonzero(token_kernels.unfoldable(data, starts, ends, table))
        extra, starts[apart], ends[apart] = _folded_apart(
            [texts[i] for i in apart.tolist()], fold_diacritics=fold_diacritics
        )
        starts[apart] += len(data)
        ends[apart] += len(data)
    return data, extra, starts, ends, table


def _folded_apart(
    texts: list[str], *, fold_diacritics: bool
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64]]:
    """Return the texts folded by `fold`, as UTF-8 joined by NUL, and where each is.

    They are folded together, joined by NUL: that is folding each alone, since case folding
    maps each character on its own, and NUL is a starter that no NFKC mapping produces and
    nothing composes with, so no normalization reaches across it (tests/test_tokenize.py
    checks the batch against `normalize` text by text). The texts hold no NUL.
    """
    folded = fold(_SEPARATOR.join(texts), fold_diacritics=fold_diacritics).encode()
    extra = np.frombuffer(folded, np.uint8)
    nuls = np.flatnonzero(extra == 0)
    return extra, np.r_[0, nuls + 1], np.r_[nuls, len(extra)]


_SEPARATOR = "\x00"
_ASCII_WORDS = np.array([chr(c).isalnum() for c in range(128)], dtype=np.bool_)
Table: TypeAlias = "NDArray[np.int32]"
"""What each code point folds to: a word character, `SEPARATOR`, or 0 (fold it in Python)."""


def _words_of(extra: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Return the word characters the kernels need to split `extra`: all when it holds any."""
    return word_characters() if len(extra) else _ASCII_WORDS


def fold_table(seen: NDArray[np.bool_], *, fold_diacritics: bool = False) -> Table:
    """Return what `fold` makes of each code point: ASCII's and those `seen` marks.

    A value is the code point of the word character it folds to, in as many UTF-8 bytes,
    `token_kernels.SEPARATOR` when it folds to no word character, or 0 when it cannot be
    folded on its own (`folds_to`); every code point not marked is 0. With
    `fold_diacritics`, every code point past ASCII is 0: the texts holding one are folded
    by Python.

    Examples:
        >>> seen = np.zeros(0x110000, dtype=np.bool_)
        >>> seen[[ord("Ë"), ord("\u00a0"), ord("\u0301")]] = True
        >>> table = fold_table(seen)
        >>> chr(table[ord("Ë")]), int(table[ord("\u00a0")]), int(table[ord("\u0301")])
        ('ë', -1, 0)
        >>> chr(table[ord("A")]), int(table[ord(",")]), int(table[ord("Ä")])
        ('a', -1, 0)
    """
    table = np.zeros(len(seen), dtype=np.int32)  # pages never written are never resident
    table[:128] = _ASCII_FOLDS
    if not fold_diacritics:
        for point in np.flatnonzero(seen[128:]).tolist():
            table[point + 128] = folds_to(point + 128)
    return table


_ASCII_FOLDS = np.array(
    [ord(chr(c).lower()) if chr(c).isalnum() else token_kernels.SEPARATOR for c in range(128)],
    dtype=np.int32,
)


@lru_cache(maxsize=1 << 16)
def folds_to(point: int) -> int:
    """Return what `fold` makes of a code point wherever it stands: a table value.

    `fold` of a text is that of each code point in turn when every one of them is stable
    under NFKC, has combining class 0 and composes with no character before it (it is no
    later character of a canonical decomposition), and case-folds to one code point that is
    all of that too: the text is then NFKC already, and so is its case fold. Such a word
    character is folded to its case fold (kept when it takes as many UTF-8 bytes: the norm
    is written over the text's own room). A code point folding to no word character at all
    (a no-break space, an ellipsis) is a separator in the word split wherever it stands, as
    long as what it decomposes to starts with such a starter (so nothing before it changes).

    Examples:
        >>> chr(folds_to(ord("Ï"))), folds_to(ord("…")), folds_to(ord("ß")), folds_to(ord("ﬁ"))
        ('ï', -1, 0, 0)
    """
    char = chr(point)
    into = fold(char)
    if not any(c.isalnum() for c in into):
        alone = _starts_alone(unicodedata.normalize("NFKD", char)) and _starts_alone(into)
        return token_kernels.SEPARATOR if alone else 0
    stable = (
        len(into) == 1
        and char.isalnum()
        and into.isalnum()
        and char.casefold() == into
        and len(into.encode()) == len(char.encode())
        and unicodedata.is_normalized("NFKC", char)
        and unicodedata.is_normalized("NFKC", into)
    )
    return ord(into) if stable and _starts_alone(char) and _starts_alone(into) else 0


def _starts_alone(text: str) -> bool:
    """Whether `text` starts with a starter that composes with nothing before it."""
    return bool(text) and unicodedata.combining(text[0]) == 0 and ord(text[0]) not in _composing()


@lru_cache(maxsize=1)
def _composing() -> frozenset[int]:
    """Return the code points `composes_after` marks: a set (133 here), not 1.1 MB of flags."""
    return frozenset(np.flatnonzero(composes_after()).tolist())


def composes_after() -> NDArray[np.bool_]:
    """Return, for every code point, whether it follows another in a canonical decomposition.

    Those are the characters that can compose with one before them (NFC_QC Maybe: combining
    marks, Hangul vowels and finals, a few vowel signs), and the marks after them: the code
    points are decomposed at once, each after a NUL, which nothing composes or reorders
    across, so each one's decomposition is the run between two NULs. Only the first three
    planes hold characters that decompose (tests/test_tokenize.py checks every code point),
    which takes a sixth of the time all 17 planes took, paid by a process's first batch
    holding a non-ASCII text.

    Examples:
        >>> flags = composes_after()
        >>> bool(flags[0x0301]), bool(flags[0x1161]), bool(flags[ord("e")]), bool(flags[0xE6])
        (True, True, False, False)
    """
    points = np.zeros(2 * _DECOMPOSING, dtype="<u4")
    points[::2] = np.arange(_DECOMPOSING, dtype="<u4")
    points[2 * 0xD800 : 2 * 0xE000 : 2] = 0  # surrogates are no characters: left out
    decomposed = unicodedata.normalize("NFD", points.tobytes().decode("utf-32-le"))
    parts = np.frombuffer(decomposed.encode("utf-32-le"), "<u4")
    flags = np.zeros(_UNICODE_SIZE, dtype=np.bool_)
    flags[parts[1:][(parts[1:] != 0) & (parts[:-1] != 0)]] = True
    return flags


_DECOMPOSING = 0x30000  # the planes holding every character with a canonical decomposition


def text_keys(tokens: Tokens) -> NDArray[np.uint64]:
    """Return two 64-bit keys per text: texts with the same words have the same keys."""
    with kernels.threads_for(len(tokens.hashes)):
        return kernels.text_keys(tokens.hashes, tokens.offsets)
