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
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import numba
import numpy as np

from dedupe_news.memory import release_freed
from dedupe_news.stages import _index_kernels as index_kernels
from dedupe_news.stages import _kernels as kernels

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.stages.signature import Sketch

    Source = tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.signedinteger[Any]]]
    """Keys by row: row r's keys are keys[offsets[r]:offsets[r + 1]] (ascending), of owners[r]."""

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
_TRIM_COLUMNS = 3  # band columns paired by each thread between heap trims
_PAIRS_PER_STEP = 1 << 23  # codes made at once before they are counted (64 MB)
_INT32_OWNERS = 1 << 31
_KEYS_PER_RANGE = 1 << 20  # index keys sorted at once by a thread: 1M keys, 20 MB of buffers
CodeT = TypeVar("CodeT", np.int64, np.uint64)
T = TypeVar("T")


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
    # A sort of the values, not an argsort (3x faster): the keys held more than once are few,
    # and their entries are then found by a lookup in a table of those keys alone.
    ordered = np.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered  # each temporary goes once spent: the bands' columns are paired side by side
    shared = distinct_sorted(repeated)  # ascending: a key's id orders keys as they do
    del repeated
    with kernels.threads_for(len(keys)):
        ids = index_kernels.rare_ids(keys, *index_kernels.key_table(shared))
    del keys, shared
    subset = np.flatnonzero(ids >= 0)
    # Ordering them by (key, owner) makes the neighbour windows of large buckets independent
    # of the input order.
    subset = subset[np.lexsort((owners[subset], ids[subset]))]
    sorted_keys, sorted_owners = ids[subset], owners[subset]
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
    bands, rows = config.bands_rows()
    with kernels.threads_for(len(found.signatures) * bands * rows):
        keys = kernels.band_keys(found.signatures, bands, rows, found.anchors.shape[1])
    keys[:, bands:] = found.anchors
    return keys


