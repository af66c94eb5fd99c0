"""Tokenize: XXH64 word hashes of normalize()'s words, norms, and text keys, batch by batch."""

from __future__ import annotations

import numpy as np
import pytest
import xxhash
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.stages import _token_kernels as token_kernels
from dedupe_news.stages import tokenize as tokenize_module
from dedupe_news.stages.signature import signatures
from dedupe_news.stages.tokenize import _encoded, text_keys, tokenize
from tests.strategies import SENTENCES


def test_batches_larger_than_one_chunk_are_joined_correctly() -> None:
    """Over 65,536 texts the chunks are stitched: words, norms and rows equal single calls."""
    texts = [f"tekst nummer {i} van Poetin" if i % 7 else "" for i in range(65_540)]
    tokens = tokenize(texts)
    assert tokens.counts().tolist() == [5 if i % 7 else 0 for i in range(len(texts))]
    for index in (0, 1, 65_535, 65_536, 65_537, 65_539):
        single = tokenize([texts[index]])
        assert tokens.norm(index) == dn.normalize(texts[index])
        start, end = tokens.offsets[index], tokens.offsets[index + 1]
        np.testing.assert_array_equal(tokens.hashes[start:end], single.hashes)
    matrix = signatures(texts[65_530:], dn.DEFAULT)
    np.testing.assert_array_equal(matrix[-1], signatures([texts[-1]], dn.DEFAULT)[0])


@pytest.mark.parametrize("guess", [1, 1000])
def test_columns_grown_across_many_chunks_equal_text_by_text(
    monkeypatch: pytest.MonkeyPatch, guess: int
) -> None:
    """Columns filled over many small chunks, grown past a first guess, equal each text's own."""
    texts = [f"Poetin {i} bezoekt Noord-Korea" if i % 5 else "ﷺ Oekraïne ﬁ" for i in range(300)]
    texts[7] = ""
    monkeypatch.setattr(tokenize_module, "_CHUNK_CHARS", 64)
    monkeypatch.setattr(tokenize_module, "_CHARS_PER_WORD", guess)
    tokens = tokenize(texts)
    singles = [tokenize([text]) for text in texts]
    assert tokens.counts().tolist() == [len(one.hashes) for one in singles]
    assert tokens.hashes.tolist() == [h for one in singles for h in one.hashes.tolist()]
    assert [tokens.norm(i) for i in range(len(texts))] == [one.norm(0) for one in singles]


def test_words_are_hashed_with_xxh64() -> None:
    """Word hashes are the xxhash library's XXH64 of the normalized words, UTF-8 encoded."""
    tokens = tokenize(["Het Kremlin, in Moskou.", "", "Oekraïne"])
    expected = [xxhash.xxh64_intdigest(w.encode()) for w in ("het", "kremlin", "in", "moskou")]
    assert tokens.hashes.tolist() == [*expected, xxhash.xxh64_intdigest("oekraïne".encode())]
    assert tokens.counts().tolist() == [4, 0, 1]
    assert [tokens.norm(i) for i in range(3)] == ["het kremlin in moskou", "", "oekraïne"]


def test_empty_batch_has_no_tokens() -> None:
    """Tokenizing nothing gives empty arrays and one offset."""
    tokens = tokenize([])
    assert (tokens.hashes.size, tokens.offsets.tolist(), tokens.counts().tolist()) == (0, [0], [])


@given(texts=st.lists(SENTENCES, min_size=2, max_size=2))
def test_text_keys_are_equal_exactly_when_the_words_are(texts: list[str]) -> None:
    """Texts with the same normalized words share both keys; others share neither."""
    variant = texts[0].upper().replace(" ", " , ")
    keys = text_keys(tokenize([texts[0], variant, texts[1]]))
    np.testing.assert_array_equal(keys[0], keys[1])
    if dn.normalize(texts[0]) != dn.normalize(texts[1]):
        assert (keys[0] != keys[2]).all()


# Characters where folding a joined batch could differ from folding text by text: combining
# marks that would compose with the text before them, Hangul jamo that compose with each
# other, a final sigma, expanding case folds and compatibility mappings, and NUL, the
# separator of the joined batch.
_TRICKY = st.sampled_from(
    [
        *"e\u0301\u0308\u0327Aa\u1100\u1161\u11a8\uac00\u03a3\u00df\u0130\ufb01\u2460\u00bd",
        "\x00",
        # Folded by the kernels' table or not: a no-break space, an ellipsis, a mark
        # decomposing after a space, a vowel sign composing with the one before it, a letter
        # whose case fold takes more UTF-8 bytes, a title-case digraph, the Kelvin sign,
        # accented Dutch letters, curly quotes, and an emoji.
        *"\u00a0\u2026\u1fed\u09c7\u09be\u023a\u01c5\u212a\u00cb\u00ef\u201c\U0001f600",
    ]
)
_TRICKY_TEXTS = st.text(_TRICKY, max_size=6) | st.text(max_size=20) | SENTENCES


