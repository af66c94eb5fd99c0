"""Index add: a new crawl -> the batch run over it and the history it touches -> stored.

The crawl's texts are looked up by exact, band and shingle keys (`index.keys`); the pages
holding the texts found outside wide clusters (furniture and boilerplate, `index.wide`), and
every page connected to those by a cluster that is not wide or an article cluster (a page's
group), are read back and run through `pipeline.dedupe` together with the crawl. Wide
clusters are joined by exact key (`wide.join`). The result replaces what the index held for
those pages, with lasting cluster ids (`index.ids`). Everything runs inside the caller's
transaction.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING

from dedupe_news.errors import InputError
from dedupe_news.index import ids as cluster_ids
from dedupe_news.index import wide
from dedupe_news.index.keys import crawl_keys, look_up
from dedupe_news.index.results import Added, LabelChange, Merge, Provenance
from dedupe_news.index.runs import store_keys
from dedupe_news.index.store import decode_page, encode_page, page_hash
from dedupe_news.index.write import (
    Before,
    taken,
    write_groups,
    write_pages,
    write_segments,
    write_texts,
)
from dedupe_news.pipeline import dedupe
from dedupe_news.records import Label, Page, PageId, Report, SegmentId
from dedupe_news.stages.link import FURNITURE_ROLES
from dedupe_news.stages.segment import segment_page

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Sequence

    from dedupe_news.config import Config
    from dedupe_news.index.keys import Keys
    from dedupe_news.pipeline import StageStart, StageTimer
    from dedupe_news.records import Segment, Skipped


def add_crawl(  # noqa: PLR0913 - the crawl, its time, and the run's knobs
    connection: sqlite3.Connection,
    config: Config,
    pages: Iterable[Page],
    skipped: tuple[Skipped, ...],
    at: str,
    *,
    threads: int | None = None,
    on_stage: StageTimer | None = None,
    on_start: StageStart | None = None,
) -> Added:
    """Add a crawl inside an open write transaction; return what it found."""
    batch = _unique(pages)
    bodies = {p.id: encode_page(p) for p in batch}
    stored = _stored(connection, [p.id for p in batch])
    fresh = [p for p in batch if stored.get(p.id, (0, None))[1] != page_hash(bodies[p.id])]
    fresh_ids = {p.id for p in fresh}
    unchanged = tuple(p.id for p in batch if p.id not in fresh_ids)
    if not fresh:
        empty = Report(config, (), (), (), (), (), (), skipped)
        return Added(empty, (), unchanged, (), (), ())
    crawl = connection.execute("INSERT INTO crawls (at, pages) VALUES (?, ?)", (at, len(fresh)))
    seq = int(crawl.lastrowid or 0)
    segments = [s for p in fresh for s in segment_page(p)]
    keys = crawl_keys([s.text for s in segments], config)
    replaced = [stored[p.id][0] for p in fresh if p.id in stored]
    new = {p.id for p in fresh}
    near, counted = look_up(connection, keys)
    known = _known_texts(connection, keys, near)
    sides = _sides(segments, keys, known[0])
    region = _region(
        connection, known[1], [*replaced, *_representatives(connection, known, sides)], new
    )
    report = dedupe(
        (*fresh, *region.values()),
        config,
        threads=threads,
        on_stage=on_stage,
        on_start=on_start,
    )
    report = dataclasses.replace(report, skipped=skipped)
    if on_start is not None:
        on_start("store", len(report.segments))
    before = _before(connection, [*region, *replaced])
    held = wide.wide_clusters(connection, sides.values())
    anchors = {s: held[side] for s, side in sides.items() if side in held}
    anchors.update(
        (s, c)
        for s, (c, label, _, _) in before.items()
        if c is not None and label is Label.BOILERPLATE and s.rsplit(":", 1)[0] not in new
    )
    provenance = _provenance(connection, segments, keys, known[0])
    rowids = write_pages(connection, fresh, bodies, stored, seq)
    fresh_texts, text_of = write_texts(connection, segments, keys, known[0], rowids, seq)
    store_keys(connection, keys, fresh_texts, counted, on_start)
    crawl_of = (fresh, unchanged, provenance, text_of)
    return _finish(connection, report, (before, anchors), seq, crawl_of)


def _finish(
    connection: sqlite3.Connection,
    report: Report,
    held: tuple[Before, dict[SegmentId, str]],
    seq: int,
    crawl: tuple[list[Page], tuple[PageId, ...], tuple[Provenance, ...], dict[SegmentId, int]],
) -> Added:
    """Give lasting ids, write the segments and groups, and build the outcome."""
    fresh, unchanged, provenance, text_of = crawl
    before, anchors = held
    live = cluster_ids.resolve(
        connection, [*(c for c, *_ in before.values() if c is not None), *anchors.values()]
    )
    report = wide.join(report, {s: live[c][1] for s, c in anchors.items()})
    old = {s: live[c] for s, (c, *_) in before.items() if c is not None}
    old.update((s, live[c]) for s, c in anchors.items())
    assigned = cluster_ids.assign(report.clusters, old, lambda i: taken(connection, i), seq)
    connection.executemany(
        "INSERT INTO clusters (id, key, created) VALUES (?, ?, ?)",
        [(i, key, seq) for i, key in assigned.created],
    )
    connection.executemany(
        "UPDATE clusters SET merged_into = ? WHERE id = ?",
        [(into, alias) for alias, into in assigned.merges],
    )
    report = dataclasses.replace(
        report,
        clusters=tuple(dataclasses.replace(c, id=assigned.ids[c.id]) for c in report.clusters),
        segment_clusters=tuple(
            None if c is None else assigned.ids[c] for c in report.segment_clusters
        ),
    )
    write_segments(connection, report, before, text_of, seq)
    write_groups(connection, report)
    new_ids = {p.id for p in fresh}
    changes = tuple(
        LabelChange(s.id, before[s.id][1], label)
        for s, label in zip(report.segments, report.labels, strict=True)
        if s.page_id not in new_ids and s.id in before and before[s.id][1] is not label
    )
    merged = tuple(Merge(alias, into) for alias, into in assigned.merges)
    return Added(report, tuple(sorted(new_ids)), unchanged, provenance, merged, changes)


def _unique(pages: Iterable[Page]) -> list[Page]:
    batch = sorted(pages, key=lambda page: page.id)
    for previous, page in itertools.pairwise(batch):
        if previous.id == page.id:
            raise InputError(page.path or page.id, 0, f"duplicate page id {page.id!r}")
    return batch


def _stored(connection: sqlite3.Connection, page_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Return the stored pages among these ids: id -> (rowid, hash)."""
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(page_ids), 500):
        chunk = page_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for rowid, page_id, stored_hash in connection.execute(
            f"SELECT rowid, id, hash FROM pages WHERE id IN ({marks})",  # noqa: S608 - marks only
            chunk,
        ):
            found[page_id] = (rowid, stored_hash)
    return found


