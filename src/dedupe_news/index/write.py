"""Index writes: pages, texts, segments, clusters' groups, inside the add's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.index.store import page_hash
from dedupe_news.records import Label, SegmentId
from dedupe_news.stages.cluster import components

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.index.keys import Keys
    from dedupe_news.records import Page, Report, Segment

Before = dict[SegmentId, tuple[str | None, "Label", int, int | None]]
"""A stored segment's cluster, label, first crawl and text rowid."""


def taken(connection: sqlite3.Connection, cluster: str) -> bool:
    """Return whether a lasting cluster id exists (live or alias)."""
    return (
        connection.execute("SELECT 1 FROM clusters WHERE id = ?", (cluster,)).fetchone() is not None
    )


def write_pages(
    connection: sqlite3.Connection,
    fresh: Sequence[Page],
    bodies: dict[str, bytes],
    stored: dict[str, tuple[int, int]],
    seq: int,
) -> dict[str, int]:
    """Insert new pages, replace new versions; return every fresh page's rowid."""
    rowids = {}
    for page in fresh:
        body = bodies[page.id]
        meta = (page.url, page.site, page.published, page_hash(body), body)
        if page.id in stored:
            rowid = stored[page.id][0]
            connection.execute("DELETE FROM segments WHERE page = ?", (rowid,))
            connection.execute(
                "UPDATE pages SET url = ?, site = ?, published = ?, hash = ?, body = ?, "
                "version = version + 1 WHERE rowid = ?",
                (*meta, rowid),
            )
        else:
            cursor = connection.execute(
                "INSERT INTO pages (id, url, site, published, hash, body, first_seen, version,"
                " grp) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0)",
                (page.id, *meta, seq),
            )
            rowid = int(cursor.lastrowid or 0)
        rowids[page.id] = rowid
    return rowids


def write_texts(  # noqa: PLR0913, PLR0917 - the crawl's segments, keys and where they went
    connection: sqlite3.Connection,
    segments: Sequence[Segment],
    keys: Keys,
    known: dict[int, int],
    rowids: dict[str, int],
    seq: int,
) -> tuple[NDArray[np.int64], dict[SegmentId, int]]:
    """Insert the crawl's new distinct texts.

    Return each distinct text's new rowid (0 when the index held it) and each fresh segment's
    text rowid.
    """
    fresh = np.zeros(len(keys.hashes), dtype=np.int64)
    new = [
        (group, text_hash, segments[first])
        for group, (text_hash, first) in enumerate(
            zip(keys.hashes.tolist(), keys.firsts.tolist(), strict=True)
        )
        if text_hash not in known
    ]
    connection.executemany(
        "INSERT INTO texts (hash, first_page, first_line, first_seen) VALUES (?, ?, ?, ?)",
        [(h, rowids[s.page_id], s.line, seq) for _, h, s in new],
    )
    all_rowids = dict(  # probe_hash holds the crawl's exact keys (`keys.neighbours`)
        connection.execute(
            "SELECT t.hash, t.rowid FROM probe_hash p JOIN texts t ON t.hash = p.hash"
        ).fetchall()
    )
    for group, text_hash, _ in new:
        fresh[group] = all_rowids[text_hash]
    text_of = {
        s.id: all_rowids[int(keys.hashes[g])]
        for s, g in zip(segments, keys.group_of.tolist(), strict=True)
        if g >= 0
    }
    return fresh, text_of


def write_segments(
    connection: sqlite3.Connection,
    report: Report,
    before: Before,
    text_of: dict[SegmentId, int],
    seq: int,
) -> None:
    """Write every segment of the report: its text, first crawl, cluster and label."""
    rowid_of = _page_rowids(connection, [p.id for p in report.pages])
    rows = []
    for segment, cluster, label in zip(
        report.segments, report.segment_clusters, report.labels, strict=True
    ):
        old = before.get(segment.id)
        text = text_of[segment.id] if segment.id in text_of else (None if old is None else old[3])
        seen = old[2] if old is not None and old[3] == text else seq
        rows.append(
            (
                rowid_of[segment.page_id],
                segment.line,
                segment.role.value,
                text,
                seen,
                cluster,
                label.value,
            )
        )
    connection.executemany("INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def write_groups(connection: sqlite3.Connection, report: Report) -> None:
    """Set each page's group: pages joined by a cluster that is not wide, or an article cluster.

    A wide cluster (its members `boilerplate`) is joined by exact key (`index.wide`), and a
    teaser link decides no cluster or label: neither joins a group.
    """
    position = {p.id: i for i, p in enumerate(report.pages)}
    label_of = dict(zip((s.id for s in report.segments), report.labels, strict=True))
    edges: list[tuple[int, int]] = []
    for cluster in report.clusters:
        if label_of[cluster.members[0]] is Label.BOILERPLATE:
            continue
        pages = sorted({position[m.rsplit(":", 1)[0]] for m in cluster.members})
        edges.extend((pages[0], other) for other in pages[1:])
    for page, article in zip(report.pages, report.article_clusters, strict=True):
        if article is not None:
            edges.append((position[page.id], position[article]))
    roots = components(len(report.pages), edges)
    rowid_of = _page_rowids(connection, [p.id for p in report.pages])
    rowids = [rowid_of[p.id] for p in report.pages]
    group_of: dict[int, int] = {}
    for index, root in enumerate(roots.tolist()):
        group_of[root] = min(group_of.get(root, rowids[index]), rowids[index])
    connection.executemany(
        "UPDATE pages SET grp = ? WHERE rowid = ?",
        [(group_of[root], rowids[i]) for i, root in enumerate(roots.tolist())],
    )


def _page_rowids(connection: sqlite3.Connection, page_ids: Sequence[str]) -> dict[str, int]:
    found = {}
    for start in range(0, len(page_ids), 500):
        chunk = list(page_ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT id, rowid FROM pages WHERE id IN ({marks})"  # noqa: S608 - marks only
        found.update(dict(connection.execute(query, chunk).fetchall()))
    return found
