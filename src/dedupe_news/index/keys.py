"""Index keys: a crawl's texts -> exact, band and shingle keys; look-ups of stored texts by them.

The same stage functions as a batch run (`tokenize`, `exact_groups`, `sketch`,
`lsh.bucket_keys`, `lsh.index_keys`); the keys are looked up in the index's tables instead of
being paired within the batch. Every look-up is a seek by key in each run (`index.runs`), and a
crawl's new keys are stored as a new run: the cost follows the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dedupe_news.index import runs
from dedupe_news.stages import lsh
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.signature import sketch
from dedupe_news.stages.tokenize import tokenize

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Iterator, Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.pipeline import StageStart

BAND_HOLDERS = 64
"""Texts stored per band key at most: a bucket beyond it is template, paired by its first 64."""
SHINGLE_HOLDERS = lsh.MAX_HOLDERS + 1
"""Texts stored per shingle key at most: a key with more holders pairs nothing (`lsh`)."""


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys of a crawl's distinct texts.

    Attributes:
        group_of: Each segment's distinct text, -1 for a segment without words.
        hashes: Each distinct text's exact key: xxh3-64 of its normalized text, as int64.
        firsts: Each distinct text's first segment.
        bands: Band and anchor keys, one row per distinct text (0: none), as int64.
        shingles: Shingle-index keys, as int64, and their owners (distinct texts).
        owners: The owner of each shingle key.
    """

    group_of: NDArray[np.int64]
    hashes: NDArray[np.int64]
    firsts: NDArray[np.int64]
    bands: NDArray[np.int64]
    shingles: NDArray[np.int64]
    owners: NDArray[np.int64]


def text_hash(norm: str) -> int:
    """Return the exact key of a normalized text, as a signed 64-bit integer.

    Examples:
        >>> text_hash("meer uit buitenland") == text_hash("meer uit buitenland")
        True
    """
    return int(np.uint64(xxhash.xxh3_64_intdigest(norm.encode())).view(np.int64))


def crawl_keys(texts: Sequence[str], config: Config) -> Keys:
    """Return the keys of a crawl's segment texts."""
    distinct = exact_groups(texts, tokenize(texts, fold_diacritics=config.fold_diacritics))
    found = sketch(distinct.tokens, distinct.firsts, config)
    shingles, owners = lsh.index_keys(found)
    return Keys(
        group_of=distinct.group_of,
        hashes=np.array([text_hash(distinct.norm(g)) for g in range(len(distinct))], np.int64),
        firsts=distinct.firsts,
        bands=lsh.bucket_keys(found, config).view(np.int64),
        shingles=shingles.view(np.int64),
        owners=owners,
    )


def _probe(connection: sqlite3.Connection, table: str, rows: Iterable[Sequence[int]]) -> None:
    columns = {"probe_hash": "hash, owner", "probe_band": "band, key, owner"}.get(table, "key")
    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns})")
    connection.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names
    marks = ", ".join("?" * len(columns.split(", ")))
    connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608 - ours


def band_rows(keys: Keys) -> Iterator[tuple[int, int, int]]:
    """Yield (band, key, distinct text) for every nonzero band or anchor key, in that order.

    In key order, the seeks of a look-up walk each run's B-tree forward.
    """
    texts, bands = np.nonzero(keys.bands)
    values = keys.bands[texts, bands]
    order = np.lexsort((texts, values, bands))
    return zip(bands[order].tolist(), values[order].tolist(), texts[order].tolist(), strict=True)


def _rows(columns: NDArray[np.int64]) -> Iterator[tuple[int, ...]]:
    """Yield the rows of a 2-D array as tuples of ints, one at a time.

    For `executemany`: `tolist()` on the whole array makes every row's list at once, and
    millions of live lists wake the cyclic garbage collector again and again over the whole
    heap (10 s of a 40 s add); columns of ints are not tracked, and each row tuple is freed
    as soon as SQLite has read it.
    """
    return zip(*(column.tolist() for column in columns.T), strict=True)


def neighbours(connection: sqlite3.Connection, keys: Keys) -> list[int]:
    """Return the stored texts (rowids) sharing an exact, band or enough shingle keys, sorted.

    A shingle key counts when the index holds it for at most `lsh.MAX_HOLDERS` texts, and a
    stored text needs `lsh.MIN_SHARED` such keys with one text of the crawl, as in a batch.
    """
    _probe(connection, "probe_hash", ((h, g) for g, h in enumerate(keys.hashes.tolist())))
    _probe(connection, "probe_band", band_rows(keys))
    found = connection.execute(
        """
        SELECT t.rowid FROM probe_hash p JOIN texts t ON t.hash = p.hash
        UNION SELECT b.text FROM runs r CROSS JOIN probe_band p
            CROSS JOIN bands b ON b.run = r.id AND b.band = p.band AND b.key = p.key
        """
    ).fetchall()
    return sorted({r[0] for r in found}.union(_sharing_shingles(connection, keys).tolist()))


