"""Index prune: forget the pages first seen before a date, in bounded batches.

A batch deletes its pages, their segments, and the texts no remaining segment holds with
their band and shingle keys (recomputed from the pages' bodies, so no reverse index is
stored). A surviving text whose first page was pruned is re-dated to its earliest remaining
segment. Clusters keep their ids; the labels of surviving pages are not recomputed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from dedupe_news.errors import ConfigError
from dedupe_news.index import runs
from dedupe_news.index.keys import band_rows, crawl_keys
from dedupe_news.index.store import decode_page
from dedupe_news.stages.segment import segment_page

if TYPE_CHECKING:
    import sqlite3

    from dedupe_news.config import Config
    from dedupe_news.records import Page


def cutoff(before: str | date) -> str:
    """Return a date as the ISO text crawl times are compared with.

    Examples:
        >>> cutoff("2026-06-01")
        '2026-06-01'
    """
    if isinstance(before, date):
        return before.isoformat()
    try:
        return datetime.fromisoformat(before).date().isoformat() if "T" not in before else before
    except (TypeError, ValueError):
        msg = f"before must be an ISO date such as 2026-06-01, got {before!r}"
        raise ConfigError(msg) from None


def prune_batch(connection: sqlite3.Connection, config: Config, before: str, size: int) -> int:
    """Forget up to `size` pages first seen before `before`; return how many."""
    rows = connection.execute(
        "SELECT p.rowid, p.body FROM pages p JOIN crawls c ON c.seq = p.first_seen "
        "WHERE c.at < ? ORDER BY p.rowid LIMIT ?",
        (before, size),
    ).fetchall()
    if not rows:
        return 0
    pages = [decode_page(body) for _, body in rows]
    rowids = [(rowid,) for rowid, _ in rows]
    held = {
        t
        for (rowid,) in rowids
        for (t,) in connection.execute(
            "SELECT text FROM segments WHERE page = ? AND text IS NOT NULL", (rowid,)
        )
    }
    connection.executemany("DELETE FROM segments WHERE page = ?", rowids)
    connection.executemany("DELETE FROM pages WHERE rowid = ?", rowids)
    gone = {
        t
        for t in held
        if connection.execute("SELECT 1 FROM segments WHERE text = ? LIMIT 1", (t,)).fetchone()
        is None
    }
    _forget_keys(connection, config, pages, gone)
    for text in sorted(held - gone):
        connection.execute(
            "UPDATE texts SET (first_page, first_line, first_seen) = (SELECT page, line, "
            "first_seen FROM segments WHERE text = ?1 ORDER BY first_seen, page, line LIMIT 1) "
            "WHERE rowid = ?1 AND first_page NOT IN (SELECT rowid FROM pages)",
            (text,),
        )
    connection.execute(
        "DELETE FROM crawls WHERE seq NOT IN (SELECT first_seen FROM pages) "
        "AND seq NOT IN (SELECT first_seen FROM texts)"
    )
    return len(rows)


def _forget_keys(
    connection: sqlite3.Connection, config: Config, pages: list[Page], gone: set[int]
) -> None:
    """Delete the texts no segment holds any more, with their keys."""
    segments = [s for page in pages for s in segment_page(page)]
    keys = crawl_keys([s.text for s in segments], config)
    rowid_of = {}
    for group, text_hash in enumerate(keys.hashes.tolist()):
        row = connection.execute("SELECT rowid FROM texts WHERE hash = ?", (text_hash,)).fetchone()
        if row is not None and row[0] in gone:
            rowid_of[group] = row[0]
    runs.forget(
        connection,
        "bands",
        [(b, k, rowid_of[g]) for b, k, g in band_rows(keys) if g in rowid_of],
    )
    runs.forget(
        connection,
        "shingles",
        [
            (k, rowid_of[g])
            for k, g in zip(keys.shingles.tolist(), keys.owners.tolist(), strict=True)
            if g in rowid_of
        ],
    )
    connection.executemany("DELETE FROM texts WHERE rowid = ?", [(t,) for t in sorted(gone)])
