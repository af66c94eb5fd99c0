"""Index key filters: a blocked Bloom filter per key run, so a look-up skips runs without a seek.

Every band and shingle key of a run is set in its run's filter: one 64-bit word per key
(chosen by the top bits of the key's mixed hash) with `HASHES` bits set in it (chosen by six
low bits each). A key whose bits are not all set in a run's word is not in that run: the
look-up (`keys.look_up`) seeks only the keys that pass. Every run's filter has the same size,
`WORDS`, so the filter of a merged run is the OR of its parts' filters: no key is read back.
A filter may hold more keys than its run (a pruned text's keys stay set; an add sets the keys
it inserts `OR IGNORE`): only more keys pass, never fewer. Stored in the file as raw
little-endian words, no pickle: `filters (run, words, at, bits)`, `at` NULL for all `words`
words, else the positions (uint32) of the nonzero words in `bits`.

The false positive rate of a blocked filter with `HASHES` = 5 bits per 64-bit word, at
`n` keys in `WORDS` words: about 1.7% at 10 bits per key, 0.4% at 16 (Poisson load per
word, `sum P(j keys) * (1 - (1 - 1/64)^(5j))^5`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator, Sequence

    from numpy.typing import NDArray

WORDS = 1 << 21
"""Words in every run's filter (16 MiB): 16 bits per key at `runs.SEAL_ROWS` rows, 8 at twice.

A sealed run holds `SEAL_ROWS` to about twice as many rows (`runs`), each row at most one key."""
WORDS_PER_ROW = 3 / 16
"""A rebuilt filter's words per key row (12 bits per row) when that is more than `WORDS`: a
run of format version 2 may hold 100M rows, and 16 MiB would pass most keys there."""
HASHES = 5
"""Bits set per key in its word: the best rate for a blocked filter at 8-16 bits per key."""
SHINGLE_TAG = 0
"""The tag mixed into a shingle key; band `b`'s keys get `b + 1`, so no two tables collide."""

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS filters (run INTEGER PRIMARY KEY, words INTEGER NOT NULL, "
    "at BLOB, bits BLOB NOT NULL)"
)
"""One filter per run (format version 3); a run without one is sought for every key."""

READS = (
    "SELECT DISTINCT band, key FROM bands WHERE run = ?",
    "SELECT DISTINCT key FROM shingles WHERE run = ?",
)
"""A run's distinct keys, in primary-key order (no sort): what `rebuild` reads back."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def hashes(tags: NDArray[np.int64], keys: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Return the filter hash of each (tag, key): the key and tag mixed by splitmix64's finalizer.

    Examples:
        >>> keys = np.array([1, 1, 2], dtype=np.int64)
        >>> found = hashes(np.array([0, 1, 0], dtype=np.int64), keys)
        >>> len(set(found.tolist()))
        3
    """
    mixed = keys.view(np.uint64) ^ (tags.astype(np.uint64) * _GOLDEN)
    mixed = (mixed ^ (mixed >> np.uint64(30))) * _MIX[0]
    mixed = (mixed ^ (mixed >> np.uint64(27))) * _MIX[1]
    final: NDArray[np.uint64] = mixed ^ (mixed >> np.uint64(31))
    return final


