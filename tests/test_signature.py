"""Signatures: bit-identical to datasketch, estimates within a stated error of exact Jaccard."""

from __future__ import annotations

import math

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

import dedupe_news as dn
from dedupe_news.interop import row_minhash, shingle_hash, shingles
from dedupe_news.stages.lsh import bucket_keys
from dedupe_news.stages.signature import (
    anchors,
    estimates,
    jaccard,
    lean_sketch,
    permutations,
    signature_rows,
    signatures,
    sketch,
    sketch_keys,
)
from dedupe_news.stages.tokenize import tokenize
from tests.strategies import PARAGRAPHS, TEXTS

SEEDS = st.integers(0, 2**32 - 1)


def _datasketch(norm: str, config: dn.Config) -> MinHash:
    """The reference: datasketch's affine32 MinHash fed the shingles one by one."""
    reference = MinHash(
        num_perm=config.num_perm, seed=config.seed, scheme="affine32", hashfunc=shingle_hash
    )
    for shingle in shingles(norm, config.shingle_size):
        reference.update(shingle)
    return reference


def _datasketch_row(norm: str, config: dn.Config) -> NDArray[np.uint64]:
    return np.asarray(_datasketch(norm, config).hashvalues, dtype=np.uint64)


@given(
    texts=st.lists(PARAGRAPHS | TEXTS, min_size=1, max_size=6),
    shingle_size=st.integers(1, 5),
    seed=SEEDS,
)
def test_rows_are_bit_identical_to_datasketch(
    texts: list[str], shingle_size: int, seed: int
) -> None:
    """Every row equals datasketch.MinHash(128, seed, affine32, shingle_hash) fed the shingles."""
    config = dn.Config(shingle_size=shingle_size, seed=seed)
    matrix = signatures(texts, config)
    assert matrix.shape == (len(texts), 128)
    assert matrix.dtype == np.uint32
    for text, row in zip(texts, matrix, strict=True):
        np.testing.assert_array_equal(row, _datasketch_row(dn.normalize(text), config))


@pytest.mark.parametrize("shingle_size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize(
    "text", ["Kim", "Kim en", "Kim en Poetin", "Kim en Poetin in Vladivostok", "één, twee"]
)
def test_short_texts_are_one_shingle_like_datasketch(text: str, shingle_size: int) -> None:
    """A text with fewer words than k is one shingle of all its words, as in the reference."""
    config = dn.Config(shingle_size=shingle_size)
    expected = _datasketch_row(dn.normalize(text), config)
    np.testing.assert_array_equal(signatures([text], config)[0], expected)
    assert len(shingles(dn.normalize(text), shingle_size)) == max(
        1, len(text.split()) - shingle_size + 1
    )


@pytest.mark.parametrize("text", ["", "   ", "— !? …", "\n\t"])
def test_text_without_words_keeps_datasketchs_empty_signature(text: str) -> None:
    """No words, no shingles: every column keeps datasketch's initial maximum."""
    row = signatures([text], dn.DEFAULT)[0]
    np.testing.assert_array_equal(row, _datasketch_row(dn.normalize(text), dn.DEFAULT))
    assert (row == 0xFFFFFFFF).all()
    assert _datasketch(dn.normalize(text), dn.DEFAULT).is_empty()


def test_empty_batch_gives_an_empty_matrix() -> None:
    """No texts, no rows, still the configured width."""
    assert signatures([], dn.DEFAULT).shape == (0, 128)


@given(text=PARAGRAPHS | TEXTS, other=PARAGRAPHS, seed=SEEDS)
def test_lean_minhash_round_trips_through_datasketch(text: str, other: str, seed: int) -> None:
    """lean_minhash equals datasketch's own LeanMinHash, and its jaccard is our estimate."""
    config = dn.Config(seed=seed)
    lean = dn.lean_minhash(text, config)
    assert isinstance(lean, LeanMinHash)
    assert lean == LeanMinHash(_datasketch(dn.normalize(text), config))
    buffer = bytearray(lean.bytesize())
    lean.serialize(buffer)
    assert LeanMinHash.deserialize(buffer) == lean
    rows = signatures([text, other], config)
    estimate = jaccard(rows[0], rows[1])
    assert lean.jaccard(dn.lean_minhash(other, config)) == pytest.approx(float(estimate))
    assert row_minhash(rows[1], config) == dn.lean_minhash(other, config)


