"""Tokenize: XXH64 word hashes of normalize()'s words, norms, and text keys, batch by batch."""

from __future__ import annotations

import numpy as np
import pytest
import xxhash
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.stages import tokenize as tokenize_module
from dedupe_news.stages.signature import signatures
from dedupe_news.stages.tokenize import text_keys, tokenize
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
    [*"e\u0301\u0308\u0327Aa\u1100\u1161\u11a8\uac00\u03a3\u00df\u0130\ufb01\u2460\u00bd", "\x00"]
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
