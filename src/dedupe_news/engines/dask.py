"""Dask driver: the stages of `dedupe` run by partition on a Dask cluster, the same report.

Pages are read, segmented, tokenized, signed and keyed partition by partition; exact groups,
band buckets and the shingle index meet by shuffling on their keys; candidate pairs are
sorted by a range shuffle, verified where their texts are shipped, and replayed on the
client in the embedded order; clusters, article clusters and labels follow
(docs/scaling.md). Ids are global positions (pages sorted by id, lines in order) and ranks of
first positions, so the report is the embedded one, byte for byte, whatever the partitions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
from dask.base import compute, persist
from dask.delayed import delayed

from dedupe_news.config import DEFAULT, Config
from dedupe_news.engines import partition as part_ops
from dedupe_news.engines.assemble import Components, assemble, finish
from dedupe_news.engines.connect import scheduler
from dedupe_news.engines.inputs import check_partitions, frame_pages, path_partitions
from dedupe_news.engines.shuffle import hashed, range_bounds, ranged, shuffle
from dedupe_news.engines.texts import TextRows, concat_rows, split_rows
from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import Corpus, Report, Skipped

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    from dask.delayed import Delayed
    from numpy.typing import NDArray

    from dedupe_news.engines.shuffle import Frame

__all__ = ["CLIENT_EDGES", "Components", "dedupe_corpus", "dedupe_dask", "scheduler"]

CLIENT_EDGES = 50_000_000
"""Matches clustered on the client at most (about 3 GiB of Python objects, docs/scaling.md)."""
PAGES_PER_PARTITION = 2_000
"""Pages per partition of a corpus read on the client (`scan --scheduler`)."""


def dedupe_dask(  # noqa: PLR0913 - the source, its config and the driver's keyword-only knobs
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | object,
    config: Config = DEFAULT,
    *,
    partitions: int | None = None,
    components: Components = "auto",
    client_edges: int = CLIENT_EDGES,
    threads: int = 1,
) -> Report:
    """Run `dedupe` on Dask: the same `Report` as the embedded run, byte for byte.

    Args:
        source: Paths or globs of inputs (read in parallel, files split over partitions), a
            Dask bag of `Page`s, or a Dask DataFrame with `id` and `text` columns.
        config: The run's settings.
        partitions: Partitions of a path source (default: one per file or per 64 MiB of
            plain JSONL, at most 64); a plain JSONL file is cut into byte ranges when there
            are more partitions than files.
        components: Cluster on the client, on the cluster (large-star/small-star), or
            "auto": on the cluster when there are more than `client_edges` matches.
        client_edges: The matches "auto" clusters on the client at most.
        threads: Threads of numba and rapidfuzz per task: Dask runs one task per worker
            thread, so 1 keeps the cores from being oversubscribed.

    Raises:
        ConfigError: A knob is out of range.
        InputError: Two pages of a bag or frame have the same id.

    Examples:
        >>> import dask
        >>> from dedupe_news.demo import seed_folder
        >>> with dask.config.set(scheduler="synchronous"):
        ...     report = dedupe_dask(seed_folder(), partitions=2)
        >>> [len(c.members) for c in report.clusters]
        [5, 2]
    """
    check_knobs(components, threads, client_edges)
    run = matched(source, config, partitions, threads)
    gathered = compute(*run.prepared, *run.pos, *run.ids)
    n = len(run.prepared)
    report = assemble(gathered[:n], gathered[n : 2 * n], gathered[2 * n :], run.duplicates)
    return finish(report, run.matches, config, components, client_edges)


def check_knobs(components: Components, threads: int, client_edges: int) -> None:
    """Refuse a component strategy, thread count or edge limit out of range."""
    if components not in ("auto", "client", "distributed"):
        msg = f"components must be 'auto', 'client' or 'distributed', got {components!r}"
        raise ConfigError(msg)
    for name, value in (("threads", threads), ("client_edges", client_edges)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            msg = f"{name} must be a positive integer, got {value!r}"
            raise ConfigError(msg)


@dataclass(frozen=True, slots=True)
class Matched:
    """A run up to its verified matches: the partitions' data stay on the workers."""

    prepared: list[Delayed]
    pos: list[Delayed]
    ids: list[Delayed]
    matches: Frame
    duplicates: list[Skipped]
    numbers: list[NDArray[np.int64]]
    """Each partition's pages' numbers in the global order (pages sorted by id)."""
    page_ids: tuple[str, ...]
    """The page ids in the global order."""
    segments: int
    """The number of segments."""


