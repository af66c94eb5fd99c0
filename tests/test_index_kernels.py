"""The speed path: fused signature kernel, range-wise shingle index, folded facts, chunking."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.stages import _index_kernels as index_kernels
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import lsh
from dedupe_news.stages import tokenize as tokenize_module
from dedupe_news.stages.facts import fact_text
from dedupe_news.stages.normalize import normalize
from dedupe_news.stages.signature import permutations, sketch
from dedupe_news.stages.tokenize import tokenize
from tests.strategies import PARAGRAPHS

if TYPE_CHECKING:
    from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., object])

TEXTS = st.lists(
    st.lists(st.sampled_from("abcdefgh"), max_size=14).map(" ".join), min_size=1, max_size=12
)
"""Texts over a small vocabulary, so shingles recur across texts."""


def _python(kernel: F) -> F:
    """Return the Python source of a compiled kernel (numba keeps it as `py_func`)."""
    return cast("F", kernel.py_func)  # type: ignore[attr-defined]


@given(texts=TEXTS, width=st.integers(1, 4))
def test_sketch_sets_is_affine32_and_shingle_sets_in_one_pass(texts: list[str], width: int) -> None:
    """The fused kernel's matrix, sets and offsets equal the two kernels run apart."""
    tokens = tokenize(texts)
    starts, ends = tokens.offsets[:-1], tokens.offsets[1:]
    a, b = permutations(16, 3)
    with np.errstate(over="ignore"):  # the Python source wraps like the compiled code
        matrix, sets, offsets = kernels.sketch_sets(tokens.hashes, starts, ends, width, a, b)
        python = _python(kernels.sketch_sets)(tokens.hashes, starts, ends, width, a, b)
    np.testing.assert_array_equal(
        matrix, kernels.affine32(tokens.hashes, starts, ends, width, a, b)
    )
    apart = kernels.shingle_sets(tokens.hashes, starts, ends, width)
    np.testing.assert_array_equal(sets, apart[0])
    np.testing.assert_array_equal(offsets, apart[1])
    for got, expected in zip((matrix, sets, offsets), python, strict=True):
        np.testing.assert_array_equal(got, expected)


@given(texts=TEXTS)
def test_index_pairs_equal_the_flat_index(texts: list[str]) -> None:
    """Reading the sketch in place gives the pairs of `pairs_sharing_keys(*index_keys(...))`."""
    found = sketch(tokenize(texts), np.arange(len(texts)), dn.DEFAULT)
    flat = lsh.pairs_sharing_keys(*lsh.index_keys(found), len(texts))
    np.testing.assert_array_equal(lsh.index_pairs(found), flat)


@given(
    sets=st.lists(
        st.sets(st.integers(0, 2**64 - 1) | st.integers(0, 30), max_size=10), max_size=30
    ),
    per_range=st.integers(1, 8),
)
def test_many_ranges_count_shared_keys_as_a_set_computation(
    sets: list[set[int]], per_range: int
) -> None:
    """Keys spread over every top-bit bin, taken a few at a time: counts as sets say."""
    keys = np.array([k for s in sets for k in sorted(s)], dtype=np.uint64)
    owners = np.array([i for i, s in enumerate(sets) for _ in s], dtype=np.int64)
    holders = {k: sum(k in s for s in sets) for s in sets for k in s}
    rare = {k for k, count in holders.items() if 2 <= count <= lsh.MAX_HOLDERS}
    expected = {
        i * len(sets) + j: len(sets[i] & sets[j] & rare)
        for i, j in combinations(range(len(sets)), 2)
        if sets[i] & sets[j] & rare
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lsh, "_KEYS_PER_RANGE", per_range)
        patch.setattr(lsh, "_PAIRS_PER_STEP", 2)  # several steps of pair codes too
        codes, shared = lsh.shared_key_counts(keys, owners, len(sets))
    assert dict(zip(codes.tolist(), shared.tolist(), strict=True)) == expected
    assert codes.tolist() == sorted(expected)


@given(values=st.lists(st.integers(0, 6), max_size=40), most=st.integers(2, 4))
def test_run_kernels_count_equal_values(values: list[int], most: int) -> None:
    """rare_runs and count_runs: the counts of a sorted array's values, compiled == Python."""
    ordered = np.array(sorted(values), dtype=np.uint64)
    counts = {v: values.count(v) for v in sorted(set(values))}
    rare, held = index_kernels.rare_runs(ordered, most)
    assert dict(zip(rare.tolist(), held.tolist(), strict=True)) == {
        v: c for v, c in counts.items() if 2 <= c <= most
    }
    python = _python(index_kernels.rare_runs)(ordered, most)
    np.testing.assert_array_equal(rare, python[0])
    codes = ordered.astype(np.int64)
    found, times = index_kernels.count_runs(codes.copy())
    assert dict(zip(found.tolist(), times.tolist(), strict=True)) == counts
    python_found, python_times = _python(index_kernels.count_runs)(codes.copy())
    np.testing.assert_array_equal(found, python_found)
    np.testing.assert_array_equal(times, python_times)


@given(
    keys=st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=40),
    table=st.sets(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=20),
)
def test_rare_ids_find_each_key_in_the_table(keys: list[int], table: set[int]) -> None:
    """key_table and rare_ids: each key's index among the table's keys, or -1."""
    rare = np.array(sorted(table), dtype=np.uint64)
    key_array = np.array(keys, dtype=np.uint64)
    table_arrays = index_kernels.key_table(rare)
    for got, expected in zip(table_arrays, _python(index_kernels.key_table)(rare), strict=True):
        np.testing.assert_array_equal(got, expected)
    found = index_kernels.rare_ids(key_array, *table_arrays)
    index = {k: i for i, k in enumerate(sorted(table))}
    assert found.tolist() == [index.get(k, -1) for k in keys]
    python = _python(index_kernels.rare_ids)(key_array, *table_arrays)
    np.testing.assert_array_equal(found, python)