@given(
    text=PARAGRAPHS | TEXTS,
    before=st.lists(PARAGRAPHS | TEXTS, max_size=4),
    after=st.lists(PARAGRAPHS | TEXTS, max_size=4),
)
def test_same_text_same_row_whatever_the_batch(
    text: str, before: list[str], after: list[str]
) -> None:
    """A text's row does not depend on the texts before or after it in its batch."""
    alone = signatures([text], dn.DEFAULT)[0]
    within = signatures([*before, text, *after], dn.DEFAULT)[len(before)]
    np.testing.assert_array_equal(alone, within)


def test_fold_diacritics_makes_accented_and_plain_text_alike() -> None:
    """With fold_diacritics the accented and plain spellings have one signature; without, not."""
    texts = [
        "Oekraïne koopt Franse gevechtsvliegtuigen",
        "Oekraine koopt Franse gevechtsvliegtuigen",
    ]
    kept = signatures(texts, dn.DEFAULT)
    folded = signatures(texts, dn.Config(fold_diacritics=True))
    assert not np.array_equal(kept[0], kept[1])
    np.testing.assert_array_equal(folded[0], folded[1])


def test_anchors_hash_the_head_and_tail_words() -> None:
    """Texts opening alike share the head anchor, closing alike the tail; short texts have none."""
    head = " ".join(f"w{i}" for i in range(10))
    texts = [f"{head} x y", f"{head} p q", f"a b {head}", "w0 w1 w2"]
    tokens = tokenize(texts)
    keys = anchors(tokens.hashes, tokens.offsets[:-1], tokens.offsets[1:], 8)
    assert keys[0, 0] == keys[1, 0]
    assert keys[0, 1] != keys[1, 1]
    assert keys[2, 1] != keys[0, 1]
    assert keys[3].tolist() == [0, 0]
    assert (keys[:3] % 2 == 1).all()  # never 0, which means "no anchor"


def test_permutations_are_datasketchs() -> None:
    """The (a, b) parameters are datasketch's affine32 permutations for the seed."""
    a, b = permutations(64, 7)
    reference = MinHash(num_perm=64, seed=7, scheme="affine32").permutations
    np.testing.assert_array_equal(a, reference[0])
    np.testing.assert_array_equal(b, reference[1])


def _exact_jaccard(a: str, b: str, k: int) -> float:
    sa, sb = set(shingles(dn.normalize(a), k)), set(shingles(dn.normalize(b), k))
    return len(sa & sb) / len(sa | sb)


def _edited_pairs(seed: int, count: int) -> list[tuple[str, str]]:
    """Pairs of 60-word texts, the second with 0 to 40 words replaced: Jaccard 0 to 1."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(5000)]
    pairs = []
    for edits in np.linspace(0, 40, count).astype(int):
        words = list(rng.choice(vocabulary, 60))
        edited = list(words)
        for position in rng.choice(60, int(edits), replace=False):
            edited[position] = f"x{rng.integers(10**9)}"
        pairs.append((" ".join(words), " ".join(edited)))
    return pairs


NUM_PERM = 256
SIGMAS = 5


def _epsilon(exact: float) -> float:
    """The allowed error: 5 binomial standard deviations, sqrt(J(1-J)/num_perm).

    The estimate is the fraction of num_perm columns that agree, each with probability J,
    so it is Binomial(num_perm, J) / num_perm. At J = 0 or 1 the deviation is 0 and the
    estimate must be exact.
    """
    return SIGMAS * math.sqrt(exact * (1 - exact) / NUM_PERM)


@pytest.mark.parametrize("seed", range(4))
def test_estimate_is_within_epsilon_of_exact_jaccard(seed: int) -> None:
    """Each pair's estimate lies within 5 standard deviations of its exact shingle Jaccard."""
    config = dn.Config(num_perm=NUM_PERM)
    pairs = _edited_pairs(seed, 50)
    rows = signatures([t for pair in pairs for t in pair], config)
    estimates = jaccard(rows[0::2], rows[1::2])
    for (a, b), estimate in zip(pairs, estimates.tolist(), strict=True):
        exact = _exact_jaccard(a, b, config.shingle_size)
        assert abs(estimate - exact) <= _epsilon(exact), (exact, estimate)


