"""Interop: shingle_hash as datasketch's hashfunc, lean_minhash as a datasketch LeanMinHash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.interop import shingle_hash
from tests.strategies import WORDS


@given(words=st.lists(WORDS, min_size=1, max_size=8))
def test_shingle_hash_of_a_string_is_that_of_its_words(words: list[str]) -> None:
    """shingle_hash takes a shingle as words or as the words joined by spaces."""
    assert shingle_hash(" ".join(words)) == shingle_hash(words)
    assert 0 <= shingle_hash(words) < 2**32
