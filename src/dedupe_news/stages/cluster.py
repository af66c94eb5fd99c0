"""Cluster: matches -> clusters, by union-find.

Texts equal once normalized form an exact group without any comparison; matches join groups
into near-duplicate clusters. The representative of a cluster is the member with the longest
normalized text (the fullest copy: truncations are contained in it), ties broken by the
first member. A cluster's key is the xxh3-64 digest of its representative's normalized text,
and in a batch run its id is `"c" + key`: it depends on that text only, not on input order,
partitioning or the other pages of the run, unless the run holds a longer copy, which
becomes the representative. An index gives clusters ids that persist instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, starmap
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

import numpy as np
import xxhash

from dedupe_news.records import Cluster, ClusterId, ClusterKind, Match, SegmentId, Segments
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.cluster_parts import by_pair, matches_by_component, representatives

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Segment


class Groups(Protocol):
    """The distinct texts of a batch, as clustering reads them (`stages.exact.Distinct`)."""

    @property
    def group_of(self) -> NDArray[np.int64]:
        """Each item's distinct text, -1 for an item without words."""

    @property
    def firsts(self) -> NDArray[np.int64]:
        """Each distinct text's first item, ascending."""

    def norm(self, group: int) -> str:
        """Return the normalized text of a distinct text."""

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of every distinct text's normalized text."""


@dataclass(frozen=True, slots=True)
class Clustering:
    """Clusters of a batch and, for each segment, its cluster id or None."""

    clusters: tuple[Cluster[SegmentId], ...]
    segment_clusters: tuple[ClusterId | None, ...]


def components(size: int, edges: Sequence[tuple[int, int]]) -> NDArray[np.int64]:
    """Return each node's component root: the smallest node of its component.

    One compiled pass over the edges, then one over the nodes (`_kernels.component_roots`).

    Raises:
        IndexError: An edge names a node outside 0 to size - 1.

    Examples:
        >>> components(5, [(3, 1), (4, 3)]).tolist()
        [0, 1, 2, 1, 1]
    """
    ends = np.fromiter(chain.from_iterable(edges), np.int64, 2 * len(edges))
    if len(ends) and (int(ends.min()) < 0 or int(ends.max()) >= size):
        msg = f"edges must name nodes 0 to {size - 1}, got {int(ends.min())}..{int(ends.max())}"
        raise IndexError(msg)
    return kernels.component_roots(size, ends[0::2].copy(), ends[1::2].copy())


def content_key(norm: str) -> str:
    """Return the content key of a representative's normalized text.

    Examples:
        >>> content_key("meer uit buitenland")
        '995f360b8687085b'
    """
    return xxhash.xxh3_64_hexdigest(norm.encode())


def cluster_texts(
    distinct: Groups, matches: Sequence[Match[int]], contained: Sequence[bool] = ()
) -> tuple[Cluster[int], ...]:
    """Group a batch's texts into clusters, sorted by their first member.

    Similarity matches join texts by union-find. A containment match (`contained`: the
    shorter text lies inside the longer one, the two are not similar as wholes) never chains
    long texts together: a short text contained in several long ones that are not matched to
    each other is template or a quote. So, from the longest texts down, a component joined to
    others only by containment moves into its containers' cluster when all of them lie in one
    cluster; otherwise it stays apart, and those containment matches join nothing and are
    left out of every cluster's `matches`.

    Args:
        distinct: The batch's distinct texts (texts without words are never clustered).
        matches: Verified matches between distinct texts.
        contained: Per match, whether it is a containment match (default: none is).

    Examples:
        >>> from dedupe_news.stages.exact import exact_groups
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> texts = ["a", "b b", "b", "A", ""]
        >>> found = cluster_texts(exact_groups(texts, tokenize(texts)), [Match(1, 2, 0.9, 0.7)])
        >>> [(c.kind.value, c.members, c.representative, c.lowest_score) for c in found]
        [('exact', (0, 3), 0, 1.0), ('near', (1, 2), 1, 0.9)]
        >>> found[1].matches
        (Match(a=1, b=2, score=0.9, jaccard=0.7),)
    """
    flags = list(contained) or [False] * len(matches)
    lengths = distinct.lengths().tolist()
    joined = join_matches(len(distinct.firsts), matches, flags, lengths)
    roots = components(len(distinct.firsts), list(map(by_pair, joined)))
    return tuple(
        Cluster(
            id=ClusterId("c" + part.key),
            key=part.key,
            kind=part.kind,
            members=tuple(part.members),
            representative=part.representative,
            matches=tuple(starmap(Match, part.matches)),
            lowest_score=part.lowest_score,
        )
        for part in _parts(distinct, roots, joined, lengths)
    )


