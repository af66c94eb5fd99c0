"""Index keys: a crawl's texts -> exact, band and shingle keys; look-ups of stored texts by them.

The same stage functions as a batch run (`tokenize`, `exact_groups`, `sketch`,
`lsh.bucket_keys`, `lsh.index_keys`); the keys are looked up in the index's tables instead of
being paired within the batch. Every look-up is a seek by key: the cost follows the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dedupe_news.stages import lsh
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.signature import sketch
from dedupe_news.stages.tokenize import tokenize

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config

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


def _probe(connection: sqlite3.Connection, table: str, rows: Sequence[tuple[int, ...]]) -> None:
    columns = {"probe_hash": "hash, owner", "probe_band": "band, key, owner"}.get(
        table, "key, owner"
    )
    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns})")
    connection.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names
    marks = ", ".join("?" * len(columns.split(", ")))
    connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608 - ours


def band_rows(keys: Keys) -> list[tuple[int, int, int]]:
    """Return (band, key, distinct text) for every nonzero band or anchor key."""
    texts, bands = np.nonzero(keys.bands)
    values = keys.bands[texts, bands]
    return list(zip(bands.tolist(), values.tolist(), texts.tolist(), strict=True))


def neighbours(connection: sqlite3.Connection, keys: Keys) -> list[int]:
    """Return the stored texts (rowids) sharing an exact, band or enough shingle keys, sorted.

    A shingle key counts when the index holds it for at most `lsh.MAX_HOLDERS` texts, and a
    stored text needs `lsh.MIN_SHARED` such keys with one text of the crawl, as in a batch.
    """
    _probe(connection, "probe_hash", [(h, g) for g, h in enumerate(keys.hashes.tolist())])
    _probe(connection, "probe_band", band_rows(keys))
    _probe(
        connection,
        "probe_shingle",
        list(zip(keys.shingles.tolist(), keys.owners.tolist(), strict=True)),
    )
    found = connection.execute(
        """
        SELECT t.rowid FROM probe_hash p JOIN texts t ON t.hash = p.hash
        UNION SELECT b.text FROM probe_band p JOIN bands b ON b.band = p.band AND b.key = p.key
        UNION SELECT text FROM (
            SELECT p.owner, s.text FROM probe_shingle p JOIN shingles s ON s.key = p.key
            WHERE p.key NOT IN (
                SELECT key FROM shingles WHERE key IN (SELECT key FROM probe_shingle)
                GROUP BY key HAVING count(*) > ?)
            GROUP BY p.owner, s.text HAVING count(*) >= ?)
        """,
        (lsh.MAX_HOLDERS, lsh.MIN_SHARED),
    ).fetchall()
    return sorted(r[0] for r in found)


def store_keys(connection: sqlite3.Connection, keys: Keys, rowids: NDArray[np.int64]) -> None:
    """Store the band and shingle keys of new distinct texts (`rowids[g]` > 0 for those).

    Each key keeps at most `BAND_HOLDERS` (bands) or `SHINGLE_HOLDERS` (shingles) holders:
    storage stays bounded by the number of texts, and a common key is known to be common.
    """
    fresh = rowids > 0
    rows = [(b, k, int(rowids[g])) for b, k, g in band_rows(keys) if fresh[g]]
    _insert_capped(connection, "bands", "band, key", rows, BAND_HOLDERS)
    shingle_rows = [
        (k, int(rowids[g]))
        for k, g in zip(keys.shingles.tolist(), keys.owners.tolist(), strict=True)
        if fresh[g]
    ]
    _insert_capped(connection, "shingles", "key", shingle_rows, SHINGLE_HOLDERS)


def _insert_capped(
    connection: sqlite3.Connection,
    table: str,
    key: str,
    rows: Sequence[tuple[int, ...]],
    cap: int,
) -> None:
    """Insert rows, at most `cap` per key counting the holders stored before; in bulk.

    The stored holders of the batch's keys are counted in one grouped query (each key's count
    is itself capped), then the kept rows go in with one `executemany`.
    """
    names = key.split(", ")
    heads = sorted({row[:-1] for row in rows})
    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS cap_{table} ({key})")
    connection.execute(f"DELETE FROM cap_{table}")  # noqa: S608 - our table names
    marks = ", ".join("?" * len(names))
    connection.executemany(f"INSERT INTO cap_{table} VALUES ({marks})", heads)  # noqa: S608 - ours
    match = " AND ".join(f"s.{c} = p.{c}" for c in names)
    held = {
        tuple(found[:-1]): int(found[-1])
        for found in connection.execute(
            f"SELECT {', '.join(f'p.{c}' for c in names)}, count(*) FROM cap_{table} p "  # noqa: S608 - ours
            f"JOIN {table} s ON {match} GROUP BY {', '.join(f'p.{c}' for c in names)}"
        )
    }
    kept: list[tuple[int, ...]] = []
    for row in sorted(rows):
        head = row[:-1]
        held[head] = held.get(head, 0) + 1
        if held[head] <= cap:
            kept.append(row)
    connection.executemany(
        f"INSERT OR IGNORE INTO {table} ({key}, text) VALUES ({marks}, ?)",  # noqa: S608 - ours
        kept,
    )
