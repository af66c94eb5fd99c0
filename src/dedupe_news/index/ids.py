"""Index cluster ids: a batch's clusters -> the ids the index gave before, and the merges.

The rule (docs/index.md): a cluster keeps the id its members had. When its members had
several, the oldest id wins (smallest creation crawl, then smallest id) and the others become
aliases (`merged_into`). When a stored cluster splits, the part that claims it first (clusters
in the order of their oldest id, then their first member) keeps it; the others get new ids. A
new cluster is named `"c" + key` (its content key when created), or `"c" + key + "-" + crawl`
when that name was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedupe_news.records import ClusterId

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from dedupe_news.records import Cluster, SegmentId


@dataclass(frozen=True, slots=True)
class Assigned:
    """Lasting ids for a batch's clusters.

    Attributes:
        ids: The batch id of each cluster -> its lasting id.
        created: New lasting ids and their content keys.
        merges: (alias, winner) pairs.
    """

    ids: dict[ClusterId, ClusterId]
    created: tuple[tuple[ClusterId, str], ...]
    merges: tuple[tuple[ClusterId, ClusterId], ...]


def resolve(connection: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Return each id's live cluster (following aliases) as (creation crawl, id)."""
    live: dict[str, tuple[int, str]] = {}
    for start in sorted(set(ids)):
        current = start
        while True:
            created, into = connection.execute(
                "SELECT created, merged_into FROM clusters WHERE id = ?", (current,)
            ).fetchone()
            if into is None:
                live[start] = (int(created), current)
                break
            current = into
    return live


def assign(
    clusters: Sequence[Cluster[SegmentId]],
    before: Mapping[SegmentId, tuple[int, str]],
    taken: Callable[[str], bool],
    crawl: int,
) -> Assigned:
    """Give each cluster of a batch its lasting id (the rule in the module docstring).

    Args:
        clusters: The batch's clusters.
        before: Each segment that had a cluster -> that cluster's live (crawl, id).
        taken: Whether a lasting id exists already.
        crawl: The current crawl's number.
    """
    olds = {c.id: sorted({before[m] for m in c.members if m in before}) for c in clusters}
    never = (crawl + 1, "")
    order = sorted(clusters, key=lambda c: (olds[c.id][0] if olds[c.id] else never, c.members[0]))
    claimed: set[str] = set()
    ids: dict[ClusterId, ClusterId] = {}
    created: list[tuple[ClusterId, str]] = []
    merges: list[tuple[ClusterId, ClusterId]] = []
    for cluster in order:
        free = [old for _, old in olds[cluster.id] if old not in claimed]
        if free:
            winner = ClusterId(free[0])
            merges.extend((ClusterId(old), winner) for old in free[1:])
            claimed.update(free)
        else:
            winner = ClusterId("c" + cluster.key)
            if winner in claimed or taken(winner):
                winner = ClusterId(f"c{cluster.key}-{crawl}")
            created.append((winner, cluster.key))
            claimed.add(winner)
        ids[cluster.id] = winner
    return Assigned(ids, tuple(created), tuple(sorted(merges)))