def _sharing_shingles(connection: sqlite3.Connection, keys: Keys) -> NDArray[np.int64]:
    """Return the stored texts sharing `lsh.MIN_SHARED` rare shingle keys with a crawl text.

    Each distinct key is looked up once per run (one index seek; run by run, the probes in key
    order, so the seeks walk each run's B-tree forward); the holders are counted and the
    (crawl text, stored text) pairs joined with numpy sorts, not by a second pass of SQL over
    every (key, owner) row of the crawl.
    """
    _probe(connection, "probe_shingle", zip(lsh.distinct_sorted(keys.shingles).tolist()))
    held = np.array(
        connection.execute(
            "SELECT s.key, s.text FROM runs r CROSS JOIN probe_shingle p "
            "CROSS JOIN shingles s ON s.run = r.id AND s.key = p.key"
        ).fetchall(),
        dtype=np.int64,
    ).reshape(-1, 2)
    held = held[np.argsort(held[:, 0], kind="stable")]
    _, holders = _counted(held[:, 0])
    held = held[np.repeat(holders, holders) <= lsh.MAX_HOLDERS]
    order = np.argsort(keys.shingles, kind="stable")
    crawl_keys, crawl_owners = keys.shingles[order], keys.owners[order]
    starts = np.searchsorted(crawl_keys, held[:, 0], side="left")
    counts = np.searchsorted(crawl_keys, held[:, 0], side="right") - starts
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    owners = crawl_owners[np.repeat(starts, counts) + offsets]
    texts = np.repeat(held[:, 1], counts)
    span = int(texts.max()) + 1 if len(texts) else 1  # rowids: owner * span + text fits int64
    pairs, shared = _counted(np.sort(owners * span + texts))
    return lsh.distinct_sorted(pairs[shared >= lsh.MIN_SHARED] % span)


def _counted(ordered: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct values of a sorted array and how often each occurs."""
    if len(ordered) == 0:
        return ordered, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def store_keys(
    connection: sqlite3.Connection,
    keys: Keys,
    rowids: NDArray[np.int64],
    on_start: StageStart | None = None,
) -> None:
    """Store the band and shingle keys of new distinct texts (`rowids[g]` > 0 for those).

    Each key keeps at most `BAND_HOLDERS` (bands) or `SHINGLE_HOLDERS` (shingles) holders,
    summed over the runs: storage stays bounded by the number of texts, and a common key is
    known to be common. The rows go into a new run, then the runs are merged by the rule of
    `index.runs` (`on_start("merge", rows)` before a merge).
    """
    run = runs.start(connection)
    texts, bands = np.nonzero(keys.bands)
    fresh = rowids[texts] > 0
    heads = np.stack([bands[fresh], keys.bands[texts, bands][fresh]], axis=1).astype(np.int64)
    rows = _insert_capped(
        connection, ("bands", run), "band, key", heads, rowids[texts[fresh]], BAND_HOLDERS
    )
    owned = rowids[keys.owners] > 0
    rows += _insert_capped(
        connection,
        ("shingles", run),
        "key",
        keys.shingles[owned].reshape(-1, 1),
        rowids[keys.owners[owned]],
        SHINGLE_HOLDERS,
    )
    runs.finish(connection, run, rows, on_start)


def _insert_capped(  # noqa: PLR0913, PLR0917 - the table, its key, the rows, the cap
    connection: sqlite3.Connection,
    into: tuple[str, int],
    key: str,
    heads: NDArray[np.int64],
    texts: NDArray[np.int64],
    cap: int,
) -> int:
    """Insert (head, text) rows into a run, at most `cap` per head counting those stored before.

    In bulk: the stored holders of the batch's heads (in every run) are counted in one grouped
    query, the rows to keep are chosen with numpy (the smallest texts of each head first), and
    they go in with one `executemany`, in key order. Return how many went in.
    """
    table, run = into
    names = key.split(", ")
    marks = ", ".join("?" * len(names))
    order = np.lexsort((texts, *heads.T[::-1]))
    heads, texts = heads[order], texts[order]
    starts = np.ones(len(texts), dtype=bool)
    starts[1:] = np.any(heads[1:] != heads[:-1], axis=1)
    firsts = np.flatnonzero(starts)
    distinct = heads[firsts]
    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS cap_{table} ({key})")
    connection.execute(f"DELETE FROM cap_{table}")  # noqa: S608 - our table names
    connection.executemany(
        f"INSERT INTO cap_{table} VALUES ({marks})",  # noqa: S608 - ours
        _rows(distinct),
    )
    columns = ", ".join(f"p.{c}" for c in names)
    match = " AND ".join(f"s.{c} = p.{c}" for c in names)
    held: dict[tuple[int, ...], int] = {}
    for *head, count in connection.execute(
        f"SELECT {columns}, count(*) FROM runs r CROSS JOIN cap_{table} p "  # noqa: S608 - ours
        f"CROSS JOIN {table} s ON s.run = r.id AND {match} GROUP BY r.id, {columns}"
    ):
        held[tuple(head)] = held.get(tuple(head), 0) + int(count)
    before = np.array([held.get(h, 0) for h in _rows(distinct)], dtype=np.int64)
    group = np.cumsum(starts) - 1
    rank = np.arange(len(texts)) - firsts[group]
    keep = rank + before[group] < cap
    rows = np.concatenate([heads[keep], texts[keep].reshape(-1, 1)], axis=1)
    return connection.executemany(
        f"INSERT OR IGNORE INTO {table} (run, {key}, text) "  # noqa: S608 - ours
        f"VALUES ({run}, {marks}, ?)",
        _rows(rows),
    ).rowcount
