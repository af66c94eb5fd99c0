"""Components: connected components by large-star/small-star on Dask, clusters per component.

Large-star links every node to the smallest node of its neighbourhood, small-star links every
node's smaller neighbours to the smallest of them (Kiveris et al., "Connected Components in
MapReduce and Beyond", 2014); alternated until the edge set stops changing, every node points
to the smallest node of its component, which is the root `stages.cluster.components` gives.
Clustering then runs per group of components, on the workers, through the stage's own
`build_clusters`: a component's clusters depend on its own texts and matches only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import dask  # noqa: F401 - the doctest of roots sets its scheduler
import numpy as np
from dask.base import compute, persist
from dask.delayed import delayed

from dedupe_news.engines.shuffle import hashed, shuffle
from dedupe_news.stages.cluster import Clustering, build_clusters

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dask.delayed import Delayed
    from numpy.typing import NDArray

    from dedupe_news.engines.shuffle import Frame
    from dedupe_news.records import Cluster, ClusterId, Match, Segment, SegmentId
    from dedupe_news.stages.link import Separated, Sides

PARTS = 8
"""Partitions of the edge shuffles."""


def _star(frame: Frame, *, large: bool) -> Frame:
    """One large-star or small-star step over the edges (u -> v) grouped here by u."""
    u, v = frame["u"], frame["v"]
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    if len(u) == 0:
        return {"u": u, "v": v}
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    smallest = np.minimum(np.minimum.reduceat(v, starts), u[starts])
    m = np.repeat(smallest, np.diff(np.r_[starts, len(u)]))
    if large:
        keep = v > u  # each larger neighbour points to the neighbourhood's smallest node
        out_u, out_v = v[keep], m[keep]
    else:
        out_u, out_v = np.r_[v, u[starts]], np.r_[m, smallest]  # smaller neighbours and u
    distinct = out_u != out_v
    codes = np.unique(np.column_stack((out_u[distinct], out_v[distinct])), axis=0)
    return {"u": codes[:, 0], "v": codes[:, 1]}


def _both_ways(frame: Frame) -> Frame:
    return {"u": np.r_[frame["u"], frame["v"]], "v": np.r_[frame["v"], frame["u"]]}


def _downward(frame: Frame) -> Frame:
    """Orient each edge from its larger to its smaller node (small-star's input)."""
    return {"u": np.maximum(frame["u"], frame["v"]), "v": np.minimum(frame["u"], frame["v"])}


def _digest(frames: Sequence[Frame]) -> tuple[int, int]:
    """Return the edge count and an order-free checksum of the edge set."""
    count, total = 0, 0
    for frame in frames:
        mixed = frame["u"].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps mod 2**64
        codes = (mixed ^ frame["v"].astype(np.uint64)) * np.uint64(0xBF58476D1CE4E5B9)
        count += len(codes)
        total ^= int(np.bitwise_xor.reduce(codes, initial=np.uint64(0)))
    return count, total


def roots(edges: NDArray[np.int64], parts: int = PARTS) -> dict[int, int]:
    """Return each node on an edge with its component's smallest node, computed on Dask.

    Examples:
        >>> with dask.config.set(scheduler="synchronous"):
        ...     found = roots(np.array([[3, 1], [4, 3], [7, 9]]), parts=2)
        >>> sorted(found.items())
        [(1, 1), (3, 1), (4, 1), (7, 7), (9, 7)]
    """
    chunks = np.array_split(np.arange(len(edges)), parts)
    frames: list[Delayed] = [
        delayed({"u": edges[c, 0].astype(np.int64), "v": edges[c, 1].astype(np.int64)})
        for c in chunks
    ]
    previous: tuple[int, int] | None = None
    while True:
        large = shuffle([delayed(_both_ways)(f) for f in frames], hashed("u", parts), parts)
        large = [delayed(_star)(f, large=True) for f in large]
        small = shuffle([delayed(_downward)(f) for f in large], hashed("u", parts), parts)
        frames = list(persist(*[delayed(_star)(f, large=False) for f in small]))
        computed = compute(*frames)
        current = _digest(computed)
        if current == previous:
            break
        previous = current
    found = {int(n): int(n) for n in np.unique(edges)}
    for frame in computed:  # converged: every edge points from a node to its root
        found.update(zip(frame["u"].tolist(), frame["v"].tolist(), strict=True))
    return found


@dataclass(frozen=True, slots=True)
class _SubSides:
    """Some sides of a batch renumbered in order (a `cluster.Groups` of their items)."""

    group_of: NDArray[np.int64]
    firsts: NDArray[np.int64]
    sides: Sides
    chosen: NDArray[np.int64]

    def norm(self, group: int) -> str:
        return self.sides.norm(int(self.chosen[group]))

    def lengths(self) -> NDArray[np.int64]:
        return self.sides.lengths()[self.chosen]


def _cluster_batch(
    sides: Sides,
    chosen: NDArray[np.int64],
    matches: Sequence[tuple[Match[int], bool]],
    segments: Sequence[Segment],
) -> tuple[NDArray[np.int64], Clustering]:
    """Cluster the items of some sides with the stage's `build_clusters`."""
    items = np.flatnonzero(np.isin(sides.group_of, chosen))
    local = np.searchsorted(chosen, sides.group_of[items])
    firsts = np.searchsorted(items, sides.firsts[chosen])
    groups = _SubSides(local.astype(np.int64), firsts.astype(np.int64), sides, chosen)
    renumbered = [
        (
            type(m)(
                int(np.searchsorted(chosen, m.a)),
                int(np.searchsorted(chosen, m.b)),
                m.score,
                m.jaccard,
            ),
            c,
        )
        for m, c in matches
    ]
    found = build_clusters(
        groups,
        [m for m, _ in renumbered],
        [segments[i] for i in items.tolist()],
        [c for _, c in renumbered],
    )
    return items, found


def cluster_components(
    separated: Separated, segments: Sequence[Segment], parts: int = PARTS
) -> Clustering:
    """Cluster by components found on Dask, each group of components on a worker."""
    sides = separated.sides
    edges = np.array([(m.a, m.b) for m in separated.matches], dtype=np.int64).reshape(-1, 2)
    root_of = roots(edges, parts)
    size = np.bincount(sides.group_of[sides.group_of >= 0], minlength=len(sides.firsts))
    wanted = np.unique(np.r_[np.flatnonzero(size >= 2), edges.ravel()]).astype(np.int64)
    batch_of = np.array([root_of.get(int(s), int(s)) % parts for s in wanted], dtype=np.int64)
    # traverse=False: Dask would otherwise walk every Match and Segment looking for graphs.
    shared_sides = delayed(sides, traverse=False)
    shared_segments = delayed(segments, traverse=False)
    tasks = []
    for batch in range(parts):
        chosen = wanted[batch_of == batch]
        chosen_set = set(chosen.tolist())
        own = [
            (m, c)
            for m, c in zip(
                separated.matches,
                separated.contained or (False,) * len(separated.matches),
                strict=True,
            )
            if m.a in chosen_set
        ]
        tasks.append(
            delayed(_cluster_batch)(
                shared_sides, chosen, delayed(own, traverse=False), shared_segments
            )
        )
    results = compute(*tasks)
    clusters: list[tuple[int, Cluster[SegmentId]]] = []
    segment_clusters: list[ClusterId | None] = [None] * len(segments)
    for items, found in results:
        for index, cluster_id in enumerate(found.segment_clusters):
            segment_clusters[int(items[index])] = cluster_id
        first = {segments[int(i)].id: int(i) for i in items.tolist()}
        clusters.extend((first[c.members[0]], c) for c in found.clusters)
    clusters.sort(key=lambda pair: pair[0])
    return Clustering(tuple(c for _, c in clusters), tuple(segment_clusters))
