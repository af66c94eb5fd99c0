"""Index key runs: the band and shingle tables as log-structured runs, merged geometrically.

Each add appends its new keys as a new run: the run id leads the primary key, so the rows
land at the right edge of the B-tree and the pages an add writes follow the crawl, not the
history (a table keyed by the hash alone spreads a crawl's keys over every leaf page). While
the newest runs together hold at least `MERGE_RATIO` times the rows of the run before them,
they are merged into one new run, in key order, inside the add's transaction: the runs' sizes
then shrink by more than `1 / MERGE_RATIO` from the oldest to the newest, so there are at
most `log(history / crawl) / log(1 / MERGE_RATIO) + 1` runs, and a row is rewritten only
when its run at least grows by `1 + MERGE_RATIO` times. A run of at least `SEAL_ROWS` rows is
**sealed**: never merged again, so no merge rewrites more than about twice `SEAL_ROWS` rows
whatever the history. Each run has a Bloom filter of its keys (`index.filters`), the OR of its
parts' when merged, so a look-up seeks a run only for the keys that pass its filter.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.index import filters
from dedupe_news.index.keys import BAND_HOLDERS, SHINGLE_HOLDERS

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterator

    from numpy.typing import NDArray

    from dedupe_news.index.keys import Held, Keys

MERGE_RATIO = 0.5
"""Merge the newest runs into the one before them once they hold this fraction of its rows.

0 merges every add into one run (a single B-tree, as format version 1), infinity never
merges. 0.6 spent 22% less time merging over 36 crawls but as much per add, its
look-ups seeking more runs (docs/benchmarks.md); 0.5 bounds the runs more tightly."""

SEAL_ROWS = 8_000_000
"""A run of at least this many band and shingle rows is sealed: never merged again.

A merge rewrites 1-2M rows per second (docs/benchmarks.md), and the unsealed runs before a
merge hold less than about twice this. A crawl of 100k segments makes about 3.4M rows, so
with crawls of that size a run is sealed after three or four crawls, at 10.2-13.6M rows (the
largest merge over 40 such crawls took 14.0 s). Modelled by `merged_tail` over 60 crawls of
3.4M rows: 8M rewrites 5.4M rows per add on average, 13.5M at most, and leaves 18 runs;
16M: 6.8M, 17.0M, 12 runs; 4M: 3.4M, 6.9M, 30 runs (each run one more filter per look-up)."""

TABLES = {"bands": "band, key, text", "shingles": "key, text"}
"""Each key table and its columns after the run, in primary-key order."""

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, rows INTEGER NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS bands (run INTEGER NOT NULL, band INTEGER NOT NULL, "
        "key INTEGER NOT NULL, text INTEGER NOT NULL, PRIMARY KEY (run, band, key, text)) "
        "WITHOUT ROWID"
    ),
    (
        "CREATE TABLE IF NOT EXISTS shingles (run INTEGER NOT NULL, key INTEGER NOT NULL, "
        "text INTEGER NOT NULL, PRIMARY KEY (run, key, text)) WITHOUT ROWID"
    ),
)
"""The key tables of format version 2: `runs` (id, rows: band and shingle rows together).