def pairs_within(keys: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Return the pairs (i < j) of rows that share a nonzero key in some column, sorted.

    Examples:
        >>> keys = np.array([[1, 0], [2, 9], [1, 9], [3, 0]], dtype=np.uint64)
        >>> pairs_within(keys).tolist()
        [[0, 2], [1, 2]]
    """
    return _column_pairs(iter(keys.T), len(keys))


def _column_pairs(columns: Iterator[NDArray[np.uint64]], n: int) -> NDArray[np.int64]:
    """Return `pairs_within` of the key matrix whose columns these are.

    One column at a time (sorting n keys that fit in cache beats one sort of n * bands).
    In a large batch the columns are spread over the run's threads: numpy's sorts and masks
    release the GIL, so two threads paired the 20k-page crawl's 27 columns in 0.05-0.055 s
    instead of 0.11-0.13. Each thread runs its kernels on one thread itself. The pairs are
    joined in column order, then sorted: the result does not depend on the threads.
    """
    everyone = np.arange(n, dtype=np.int64)

    def column_pairs(column: NDArray[np.uint64]) -> NDArray[np.int64]:
        keyed = column != 0
        if keyed.all():  # a band's column: every text has a key, and the owners are shared
            return pairs_sharing_key(np.ascontiguousarray(column), everyone)
        owners = np.flatnonzero(keyed)
        return pairs_sharing_key(column[owners], owners)

    found: list[NDArray[np.int64]] = [np.empty((0, 2), dtype=np.int64)]
    # Below this, threads cost more than they save: 4,000 calls on 2 rows each took 8.5 s
    # with a pool per call, 2.0-2.2 s without (tests/test_lsh.py, the S-curve).
    large = n >= kernels.PARALLEL_WORK // _COLUMNS_AT_LEAST
    workers = _workers() if large else 1
    with _pool(workers) as pool:
        while group := list(itertools.islice(columns, workers * _TRIM_COLUMNS)):
            found.extend(pool.map(column_pairs, group))
            if large:
                release_freed()  # the group's temporaries, which the heap keeps and grows
    pairs = np.concatenate(found)
    del found
    codes = distinct_sorted(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((codes // max(n, 1), codes % max(n, 1))).astype(np.int64)


def _workers() -> int:
    """Return how many threads may call kernels at once: the run's cap, where numba allows.

    numba's omp and tbb threading layers take parallel kernels from several threads at
    once; its fallback, workqueue (no OpenMP or TBB library installed), aborts the whole
    process when two threads launch them together, so there the work stays on one thread.
    """
    threads = numba.get_num_threads()  # the run's cap (`kernels.thread_cap`); starts the layer
    layer = numba.threading_layer()  # type: ignore[attr-defined]  # numba re-exports it, untyped
    return threads if layer in _THREADSAFE_LAYERS else 1


_THREADSAFE_LAYERS = ("omp", "tbb")


@contextmanager
def _pool(workers: int) -> Iterator[Executor]:
    """Return the run's threads for kernels (each running its kernels on one thread).

    With one worker, the calling thread does the work as it is submitted, as it would
    without threads: no pool is started for a small batch.
    """
    if workers == 1:
        yield _InCaller()
        return
    with ThreadPoolExecutor(workers, initializer=numba.set_num_threads, initargs=(1,)) as pool:
        yield pool


class _InCaller(Executor):
    """An executor that runs each task in the calling thread as it is submitted."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:  # noqa: ANN401 - any task's arguments
        """Run `fn` now and return its result as a done future (its error is raised here)."""
        done: Future[T] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


_COLUMNS_AT_LEAST = 16  # a key matrix's columns (bands and anchors), for the size worth threads


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
    return _enough(shared_key_counts(keys, owners, size), keys_of, size)


def index_pairs(found: Sketch) -> NDArray[np.int64]:
    """Return `pairs_sharing_keys(*index_keys(found), n)`, reading the sketch's arrays in place.

    The index is as large as the batch's shingles: this never builds its keys and owners.
    """
    n = len(found.shingle_offsets) - 1
    keys_of = found.shingle_counts() + np.diff(found.word_offsets)
    return _enough(_shared_counts(_index_sources(found), n), keys_of, n)


def _index_sources(found: Sketch) -> list[Source]:
    """Return the index's two sources: every text's shingles, and the short texts' words.

    Made apart, so their temporaries (the salted words, their rows and order: 20 MB on
    the 65k-page crawl) are not held through the counting.
    """
    n = len(found.shingle_offsets) - 1
    everyone: NDArray[np.signedinteger[Any]] = np.arange(  # int32: half the memory
        n, dtype=np.int32 if n < _INT32_OWNERS else np.int64
    )
    word_counts = np.diff(found.word_offsets)
    short = np.flatnonzero(word_counts)  # few texts are short: a source of only those
    rows = np.repeat(np.arange(len(short)), word_counts[short])
    words = found.words ^ _WORD_SALT
    return [
        (found.shingles, found.shingle_offsets, everyone),
        (
            words[np.lexsort((words, rows))],
            np.r_[0, np.cumsum(word_counts[short])].astype(np.int64),
            everyone[short],
        ),
    ]  # each row's keys ascending (the salt reorders the sorted words)


def _enough(
    counted: tuple[NDArray[np.int64], NDArray[np.int64]], keys_of: NDArray[np.int64], size: int
) -> NDArray[np.int64]:
    rule = (MIN_SHARED, MIN_SHARED_FRACTION)  # `enough_shared`, pair by pair
    return index_kernels.enough_pairs(*counted, keys_of.astype(np.int64), size, rule)


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
    entries = np.arange(len(keys) + 1, dtype=np.int64)  # one key per row
    return _shared_counts([(keys, entries, np.asarray(owners, dtype=np.int64))], size)


def _shared_counts(sources: list[Source], size: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return `shared_key_counts` of the keys of some sources together."""
    release_freed()  # the caller's temporaries, before the holders are gathered
    grouped, ends = _rare_holders(sources)
    release_freed()  # the ranges' buffers, before the pairs are made
    starts = np.r_[0, ends[:-1]].astype(np.int64)
    steps = list(itertools.pairwise(_step_cuts(ends - starts)))
    codes, counts = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for step, (low, high) in enumerate(steps):
        # About _PAIRS_PER_STEP pairs at once: memory stays bounded.
        made = kernels.group_pairs(grouped, starts[low:high], ends[low:high], size)
        if step == len(steps) - 1:  # the groups are read no more: freed before the counting
            del grouped, starts, ends
        made.sort()
        found, count = index_kernels.count_runs(made)  # in place: no copy of the step
        # A view would hold the whole step (64 MB) for its distinct codes: 1 GB of views
        # on a 1 GB crawl, where the copies came to a third of that.
        codes.append(found if len(steps) == 1 else found.copy())
        counts.append(count)
        del made, found
    if len(codes) == 2:  # one step: its codes are distinct and ascending already
        return codes[1], counts[1]
    return _sum_by_code(codes, counts)


def _step_cuts(holders: NDArray[np.int64]) -> list[int]:
    """Return the bounds of steps of about `_PAIRS_PER_STEP` pairs over groups of these sizes."""
    work = np.cumsum(holders * (holders - 1) // 2)
    total = int(work[-1]) if len(work) else 0
    steps = np.searchsorted(work, np.arange(_PAIRS_PER_STEP, total, _PAIRS_PER_STEP))
    return [0, *steps.tolist(), len(work)]


def _rare_holders(sources: list[Source]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the holders of each key held 2 to MAX_HOLDERS times, grouped, and group ends.

    Keys are taken a range of their top bits at a time (`_index_kernels`); groups come in
    ascending key order, holders in source and row order. Each range is taken in turn
    (the rows' cursors move through their keys) and handed to the run's threads, which
    sort it and find its rare keys while the next range is taken, each range into its own
    set of buffers; the results are joined in range order, so they do not depend on the
    threads.
    """
    bins = np.cumsum([index_kernels.top_counts(keys) for keys, _, _ in sources], axis=1)
    cursors = [offsets[:-1].copy() for _, offsets, _ in sources]
    kind = sources[0][2].dtype  # of owners, ids and groups: int32 when owners fit
    cumulative = bins.sum(axis=0)  # keys in bins 0..b, over all sources
    ranges = _ranges(np.diff(np.r_[0, cumulative]))
    if not ranges:  # no keys
        return np.empty(0, kind), np.empty(0, np.int64)
    most = max(
        int(cumulative[high - 1] - (cumulative[low - 1] if low else 0)) for low, high in ranges
    )
    # A range's keys, owners and sorted keys, a set per thread, reused: fresh arrays per
    # range fault their pages again.
    workers = min(_workers(), len(ranges))
    buffers = [
        (np.empty(most, np.uint64), np.empty(most, kind), np.empty(most, np.uint64))
        for _ in range(workers)
    ]
    # Room for every key, filled range by range: pages never written are never resident,
    # and the ranges' parts are never held beside their joined copy.
    total = int(cumulative[-1])
    ids, owners, holders = np.empty(total, kind), np.empty(total, kind), np.empty(total, np.int64)
    entries, rare = 0, 0
    pending: deque[Future[_RangeHolders]] = deque()
    with _pool(workers) as pool:
        for at, (_, high) in enumerate(ranges):
            if len(pending) == workers:  # the oldest range's buffers are needed again
                entries, rare = _joined(
                    pending.popleft().result(), (ids, owners, holders), entries, rare
                )
            into = buffers[at % workers]
            taken = _take_range(sources, cursors, high, into)
            pending.append(pool.submit(_range_holders, into, taken))
        while pending:
            entries, rare = _joined(
                pending.popleft().result(), (ids, owners, holders), entries, rare
            )
    del buffers  # before the groups are joined
    release_freed()  # and the ranges' temporaries: 40 MiB of heap on the 65k-page crawl
    ends = np.cumsum(holders[:rare]).astype(np.int64)
    del holders
    grouped = index_kernels.group_owners(
        ids[:entries], owners[:entries], np.r_[0, ends].astype(np.int64)
    )
    return grouped, ends


_RangeHolders = tuple["NDArray[np.int32]", "NDArray[np.signedinteger[Any]]", "NDArray[np.int64]"]
_Buffers = tuple["NDArray[np.uint64]", "NDArray[np.signedinteger[Any]]", "NDArray[np.uint64]"]


def _take_range(
    sources: list[Source], cursors: list[NDArray[np.int64]], high: int, into: _Buffers
) -> int:
    """Take the sources' next range of keys (below bin `high`) into the buffers; their count."""
    taken = 0
    for (keys, offsets, of), cursor in zip(sources, cursors, strict=True):
        taken = index_kernels.take_range(keys, offsets, of, cursor, (high, *into[:2], taken))
    return taken


def _range_holders(buffers: _Buffers, taken: int) -> _RangeHolders:
    """Return a taken range's rare keys' entries: (index among its rare keys, owner), counts.

    The range's keys and owners are the buffers' first `taken`; its sorted keys go into the
    third buffer. What is returned is copied out of the buffers.
    """
    ordered = buffers[2][:taken]
    ordered[:] = buffers[0][:taken]
    ordered.sort()  # in place: the one sorted copy of a range, reused
    rare, counts = index_kernels.rare_runs(ordered, MAX_HOLDERS)
    found = index_kernels.rare_ids(buffers[0][:taken], *index_kernels.key_table(rare))
    held = np.flatnonzero(found >= 0)
    return found[held], buffers[1][:taken][held], counts


def _joined(
    part: _RangeHolders,
    into: tuple[NDArray[np.signedinteger[Any]], NDArray[np.signedinteger[Any]], NDArray[np.int64]],
    entries: int,
    rare: int,
) -> tuple[int, int]:
    """Write a range's holders after those of the ranges before it; return the new ends."""
    found, held, counts = part
    ids, owners, holders = into
    ids[entries : entries + len(found)] = found + rare
    owners[entries : entries + len(found)] = held
    holders[rare : rare + len(counts)] = counts
    return entries + len(found), rare + len(counts)


def _ranges(counts: NDArray[np.int64]) -> list[tuple[int, int]]:
    """Cut the bins into consecutive ranges of about `_KEYS_PER_RANGE` keys (one bin at least)."""
    ranges, low, held = [], 0, 0
    for bin_, count in enumerate(counts.tolist()):
        if held and held + count > _KEYS_PER_RANGE:
            ranges.append((low, bin_))
            low, held = bin_, 0
        held += count
    if held:
        ranges.append((low, len(counts)))
    return ranges


def enough_shared(shared: NDArray[np.int64], fewer: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Return which pairs share enough keys: `shared` of them, `fewer` keys on the smaller side.

    Examples:
        >>> enough_shared(np.array([3, 3, 2]), np.array([6, 7, 2])).tolist()
        [True, False, False]
    """
    return np.asarray(
        (shared >= MIN_SHARED) & (shared >= MIN_SHARED_FRACTION * fewer), dtype=np.bool_
    )


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
    code_parts: list[NDArray[np.int64]], count_parts: list[NDArray[np.int64]]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct codes, ascending, and the sum of the counts of each.

    The parts are handed over and emptied, and each array goes as soon as its successor is
    made: on a 1 GB crawl the codes were 109 MB, and holding every copy at once cost 550 MB.
    """
    codes = np.concatenate(code_parts)
    code_parts.clear()
    counts = np.concatenate(count_parts)
    count_parts.clear()
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    counts = counts[order]
    del order
    if len(codes) == 0:
        return codes, counts
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[firsts], np.add.reduceat(counts, firsts)


def candidates(
    found: Sketch, config: Config, *, banded: NDArray[np.int64] | None = None
) -> NDArray[np.int64]:
    """Return candidate pairs (i < j) of a batch of distinct texts, sorted.

    `banded` is `pairs_within` of the batch's bucket keys when they were made without the
    signatures (`signature.sketch_keys`), else they are made here from the signatures.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> from dedupe_news.stages.signature import sketch
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> tokens = tokenize(["een twee drie vier vijf zes zeven acht negen tien elf",
        ...     "een twee drie", "een twee drie vier vijf zes zeven acht negen"])
        >>> candidates(sketch(tokens, np.arange(3), DEFAULT), DEFAULT).tolist()
        [[0, 1], [0, 2], [1, 2]]
    """
    n = len(found.shingle_offsets) - 1
    if banded is None:
        banded = pairs_within(bucket_keys(found, config))
    pairs = np.concatenate((banded, index_pairs(found)))
    codes = distinct_sorted(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((codes // max(n, 1), codes % max(n, 1))).astype(np.int64)