def join_matches(
    texts: int,
    matches: Sequence[Match[int]],
    contained: Sequence[bool],
    length: Sequence[int],
) -> list[Match[int]]:
    """Return the matches that join clusters: all similarity ones, the containment ones kept.

    Args:
        texts: The number of texts (matches name texts 0 to texts - 1).
        matches: Verified matches between the texts.
        contained: Per match, whether it is a containment match.
        length: Each text's normalized characters.

    It reads the matched texts only (their lengths), so a driver holding just the matched
    texts, numbered in order of first appearance, joins them as a whole batch does.
    """
    similar = [m for m, c in zip(matches, contained, strict=True) if not c]
    roots = components(texts, list(map(by_pair, similar)))

    def inner(match: Match[int]) -> tuple[int, int]:  # (contained text, its container)
        a_first = (length[match.a], match.a) < (length[match.b], match.b)
        return (match.a, match.b) if a_first else (match.b, match.a)

    by_component: dict[int, list[Match[int]]] = {}
    size: dict[int, int] = {}
    for match in (m for m, c in zip(matches, contained, strict=True) if c):
        short, _ = inner(match)
        root = int(roots[short])
        by_component.setdefault(root, []).append(match)
    ends = chain.from_iterable(map(by_pair, matches))
    matched = np.unique(np.fromiter(ends, np.int64, 2 * len(matches)))
    chars_of = [length[text] for text in matched.tolist()]
    for root, chars in zip(roots[matched].tolist(), chars_of, strict=True):
        size[root] = max(size.get(root, 0), chars)
    parent = {root: root for root in size}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    kept = list(similar)
    for root in sorted(by_component, key=lambda r: (-size[r], r)):  # longest first
        edges = by_component[root]
        containers = {find(int(roots[inner(m)[1]])) for m in edges} - {find(root)}
        if len(containers) == 1:
            (target,) = containers
            low, high = sorted((find(root), target))
            parent[high] = low
            kept.extend(edges)
    return sorted(kept, key=by_pair)


def representative(texts: Sequence[int], length: Sequence[int]) -> int:
    """Return a cluster's representative text: the longest, ties to the first (smallest).

    Examples:
        >>> representative([2, 5, 7], [0, 0, 10, 0, 0, 12, 0, 12])
        5
    """
    return min(texts, key=lambda t: (-length[t], t))


class _Part(NamedTuple):
    """One cluster, its members and matches named by item (batch text) index."""

    key: str
    kind: ClusterKind
    members: list[int]
    representative: int
    matches: list[tuple[int, int, float, float]]
    lowest_score: float


def _parts(
    distinct: Groups, roots: NDArray[np.int64], matches: Sequence[Match[int]], length: Sequence[int]
) -> list[_Part]:
    """Build the clusters of components: members, representative, key, their matches.

    Sorted by first member. Per cluster, the work is its members and its matches: the
    representatives are picked for all components at once (`cluster_parts`), and only each
    representative's norm is decoded.
    """
    group_of, firsts = distinct.group_of, distinct.firsts.tolist()
    best_of, near = representatives(roots, matches, length)
    matches_of = matches_by_component(roots, matches, firsts)
    items = np.flatnonzero(group_of >= 0)
    item_roots = roots[group_of[items]]
    repeated = np.bincount(item_roots, minlength=len(roots))[item_roots] >= 2
    items, item_roots = items[repeated], item_roots[repeated]  # one item is no cluster
    order = np.argsort(item_roots, kind="stable")  # items stay ascending within a root
    items, item_roots = items[order], item_roots[order]
    starts = np.flatnonzero(np.r_[True, item_roots[1:] != item_roots[:-1]][: len(items)])
    ends = np.r_[starts[1:], len(items)][: len(starts)]
    members = items.tolist()  # Python values once: no numpy slice or scalar per cluster
    found = []
    for root, start, end in zip(
        item_roots[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
    ):
        best = best_of.get(root, root)
        joined, lowest = matches_of.get(root, ([], 1.0))
        found.append(
            _Part(
                key=content_key(distinct.norm(best)),
                kind=ClusterKind.NEAR if root in near else ClusterKind.EXACT,
                members=members[start:end],
                representative=firsts[best],
                matches=joined,
                lowest_score=lowest,
            )
        )
    found.sort(key=lambda part: part.members[0])
    return found


def build_clusters(
    distinct: Groups,
    matches: Sequence[Match[int]],
    segments: Sequence[Segment],
    contained: Sequence[bool] = (),
) -> Clustering:
    """Group segments into clusters (`cluster_texts` over segments sorted by page and line)."""
    flags = list(contained) or [False] * len(matches)
    lengths = distinct.lengths().tolist()
    joined = join_matches(len(distinct.firsts), matches, flags, lengths)
    roots = components(len(distinct.firsts), [(m.a, m.b) for m in joined])
    clusters = []
    segment_clusters: list[ClusterId | None] = [None] * len(segments)
    columns = Segments.of(segments)
    owner, lines = columns.page_id_column(), columns.lines.tolist()  # Segment.id's parts
    for part in _parts(distinct, roots, joined, lengths):
        cluster_id = ClusterId("c" + part.key)
        members = [f"{owner[i]}:{lines[i]}" for i in part.members]
        for member in part.members:
            segment_clusters[member] = cluster_id
        at = part.representative
        clusters.append(
            Cluster(
                id=cluster_id,
                key=part.key,
                kind=part.kind,
                members=cast("tuple[SegmentId, ...]", tuple(members)),
                representative=SegmentId(f"{owner[at]}:{lines[at]}"),
                matches=tuple(
                    Match(
                        SegmentId(f"{owner[a]}:{lines[a]}"),
                        SegmentId(f"{owner[b]}:{lines[b]}"),
                        score,
                        jaccard,
                    )
                    for a, b, score, jaccard in part.matches
                ),
                lowest_score=part.lowest_score,
            )
        )
    return Clustering(tuple(clusters), tuple(segment_clusters))
