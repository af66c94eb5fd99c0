"""Index keys: a crawl's texts -> exact, band and shingle keys; look-ups of stored texts by them.

The same stage functions as a batch run (`distinct_texts`, `sketch`, `lsh.bucket_keys`,
`lsh.index_keys`); the keys are looked up in the index's tables instead of
being paired within the batch. Every look-up is a seek by key in each run (`index.runs`), and a
crawl's new keys are stored as a new run: the cost follows the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dedupe_news.index import filters
from dedupe_news.stages import lsh
from dedupe_news.stages.exact import distinct_texts
from dedupe_news.stages.signature import sketch

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Iterator, Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config

BAND_HOLDERS = 64
"""Texts stored per band key at most: a bucket beyond it is template, paired by its first 64."""
SHINGLE_HOLDERS = lsh.MAX_HOLDERS + 1
"""Texts stored per shingle key at most: a key with more holders pairs nothing (`lsh`)."""

SEEKS = (
    (
        "SELECT p.band, p.key, b.text FROM pass_band p CROSS JOIN bands b "
        "ON b.run = p.run AND b.band = p.band AND b.key = p.key"
    ),
    (
        "SELECT p.band, p.key, b.text FROM probe_run r CROSS JOIN probe_band p "
        "CROSS JOIN bands b ON b.run = r.id AND b.band = p.band AND b.key = p.key"
    ),
    (
        "SELECT p.key, s.text FROM pass_shingle p CROSS JOIN shingles s "
        "ON s.run = p.run AND s.key = p.key"
    ),
    (
        "SELECT p.key, s.text FROM probe_run r CROSS JOIN probe_shingle p "
        "CROSS JOIN shingles s ON s.run = r.id AND s.key = p.key"
    ),
)
"""The look-up's seeks: band rows through the filters' passing keys, then in runs without a
filter (every key); the same for shingle rows. Each a primary-key seek per probe."""


@dataclass(frozen=True, slots=True)
class Held:
    """How many stored texts hold each key a crawl looked up, summed over the runs.

    Attributes:
        bands: The (band, key) pairs held, in lexicographic order.
        band_counts: Their holders.
        shingles: The shingle keys held, sorted, as one column.
        shingle_counts: Their holders.
    """

    bands: NDArray[np.int64]
    band_counts: NDArray[np.int64]
    shingles: NDArray[np.int64]
    shingle_counts: NDArray[np.int64]


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
    distinct, words = distinct_texts(texts, fold_diacritics=config.fold_diacritics)
    found = sketch(words.tokens, words.rows, config)  # each distinct string tokenized once
    del words
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
    columns = {
        "probe_hash": "hash, owner",
        "probe_band": "band, key",
        "probe_run": "id",
        "pass_band": "run, band, key",
        "pass_shingle": "run, key",
    }.get(table, "key")
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


def neighbours(connection: sqlite3.Connection, keys: Keys) -> list[int]:
    """Return the stored texts (rowids) sharing an exact, band or enough shingle keys, sorted.

    A shingle key counts when the index holds it for at most `lsh.MAX_HOLDERS` texts, and a
    stored text needs `lsh.MIN_SHARED` such keys with one text of the crawl, as in a batch.
    """
    return look_up(connection, keys)[0]


def look_up(connection: sqlite3.Connection, keys: Keys) -> tuple[list[int], Held]:
    """Return the neighbours (`neighbours`) and how many texts hold each key looked up.

    Each distinct key is looked up once per run whose filter it passes (`_seek`). The holder
    counts are what the per-key caps of the store need (`runs.store_keys`): no second pass
    over the runs.
    """
    _probe(connection, "probe_hash", ((h, g) for g, h in enumerate(keys.hashes.tolist())))
    found = {
        r[0]
        for r in connection.execute(
            "SELECT t.rowid FROM probe_hash p JOIN texts t ON t.hash = p.hash"
        ).fetchall()
    }
    texts, bands = np.nonzero(keys.bands)
    heads = _unique_rows(np.stack([bands, keys.bands[texts, bands]], axis=1).astype(np.int64))[0]
    rows, shingles = _seek(connection, heads, lsh.distinct_sorted(keys.shingles))
    found.update(rows[:, 2].tolist())
    band_heads, band_counts = _unique_rows(rows[:, :2])
    sharing, shingle_heads, shingle_counts = _sharing_shingles(shingles, keys)
    held = Held(
        band_heads, band_counts.astype(np.int64), shingle_heads.reshape(-1, 1), shingle_counts
    )
    return sorted(found.union(sharing.tolist())), held


def _seek(
    connection: sqlite3.Connection, heads: NDArray[np.int64], shingles: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the stored (band, key, text) and (key, text) rows of these sorted keys.

    A run with a filter (`index.filters`) is sought only for the keys that pass it: a crawl's
    keys, most of them new, skip a sealed run without a seek. A run without one (written
    before format version 3) is sought for every key. Run by run, the keys in key order, so
    the seeks walk each run's B-tree forward; `CROSS JOIN` pins that order.
    """
    band_pass, shingle_pass, unfiltered = _passing(connection, heads, shingles)
    _probe(connection, "probe_run", unfiltered)
    everything = bool(unfiltered)  # the probes of every key: only for runs without a filter
    _probe(connection, "probe_band", _columns(heads[: len(heads) * everything]))
    _probe(connection, "probe_shingle", _columns(shingles[: len(shingles) * everything, None]))
    _probe(connection, "pass_band", _columns(band_pass))
    _probe(connection, "pass_shingle", _columns(shingle_pass))
    rows = [
        np.array(connection.execute(query).fetchall(), dtype=np.int64).reshape(-1, width)
        for query, width in zip(SEEKS, (3, 3, 2, 2), strict=True)
    ]
    return np.concatenate(rows[:2]), np.concatenate(rows[2:])


