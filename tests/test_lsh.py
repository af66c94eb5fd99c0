"""Candidates: datasketch's (b, r), the S-curve, and an oracle against brute-force Jaccard."""

from __future__ import annotations

from itertools import combinations, pairwise

import numpy as np
from datasketch import MinHashLSH
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.lsh import bands_rows, candidate_probability, candidates, pairs_sharing_key
from dedupe_news.signature import shingles, sketch, tokenize

MISS_RATE = 1e-6  # the oracle requires every pair whose candidate chance is above 1 - this


def test_bands_rows_are_datasketchs_optimum() -> None:
    """(b, r) for each threshold is what datasketch's MinHashLSH would use."""
    for threshold in (0.3, 0.5, 0.7, 0.9):
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        assert bands_rows(threshold, 128) == (lsh.b, lsh.r)


def test_candidate_probability_is_the_s_curve() -> None:
    """P = 1 - (1 - s^r)^b: 0 at s=0, 1 at s=1, increasing in between."""
    b, r = bands_rows(0.5, 128)
    curve = [candidate_probability(s / 20, b, r) for s in range(21)]
    assert curve[0] == 0.0
    assert curve[-1] == 1.0
    assert all(x < y for x, y in pairwise(curve))


@given(keys=st.lists(st.integers(1, 6), max_size=40))
def test_pairs_sharing_key_matches_brute_force(keys: list[int]) -> None:
    """Owners sharing a key are paired, exactly, in buckets smaller than the window."""
    owners = np.arange(len(keys), dtype=np.int64)
    found = pairs_sharing_key(np.asarray(keys, dtype=np.uint64), owners)
    expected = {(i, j) for i, j in combinations(range(len(keys)), 2) if keys[i] == keys[j]}
    assert {(int(i), int(j)) for i, j in found} == expected


def _recall_margin(b: int, r: int) -> float:
    """The smallest Jaccard whose candidate chance is at least 1 - MISS_RATE."""
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (
            (low, middle)
            if candidate_probability(middle, b, r) >= 1 - MISS_RATE
            else (middle, high)
        )
    return high


@given(seed=st.integers(0, 10_000), edits=st.lists(st.integers(0, 12), min_size=2, max_size=12))
def test_oracle_every_pair_above_the_recall_margin_is_a_candidate(
    seed: int, edits: list[int]
) -> None:
    """Brute-force exact Jaccard: every pair above the margin from (b, r) is a candidate."""
    rng = np.random.default_rng(seed)
    base = [f"w{i}" for i in rng.integers(0, 300, 40)]
    texts = []
    for count in edits:
        words = list(base)
        for position in rng.choice(len(words), count, replace=False):
            words[position] = f"x{rng.integers(10**6)}"
        texts.append(" ".join(words))
    texts = list(dict.fromkeys(texts))  # candidates are between distinct texts
    config = dn.DEFAULT
    margin = _recall_margin(*bands_rows(config.threshold, config.num_perm))
    tokens = tokenize(texts)
    found = {
        (int(i), int(j))
        for i, j in candidates(sketch(tokens, np.arange(len(texts)), config), config)
    }
    sets = [set(shingles(t, config.shingle_size)) for t in texts]
    for i, j in combinations(range(len(texts)), 2):
        if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= margin:
            assert (i, j) in found


def test_anchors_make_a_truncated_copy_a_candidate() -> None:
    """A copy cut to its first 12 words shares the head anchor: a candidate at any Jaccard."""
    long = " ".join(f"w{i}" for i in range(80))
    short = " ".join(f"w{i}" for i in range(12))
    tokens = tokenize([long, short])
    assert candidates(sketch(tokens, np.arange(2), dn.DEFAULT), dn.DEFAULT).tolist() == [[0, 1]]
