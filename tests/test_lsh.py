"""Candidates: datasketch's (b, r), the S-curve, bucket pairing, and an exact-Jaccard oracle."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.config import optimal_bands_rows as bands_rows
from dedupe_news.interop import shingles
from dedupe_news.stages import lsh
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.lsh import (
    MAX_HOLDERS,
    MIN_SHARED,
    MIN_SHARED_FRACTION,
    bucket_keys,
    candidate_probability,
    candidates,
    index_keys,
    pairs_sharing_key,
    pairs_sharing_keys,
    pairs_within,
)
from dedupe_news.stages.signature import Sketch, sketch, sketch_keys
from dedupe_news.stages.tokenize import tokenize
from dedupe_news.stages.verify import verify

NEIGHBOURS = 8  # lsh._MAX_NEIGHBOURS
MISS_RATE = 1e-6
"""The oracle requires every pair whose candidate chance is at least 1 - MISS_RATE."""


@pytest.mark.parametrize("num_perm", [8, 16, 32, 64, 128, 256])
@pytest.mark.parametrize("threshold", [0.05, 0.1, 0.25, 0.3, 0.45, 0.5, 0.65, 0.7, 0.85, 0.9])
def test_bands_rows_are_datasketchs(threshold: float, num_perm: int) -> None:
    """Our own optimizer picks the (b, r) that datasketch's MinHashLSH (scipy quad) picks."""
    bands, rows = bands_rows(threshold, num_perm)
    assert bands * rows <= num_perm
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:  # datasketch refuses an optimum of fewer than 2 bands, and so do we
        assert bands < 2
        with pytest.raises(dn.ConfigError, match="at least 2 LSH bands"):
            dn.Config(threshold=threshold, num_perm=num_perm)
    else:
        assert (bands, rows) == (lsh.b, lsh.r)


@pytest.mark.parametrize("similarity", [0.3, 0.5, 0.7])
def test_candidate_rate_of_banded_signatures_follows_the_s_curve(similarity: float) -> None:
    """Signature pairs agreeing on each column with chance s become candidates at rate P(s)."""
    config = dn.Config(num_perm=128, threshold=0.5)
    bands, rows = config.bands_rows()
    rng = np.random.default_rng(7)
    pairs = 4000
    first = rng.integers(0, 2**32, (pairs, 128), dtype=np.uint32)
    second = np.where(rng.random((pairs, 128)) < similarity, first, first ^ np.uint32(1))
    no_anchors = np.zeros((2, 2), dtype=np.uint64)
    none, starts = np.empty(0, dtype=np.uint64), np.zeros(3, dtype=np.int64)
    hits = sum(
        len(
            pairs_within(
                bucket_keys(
                    Sketch(np.stack((a, b)), no_anchors, none, starts, none, starts), config
                )
            )
        )
        for a, b in zip(first, second, strict=True)
    )
    expected = candidate_probability(similarity, bands, rows)
    sigma = (expected * (1 - expected) / pairs) ** 0.5
    assert abs(hits / pairs - expected) <= 4 * sigma + 1e-9


def test_candidate_probability_rises_from_0_to_1() -> None:
    """The curve is 0 at s = 0, 1 at s = 1, increasing in between, steep at the threshold."""
    b, r = bands_rows(0.5, 128)
    curve = [candidate_probability(s / 20, b, r) for s in range(21)]
    assert curve[0] == 0.0
    assert curve[-1] == 1.0
    assert all(x < y for x, y in pairwise(curve))
    assert candidate_probability(0.3, b, r) < 0.1
    assert candidate_probability(0.7, b, r) > 0.9