def test_estimate_is_unbiased_over_many_pairs() -> None:
    """The mean error over 200 pairs is within 5 standard errors of zero: no systematic bias."""
    config = dn.Config(num_perm=NUM_PERM)
    pairs = _edited_pairs(99, 200)
    rows = signatures([t for pair in pairs for t in pair], config)
    estimates = jaccard(rows[0::2], rows[1::2])
    exact = np.array([_exact_jaccard(a, b, config.shingle_size) for a, b in pairs])
    variance = float((exact * (1 - exact) / NUM_PERM).sum()) / len(pairs) ** 2
    assert abs(float((estimates - exact).mean())) <= SIGMAS * math.sqrt(variance)
    assert exact.min() < 0.2
    assert exact.max() == 1.0


@given(
    texts=st.lists(PARAGRAPHS | TEXTS, min_size=0, max_size=8),
    shingle_size=st.integers(1, 5),
    seed=SEEDS,
)
def test_sketch_keys_give_the_bucket_keys_and_shingles_of_the_full_sketch(
    texts: list[str], shingle_size: int, seed: int
) -> None:
    """`sketch_keys` equals `sketch` but for the matrix, and its keys are `lsh.bucket_keys`."""
    config = dn.Config(shingle_size=shingle_size, seed=seed)
    tokens = tokenize(texts)
    rows = np.arange(len(texts), dtype=np.int64)[::-1].copy()  # any rows, in any order
    held = sketch(tokens, rows, config)
    lean, keys = sketch_keys(tokens, rows, config)
    np.testing.assert_array_equal(keys, bucket_keys(held, config))
    assert lean.signatures.shape == (0, config.num_perm)
    for field in ("anchors", "shingles", "shingle_offsets", "words", "word_offsets"):
        np.testing.assert_array_equal(getattr(lean, field), getattr(held, field))


@given(texts=st.lists(PARAGRAPHS | TEXTS, min_size=2, max_size=8), seed=SEEDS)
def test_rows_remade_from_the_shingles_are_the_signatures(texts: list[str], seed: int) -> None:
    """Signature rows and Jaccard estimates from a lean sketch equal those of the matrix."""
    config = dn.Config(seed=seed)
    tokens = tokenize(texts)
    everyone = np.arange(len(texts), dtype=np.int64)
    held, (lean, _) = sketch(tokens, everyone, config), sketch_keys(tokens, everyone, config)
    picked = np.array([len(texts) - 1, 0, len(texts) - 1], dtype=np.int64)  # repeats too
    np.testing.assert_array_equal(signature_rows(lean, picked, config), held.signatures[picked])
    pairs = np.array([[0, 1], [1, len(texts) - 1], [0, 1]], dtype=np.int64)
    expected = jaccard(held.signatures[pairs[:, 0]], held.signatures[pairs[:, 1]])
    np.testing.assert_array_equal(estimates(lean, pairs, config), expected)
    np.testing.assert_array_equal(estimates(held, pairs, config), expected)
    assert estimates(lean, np.empty((0, 2), dtype=np.int64), config).shape == (0,)


@given(
    texts=st.lists(PARAGRAPHS | TEXTS, min_size=0, max_size=8),
    shingle_size=st.integers(1, 5),
    picked=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_sets_over_words_are_the_sets_beside_them(
    texts: list[str], shingle_size: int, picked: list[bool]
) -> None:
    """`lean_sketch(over_words=True)` gives the same sketch, its sets written over the words."""
    config = dn.Config(shingle_size=shingle_size)
    rows = np.flatnonzero(picked[: len(texts)]).astype(np.int64)  # any ascending rows
    kept = lean_sketch(tokenize(texts), rows, config)
    spent = tokenize(texts)
    over = lean_sketch(spent, rows, config, over_words=True)
    assert over.shingles.tolist() == kept.shingles.tolist()
    assert over.shingle_offsets.tolist() == kept.shingle_offsets.tolist()
    assert over.anchors.tolist() == kept.anchors.tolist()
    assert over.words.tolist() == kept.words.tolist()
    if len(over.shingles):  # the sets are the front of the word buffer
        assert np.shares_memory(over.shingles, spent.hashes)