@given(ids=st.lists(st.integers(0, 4), max_size=30))
def test_group_owners_is_a_stable_counting_sort(ids: list[int]) -> None:
    """Owners grouped by id keep their order within each group."""
    id_array = np.array(ids, dtype=np.int64)
    owners = np.arange(len(ids), dtype=np.int64)
    starts = np.r_[0, np.cumsum(np.bincount(id_array, minlength=5))].astype(np.int64)
    grouped = index_kernels.group_owners(id_array, owners, starts)
    assert grouped.tolist() == [k for g in range(5) for k, i in enumerate(ids) if i == g]
    python = _python(index_kernels.group_owners)(id_array, owners, starts)
    np.testing.assert_array_equal(grouped, python)


@given(
    shared=st.lists(st.integers(0, 8), min_size=1, max_size=20),
    keys_of=st.lists(st.integers(0, 12), min_size=6, max_size=6),
)
def test_enough_pairs_is_enough_shared(shared: list[int], keys_of: list[int]) -> None:
    """The one-pass test keeps exactly the pairs `enough_shared` keeps."""
    size = len(keys_of)
    pairs = [(i, j) for i, j in combinations(range(size), 2)][: len(shared)]
    codes = np.array([i * size + j for i, j in pairs], dtype=np.int64)
    counts = np.array(shared[: len(pairs)], dtype=np.int64)
    of = np.array(keys_of, dtype=np.int64)
    rule = (lsh.MIN_SHARED, lsh.MIN_SHARED_FRACTION)
    got = index_kernels.enough_pairs(codes, counts, of, size, rule)
    np.testing.assert_array_equal(
        got, _python(index_kernels.enough_pairs)(codes, counts, of, size, rule)
    )
    fewer = np.minimum(of[codes // size], of[codes % size])
    kept = lsh.enough_shared(counts, fewer)
    assert got.tolist() == [list(p) for p, keep in zip(pairs, kept.tolist(), strict=True) if keep]


def test_band_keys_extra_columns_are_zeros_after_the_same_bands() -> None:
    """`extra` only appends zero columns: the band keys are those made without it."""
    signatures = np.random.default_rng(3).integers(0, 2**32, (50, 20), dtype=np.uint32)
    keys = kernels.band_keys(signatures, 4, 5, 2)
    np.testing.assert_array_equal(keys[:, :4], kernels.band_keys(signatures, 4, 5))
    assert not keys[:, 4:].any()


@given(text=PARAGRAPHS | st.text(max_size=40))
def test_facts_from_the_normalized_words_equal_facts_from_the_text(text: str) -> None:
    """Passing `normalize(text)`'s words changes nothing: they are the folded words."""
    assert fact_text(text, folded=tuple(normalize(text).split())) == fact_text(text)


@given(texts=st.lists(st.text(max_size=12), max_size=12), chars=st.integers(1, 30))
def test_chunked_tokens_equal_one_chunk(texts: list[str], chars: int) -> None:
    """Cutting the batch into chunks of a few characters gives the tokens of one chunk."""
    whole = tokenize(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokenize_module, "_CHUNK_CHARS", chars)
        patch.setattr(tokenize_module, "_CHUNK_TEXTS", 3)
        chunked = tokenize(texts)
    for field in ("hashes", "offsets", "norm_lengths"):
        expected: NDArray[np.generic] = getattr(whole, field)
        np.testing.assert_array_equal(getattr(chunked, field), expected)
    assert [chunked.norm(i) for i in range(len(texts))] == [
        whole.norm(i) for i in range(len(texts))
    ]


@given(rows=st.lists(st.sets(st.integers(0, 2**64 - 1), max_size=6), max_size=8))
def test_take_range_reads_each_key_once_over_ascending_ranges(rows: list[set[int]]) -> None:
    """Ranges of top-bit bins taken in order: every key once, with its owner, as in Python."""
    keys = np.array([k for r in rows for k in sorted(r)], dtype=np.uint64)
    offsets = np.r_[0, np.cumsum([len(r) for r in rows])].astype(np.int64)
    owners = np.arange(len(rows), dtype=np.int64) * 10
    bins = np.cumsum(index_kernels.top_counts(keys))
    cursors = offsets[:-1].copy()
    python_cursors = offsets[:-1].copy()
    taken: list[tuple[int, int]] = []
    for low, high in ((0, 3), (3, 100), (100, 256)):
        size = int(bins[high - 1] - (bins[low - 1] if low else 0))
        got = (np.zeros(size + 1, np.uint64), np.zeros(size + 1, np.int64))
        python = (np.zeros(size + 1, np.uint64), np.zeros(size + 1, np.int64))
        end = index_kernels.take_range(keys, offsets, owners, cursors, (high, *got, 1))
        python_end = _python(index_kernels.take_range)(
            keys, offsets, owners, python_cursors, (high, *python, 1)
        )
        assert end == python_end == size + 1  # written after the given start
        for a, b in zip(got, python, strict=True):
            np.testing.assert_array_equal(a, b)
        assert all(low <= k >> 56 < high for k in got[0][1:].tolist())
        taken += zip(got[0][1:].tolist(), got[1][1:].tolist(), strict=True)
    assert sorted(taken) == sorted((k, 10 * i) for i, r in enumerate(rows) for k in r)