def band_hashes(heads: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Return the filter hashes of (band, key) rows: band `b` tagged `b + 1`."""
    return hashes(heads[:, 0] + 1, heads[:, 1])


def shingle_hashes(keys: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Return the filter hashes of shingle keys."""
    return hashes(np.full(len(keys), SHINGLE_TAG, dtype=np.int64), keys)


Places = tuple["NDArray[np.int64]", "NDArray[np.uint64]"]
"""Each hash's word in a filter of a given size, and the bits it sets there."""


def places(found: NDArray[np.uint64], words: int) -> Places:
    """Return each hash's word (its top 32 bits scaled to `words`) and its bits (5 x 6 low bits).

    The same for every filter of `words` words: computed once per look-up, not per run.
    """
    word = ((found >> np.uint64(32)) * np.uint64(words)) >> np.uint64(32)
    bits = np.zeros(len(found), dtype=np.uint64)
    for number in range(HASHES):
        bits |= np.uint64(1) << ((found >> np.uint64(6 * number)) & np.uint64(63))
    return word.astype(np.int64), bits


def build(found: Sequence[NDArray[np.uint64]], words: int = WORDS) -> NDArray[np.uint64]:
    """Return a filter of `words` words holding these hashes.

    Examples:
        >>> found = shingle_hashes(np.arange(100, dtype=np.int64))
        >>> bool(passing(build([found], 64), places(found, 64)).all())
        True
    """
    held = np.zeros(words, dtype=np.uint64)
    for part in found:
        word, bits = places(part, words)
        np.bitwise_or.at(held, word, bits)
    return held


def passing(held: NDArray[np.uint64], at: Places) -> NDArray[np.bool_]:
    """Return which hashes (at their `places` in a filter of this size) may be in the filter.

    A hash passes when all its bits are set in its word: never a false negative.
    """
    word, bits = at
    found_all: NDArray[np.bool_] = (held[word] & bits) == bits
    return found_all


def save(connection: sqlite3.Connection, run: int, held: NDArray[np.uint64]) -> None:
    """Store a run's filter: its nonzero words and their positions when that is smaller."""
    nonzero = np.flatnonzero(held)
    if len(nonzero) * 12 < len(held) * 8:
        at: bytes | None = nonzero.astype("<u4").tobytes()
        bits = held[nonzero].astype("<u8").tobytes()
    else:
        at, bits = None, held.astype("<u8").tobytes()
    connection.execute("INSERT INTO filters VALUES (?, ?, ?, ?)", (run, len(held), at, bits))


def _decode(words: int, at: bytes | None, bits: bytes) -> NDArray[np.uint64]:
    values = np.frombuffer(bits, dtype="<u8").astype(np.uint64)
    if at is None:
        return values
    held = np.zeros(words, dtype=np.uint64)
    held[np.frombuffer(at, dtype="<u4").astype(np.int64)] = values
    return held


def stored(connection: sqlite3.Connection) -> Iterator[tuple[int, NDArray[np.uint64] | None]]:
    """Yield each run's id and filter (None: the run has none), oldest first, one at a time."""
    for run, words, at, bits in connection.execute(
        "SELECT r.id, f.words, f.at, f.bits FROM runs r LEFT JOIN filters f ON f.run = r.id "
        "ORDER BY r.id"
    ):
        yield run, None if bits is None else _decode(words, at, bits)


def union(connection: sqlite3.Connection, run: int, parts: Sequence[int]) -> None:
    """Give a merged run the OR of its parts' filters, if every part has one of one size."""
    marks = ", ".join("?" * len(parts))
    rows = connection.execute(
        f"SELECT words, at, bits FROM filters WHERE run IN ({marks})",  # noqa: S608 - marks only
        list(parts),
    ).fetchall()
    sizes = {words for words, _, _ in rows}
    if len(rows) == len(parts) and len(sizes) == 1:
        held = np.zeros(sizes.pop(), dtype=np.uint64)
        for words, at, bits in rows:
            held |= _decode(words, at, bits)
        save(connection, run, held)
    connection.execute(f"DELETE FROM filters WHERE run IN ({marks})", list(parts))  # noqa: S608


def missing(connection: sqlite3.Connection) -> list[int]:
    """Return the runs without a filter (written by format version 2), oldest first."""
    query = "SELECT id FROM runs WHERE id NOT IN (SELECT run FROM filters) ORDER BY id"
    return [run for (run,) in connection.execute(query)]


def rebuild(connection: sqlite3.Connection, run: int, chunk: int = 1 << 20) -> None:
    """Give a run without a filter one, from its distinct keys read back `chunk` at a time.

    `WORDS` words, or 12 bits per row for a larger run: such a run is sealed, never merged,
    so its filter never needs the size of others (`union`).
    """
    (rows,) = connection.execute("SELECT rows FROM runs WHERE id = ?", (run,)).fetchone()
    words = max(WORDS, int(rows * WORDS_PER_ROW))
    held = np.zeros(words, dtype=np.uint64)
    for query in READS:
        cursor = connection.execute(query, (run,))
        while rows := cursor.fetchmany(chunk):
            keys = np.array(rows, dtype=np.int64)
            found = band_hashes(keys) if keys.shape[1] > 1 else shingle_hashes(keys[:, 0])
            word, bits = places(found, words)
            np.bitwise_or.at(held, word, bits)
    save(connection, run, held)