@given(keys=st.lists(st.integers(0, 6), max_size=60), data=st.data())
def test_pairs_sharing_key_equal_brute_force(keys: list[int], data: st.DataObject) -> None:
    """Owners sharing a key are paired, each pair once per key, as i < j; nothing else."""
    owners = data.draw(st.permutations(range(len(keys))))
    found = pairs_sharing_key(np.asarray(keys, dtype=np.uint64), np.asarray(owners, dtype=np.int64))
    assert (found[:, 0] < found[:, 1]).all()
    expected = sorted(
        (min(owners[i], owners[j]), max(owners[i], owners[j]))
        for i, j in combinations(range(len(keys)), 2)
        if keys[i] == keys[j]
    )
    assert sorted(map(tuple, found.tolist())) == expected


@given(size=st.integers(NEIGHBOURS + 2, 150), data=st.data())
def test_large_bucket_pairs_each_owner_with_its_nearest_neighbours(
    size: int, data: st.DataObject
) -> None:
    """In a large bucket each owner pairs with the NEIGHBOURS nearest in owner order, any order."""
    owners = np.asarray(data.draw(st.permutations(range(size))), dtype=np.int64)
    found = pairs_sharing_key(np.full(size, 9, dtype=np.uint64), owners)
    expected = {(i, j) for i, j in combinations(range(size), 2) if j - i <= NEIGHBOURS}
    assert {(int(i), int(j)) for i, j in found} == expected
    assert len(found) == len(expected)


def test_no_keys_no_pairs() -> None:
    """Empty input gives an empty (0, 2) array."""
    found = pairs_sharing_key(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64))
    assert found.shape == (0, 2)


def _candidates(texts: list[str], config: dn.Config) -> set[tuple[int, int]]:
    tokens = tokenize(texts, fold_diacritics=config.fold_diacritics)
    found = candidates(sketch(tokens, np.arange(len(texts), dtype=np.int64), config), config)
    return {(int(i), int(j)) for i, j in found}


def test_candidates_are_sorted_unique_pairs_i_below_j() -> None:
    """Pairs found by several bands and anchors come once, sorted, with i < j."""
    words = " ".join(f"w{i}" for i in range(40))
    texts = [words, "iets anders geheel", words + " extra", words.replace("w20", "x")]
    tokens = tokenize(texts)
    found = candidates(sketch(tokens, np.arange(4), dn.DEFAULT), dn.DEFAULT)
    assert found.dtype == np.int64
    assert found.tolist() == sorted(map(list, {tuple(p) for p in found.tolist()}))
    assert found.tolist() == [[0, 2], [0, 3], [2, 3]]


def test_empty_batch_has_no_candidates() -> None:
    """No texts, no pairs."""
    assert _candidates([], dn.DEFAULT) == set()


def test_anchors_make_a_truncated_copy_a_candidate() -> None:
    """A copy cut to its first 12 words shares the head anchor: a candidate at any Jaccard."""
    long = " ".join(f"w{i}" for i in range(80))
    assert _candidates([long, " ".join(f"w{i}" for i in range(12))], dn.DEFAULT) == {(0, 1)}
    assert _candidates([long, " ".join(f"w{i}" for i in range(68, 80))], dn.DEFAULT) == {(0, 1)}


def test_texts_without_anchors_pair_only_through_bands() -> None:
    """Short texts have no anchor (0), which never pairs them with each other."""
    assert _candidates(["een twee", "drie vier", "vijf zes"], dn.DEFAULT) == set()


def recall_margin(bands: int, rows: int) -> float:
    """Return s*: the smallest Jaccard whose candidate chance is at least 1 - MISS_RATE.

    The S-curve is increasing in s, so bisection finds it.
    """
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if candidate_probability(middle, bands, rows) >= 1 - MISS_RATE:
            high = middle
        else:
            low = middle
    return high


def test_recall_margin_sits_above_the_threshold() -> None:
    """For the defaults s* lies between the threshold and 1, where the curve is flat."""
    margin = recall_margin(*bands_rows(0.5, 128))
    assert 0.5 < margin < 1.0
    assert candidate_probability(margin, 25, 5) >= 1 - MISS_RATE
    assert candidate_probability(margin - 0.01, 25, 5) < 1 - MISS_RATE


