"""Per-group kernels: run on any split into whole groups, their counts add up to the batch's."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.stages.article import cluster_page_pairs
from dedupe_news.stages.story import shingle_pairs

_PAGES = 12
_rows = st.lists(st.tuples(st.integers(0, 9), st.integers(0, _PAGES - 1)), min_size=0, max_size=80)


def _split_by_group(groups: np.ndarray, parts: int) -> list[np.ndarray]:
    """Return row indices per part, each group wholly in one part (group modulo parts)."""
    return [np.flatnonzero(groups % parts == p) for p in range(parts)]


@given(_rows, st.integers(1, 4))
def test_cluster_page_pairs_add_up_over_whole_clusters(
    rows: list[tuple[int, int]], parts: int
) -> None:
    """Page pairs of clusters split over parts, concatenated, are the whole batch's pairs."""
    cluster = np.array([c for c, _ in rows], dtype=np.int64)
    page = np.array([p for _, p in rows], dtype=np.int64)
    whole = np.sort(cluster_page_pairs(cluster, page, _PAGES))
    pieces = [
        cluster_page_pairs(cluster[r], page[r], _PAGES) for r in _split_by_group(cluster, parts)
    ]
    assert np.array_equal(np.sort(np.concatenate([np.empty(0, np.int64), *pieces])), whole)


@given(_rows, st.integers(1, 4))
def test_shingle_pairs_add_up_over_whole_shingles(rows: list[tuple[int, int]], parts: int) -> None:
    """Page pairs of shingles split over parts, concatenated, are the whole batch's pairs."""
    unique = sorted(set(rows))  # (shingle, page): unique, sorted by shingle then page
    shingle = np.array([s for s, _ in unique], dtype=np.uint64)
    page = np.array([p for _, p in unique], dtype=np.int64)
    whole = np.sort(shingle_pairs(page, shingle, _PAGES))
    pieces = [
        shingle_pairs(page[r], shingle[r], _PAGES)
        for r in _split_by_group(shingle.astype(np.int64), parts)
    ]
    assert np.array_equal(np.sort(np.concatenate([np.empty(0, np.int64), *pieces])), whole)
    assert all(int(c) // _PAGES < int(c) % _PAGES for c in whole)  # p < q
