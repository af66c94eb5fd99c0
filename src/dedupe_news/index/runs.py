"""Index key runs: the band and shingle tables as log-structured runs, merged geometrically.

Each add appends its new keys as a new run: the run id leads the primary key, so the rows
land at the right edge of the B-tree and the pages an add writes follow the crawl, not the
history (a table keyed by the hash alone spreads a crawl's keys over every leaf page). While
the newest runs together hold at least `MERGE_RATIO` times the rows of the run before them,
they are merged into one new run, in key order, inside the add's transaction: the runs' sizes
then shrink by more than `1 / MERGE_RATIO` from the oldest to the newest, so there are at
most `log(history / crawl) / log(1 / MERGE_RATIO) + 1` runs, and a row is rewritten only
when its run at least grows by `1 + MERGE_RATIO` times. Look-ups seek every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

MERGE_RATIO = 0.5
"""Merge the newest runs into the one before them once they hold this fraction of its rows.

0 merges every add into one run (a single B-tree, as format version 1), infinity never
merges; docs/index.md gives the measurements behind 0.5."""

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
"""The key tables of format version 2: `runs` (id, rows: band and shingle rows together)."""


def create(connection: sqlite3.Connection) -> None:
    """Create the key tables of a new index, or of one just migrated (`migrate`)."""
    for statement in SCHEMA:
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
    merged = merged_tail([rows for _, rows in sizes], MERGE_RATIO)
    if merged > 1:
        total = sum(rows for _, rows in sizes[-merged:])
        if on_start is not None:
            on_start("merge", total)
        _merge(connection, [run for run, _ in sizes[-merged:]], total)


def merged_tail(sizes: list[int], ratio: float) -> int:
    """Return how many of the newest runs to merge: while they hold `ratio` of the one before.

    Examples:
        >>> merged_tail([100, 40, 10], 0.5)
        1
        >>> merged_tail([100, 40, 30], 0.5)
        3
        >>> merged_tail([100, 40, 30], float("inf"))
        1
    """
    count = 1
    while count < len(sizes) and sum(sizes[-count:]) >= ratio * sizes[-count - 1]:
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