def _sides(
    segments: Sequence[Segment], keys: Keys, known: dict[int, int]
) -> dict[SegmentId, tuple[int, bool]]:
    """Return each crawl segment whose text the index holds: its text rowid and side."""
    sides = {}
    for segment, group in zip(segments, keys.group_of.tolist(), strict=True):
        text = known.get(int(keys.hashes[group])) if group >= 0 else None
        if text is not None:
            sides[segment.id] = (text, segment.role in FURNITURE_ROLES)
    return sides


def _region(
    connection: sqlite3.Connection, texts: Sequence[int], replaced: Sequence[int], new: set[str]
) -> dict[int, Page]:
    """Return the stored pages a crawl touches: holders of these texts and their groups."""
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS near (text INTEGER PRIMARY KEY)")
    connection.execute("DELETE FROM near")
    connection.executemany("INSERT OR IGNORE INTO near VALUES (?)", [(t,) for t in texts])
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS near_pages (page INTEGER PRIMARY KEY)")
    connection.execute("DELETE FROM near_pages")
    connection.executemany("INSERT OR IGNORE INTO near_pages VALUES (?)", [(r,) for r in replaced])
    connection.execute(  # holders outside wide clusters: seeks on segments_held
        "INSERT OR IGNORE INTO near_pages SELECT s.page FROM near n JOIN segments s "
        "ON s.text = n.text AND s.label IN ('unique', 'duplicate')"
    )
    connection.execute(
        "INSERT OR IGNORE INTO near_pages SELECT s.page FROM near n JOIN segments s "  # noqa: S608 - role names are ours
        f"ON s.text = n.text AND s.label = 'boilerplate' AND s.role IN ({wide.FURNITURE_SQL}) "
        "AND s.cluster IS NULL"
    )
    rows = connection.execute(
        "SELECT rowid, body FROM pages WHERE grp IN (SELECT p.grp FROM near_pages n "
        "JOIN pages p ON p.rowid = n.page) ORDER BY rowid"
    ).fetchall()
    decoded = {rowid: decode_page(body) for rowid, body in rows}
    return {rowid: page for rowid, page in decoded.items() if page.id not in new}