def _edit(words: list[str], rng: np.random.Generator, edits: int) -> list[str]:
    """Apply random substitutions, insertions, deletions and swaps."""
    words = list(words)
    for _ in range(edits):
        kind, at = rng.integers(4), int(rng.integers(len(words)))
        if kind == 0:
            words[at] = f"x{rng.integers(10**6)}"
        elif kind == 1:
            words.insert(at, f"y{rng.integers(10**6)}")
        elif kind == 2 and len(words) > 2:
            del words[at]
        else:
            other = int(rng.integers(len(words)))
            words[at], words[other] = words[other], words[at]
    return words


CONFIGS = st.builds(
    dn.Config,
    threshold=st.sampled_from([0.3, 0.5, 0.7, 0.9]),
    num_perm=st.sampled_from([64, 128, 256]),
    shingle_size=st.integers(1, 5),
)


@given(
    seed=st.integers(0, 2**32 - 1),
    bases=st.integers(1, 3),
    edits=st.lists(st.integers(0, 10), min_size=2, max_size=12),
    config=CONFIGS,
)
def test_oracle_every_pair_above_the_recall_margin_is_a_candidate(
    seed: int, bases: int, edits: list[int], config: dn.Config
) -> None:
    """Brute-force exact Jaccard over all pairs: every pair at or above s* from (b, r) is found."""
    rng = np.random.default_rng(seed)
    originals = [[f"w{i}" for i in rng.integers(0, 400, 40)] for _ in range(bases)]
    texts = list(
        dict.fromkeys(
            " ".join(_edit(originals[k % bases], rng, count)) for k, count in enumerate(edits)
        )
    )
    margin = recall_margin(*bands_rows(config.threshold, config.num_perm))
    found = _candidates(texts, config)
    sets = [set(shingles(t, config.shingle_size)) for t in texts]
    for i, j in combinations(range(len(texts)), 2):
        exact = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if exact >= margin:
            assert (i, j) in found, (exact, margin)


@given(
    sets=st.lists(st.sets(st.integers(1, 12), max_size=8), min_size=1, max_size=24),
)
def test_pairs_sharing_keys_equal_brute_force(sets: list[set[int]]) -> None:
    """Pairs sharing enough keys held by 2..MAX_HOLDERS owners, as a set computation says."""
    keys = np.array([k for s in sets for k in sorted(s)], dtype=np.uint64)
    owners = np.array([i for i, s in enumerate(sets) for _ in s], dtype=np.int64)
    holders = {k: sum(k in s for s in sets) for k in range(1, 13)}
    rare = {k for k, count in holders.items() if 2 <= count <= MAX_HOLDERS}
    expected = [
        (i, j)
        for i, j in combinations(range(len(sets)), 2)
        if len(sets[i] & sets[j] & rare) >= MIN_SHARED
        and len(sets[i] & sets[j] & rare) >= MIN_SHARED_FRACTION * min(len(sets[i]), len(sets[j]))
    ]
    found = pairs_sharing_keys(keys, owners, len(sets))
    assert [tuple(p) for p in found.tolist()] == expected


_SHORT_TEXTS = st.lists(
    st.lists(st.sampled_from(["een", "twee", "drie", "vier", "vijf", "zes"]), max_size=12).map(
        " ".join
    ),
    max_size=30,
)


@given(texts=_SHORT_TEXTS)
def test_candidates_index_pairs_hold_only_the_shared_keys_yet_equal_the_full_index(
    texts: list[str],
) -> None:
    """`candidates`, the index read in place, equals the pairs of the joined keys."""
    found = sketch(tokenize(texts), np.arange(len(texts)), dn.DEFAULT)
    lean = lsh.index_pairs(found)
    full = pairs_sharing_keys(*index_keys(found), len(texts))
    assert lean.tolist() == full.tolist()
    joined = {*map(tuple, pairs_within(bucket_keys(found, dn.DEFAULT)).tolist())}
    expected = sorted(joined | {*map(tuple, full.tolist())})
    assert [tuple(p) for p in candidates(found, dn.DEFAULT).tolist()] == expected


