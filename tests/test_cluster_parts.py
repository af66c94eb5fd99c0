"""Cluster parts: the columns clusters are built from, against numpy and the records."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.records import Match
from dedupe_news.stages.cluster_parts import MatchColumns, distinct_sorted, roots_of

INTS = st.lists(st.integers(-(2**40), 2**40), max_size=40)


@given(values=INTS)
def test_distinct_sorted_is_numpy_unique(values: list[int]) -> None:
    """One sort gives what `np.unique` gives: each value once, ascending."""
    array = np.array(values, dtype=np.int64)
    assert distinct_sorted(array).tolist() == np.unique(array).tolist()


@given(
    rows=st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0, 1), st.booleans()),
        max_size=10,
    )
)
def test_match_columns_give_back_the_matches(rows: list[tuple[int, int, float, bool]]) -> None:
    """Matches made columns and made records again are the same matches, flags aligned."""
    matches = [Match(a, b, score, 1 - score) for a, b, score, _ in rows]
    flags = [flag for *_, flag in rows]
    columns = MatchColumns.of(matches, flags)
    assert columns.records() == tuple(matches)
    assert (len(columns), columns.contained.tolist()) == (len(rows), flags)
    assert MatchColumns.of(matches).contained.tolist() == [False] * len(rows)
    assert columns.texts().tolist() == sorted({t for a, b, *_ in rows for t in (a, b)})


def test_roots_of_refuses_an_edge_outside_the_nodes() -> None:
    """A node beyond the size or below 0 is an error, not a write outside the array."""
    for first, second in (([0], [5]), ([-1], [2])):
        with pytest.raises(IndexError, match="edges must name nodes 0 to 4"):
            roots_of(5, np.array(first), np.array(second))
    assert roots_of(3, np.array([2]), np.array([1])).tolist() == [0, 1, 1]