def matched(source: object, config: Config, partitions: int | None, threads: int) -> Matched:
    """Read, prepare, number and verify on the cluster; return the persisted partitions."""
    inputs, from_paths = _page_partitions(source, partitions)
    prepared = list(persist(*[delayed(part_ops.prepare)(p, config, threads) for p in inputs]))
    metas = compute(*[delayed(part_ops.Part.page_ids)(p) for p in prepared])
    dropped, (starts, numbers, page_ids), duplicates = _order_pages(metas, from_paths=from_paths)
    prepared = [
        delayed(part_ops.drop_pages)(p, frozenset(d)) if d else p
        for p, d in zip(prepared, dropped, strict=True)
    ]
    pos = [delayed(part_ops.positions)(p, s) for p, s in zip(prepared, starts, strict=True)]
    pos = list(persist(*pos))
    total = sum(int(counts.sum()) for _, counts in metas)
    ids, size = _distinct_ids(prepared, pos, max(1, total))
    matches = _verified_matches(prepared, pos, ids, size, config, threads)
    kept = list(persist(*prepared))
    return Matched(kept, pos, ids, matches, duplicates, numbers, page_ids, total)


def _page_partitions(source: object, partitions: int | None) -> tuple[list[Delayed], bool]:
    """Return one delayed batch of pages per partition, and whether they came from paths."""
    check_partitions(partitions)
    if hasattr(source, "to_delayed") and hasattr(source, "columns"):
        frames = source.to_delayed()  # a Dask DataFrame
        return [delayed(frame_pages)(f) for f in frames], False
    if hasattr(source, "to_delayed"):
        return list(source.to_delayed()), False  # a Dask bag of pages
    given = [source] if isinstance(source, str) or hasattr(source, "__fspath__") else source
    return path_partitions(given, partitions), True  # type: ignore[arg-type]


_Order = tuple[list["NDArray[np.int64]"], list["NDArray[np.int64]"], tuple[str, ...]]
"""Each partition's page starts and page numbers, and the page ids in order."""


def _order_pages(
    metas: Sequence[tuple[tuple[str, ...], NDArray[np.int64]]], *, from_paths: bool
) -> tuple[list[set[int]], _Order, list[Skipped]]:
    """Drop duplicate page ids, sort the pages by id: each page's first global position.

    Returns the dropped pages, each partition's page starts and page numbers with the page
    ids in order, and the duplicates skipped.
    """
    seen: dict[str, int] = {}
    dropped: list[set[int]] = [set() for _ in metas]
    duplicates: list[Skipped] = []
    for number, (page_ids, _) in enumerate(metas):
        for index, page_id in enumerate(page_ids):
            if page_id not in seen:
                seen[page_id] = number
                continue
            if not from_paths:
                raise InputError(page_id, 0, f"duplicate page id {page_id!r}")
            dropped[number].add(index)
            duplicates.append(Skipped(page_id, f"duplicate page id {page_id!r}"))
    kept = [
        (page_id, int(count), number, index)
        for number, (page_ids, counts) in enumerate(metas)
        for index, (page_id, count) in enumerate(zip(page_ids, counts.tolist(), strict=True))
        if index not in dropped[number]
    ]
    kept.sort()
    starts: list[list[int]] = [[] for _ in metas]
    numbers: list[list[int]] = [[] for _ in metas]
    at = 0
    for rank, (_, count, number, _) in enumerate(kept):  # a partition's pages in id order
        starts[number].append(at)
        numbers[number].append(rank)
        at += count
    order = (
        [np.array(s, dtype=np.int64) for s in starts],
        [np.array(n, dtype=np.int64) for n in numbers],
        tuple(page_id for page_id, *_ in kept),
    )
    return dropped, order, duplicates