def _passing(
    connection: sqlite3.Connection, heads: NDArray[np.int64], shingles: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], list[tuple[int]]]:
    """Return the (run, band, key) and (run, key) probes passing each run's filter, in order.

    And the runs without a filter. The filters are read one run at a time; each probe's
    word and bits are computed once per filter size (`filters.places`).
    """
    found = (filters.band_hashes(heads), filters.shingle_hashes(shingles))
    at: dict[int, tuple[filters.Places, filters.Places]] = {}
    unfiltered: list[tuple[int]] = []
    band_pass, shingle_pass = [np.empty((0, 3), np.int64)], [np.empty((0, 2), np.int64)]
    for run, held in filters.stored(connection):
        if held is None:
            unfiltered.append((run,))
            continue
        if len(held) not in at:
            at[len(held)] = (
                filters.places(found[0], len(held)),
                filters.places(found[1], len(held)),
            )
        bands_at, shingles_at = at[len(held)]
        chosen = heads[filters.passing(held, bands_at)]
        band_pass.append(np.column_stack([np.full(len(chosen), run), chosen]))
        picked = shingles[filters.passing(held, shingles_at)]
        shingle_pass.append(np.column_stack([np.full(len(picked), run), picked]))
    return np.concatenate(band_pass), np.concatenate(shingle_pass), unfiltered


def _columns(rows: NDArray[np.int64]) -> Iterator[tuple[int, ...]]:
    """Yield a 2-D array's rows as tuples of ints (for `executemany`)."""
    return zip(*(column.tolist() for column in rows.T), strict=True)


def _sharing_shingles(
    held: NDArray[np.int64], keys: Keys
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return the stored texts sharing `lsh.MIN_SHARED` rare shingle keys with a crawl text.

    `held` holds the stored (key, text) rows of the crawl's keys. Also return the shingle
    keys held, with their holders. The holders are counted and the (crawl text, stored text)
    pairs joined with numpy sorts, not by a second pass of SQL over every (key, owner) row of
    the crawl.
    """
    held = held[np.argsort(held[:, 0], kind="stable")]
    distinct, holders = _counted(held[:, 0])
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
    return lsh.distinct_sorted(pairs[shared >= lsh.MIN_SHARED] % span), distinct, holders


def _unique_rows(rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct rows of a 2-column array in lexicographic order, and their counts.

    As `np.unique(rows, axis=0, return_counts=True)`, by a `lexsort` (a third of its time:
    1.0 s for the 3M band keys of a 100k-segment crawl).

    Examples:
        >>> found, counts = _unique_rows(np.array([[1, 5], [0, -2], [1, 5]]))
        >>> found.tolist(), counts.tolist()
        ([[0, -2], [1, 5]], [1, 2])
    """
    if len(rows) == 0:
        return rows, np.empty(0, dtype=np.int64)
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    starts = np.flatnonzero(np.r_[True, np.any(rows[1:] != rows[:-1], axis=1)])
    return rows[starts], np.diff(np.r_[starts, len(rows)])


def _counted(ordered: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct values of a sorted array and how often each occurs."""
    if len(ordered) == 0:
        return ordered, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])
