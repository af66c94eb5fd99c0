"""Candidates: signature matrix and anchors -> candidate pairs, by LSH banding.

The signature's first b * r columns are cut into b bands of r rows; two texts are a
candidate when any band is equal in both. For texts of Jaccard similarity s, one band agrees
with probability s**r, so

    P(candidate) = 1 - (1 - s**r)**b

an S-curve that rises steeply around s ~ (1/b)**(1/r). `Config.bands_rows` picks (b, r) for
the configured `threshold` as datasketch's optimizer does, by minimizing the area of false
positives below it plus false negatives above it (docs/tuning.md plots the curve).

Banding alone misses the copies that matter most in news and have a low Jaccard: a teaser
truncated to its first sentence, a paragraph with a sentence added. Anchors catch them: texts
that open (head) or close (tail) with the same `anchor_words` words are candidates too.
Texts with clauses inserted throughout, or a short text inside a long one, share few bands
and no anchor. The shingle index catches them: for every shingle (and, for short texts, every
word) held by 2 to `MAX_HOLDERS` distinct texts, its holders are paired, and a pair is a
candidate when it shares at least `MIN_SHARED` keys and at least `MIN_SHARED_FRACTION` of the
keys of the text with fewer. The holder cap keeps common shingles (boilerplate, template
openings) from making quadratic pair lists: the pairs made are at most `MAX_HOLDERS / 2` per
indexed key, so the work is linear in the batch's words. Shingles shared by more texts than
the cap are left to the bands and anchors, whose buckets pair each text with at most
`_MAX_NEIGHBOURS` neighbours.

Verification decides; candidates only need recall.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from dedupe_news.stages import _kernels as kernels

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.stages.signature import Sketch

# In a bucket of more than this many distinct texts, each pairs only with its nearest
# neighbours in a fixed order: the candidate count stays linear in the batch size. The
# window chains a bucket's members in owner order, so near copies still meet; 8 (was 64)
# because a bucket of 20k template teasers made 128 candidates per text, each one vetoed by
# facts (docs/tuning.md), while the shingle index pairs real copies whatever the bucket holds.
_MAX_NEIGHBOURS = 8
MAX_HOLDERS = 16
MIN_SHARED = 3
MIN_SHARED_FRACTION = 0.5
_WORD_SALT = np.uint64(0x5A17_5A17_5A17_5A17)  # word keys never equal shingle keys
_PAIRS_PER_STEP = 1 << 22  # codes made at once before they are counted
CodeT = TypeVar("CodeT", np.int64, np.uint64)


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the chance that texts of this Jaccard similarity become candidates.

    Examples:
        >>> round(candidate_probability(0.5, 25, 5), 4), round(candidate_probability(0.8, 25, 5), 4)
        (0.5478, 1.0)
    """
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def pairs_sharing_key(keys: NDArray[np.uint64], owners: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the pairs (i < j) of owners that share a key, unsorted, possibly repeated.

    Examples:
        >>> keys = np.array([7, 3, 7, 7, 3], dtype=np.uint64)
        >>> np.unique(pairs_sharing_key(keys, np.array([0, 1, 2, 3, 4])), axis=0).tolist()
        [[0, 2], [0, 3], [1, 4], [2, 3]]
    """
    order = np.argsort(keys)
    sorted_keys = keys[order]
    equal_next = sorted_keys[1:] == sorted_keys[:-1]
    shared = np.zeros(len(order), dtype=bool)
    shared[1:] |= equal_next
    shared[:-1] |= equal_next
    # Only keys held more than once matter; ordering them by (key, owner) makes the
    # neighbour windows of large buckets independent of the sort's tie order.
    subset = order[shared]
    subset = subset[np.lexsort((owners[subset], keys[subset]))]
    sorted_keys, sorted_owners = keys[subset], owners[subset]
    found = [np.empty((0, 2), dtype=np.int64)]
    for step in range(1, _MAX_NEIGHBOURS + 1):
        # Keys are sorted: equal keys `step` apart lie in one bucket.
        same = np.flatnonzero(sorted_keys[step:] == sorted_keys[:-step])
        if same.size == 0:
            break
        first, second = sorted_owners[same], sorted_owners[same + step]
        found.append(np.column_stack((np.minimum(first, second), np.maximum(first, second))))
    return np.concatenate(found)


def bucket_keys(found: Sketch, config: Config) -> NDArray[np.uint64]:
    """Return each text's bucket keys: one column per band, then its head and tail anchors.

    A key of 0 means none (a text too short for anchors). Texts sharing a key in a column
    are candidates; this is the half of LSH a second driver reuses to pair a new batch
    against keys stored earlier.
    """
    return np.concatenate((_band_keys(found, config), found.anchors), axis=1)


def _band_keys(found: Sketch, config: Config) -> NDArray[np.uint64]:
    """Return each text's band keys: the first columns of `bucket_keys`."""
    bands, rows = config.bands_rows()
    with kernels.threads_for(len(found.signatures) * bands * rows):
        return kernels.band_keys(found.signatures, bands, rows)


def pairs_within(keys: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Return the pairs (i < j) of rows that share a nonzero key in some column, sorted.

    Examples:
        >>> keys = np.array([[1, 0], [2, 9], [1, 9], [3, 0]], dtype=np.uint64)
        >>> pairs_within(keys).tolist()
        [[0, 2], [1, 2]]
    """
    n = len(keys)
    everyone = np.arange(n, dtype=np.int64)
    found_pairs = [np.empty((0, 2), dtype=np.int64)]
    # One column at a time: sorting n keys that fit in cache beats one sort of n * bands.
    for column in keys.T:
        owners = everyone[column != 0]
        found_pairs.append(pairs_sharing_key(np.ascontiguousarray(column[owners]), owners))
    pairs = np.concatenate(found_pairs)
    codes = distinct_sorted(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((codes // max(n, 1), codes % max(n, 1))).astype(np.int64)


def index_keys(found: Sketch) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Return the shingle index's keys and their owners: shingles, and short texts' words.

    The index's half of candidate generation, as `bucket_keys` is the bands' half: a second
    driver pairs a new batch's keys against stored ones.
    """
    sizes = found.shingle_counts()
    word_sizes = np.diff(found.word_offsets)
    everyone = np.arange(len(sizes), dtype=np.int64)
    keys = np.concatenate((found.shingles, found.words ^ _WORD_SALT))
    owners = np.concatenate((np.repeat(everyone, sizes), np.repeat(everyone, word_sizes)))
    return keys, owners


def pairs_sharing_keys(
    keys: NDArray[np.uint64], owners: NDArray[np.int64], size: int
) -> NDArray[np.int64]:
    """Return the pairs (i < j) of owners sharing enough keys held by at most MAX_HOLDERS.

    Each owner's keys must be distinct. A pair needs `MIN_SHARED` shared keys and
    `MIN_SHARED_FRACTION` of the keys of the owner with fewer.

    Examples:
        >>> keys = np.array([1, 2, 3, 4, 1, 2, 3, 9, 1], dtype=np.uint64)
        >>> pairs_sharing_keys(keys, np.array([0, 0, 0, 0, 1, 1, 1, 1, 2]), 3).tolist()
        [[0, 1]]
    """
    keys_of = np.bincount(owners, minlength=size)
    pair_codes, shared = shared_key_counts(keys, owners, size)
    a, b = pair_codes // max(size, 1), pair_codes % max(size, 1)
    enough = enough_shared(shared, np.minimum(keys_of[a], keys_of[b]))
    return np.column_stack((a[enough], b[enough])).astype(np.int64)


def shared_key_counts(
    keys: NDArray[np.uint64], owners: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the pair codes (i * size + j, ascending) sharing keys held by at most MAX_HOLDERS.

    The first half of `pairs_sharing_keys`, for a driver holding every holder of each key it
    is given but not every key of each owner: with the shared counts of each pair, it
    applies `enough_shared` once the counts of all keys are summed.

    Examples:
        >>> keys = np.array([1, 2, 1, 2, 5], dtype=np.uint64)
        >>> [x.tolist() for x in shared_key_counts(keys, np.array([0, 0, 1, 1, 1]), 2)]
        [[1], [2]]
    """
    shared_keys = _rare_shared(keys)
    with kernels.threads_for(len(keys)):
        held = np.flatnonzero(kernels.member(keys, shared_keys))  # most are one text's own
    keys, owners = keys[held], owners[held]
    order = np.argsort(keys, kind="stable")
    return _counts_of_sorted(keys[order], owners[order], size)


def _counts_of_sorted(
    sorted_keys: NDArray[np.uint64], sorted_owners: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return `shared_key_counts` of keys already sorted (stably) that are all rare shared."""
    starts = (
        np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        if len(sorted_keys)
        else np.empty(0, np.int64)
    )
    ends = np.r_[starts[1:], len(sorted_keys)].astype(np.int64)
    del sorted_keys  # the runs are known: only the owners are read from here
    holders = ends - starts
    rare = np.flatnonzero((holders >= 2) & (holders <= MAX_HOLDERS))
    work = np.cumsum(holders[rare] * (holders[rare] - 1) // 2)
    total = int(work[-1]) if len(work) else 0
    cuts = np.r_[
        0, np.searchsorted(work, np.arange(_PAIRS_PER_STEP, total, _PAIRS_PER_STEP)), len(rare)
    ]
    codes, counts = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for low, high in itertools.pairwise(cuts.tolist()):
        step = rare[low:high]  # about _PAIRS_PER_STEP pairs: memory stays bounded
        made = kernels.group_pairs(sorted_owners, starts[step].astype(np.int64), ends[step], size)
        made.sort()
        firsts = _run_starts(made)
        found, count = made[firsts], np.diff(np.r_[firsts, len(made)])
        codes.append(found)
        counts.append(count)
    return _sum_by_code(_joined(codes), _joined(counts))


def _joined(pieces: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """Concatenate the pieces and empty the list, so they are freed as soon as they are joined."""
    joined = np.concatenate(pieces)
    pieces.clear()
    return joined


def enough_shared(shared: NDArray[np.int64], fewer: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Return which pairs share enough keys: `shared` of them, `fewer` keys on the smaller side.

    Examples:
        >>> enough_shared(np.array([3, 3, 2]), np.array([6, 7, 2])).tolist()
        [True, False, False]
    """
    return np.asarray(
        (shared >= MIN_SHARED) & (shared >= MIN_SHARED_FRACTION * fewer), dtype=np.bool_
    )


def _rare_shared(keys: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Return the distinct keys held 2 to MAX_HOLDERS times, ascending (one sort, no argsort)."""
    ordered = np.sort(keys)
    # Each repeated key once, where its run starts: no copy of every repeat, no second sort.
    first: NDArray[np.bool_] = ordered[1:] == ordered[:-1]
    first[1:] &= ~first[:-1]
    repeated = ordered[:-1][first]
    del first
    holders = np.searchsorted(ordered, repeated, side="right") - np.searchsorted(ordered, repeated)
    return repeated[holders <= MAX_HOLDERS]


def distinct_sorted(values: NDArray[CodeT]) -> NDArray[CodeT]:
    """Return the distinct values, ascending: `np.unique`, by one sort.

    numpy 2's `np.unique` hashes before it sorts: on 6M pair codes it took 7 s where a sort
    and a comparison of neighbours take 0.1 s.

    Examples:
        >>> distinct_sorted(np.array([5, 1, 5, 3, 1])).tolist()
        [1, 3, 5]
    """
    ordered = np.sort(values)
    return ordered[_run_starts(ordered)]


def _run_starts(ordered: NDArray[CodeT]) -> NDArray[np.int64]:
    """Return where each run of equal values starts in a sorted array."""
    if len(ordered) == 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def _sum_by_code(
    codes: NDArray[np.int64], counts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct codes, ascending, and the sum of the counts of each."""
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    counts = counts[order]
    del order
    if len(codes) == 0:
        return codes, counts
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[firsts], np.add.reduceat(counts, firsts)


def candidates(found: Sketch, config: Config) -> NDArray[np.int64]:
    """Return candidate pairs (i < j) of a batch of distinct texts, sorted.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> from dedupe_news.stages.signature import sketch
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> tokens = tokenize(["een twee drie vier vijf zes zeven acht negen tien elf",
        ...     "een twee drie", "een twee drie vier vijf zes zeven acht negen"])
        >>> candidates(sketch(tokens, np.arange(3), DEFAULT), DEFAULT).tolist()
        [[0, 1], [0, 2], [1, 2]]
    """
    n = len(found.signatures)
    # The bands and the anchors apart (pairs_within pairs column by column, and the final
    # distinct_sorted joins the lists): `bucket_keys`'s joined copy of the two is never made.
    banded = pairs_within(_band_keys(found, config))
    anchored = pairs_within(found.anchors)
    pairs = np.concatenate((banded, anchored, _pairs_sharing_index_keys(found)))
    del banded, anchored
    codes = distinct_sorted(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((codes // max(n, 1), codes % max(n, 1))).astype(np.int64)


def _pairs_sharing_index_keys(found: Sketch) -> NDArray[np.int64]:
    """Return `pairs_sharing_keys(*index_keys(found), n)`, holding only the shared keys.

    Most keys are one text's own: the rare shared ones are found first, and only they get
    an owner, so no owner column as long as all the keys is built (on 1M segments the two
    full columns and their sorted copies were 900 MB of the run's peak). Shingles and words
    are counted apart (a word key never equals a shingle key: `index_keys` salts them), so
    neither is copied into one long array; the counts of a pair are summed. The keys kept
    are every holder of each rare shared key, in their original order: the same pairs.
    """
    n = len(found.shingle_offsets) - 1
    shingles = _held_key_counts(found.shingles, found.shingle_offsets)
    words = _held_key_counts(found.words, found.word_offsets)
    pair_codes, shared = _sum_by_code(*map(np.concatenate, zip(shingles, words, strict=True)))
    keys_of = found.shingle_counts() + np.diff(found.word_offsets)
    a, b = pair_codes // max(n, 1), pair_codes % max(n, 1)
    enough = enough_shared(shared, np.minimum(keys_of[a], keys_of[b]))
    return np.column_stack((a[enough], b[enough])).astype(np.int64)


def _held_key_counts(
    keys: NDArray[np.uint64], offsets: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return `shared_key_counts` of ragged keys (owner i's are keys[offsets[i]:offsets[i+1]])."""
    return _counts_of_sorted(*_held_sorted(keys, offsets), len(offsets) - 1)


def _held_sorted(
    keys: NDArray[np.uint64], offsets: NDArray[np.int64]
) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Return the rare shared keys, sorted stably, and their owners (handed over, not kept)."""
    with kernels.threads_for(len(keys)):
        held = np.flatnonzero(kernels.member(keys, _rare_shared(keys)))
    kept = keys[held]
    order = np.argsort(kept, kind="stable")
    kept = kept[order]
    held = held[order]
    del order
    owners = np.searchsorted(offsets, held, side="right") - 1
    return kept, owners