def _before(connection: sqlite3.Connection, rowids: Sequence[int]) -> Before:
    """Return what the index held for the segments of these pages."""
    before: Before = {}
    for rowid in sorted(set(rowids)):
        page_id = connection.execute("SELECT id FROM pages WHERE rowid = ?", (rowid,)).fetchone()[0]
        for line, cluster, label, seen, text in connection.execute(
            "SELECT line, cluster, label, first_seen, text FROM segments WHERE page = ?", (rowid,)
        ):
            before[SegmentId(f"{page_id}:{line}")] = (cluster, Label(label), seen, text)
    return before


def _known_texts(
    connection: sqlite3.Connection, keys: Keys, near: list[int]
) -> tuple[dict[int, int], list[int]]:
    """Return the crawl's texts the index holds (exact key -> text rowid), and `near`.

    `neighbours` filled `probe_hash`; the neighbours ride along for `_representatives`.
    """
    found = (
        dict(
            connection.execute(
                "SELECT t.hash, t.rowid FROM probe_hash p JOIN texts t ON t.hash = p.hash"
            ).fetchall()
        )
        if len(keys.hashes)
        else {}
    )
    return found, near


def _representatives(
    connection: sqlite3.Connection,
    known: tuple[dict[int, int], list[int]],
    sides: dict[SegmentId, tuple[int, bool]],
) -> list[int]:
    """Return a page for each neighbour text and side held by a wide cluster, but not exactly.

    A text the crawl holds on the same side joins its wide cluster by key (`wide.join`); one
    only near it needs verification, so one page holding it runs with the crawl.
    """
    exact = set(sides.values())
    others = [(t, f) for t in known[1] for f in (False, True) if (t, f) not in exact]
    return wide.representatives(connection, others)


def _provenance(
    connection: sqlite3.Connection,
    segments: Sequence[Segment],
    keys: Keys,
    known: dict[int, int],
) -> tuple[Provenance, ...]:
    found = []
    for segment, group in zip(segments, keys.group_of.tolist(), strict=True):
        text = known.get(int(keys.hashes[group])) if group >= 0 else None
        if text is None:
            continue
        page, line, seen = connection.execute(
            "SELECT p.id, t.first_line, c.at FROM texts t JOIN pages p ON p.rowid = t.first_page "
            "JOIN crawls c ON c.seq = t.first_seen WHERE t.rowid = ?",
            (text,),
        ).fetchone()
        found.append(Provenance(segment.id, PageId(page), int(line), seen))
    return tuple(found)