Version 3 adds `filters` (`index.filters`)."""


def create(connection: sqlite3.Connection) -> None:
    """Create the key tables of a new index, or of one just migrated (`migrate`)."""
    for statement in (*SCHEMA, filters.SCHEMA):
        connection.execute(statement)


def migrate(connection: sqlite3.Connection) -> None:
    """Turn format version 1's key tables into run 1 of version 2, inside the caller's write.

    Version 1 kept `bands (band, key, text)` and `shingles (key, text)` as one B-tree each;
    their rows are copied in key order into run 1, and the old tables dropped.
    """
    for table in TABLES:
        connection.execute(f"ALTER TABLE {table} RENAME TO {table}_v1")
    create(connection)
    rows = 0
    for table, columns in TABLES.items():
        rows += connection.execute(
            f"INSERT INTO {table} (run, {columns}) SELECT 1, {columns} "  # noqa: S608 - ours
            f"FROM {table}_v1 ORDER BY {columns}"
        ).rowcount
        connection.execute(f"DROP TABLE {table}_v1")
    if rows:
        connection.execute("INSERT INTO runs VALUES (1, ?)", (rows,))


def start(connection: sqlite3.Connection) -> int:
    """Return the id of a new run: after every run stored, so its rows go to the right edge."""
    return int(connection.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").fetchone()[0])


def finish(
    connection: sqlite3.Connection,
    run: int,
    rows: int,
    on_start: Callable[[str, int], None] | None = None,
) -> None:
    """Record a new run of `rows` rows (none: no run), then merge by the rule above.

    `on_start("merge", rows)` is called before a merge, with the rows it rewrites.
    """
    if rows == 0:
        return
    connection.execute("INSERT INTO runs VALUES (?, ?)", (run, rows))
    sizes = connection.execute("SELECT id, rows FROM runs ORDER BY id").fetchall()
    merged = merged_tail([rows for _, rows in sizes], MERGE_RATIO, SEAL_ROWS)
    if merged > 1:
        total = sum(rows for _, rows in sizes[-merged:])
        if on_start is not None:
            on_start("merge", total)
        _merge(connection, [run for run, _ in sizes[-merged:]], total)


def merged_tail(sizes: list[int], ratio: float, seal: float = math.inf) -> int:
    """Return how many of the newest runs to merge: while they hold `ratio` of the one before.

    A run of at least `seal` rows is sealed: the tail stops before it, and a sealed newest
    run merges nothing.

    Examples:
        >>> merged_tail([100, 40, 10], 0.5)
        1
        >>> merged_tail([100, 40, 30], 0.5)
        3
        >>> merged_tail([100, 40, 30], 0.5, seal=100)
        2
        >>> merged_tail([100, 40, 30], float("inf"))
        1
    """
    count = 1
    if sizes and sizes[-1] >= seal:
        return count
    while (
        count < len(sizes)
        and sizes[-count - 1] < seal
        and sum(sizes[-count:]) >= ratio * sizes[-count - 1]
    ):
        count += 1
    return count


def _merge(connection: sqlite3.Connection, old: list[int], rows: int) -> None:
    """Copy the rows of these runs into one new run, in key order, then delete them.

    A compound `UNION ALL ... ORDER BY` of per-run selects, each already in key order, is
    merged by SQLite without a sort; the new run goes in at the right edge of each table.
    """
    run = start(connection)
    for table, columns in TABLES.items():
        parts = " UNION ALL ".join(
            f"SELECT {run}, {columns} FROM {table} WHERE run = {old_run}"  # noqa: S608 - ints
            for old_run in old
        )
        order = ", ".join(f"{i + 2}" for i in range(len(columns.split(", "))))
        connection.execute(f"INSERT INTO {table} {parts} ORDER BY {order}")
        marks = ", ".join("?" * len(old))
        connection.execute(f"DELETE FROM {table} WHERE run IN ({marks})", old)  # noqa: S608
    connection.executemany("DELETE FROM runs WHERE id = ?", [(r,) for r in old])
    connection.execute("INSERT INTO runs VALUES (?, ?)", (run, rows))
    filters.union(connection, run, old)


def forget(connection: sqlite3.Connection, table: str, rows: list[tuple[int, ...]]) -> None:
    """Delete these (key columns..., text) rows from every run, keeping the runs' counts."""
    columns = TABLES[table]
    match = " AND ".join(f"{c} = ?" for c in columns.split(", "))
    for (run,) in connection.execute("SELECT id FROM runs ORDER BY id").fetchall():
        gone = connection.executemany(
            f"DELETE FROM {table} WHERE run = {run} AND {match}",  # noqa: S608 - ours, an int
            rows,
        ).rowcount
        if gone > 0:
            connection.execute("UPDATE runs SET rows = rows - ? WHERE id = ?", (gone, run))