@given(
    texts=st.lists(_TRICKY_TEXTS, max_size=8),
    fold_diacritics=st.booleans(),
)
def test_a_batch_is_tokenized_as_each_text_alone(
    texts: list[str], *, fold_diacritics: bool
) -> None:
    """Each text's words and norm are those of `normalize(text)` alone, whatever its neighbours."""
    tokens = tokenize(texts, fold_diacritics=fold_diacritics)
    for index, text in enumerate(texts):
        norm = dn.normalize(text, fold_diacritics=fold_diacritics)
        expected = [xxhash.xxh64_intdigest(word.encode()) for word in norm.split()]
        start, end = tokens.offsets[index], tokens.offsets[index + 1]
        assert tokens.hashes[start:end].tolist() == expected, text
        assert tokens.norm(index) == norm


def test_tokens_without_words_keep_counts_and_norms() -> None:
    """Dropping the word hashes leaves every text's word count and normalized text as they were."""
    texts = ["Hallo, wereld!", "", "Oekraïne en Rusland", "a b c d"]
    tokens = tokenize(texts)
    lean = tokens.without_words()
    assert len(lean.hashes) == 0 < len(tokens.hashes)
    assert lean.counts().tolist() == tokens.counts().tolist()
    assert [lean.norm(i) for i in range(len(texts))] == [tokens.norm(i) for i in range(len(texts))]


def test_taken_rows_hold_their_texts_words_and_norms() -> None:
    """Tokens taken by rows, repeated and out of order, equal each row's own tokens."""
    texts = [f"Poetin {i} bezoekt Noord-Korea {'en Oekraïne ' * (i % 4)}" for i in range(50)]
    texts[3] = ""
    tokens = tokenize(texts)
    rows = np.array([49, 3, 0, 7, 7, 20], dtype=np.int64)
    taken = tokens.take(rows)
    for k, row in enumerate(rows.tolist()):
        start, end = tokens.offsets[row], tokens.offsets[row + 1]
        assert taken.hashes[taken.offsets[k] : taken.offsets[k + 1]].tolist() == (
            tokens.hashes[start:end].tolist()
        )
        assert taken.norm(k) == tokens.norm(row)
    assert len(taken.hashes) == int(tokens.counts()[rows].sum())


def test_word_characters_are_isalnum_at_every_code_point() -> None:
    """The word table marks exactly the code points whose character is `str.isalnum`."""
    expected = np.fromiter((chr(c).isalnum() for c in range(0x110000)), np.bool_, 0x110000)
    np.testing.assert_array_equal(tokenize_module.word_characters(), expected)


def test_the_fold_table_folds_each_code_point_as_fold_does() -> None:
    """A word character's table value is its fold; a separator's fold holds no word character."""
    seen = np.zeros(0x110000, dtype=np.bool_)
    seen[128:0x3000] = True  # Latin to CJK punctuation, where news text lives
    table = tokenize_module.fold_table(seen)
    word = table > 0
    assert word[128:0x3000].sum() > 1000
    assert (table[:0x3000] == -1).sum() > 100
    for point in np.flatnonzero(word).tolist():
        assert dn.normalize(chr(point)) == chr(table[point]), hex(point)
        assert len(chr(table[point]).encode()) == len(chr(point).encode())
    for point in np.flatnonzero(table == -1).tolist():
        assert dn.normalize(chr(point)) == "", hex(point)
    assert not tokenize_module.fold_table(seen, fold_diacritics=True)[128:].any()


def test_dutch_news_text_is_folded_by_the_table_alone() -> None:
    """Accents, curly quotes, dashes, ellipses and no-break spaces need no Python fold."""
    texts = ["Oekraïne\u2019s “vrede”\u00a0— café… Curaçao", "ÉÉN Ëlla", "plain"]
    data, extra, _, ends, _ = _encoded(texts, fold_diacritics=False)
    assert len(extra) == 0
    assert ends.tolist()[-1] == len(data)
    tokens = tokenize(texts)
    assert [tokens.norm(i) for i in range(3)] == [dn.normalize(text) for text in texts]


