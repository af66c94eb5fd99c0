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

import xxhash

from dedupe_news.records import Cluster, ClusterId, ClusterKind, TextCluster

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.records import Match, Segment


@dataclass(frozen=True, slots=True)
class Clustering:
    """Clusters of a batch and, for each segment, its cluster id or None."""

    clusters: tuple[Cluster, ...]
    segment_clusters: tuple[ClusterId | None, ...]


def components(size: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Return each node's component root: the smallest node of its component.

    Examples:
        >>> components(5, [(3, 1), (4, 3)])
        [0, 1, 2, 1, 1]
    """
    parent = list(range(size))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return [find(node) for node in range(size)]


def cluster_id(norm: str) -> ClusterId:
    """Return the stable id of a cluster whose representative has this normalized text.

    Examples:
        >>> cluster_id("meer uit buitenland")
        'c995f360b8687085b'
    """
    return ClusterId("c" + xxhash.xxh3_64_hexdigest(norm.encode()))


def cluster_texts(
    groups: Sequence[Sequence[int]], matches: Sequence[Match], norms: Sequence[str]
) -> tuple[TextCluster, ...]:
    """Group items into clusters, sorted by their first member.

    Args:
        groups: For each distinct normalized text, its items (indices, ascending).
        matches: Verified matches between distinct texts (indices into `groups`).
        norms: The normalized text of each distinct text (aligned with `groups`).

    Examples:
        >>> from dedupe_news.records import Match
        >>> found = cluster_texts([[0, 3], [1], [2]], [Match(1, 2, 0.9, 0.7)], ["a", "bb", "b"])
        >>> [(c.kind.value, c.members, c.representative, c.min_score) for c in found]
        [('exact', (0, 3), 0, 1.0), ('near', (1, 2), 1, 0.9)]
    """
    roots = components(len(groups), [(m.a, m.b) for m in matches])
    texts_of: dict[int, list[int]] = {}
    for text, root in enumerate(roots):
        texts_of.setdefault(root, []).append(text)
    lowest: dict[int, float] = {}
    for match in matches:
        root = roots[match.a]
        lowest[root] = min(lowest.get(root, 1.0), match.score)
    found = []
    for root, texts in texts_of.items():
        members = tuple(sorted(item for text in texts for item in groups[text]))
        if len(members) < 2:
            continue
        best = min(texts, key=lambda t: (-len(norms[t]), groups[t][0]))
        kind = ClusterKind.EXACT if len(texts) == 1 else ClusterKind.NEAR
        found.append(
            TextCluster(
                cluster_id(norms[best]), kind, members, groups[best][0], lowest.get(root, 1.0)
            )
        )
    return tuple(sorted(found, key=lambda cluster: cluster.members[0]))


def build_clusters(
    groups: Sequence[Sequence[int]],
    matches: Sequence[Match],
    segments: Sequence[Segment],
    norms: Sequence[str],
) -> Clustering:
    """Group segments into clusters (`cluster_texts` over segments sorted by page and line)."""
    clusters = []
    segment_clusters: list[ClusterId | None] = [None] * len(segments)
    for found in cluster_texts(groups, matches, norms):
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
