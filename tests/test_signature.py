"""Signatures: bit-identical to datasketch, estimates within a stated error of exact Jaccard."""

from __future__ import annotations

import numpy as np
import pytest
import xxhash
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.signature import (
    row_minhash,
    shingle_hash,
    shingles,
    signatures,
    tokenize,
)
from tests.strategies import PARAGRAPHS


def _datasketch(norm: str, config: dn.Config) -> np.ndarray:
    reference = MinHash(
        num_perm=config.num_perm, seed=config.seed, scheme="affine32", hashfunc=shingle_hash
    )
    for shingle in shingles(norm, config.shingle_size):
        reference.update(shingle)
    return np.asarray(reference.hashvalues)


@given(
    texts=st.lists(PARAGRAPHS | st.text(max_size=40), min_size=1, max_size=6),
    shingle_size=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_rows_equal_datasketch_for_the_same_shingles(
    texts: list[str], shingle_size: int, seed: int
) -> None:
    """Every row equals datasketch's affine32 MinHash fed the same shingles and hashfunc."""
    config = dn.Config(shingle_size=shingle_size, seed=seed, num_perm=64)
    matrix = signatures(texts, config)
    for text, row in zip(texts, matrix, strict=True):
        np.testing.assert_array_equal(row, _datasketch(dn.normalize(text), config))


def test_empty_text_has_datasketch_empty_signature() -> None:
    """A text with no words keeps datasketch's initial all-max values."""
    row = signatures(["", "—"], dn.DEFAULT)
    assert (row == 0xFFFFFFFF).all()


def test_lean_minhash_works_with_datasketch() -> None:
    """lean_minhash gives a datasketch LeanMinHash equal to one built from our row."""
    text = "Oekraïne gaat de komende jaren honderd Franse gevechtsvliegtuigen kopen."
    lean = dn.lean_minhash(text)
    again = row_minhash(signatures([text], dn.DEFAULT)[0], dn.DEFAULT)
    assert lean == again
    assert lean.jaccard(dn.lean_minhash(text.upper())) == 1.0


@given(text=PARAGRAPHS, before=st.lists(PARAGRAPHS, max_size=3))
def test_same_text_same_row_whatever_the_batch(text: str, before: list[str]) -> None:
    """A text's signature does not depend on the other texts of its batch."""
    alone = signatures([text], dn.DEFAULT)[0]
    within = signatures([*before, text], dn.DEFAULT)[-1]
    np.testing.assert_array_equal(alone, within)


def test_words_are_hashed_with_xxh64() -> None:
    """Word hashes are the xxhash library's XXH64 of the normalized words."""
    tokens = tokenize(["Het Kremlin, in Moskou."])
    expected = [xxhash.xxh64_intdigest(w) for w in (b"het", b"kremlin", b"in", b"moskou")]
    assert tokens.hashes.tolist() == expected


def _exact_jaccard(a: str, b: str, k: int) -> float:
    sa, sb = set(shingles(a, k)), set(shingles(b, k))
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("edits", [0, 2, 5, 10, 20])
def test_estimate_is_within_five_standard_errors_of_exact_jaccard(edits: int) -> None:
    """With 256 permutations the estimate is within 5 * sqrt(J(1-J)/256) + 0.01 of exact."""
    rng = np.random.default_rng(edits)
    vocabulary = [f"w{i}" for i in range(5000)]
    config = dn.Config(num_perm=256)
    for _ in range(20):
        words = list(rng.choice(vocabulary, 60))
        edited = list(words)
        for position in rng.choice(60, edits, replace=False):
            edited[position] = f"x{rng.integers(10**9)}"
        a, b = " ".join(words), " ".join(edited)
        exact = _exact_jaccard(a, b, config.shingle_size)
        rows = signatures([a, b], config)
        estimate = float((rows[0] == rows[1]).mean())
        epsilon = 5 * np.sqrt(exact * (1 - exact) / config.num_perm) + 0.01
        assert abs(estimate - exact) <= epsilon, (exact, estimate)