def test_texts_the_table_cannot_fold_are_folded_apart() -> None:
    """A text holding a ligature or a lone mark is folded by Python; its neighbours are not."""
    texts = ["ﬁnale", "gewoon", "e\u0301e", "Straße"]
    data, extra, starts, _, _ = _encoded(texts, fold_diacritics=False)
    assert (starts >= len(data)).tolist() == [True, False, True, True]
    assert extra.tobytes().split(b"\x00") == [b"finale", "\u00e9e".encode(), b"strasse"]


def test_composing_code_points_are_those_after_the_first_of_a_decomposition() -> None:
    """The flags mark every code point that follows another in some canonical decomposition."""
    import unicodedata  # noqa: PLC0415 - the reference alone needs it

    flags = tokenize_module.composes_after()
    expected = np.zeros(0x110000, dtype=np.bool_)
    for point in range(0x110000):
        decomposition = (
            unicodedata.normalize("NFD", chr(point)) if point < 0xD800 or point >= 0xE000 else ""
        )
        for part in decomposition[1:]:
            expected[ord(part)] = True
    np.testing.assert_array_equal(flags, expected)


@pytest.mark.parametrize("texts", [["ﬁ", ""], ["", "ﬁ", "", "Straße", ""], ["a", "ß"]])
def test_an_empty_last_text_leaves_the_texts_folded_apart_alone(texts: list[str]) -> None:
    """An empty text ending the buffer is not one folded apart, whose first norm it would clear."""
    tokens = tokenize(texts)
    assert [tokens.norm(i) for i in range(len(texts))] == [dn.normalize(t) for t in texts]


def test_joined_bounds_find_every_nul_and_code_point_across_blocks() -> None:
    """NULs and characters straddling the kernel's 64 KiB blocks and 8-byte words are all found."""
    pieces = ["Oekraïne", "\u20ac", "\U0001f600", "abcdefgh", "\x00", "é" * 3, "x"]
    text = "".join(pieces[(i * i + i // 7) % len(pieces)] for i in range(40_000))
    data = np.frombuffer(text.encode(), np.uint8)
    nuls, seen = token_kernels.joined_bounds(data)
    assert nuls.tolist() == np.flatnonzero(data == 0).tolist()
    assert np.flatnonzero(seen).tolist() == sorted({ord(c) for c in text if ord(c) >= 128})


@given(
    texts=st.lists(
        st.text(st.sampled_from("aZ9 ,éËß\u0301ﬁ…\u00a0İ€"), max_size=12), min_size=1, max_size=6
    ),
    fold_diacritics=st.booleans(),
)
def test_token_kernels_equal_their_python_source(
    texts: list[str],
    fold_diacritics: bool,  # noqa: FBT001 - a drawn value
) -> None:
    """joined_bounds, unfoldable, tokenize_joined and split_joined: compiled == Python source."""
    with np.errstate(over="ignore"):  # the Python source wraps like the compiled code
        _compare_token_kernels(texts, fold_diacritics=fold_diacritics)


def _compare_token_kernels(texts: list[str], *, fold_diacritics: bool) -> None:
    data, extra, starts, ends, table = _encoded(texts, fold_diacritics=fold_diacritics)
    joined = np.frombuffer("\x00".join(texts).encode(), np.uint8)
    for got, expected in zip(
        token_kernels.joined_bounds(joined),
        token_kernels.joined_bounds.py_func(joined),  # type: ignore[attr-defined]
        strict=True,
    ):
        np.testing.assert_array_equal(got, expected)
    bounds = (
        np.r_[0, np.flatnonzero(joined == 0) + 1],
        np.r_[np.flatnonzero(joined == 0), len(joined)],
    )
    np.testing.assert_array_equal(
        token_kernels.unfoldable(joined, *bounds, table),
        token_kernels.unfoldable.py_func(joined, *bounds, table),  # type: ignore[attr-defined]
    )
    words = tokenize_module._words_of(extra)  # noqa: SLF001 - the kernels' own input
    args = (data, extra, starts, ends, table, words)
    for tokens, python_tokens in zip(
        token_kernels.tokenize_joined(*args),
        token_kernels.tokenize_joined.py_func(*args),  # type: ignore[attr-defined]
        strict=True,
    ):
        np.testing.assert_array_equal(tokens, python_tokens)
    norms, python_norms = (np.zeros(len(data) + len(extra), np.uint8) for _ in range(2))
    for split, python_split in zip(
        token_kernels.split_joined(*args, norms),
        token_kernels.split_joined.py_func(*args, python_norms),  # type: ignore[attr-defined]
        strict=True,
    ):
        np.testing.assert_array_equal(split, python_split)
    np.testing.assert_array_equal(norms, python_norms)