def test_template_teasers_make_a_bounded_number_of_candidates_per_text() -> None:
    """N teasers of one template: candidates and scored pairs grow linearly in N (issue 9, 4)."""
    counts = []
    for n in (250, 500, 1000):
        texts = [
            f"Bij een aanval in het noorden vielen {k} doden, meldt de politie." for k in range(n)
        ]
        tokens = tokenize(texts)
        found = sketch(tokens, np.arange(n), dn.DEFAULT)
        pairs = candidates(found, dn.DEFAULT)
        groups = exact_groups(texts, tokens)
        verified = verify(pairs, groups, found, dn.DEFAULT)
        counts.append((len(pairs) / n, verified.scored / n))
        assert verified.matches == ()
    assert max(per_text for per_text, _ in counts) <= 4 * NEIGHBOURS
    assert counts[-1][1] <= counts[0][1] * 1.2 + 1


def test_paragraphs_sharing_an_opening_are_paired_with_few_neighbours() -> None:
    """N paragraphs sharing a 10-word opening: about NEIGHBOURS candidates each (issue 9, 2)."""
    rng = np.random.default_rng(2)
    opening = "Het kabinet heeft dinsdag bekendgemaakt dat het plan voor de"
    vocabulary = [f"woord{letter}{other}" for letter in "abcdefghij" for other in "klmnopqrst"]
    texts = [f"{opening} {' '.join(rng.choice(vocabulary, 30).tolist())}." for _ in range(2000)]
    found = sketch(tokenize(texts), np.arange(len(texts)), dn.DEFAULT)
    assert len(candidates(found, dn.DEFAULT)) <= 2 * NEIGHBOURS * len(texts)


@given(texts=_SHORT_TEXTS)
def test_candidates_given_the_band_pairs_of_a_lean_sketch_equal_the_full_sketchs(
    texts: list[str],
) -> None:
    """`candidates(banded=)` of `sketch_keys`' output equals `candidates` of the matrix."""
    tokens = tokenize(texts)
    everyone = np.arange(len(texts), dtype=np.int64)
    lean, keys = sketch_keys(tokens, everyone, dn.DEFAULT)
    found = candidates(lean, dn.DEFAULT, banded=pairs_within(keys))
    expected = candidates(sketch(tokens, everyone, dn.DEFAULT), dn.DEFAULT)
    assert found.tolist() == expected.tolist()


@pytest.mark.parametrize("layer", ["workqueue", None])
def test_kernels_go_to_threads_only_where_numba_allows_it(layer: str | None) -> None:
    """Under workqueue, which aborts on kernels from two threads at once, one thread works.

    The band columns and the index ranges of a large batch go to the run's threads on a
    threadsafe layer (the default, omp or tbb where installed); under workqueue a run
    finishes, its work on one thread.
    """
    script = (
        "import numba\n"
        "from dedupe_news import find_duplicates\n"
        "from dedupe_news.stages import lsh\n"
        "texts = [f'bericht {i % 97} over de trein naar Moskou, dag {i}' for i in range(3000)]\n"
        "find_duplicates(texts)\n"
        "print(lsh._workers(), numba.get_num_threads(), numba.threading_layer())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)}
    env.pop("NUMBA_THREADING_LAYER", None)
    if layer is not None:
        env["NUMBA_THREADING_LAYER"] = layer
    ran = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], capture_output=True, check=True, env=env
    )
    workers, threads, used = ran.stdout.decode().split()
    assert used == layer or layer is None
    assert int(workers) == (int(threads) if used in {"omp", "tbb"} else 1)
