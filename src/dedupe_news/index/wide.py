"""Index wide clusters: furniture and boilerplate, joined by exact key instead of re-run.

A stored cluster is *wide* when its members are labelled `boilerplate` (furniture roles, or
story text repeated across `boilerplate_min_pages` stories): such a cluster may span the whole
site, so an add never reads its pages back. A crawl segment whose text and side (furniture or
story, `stages.link.FURNITURE_ROLES`) a wide cluster holds joins that cluster by an exact-key
seek; a crawl text only *near* a wide text brings one page holding it (`representatives`), so
verification decides. `join` then unites the run's clusters that share a wide cluster and
labels their members `boilerplate`, as a batch run over all pages would (docs/index.md).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from dedupe_news.records import Cluster, ClusterId, ClusterKind, Label, Role
from dedupe_news.stages.cluster import components
from dedupe_news.stages.link import FURNITURE_ROLES

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Mapping

    from dedupe_news.records import Report, SegmentId

FURNITURE = tuple(sorted(r.value for r in FURNITURE_ROLES))
"""The furniture roles' values: a segment with one of them is on the furniture side."""
STORY = tuple(sorted(r.value for r in Role if r not in FURNITURE_ROLES))
"""The other roles' values: the story side."""


FURNITURE_SQL = ", ".join(f"'{r}'" for r in FURNITURE)
"""The furniture roles as an SQL list."""


def _roles(furniture: bool) -> str:  # noqa: FBT001 - a side
    return ", ".join(f"'{r}'" for r in (FURNITURE if furniture else STORY))


def wide_clusters(
    connection: sqlite3.Connection, sides: Iterable[tuple[int, bool]]
) -> dict[tuple[int, bool], str]:
    """Return the wide cluster (a stored id) holding each (text rowid, furniture side), if any.

    One index seek per pair (`segments_held`): the cost follows the crawl, not the history.
    """
    return {side: str(cluster) for side, cluster in _held(connection, sides, "cluster").items()}


def representatives(connection: sqlite3.Connection, sides: Iterable[tuple[int, bool]]) -> list[int]:
    """Return one page (rowid) holding each (text rowid, side) in a wide cluster, sorted."""
    return sorted({int(page) for page in _held(connection, sides, "page").values()})


def _held(
    connection: sqlite3.Connection, sides: Iterable[tuple[int, bool]], column: str
) -> dict[tuple[int, bool], int | str]:
    """Return `column` of one wide-cluster segment holding each (text rowid, side), if any."""
    found: dict[tuple[int, bool], int | str] = {}
    pairs = sorted(set(sides))
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS probe_wide (text INTEGER)")
    for furniture in (False, True):
        connection.execute("DELETE FROM probe_wide")
        connection.executemany(
            "INSERT INTO probe_wide VALUES (?)", [(t,) for t, side in pairs if side is furniture]
        )
        rows = connection.execute(
            f"SELECT p.text, (SELECT s.{column} FROM segments s WHERE s.text = p.text AND "  # noqa: S608 - our names
            f"s.label = 'boilerplate' AND s.role IN ({_roles(furniture)}) AND "
            "s.cluster IS NOT NULL LIMIT 1) FROM probe_wide p"
        ).fetchall()
        found.update({(t, furniture): value for t, value in rows if value is not None})
    return found


def join(report: Report, anchors: Mapping[SegmentId, str]) -> Report:
    """Unite the run's clusters (and lone segments) anchored to one wide cluster.

    `anchors` maps a segment of the run to the wide cluster (live id) it belongs to. A
    component keeps its first cluster's batch id (lone segments only: `"w" + anchor`), and its
    members are labelled `boilerplate`, as every member of a wide cluster is.
    """
    if not anchors:
        return report
    count = len(report.clusters)
    index_of = {c.id: i for i, c in enumerate(report.clusters)}
    wide_ids = sorted(set(anchors.values()))
    node_of = {w: count + i for i, w in enumerate(wide_ids)}
    edges = [
        (index_of[cluster], node_of[anchors[segment.id]])
        for segment, cluster in zip(report.segments, report.segment_clusters, strict=True)
        if cluster is not None and segment.id in anchors
    ]
    roots = components(count + len(wide_ids), edges).tolist()
    wide_roots = {roots[node_of[w]] for w in wide_ids}
    node: list[int | None] = [
        roots[index_of[c]]
        if c is not None
        else (roots[node_of[anchors[s.id]]] if s.id in anchors else None)
        for s, c in zip(report.segments, report.segment_clusters, strict=True)
    ]
    members: dict[int, list[int]] = {}
    for item, root in enumerate(node):
        if root is not None and root in wide_roots:
            members.setdefault(root, []).append(item)
    position = {s.id: i for i, s in enumerate(report.segments)}
    merged = _merged(
        report, roots, members, {roots[n]: w for w, n in sorted(node_of.items(), reverse=True)}
    )
    clusters = [c for i, c in enumerate(report.clusters) if roots[i] not in wide_roots]
    clusters.extend(merged.values())
    return dataclasses.replace(
        report,
        clusters=tuple(sorted(clusters, key=lambda c: position[c.members[0]])),
        segment_clusters=tuple(
            merged[r].id if r in merged else c
            for r, c in zip(node, report.segment_clusters, strict=True)
        ),
        labels=tuple(
            Label.BOILERPLATE if r in merged else label
            for r, label in zip(node, report.labels, strict=True)
        ),
    )


def _merged(
    report: Report,
    roots: list[int],
    members: dict[int, list[int]],
    anchor_of: dict[int, str],
) -> dict[int, Cluster[SegmentId]]:
    """Return one cluster per wide component, with the members and matches of its parts."""
    parts: dict[int, list[Cluster[SegmentId]]] = {}
    for index, cluster in enumerate(report.clusters):
        parts.setdefault(roots[index], []).append(cluster)
    merged = {}
    for root, items in members.items():
        segments = [report.segments[i] for i in items]
        ids = tuple(s.id for s in segments)
        own = parts.get(root, [])
        exact = len({s.text for s in segments}) == 1 or (
            len(own) == 1 and len(ids) == len(own[0].members) and own[0].kind is ClusterKind.EXACT
        )
        matches = tuple(m for c in own for m in c.matches)
        merged[root] = Cluster(
            own[0].id if own else ClusterId("w" + anchor_of[root]),
            own[0].key if own else anchor_of[root].removeprefix("c"),
            ClusterKind.EXACT if exact else ClusterKind.NEAR,
            ids,
            own[0].representative if own else ids[0],
            matches,
            min((c.lowest_score for c in own), default=1.0),
        )
    return merged
