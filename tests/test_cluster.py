"""Cluster: union-find against brute-force connectivity; representatives; stable ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.cluster import cluster_id, cluster_texts, components
from dedupe_news.records import ClusterKind, Match

EDGES = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20)


def _brute_force_roots(size: int, edges: list[tuple[int, int]]) -> list[int]:
    reach = [{node} for node in range(size)]
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            union = reach[a] | reach[b]
            for node in union:
                if reach[node] != union:
                    reach[node], changed = set(union), True
    return [min(r) for r in reach]


@given(edges=EDGES)
def test_components_match_brute_force_connectivity(edges: list[tuple[int, int]]) -> None:
    """Every node's root is the smallest node it is connected to."""
    assert components(12, edges).tolist() == _brute_force_roots(12, edges)


@given(edges=EDGES, data=st.data())
def test_clusters_do_not_depend_on_match_order(
    edges: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Shuffled matches give the same clusters, members sorted, partitioning the matched."""
    matches = [Match(min(a, b), max(a, b), 0.9, 0.5) for a, b in edges if a != b]
    norms = [f"text {i} " + "x" * (i % 3) for i in range(12)]
    group_of = np.arange(12, dtype=np.int64)
    found = cluster_texts(group_of, matches, norms)
    again = cluster_texts(group_of, data.draw(st.permutations(matches)), norms)
    assert found == again
    members = [m for c in found for m in c.members]
    assert len(members) == len(set(members))
    assert all(list(c.members) == sorted(c.members) for c in found)
    assert set(members) == {n for m in matches for n in (m.a, m.b)}


def test_representative_is_the_longest_then_the_first() -> None:
    """The fullest text represents a near cluster; the id follows from its text."""
    matches = [Match(0, 1, 0.85, 0.6), Match(1, 2, 0.95, 0.7)]
    (cluster,) = cluster_texts(np.array([0, 1, 2, 1]), matches, ["kort", "veel langer", "lang"])
    assert cluster.kind is ClusterKind.NEAR
    assert cluster.members == (0, 1, 2, 3)
    assert cluster.representative == 1
    assert cluster.min_score == 0.85
    assert cluster.id == cluster_id("veel langer")
