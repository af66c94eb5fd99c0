"""Index kernels: the compiled loops of the shingle index (`lsh.shared_key_counts`).

The index needs, for every key held by 2 to `MAX_HOLDERS` owners, the list of its holders.
A global sort of every (key, owner) entry was the index's whole cost (25M entries at 500k
paragraphs); here the keys are taken in ranges of their top bits, a few million at a time
(`take_range`: each owner's keys are ascending, so a cursor per owner reads every key once
over all ranges), each range's keys sorted alone (a plain sort of values, no argsort), its
rare keys found by run lengths, and each entry of the range looked up among them in a table
that fits in cache (`key_table`, `rare_ids`). `group_owners` then puts the holders of each rare key
together, in entry order. Memory stays one range's entries, not a copy of the index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from dedupe_news.stages._kernels import _compiled, _sequential

if TYPE_CHECKING:
    from numpy.typing import NDArray

TOP_BITS = 8
"""Ranges are unions of the 2**TOP_BITS bins of a key's top bits."""
_SHIFT = np.uint64(64 - TOP_BITS)


@_sequential
def top_counts(keys: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Return how many keys fall in each bin of their top `TOP_BITS` bits."""
    counts = np.zeros(1 << TOP_BITS, dtype=np.int64)
    for key in keys:
        counts[key >> _SHIFT] += 1
    return counts


@_sequential
def take_range(
    keys: NDArray[np.uint64],
    offsets: NDArray[np.int64],
    owners: NDArray[np.signedinteger[Any]],
    cursors: NDArray[np.int64],
    into: tuple[int, NDArray[np.uint64], NDArray[np.signedinteger[Any]], int],
) -> int:
    """Copy the next keys of every row whose top bits lie below bin `high`, and their owners.

    Row r's keys are keys[offsets[r]:offsets[r + 1]], ascending, owned by owners[r];
    `cursors[r]` is where row r's untaken keys start, moved past the keys taken, so ranges
    taken in ascending order read each key once. `into` is (high, taken keys, taken owners,
    start): they are written from `start` on, into buffers the caller reuses for every
    range (fresh arrays per range cost their page faults again). Returns where they end.
    """
    high, taken, taken_owners, at = into
    limit = np.uint64(high)
    for row in range(len(offsets) - 1):
        entry, end, owner = cursors[row], offsets[row + 1], owners[row]
        while entry < end:
            key = keys[entry]
            if key >> _SHIFT >= limit:
                break
            taken[at] = key
            taken_owners[at] = owner
            at += 1
            entry += 1
        cursors[row] = entry
    return at


# The filter of a key table: 2**k bits for at least _FILTER_BITS bits per key, set at bits
# _FILTER_SHIFT and up of each key. Most keys looked up are not in the table (held once);
# the filter, an eighth of the table's size, tells most of them from a cache line that is
# likely in cache, where the table's slots are not. Any key still reaches its slot when its
# bit is set, so the filter changes no result.
_FILTER_BITS = 16
_FILTER_SHIFT = np.uint64(24)


@_sequential
def key_table(
    rare: NDArray[np.uint64],
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint64]]:
    """Return an open-addressing table of distinct keys: (slot keys, slot indices or -1, filter).

    Keys are mixed hashes, so their low bits index the slots; at most a quarter of the slots
    are used, so a key not held is told after about one probe, and most such keys are told
    by the filter (a bit set per key) before any probe.
    """
    size = 2
    while size < 4 * len(rare):
        size *= 2
    slot_keys = np.zeros(size, dtype=np.uint64)
    slot_ids = np.full(size, -1, dtype=np.int64)
    mask = np.uint64(size - 1)
    bits = 64
    while bits < _FILTER_BITS * len(rare):
        bits *= 2
    seen = np.zeros(bits // 64, dtype=np.uint64)
    bit_mask = np.uint64(bits - 1)
    for index in range(len(rare)):
        slot = rare[index] & mask
        while slot_ids[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        slot_keys[slot] = rare[index]
        slot_ids[slot] = index
        bit = (rare[index] >> _FILTER_SHIFT) & bit_mask
        seen[bit >> np.uint64(6)] |= np.uint64(1) << (bit & np.uint64(63))
    return slot_keys, slot_ids, seen


@_compiled
def rare_ids(
    keys: NDArray[np.uint64],
    slot_keys: NDArray[np.uint64],
    slot_ids: NDArray[np.int64],
    seen: NDArray[np.uint64],
) -> NDArray[np.int32]:
    """Return each key's index in a `key_table` (of fewer than 2**31 keys), or -1 when absent."""
    mask = np.uint64(len(slot_keys) - 1)
    bit_mask = np.uint64(64 * len(seen) - 1)
    found = np.full(len(keys), -1, dtype=np.int32)
    for entry in numba.prange(len(keys)):
        bit = (keys[entry] >> _FILTER_SHIFT) & bit_mask
        if (seen[bit >> np.uint64(6)] >> (bit & np.uint64(63))) & np.uint64(1) == 0:
            continue
        slot = keys[entry] & mask
        while slot_ids[slot] >= 0:
            if slot_keys[slot] == keys[entry]:
                found[entry] = slot_ids[slot]
                break
            slot = (slot + np.uint64(1)) & mask
    return found


@_sequential
def group_owners(
    ids: NDArray[np.signedinteger[Any]],
    owners: NDArray[np.signedinteger[Any]],
    starts: NDArray[np.int64],
) -> NDArray[np.signedinteger[Any]]:
    """Return the owners grouped by id (a counting sort, stable): id g's at starts[g]:..."""
    grouped = np.empty(len(owners), dtype=owners.dtype)
    at = starts[:-1].copy()
    for entry in range(len(ids)):
        grouped[at[ids[entry]]] = owners[entry]
        at[ids[entry]] += 1
    return grouped


@_sequential
def count_runs(ordered: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct values of a sorted array and how often each occurs.

    The values are moved to the front of `ordered` itself (returned as a view of it), so
    counting a step of pair codes allocates only the counts.
    """
    distinct = 0
    for at in range(len(ordered)):
        if at == 0 or ordered[at] != ordered[at - 1]:
            distinct += 1
    counts = np.zeros(distinct, dtype=np.int64)
    kept = 0
    for at in range(len(ordered)):
        value = ordered[at]
        if kept == 0 or value != ordered[kept - 1]:
            ordered[kept] = value
            kept += 1
        counts[kept - 1] += 1
    return ordered[:kept], counts


@_sequential
def rare_runs(
    ordered: NDArray[np.uint64], most: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Return the values occurring 2 to `most` times in a sorted array, and how often each.

    One pass, no temporary array per value: (values ascending, their counts).
    """
    found = 0
    at = 0
    while at < len(ordered):
        end = at + 1
        while end < len(ordered) and ordered[end] == ordered[at]:
            end += 1
        if 2 <= end - at <= most:
            found += 1
        at = end
    values = np.empty(found, dtype=np.uint64)
    counts = np.empty(found, dtype=np.int64)
    found, at = 0, 0
    while at < len(ordered):
        end = at + 1
        while end < len(ordered) and ordered[end] == ordered[at]:
            end += 1
        if 2 <= end - at <= most:
            values[found], counts[found] = ordered[at], end - at
            found += 1
        at = end
    return values, counts


@_sequential
def enough_pairs(
    codes: NDArray[np.int64],
    shared: NDArray[np.int64],
    keys_of: NDArray[np.int64],
    size: int,
    rule: tuple[int, float],
) -> NDArray[np.int64]:
    """Return the pairs (a, b) of the codes a * size + b that share enough keys.

    `keys_of[i]` is owner i's number of keys; `rule` is (least shared keys, least fraction
    of the smaller side's keys), as in `lsh.enough_shared`; one pass, no array per test.
    """
    n = max(size, 1)
    kept = np.zeros(len(codes), dtype=np.bool_)
    for p in range(len(codes)):
        fewer = min(keys_of[codes[p] // n], keys_of[codes[p] % n])
        kept[p] = shared[p] >= rule[0] and shared[p] >= rule[1] * fewer
    chosen = np.flatnonzero(kept)
    pairs = np.empty((len(chosen), 2), dtype=np.int64)
    for k in range(len(chosen)):
        pairs[k, 0], pairs[k, 1] = codes[chosen[k]] // n, codes[chosen[k]] % n
    return pairs