def store_keys(
    connection: sqlite3.Connection,
    keys: Keys,
    rowids: NDArray[np.int64],
    held: Held,
    on_start: Callable[[str, int], None] | None = None,
) -> None:
    """Store the band and shingle keys of new distinct texts (`rowids[g]` > 0 for those).

    Each key keeps at most `BAND_HOLDERS` (bands) or `SHINGLE_HOLDERS` (shingles) holders,
    summed over the runs (`held`: counted by the look-up, `keys.look_up`): storage stays
    bounded by the number of texts, and a common key is known to be common. The rows go into
    a new run, then the runs are merged by the rule above (`on_start("merge", rows)` first).
    """
    run = start(connection)
    texts, bands = np.nonzero(keys.bands)
    fresh = rowids[texts] > 0
    heads = np.stack([bands[fresh], keys.bands[texts, bands][fresh]], axis=1).astype(np.int64)
    band_rows, band_heads = _insert_capped(
        connection,
        ("bands", run),
        heads,
        rowids[texts[fresh]],
        (held.bands, held.band_counts, BAND_HOLDERS),
    )
    owned = rowids[keys.owners] > 0
    shingle_rows, shingle_heads = _insert_capped(
        connection,
        ("shingles", run),
        keys.shingles[owned].reshape(-1, 1),
        rowids[keys.owners[owned]],
        (held.shingles, held.shingle_counts, SHINGLE_HOLDERS),
    )
    if band_rows + shingle_rows > 0:
        found = [filters.band_hashes(band_heads), filters.shingle_hashes(shingle_heads[:, 0])]
        filters.save(connection, run, filters.build(found, filters.WORDS))
    finish(connection, run, band_rows + shingle_rows, on_start)


def _insert_capped(
    connection: sqlite3.Connection,
    into: tuple[str, int],
    heads: NDArray[np.int64],
    texts: NDArray[np.int64],
    cap: tuple[NDArray[np.int64], NDArray[np.int64], int],
) -> tuple[int, NDArray[np.int64]]:
    """Insert (head, text) rows into a run, at most `cap` per head counting those held before.

    The rows to keep are chosen with numpy (the smallest texts of each head first) and go in
    with one `executemany`, in key order: at the right edge of the table. Return how many
    went in, and the heads of the rows kept (a superset of those that went in: the filter's).
    """
    table, run = into
    order = np.lexsort((texts, *heads.T[::-1]))
    heads, texts = heads[order], texts[order]
    starts = np.ones(len(texts), dtype=bool)
    starts[1:] = np.any(heads[1:] != heads[:-1], axis=1)
    firsts = np.flatnonzero(starts)
    before = _held_of(heads[firsts], cap[0], cap[1])
    group = np.cumsum(starts) - 1
    keep = np.arange(len(texts)) - firsts[group] + before[group] < cap[2]
    rows = np.concatenate([heads[keep], texts[keep].reshape(-1, 1)], axis=1)
    columns = TABLES[table]
    marks = ", ".join("?" * len(columns.split(", ")))
    count = connection.executemany(
        f"INSERT OR IGNORE INTO {table} (run, {columns}) "  # noqa: S608 - ours, an int
        f"VALUES ({run}, {marks})",
        _rows(rows),
    ).rowcount
    return count, heads[keep]


def _held_of(
    heads: NDArray[np.int64], held: NDArray[np.int64], counts: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Return each head's holders: its count in `held` (lexicographically sorted), else 0.

    A head of two columns (band, key) is found band by band, by `searchsorted` on the keys.
    """
    found = np.zeros(len(heads), dtype=np.int64)
    lead = heads[:, 0] if heads.shape[1] > 1 else np.zeros(len(heads), dtype=np.int64)
    held_lead = held[:, 0] if held.shape[1] > 1 else np.zeros(len(held), dtype=np.int64)
    for band in np.unique(lead).tolist():
        mine, theirs = np.flatnonzero(lead == band), np.flatnonzero(held_lead == band)
        if len(theirs) == 0:
            continue
        values, wanted = held[theirs, -1], heads[mine, -1]
        at = np.minimum(np.searchsorted(values, wanted), len(values) - 1)
        found[mine] = np.where(values[at] == wanted, counts[theirs][at], 0)
    return found


def _rows(columns: NDArray[np.int64]) -> Iterator[tuple[int, ...]]:
    """Yield the rows of a 2-D array as tuples of ints, one at a time.

    For `executemany`: `tolist()` on the whole array makes every row's list at once, and
    millions of live lists wake the cyclic garbage collector again and again over the whole
    heap (10 s of a 40 s add); columns of ints are not tracked, and each row tuple is freed
    as soon as SQLite has read it.
    """
    return zip(*(column.tolist() for column in columns.T), strict=True)
