"""Cluster: matches -> clusters of segments, by union-find.

Texts equal once normalized form an exact group without any comparison; matches join groups
into near-duplicate clusters. The representative of a cluster is the member with the longest
normalized text (the fullest copy: truncations are contained in it), ties broken by the
smallest (page id, line). A cluster's id is derived from its representative's normalized
text, so it does not depend on input order or on which other pages a run saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dedupe_news.records import Cluster, ClusterId, ClusterKind, TextCluster

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Match, Segment


@dataclass(frozen=True, slots=True)
class Clustering:
    """Clusters of a batch and, for each segment, its cluster id or None."""

    clusters: tuple[Cluster, ...]
    segment_clusters: tuple[ClusterId | None, ...]


def components(size: int, edges: Sequence[tuple[int, int]]) -> NDArray[np.int64]:
    """Return each node's component root: the smallest node of its component.

    Only nodes on an edge are visited, so the cost follows the edges, not `size`.

    Examples:
        >>> components(5, [(3, 1), (4, 3)]).tolist()
        [0, 1, 2, 1, 1]
    """
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = np.arange(size, dtype=np.int64)
    for node in sorted(parent):
        roots[node] = find(node)
    return roots


def cluster_id(norm: str) -> ClusterId:
    """Return the stable id of a cluster whose representative has this normalized text.

    Examples:
        >>> cluster_id("meer uit buitenland")
        'c995f360b8687085b'
    """
    return ClusterId("c" + xxhash.xxh3_64_hexdigest(norm.encode()))


def cluster_texts(
    group_of: NDArray[np.int64], matches: Sequence[Match], norms: Sequence[str]
) -> tuple[TextCluster, ...]:
    """Group items into clusters, sorted by their first member.

    Args:
        group_of: For each item, the index of its distinct normalized text (-1 when it has
            no words: never clustered). Distinct texts are numbered by first appearance.
        matches: Verified matches between distinct texts.
        norms: The normalized text of each distinct text; read only for clustered ones.

    Examples:
        >>> from dedupe_news.records import Match
        >>> group_of = np.array([0, 1, 2, 0, -1])
        >>> found = cluster_texts(group_of, [Match(1, 2, 0.9, 0.7)], ["a", "bb", "b"])
        >>> [(c.kind.value, c.members, c.representative, c.min_score) for c in found]
        [('exact', (0, 3), 0, 1.0), ('near', (1, 2), 1, 0.9)]
    """
    roots = components(len(norms), [(m.a, m.b) for m in matches])
    texts_of: dict[int, list[int]] = {}
    for text in sorted({t for m in matches for t in (m.a, m.b)}):
        texts_of.setdefault(int(roots[text]), []).append(text)
    lowest: dict[int, float] = {}
    for match in matches:
        root = int(roots[match.a])
        lowest[root] = min(lowest.get(root, 1.0), match.score)
    items = np.flatnonzero(group_of >= 0)
    item_roots = roots[group_of[items]]
    order = np.argsort(item_roots, kind="stable")  # items stay ascending within a root
    items, item_roots = items[order], item_roots[order]
    starts = np.r_[0, np.flatnonzero(np.diff(item_roots)) + 1]
    ends = np.r_[starts[1:], len(items)]
    repeated = ends - starts >= 2  # a root with one item is no cluster
    found = []
    for start, end in zip(starts[repeated].tolist(), ends[repeated].tolist(), strict=True):
        root = int(item_roots[start])
        members = tuple(items[start:end].tolist())
        texts = texts_of.get(root, [root])
        best = min(texts, key=lambda t: (-len(norms[t]), t))  # texts number by first member
        first_of_best = (
            members[0] if len(texts) == 1 else next(m for m in members if group_of[m] == best)
        )
        kind = ClusterKind.EXACT if len(texts) == 1 else ClusterKind.NEAR
        cluster = TextCluster(
            cluster_id(norms[best]), kind, members, first_of_best, lowest.get(root, 1.0)
        )
        found.append(cluster)
    return tuple(sorted(found, key=lambda cluster: cluster.members[0]))


def build_clusters(
    group_of: NDArray[np.int64],
    matches: Sequence[Match],
    segments: Sequence[Segment],
    norms: Sequence[str],
) -> Clustering:
    """Group segments into clusters (`cluster_texts` over segments sorted by page and line)."""
    clusters = []
    segment_clusters: list[ClusterId | None] = [None] * len(segments)
    for found in cluster_texts(group_of, matches, norms):
        for member in found.members:
            segment_clusters[member] = found.id
        clusters.append(
            Cluster(
                id=found.id,
                kind=found.kind,
                members=tuple(segments[m].id for m in found.members),
                representative=segments[found.representative].id,
                min_score=found.min_score,
            )
        )
    return Clustering(tuple(clusters), tuple(segment_clusters))