def _distinct_ids(
    prepared: Sequence[Delayed], pos: Sequence[Delayed], total: int
) -> tuple[list[Delayed], int]:
    """Number the distinct texts by their first position; return each partition's ids."""
    width = len(prepared)
    rows = [
        delayed(part_ops.exact_rows)(p, q, i)
        for i, (p, q) in enumerate(zip(prepared, pos, strict=True))
    ]
    grouped = [delayed(part_ops.exact_reduce)(f) for f in shuffle(rows, hashed("k0", width), width)]
    grouped = list(persist(*grouped))
    bounds = range_bounds(total, width)
    firsts = shuffle(
        [delayed(part_ops.firsts_only)(g) for g in grouped], ranged("first", bounds), width
    )
    firsts = list(persist(*[delayed(part_ops.rank_firsts)(f) for f in firsts]))
    counts = compute(*[delayed(_rows)(f, "first") for f in firsts])
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    by_first = shuffle(grouped, ranged("first", bounds), width)
    named = [
        delayed(part_ops.attach_ids)(r, f, int(o))
        for r, f, o in zip(by_first, firsts, offsets[:-1], strict=True)
    ]
    homed = shuffle(named, ranged("home", np.arange(width + 1, dtype=np.int64)), width)
    ids = [delayed(part_ops.local_ids)(q, h) for q, h in zip(pos, homed, strict=True)]
    return list(persist(*ids)), int(offsets[-1])


def _verified_matches(  # noqa: PLR0913, PLR0917 - the partitions' data and the settings
    prepared: Sequence[Delayed],
    pos: Sequence[Delayed],
    ids: Sequence[Delayed],
    size: int,
    config: Config,
    threads: int,
) -> Frame:
    """Make the candidate pairs by shuffles, verify them all, return the matches found."""
    width = len(prepared)
    signed = [
        delayed(part_ops.sign)(p, q, i, config, threads)
        for p, q, i in zip(prepared, pos, ids, strict=True)
    ]
    signed = list(persist(*signed))
    bands = shuffle([delayed(attrgetter("bands"))(s) for s in signed], hashed("key", width), width)
    banded = [delayed(part_ops.band_pairs)(f, size) for f in bands]
    index = shuffle([delayed(attrgetter("index"))(s) for s in signed], hashed("key", width), width)
    counted = [delayed(part_ops.index_counts)(f, size) for f in index]
    indexed = [
        delayed(part_ops.index_pairs)(f, size)
        for f in shuffle(counted, hashed("code", width), width)
    ]
    bounds = range_bounds(size, width)
    pairs = shuffle(banded + indexed, ranged("a", bounds), width)
    pairs = list(persist(*[delayed(part_ops.sorted_pairs)(f, size) for f in pairs]))
    counts = compute(*[delayed(_rows)(f, "a") for f in pairs])
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    texts = _shuffle_rows([delayed(attrgetter("texts"))(s) for s in signed], bounds)
    results = []
    for number, found in enumerate(pairs):
        needed = delayed(part_ops.wanted)(found)
        shipped = [delayed(TextRows.select)(t, needed) for t in texts]
        results.append(
            delayed(part_ops.verify_pairs)(found, int(offsets[number]), shipped, config, threads)
        )
    computed = compute(*results)
    return {k: np.concatenate([r[k] for r in computed]) for k in computed[0]}


def _rows(frame: Frame, column: str) -> int:
    """Return a frame's number of rows."""
    return len(frame[column])


def _shuffle_rows(rows: Sequence[Delayed], bounds: NDArray[np.int64]) -> list[Delayed]:
    """Move text rows to the id ranges of `bounds`."""
    width = len(bounds) - 1
    splits = [delayed(split_rows, nout=width)(r, bounds) for r in rows]
    return list(persist(*[delayed(concat_rows)([s[j] for s in splits]) for j in range(width)]))


def dedupe_corpus(corpus: Corpus, config: Config, address: str | None) -> Report:
    """Run a corpus read on this machine through the Dask driver (`scan --scheduler`).

    The pages go out as a bag of about `PAGES_PER_PARTITION` pages per partition; what was
    skipped while reading goes into the report as `dedupe` puts it.
    """
    import dask.bag  # noqa: PLC0415 - bags only here

    with scheduler(address):
        count = max(1, -(-len(corpus.pages) // PAGES_PER_PARTITION))
        bag = dask.bag.from_sequence(corpus.pages, npartitions=count)
        report = dedupe_dask(bag, config)
    return replace(report, skipped=corpus.skipped)
