"""Index key filters: no false negatives, a merged run's filter is the OR, stored without loss."""

from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.index import filters

KEYS = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=300)


def _shingles(keys: list[int]) -> np.ndarray[tuple[int], np.dtype[np.uint64]]:
    return filters.shingle_hashes(np.array(keys, dtype=np.int64))


@given(KEYS, st.lists(st.integers(0, 40), max_size=300), st.integers(1, 4096))
def test_every_key_set_passes_its_filter(shingles: list[int], bands: list[int], words: int) -> None:
    """Every shingle and band key put in a filter passes it, whatever the filter's size."""
    heads = np.array([(b, k) for b, k in zip(bands, shingles, strict=False)], dtype=np.int64)
    found = [_shingles(shingles), filters.band_hashes(heads.reshape(-1, 2))]
    held = filters.build(found, words)
    assert all(bool(filters.passing(held, filters.places(part, words)).all()) for part in found)


@given(KEYS, KEYS)
def test_the_filter_of_a_union_is_the_or_of_the_filters(
    first: list[int], second: list[int]
) -> None:
    """A filter built from two runs' keys equals the OR of their filters: merges read no key."""
    both = filters.build([_shingles(first), _shingles(second)], 512)
    parts = filters.build([_shingles(first)], 512) | filters.build([_shingles(second)], 512)
    assert np.array_equal(both, parts)


def test_a_band_key_and_a_shingle_key_with_the_same_value_hash_apart() -> None:
    """The same 64-bit value as a shingle key and as each band's key gives distinct hashes."""
    keys = np.full(30, 12345, dtype=np.int64)
    heads = np.stack([np.arange(30, dtype=np.int64), keys], axis=1)
    found = np.concatenate([filters.band_hashes(heads), _shingles([12345])])
    assert len(set(found.tolist())) == len(found)


def test_false_positives_stay_near_the_blocked_filter_rate() -> None:
    """At 10 bits per key, under 3% of keys never set pass (the rate is about 1.7%)."""
    rng = np.random.default_rng(7)
    keys = rng.integers(-(2**63), 2**63 - 1, size=200_000, dtype=np.int64)
    held = filters.build([_shingles(keys[:64_000].tolist())], 10_000)  # 640,000 bits
    others = filters.places(_shingles(keys[64_000:].tolist()), len(held))
    rate = float(filters.passing(held, others).mean())
    assert 0.005 < rate < 0.03  # the rate stated in filters' docstring: about 1.7%


def _connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, rows INTEGER NOT NULL)")
    connection.execute(filters.SCHEMA)
    return connection


@given(st.lists(KEYS, min_size=1, max_size=4), st.sampled_from([64, 1 << 12]))
def test_stored_filters_read_back_and_merge_into_the_or(runs: list[list[int]], words: int) -> None:
    """Filters stored (sparse or dense) read back equal; a merged run gets their OR, parts go."""
    connection = _connection()
    built = [filters.build([_shingles(keys)], words) for keys in runs]
    for run, held in enumerate(built, start=1):
        connection.execute("INSERT INTO runs VALUES (?, 1)", (run,))
        filters.save(connection, run, held)
    read = dict(filters.stored(connection))
    for run, held in enumerate(built, start=1):
        assert np.array_equal(np.asarray(read[run]), held)
    merged = len(runs) + 1
    connection.execute("DELETE FROM runs")
    connection.execute("INSERT INTO runs VALUES (?, 1)", (merged,))
    filters.union(connection, merged, list(range(1, merged)))
    (run, union), *others = list(filters.stored(connection))
    assert (run, others) == (merged, [])
    assert np.array_equal(np.asarray(union), np.bitwise_or.reduce(built))


def test_a_merge_with_a_run_without_a_filter_has_none() -> None:
    """A run merged from one without a filter (an older file's) gets none: sought for every key."""
    connection = _connection()
    connection.execute("INSERT INTO runs VALUES (3, 2)")
    filters.save(connection, 1, filters.build([_shingles([1, 2])], 64))
    filters.union(connection, 3, [1, 2])
    assert list(filters.stored(connection)) == [(3, None)]
