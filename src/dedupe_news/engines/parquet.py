"""Parquet: a Dask run's segment and cluster rows, computed and written by the workers.

After verification the client holds only what grows with the matches or the copies, never a
segment, a text or a token. The workers find each segment's side and cluster
(`engines.sides`: the client clusters the matched sides only), meet each cluster's rows by a
shuffle on its key to pair its pages, count its stories and list its members, find the
article clusters (`engines.articles`: the client unites page pairs only), then label their
segments with the stage's `label` and write the rows with `report.arrow.to_arrow` and
`clusters_to_arrow` to part files. The client copies the parts into the two output files,
one row group in memory at a time. Segment rows come partition by partition (pages sorted by id
within each) and cluster rows by first member, so the files equal the embedded run's after
sorting by `segment_id` and `cluster`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from dask.base import compute, persist
from dask.delayed import delayed

from dedupe_news.config import DEFAULT, Config
from dedupe_news.engines import articles
from dedupe_news.engines.dask import CLIENT_EDGES, Matched, check_knobs, matched
from dedupe_news.engines.part_files import EMPTY, concatenate, shared, write_clusters, write_part
from dedupe_news.engines.shuffle import hashed, range_bounds, ranged, shuffle
from dedupe_news.engines.sides import (
    clustered_rows,
    join_sides,
    matched_sides,
    segment_rows,
    side_reduce,
    wanted_texts,
)
from dedupe_news.report.arrow import clusters_to_arrow, to_arrow
from dedupe_news.report.output import clusters_path

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    from dask.delayed import Delayed
    from numpy.typing import NDArray

    from dedupe_news.engines.assemble import Components
    from dedupe_news.records import Skipped


def dedupe_dask_parquet(  # noqa: PLR0913 - dedupe_dask's arguments and the output path
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | object,
    output: str | os.PathLike[str],
    config: Config = DEFAULT,
    *,
    partitions: int | None = None,
    components: Components = "auto",
    client_edges: int = CLIENT_EDGES,
    threads: int = 1,
) -> Written:
    """Run `dedupe` on Dask and have the workers write its segment and cluster rows.

    `output` gets the segment rows, `<stem>.clusters.parquet` beside it the cluster rows, as
    `scan -f parquet -o output` writes them. Workers write parts next to `output` (a shared
    filesystem on a cluster). Arguments as `dedupe_dask`; `components` and `client_edges`
    choose where the matched texts' components are found (the client or the cluster).

    Raises:
        ConfigError: A knob is out of range.
        InputError: Two pages of a bag or frame have the same id.
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    check_knobs(components, threads, client_edges)
    run = matched(source, config, partitions, threads)
    distributed = components == "distributed" or (
        components == "auto" and len(run.matches["a"]) > client_edges
    )
    by_key, joined = _clustered(run, distributed=distributed)
    held, roots = articles.article_roots(_copies(run, by_key, config))
    names = {
        int(p): run.page_ids[int(r)] for p, r in zip(held.tolist(), roots.tolist(), strict=True)
    }
    skipped = compute(*[delayed(attrgetter("skipped"))(p) for p in run.prepared])
    target = Path(output)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        rows, clusters = _write_parts(run, by_key, joined, (held, roots, names), config, folder)
        concatenate(rows[0], target, to_arrow(EMPTY))
        concatenate(clusters[1], clusters_path(target), clusters_to_arrow(EMPTY))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    every = tuple(s for part in skipped for s in part) + tuple(run.duplicates)
    return Written(int(sum(rows[1])), int(sum(clusters[0])), every, len(run.matches["a"]))


@dataclass(frozen=True, slots=True)
class Written:
    """What a Parquet run wrote: segment rows, cluster rows, and the inputs it skipped.

    `pairs` counts the verified pairs the client received: with the pages, what its
    memory grows with.
    """

    rows: int
    clusters: int
    skipped: tuple[Skipped, ...]
    pairs: int = 0


def _clustered(run: Matched, *, distributed: bool) -> tuple[list[Delayed], object]:
    """Give every segment its side and cluster: the clustered rows by key, the joined table."""
    width = len(run.prepared)
    rows = [
        delayed(segment_rows)(p, q, i, n, home)
        for home, (p, q, i, n) in enumerate(
            zip(run.prepared, run.pos, run.ids, run.numbers, strict=True)
        )
    ]
    sides = list(
        persist(*[delayed(side_reduce)(f) for f in shuffle(rows, hashed("did", width), width)])
    )
    dids = wanted_texts(run.matches)
    found = compute(*[delayed(matched_sides)(s, dids) for s in sides])
    joined = shared(join_sides(run.matches, found, distributed=distributed))
    clustered = [delayed(clustered_rows)(s, joined) for s in sides]
    return list(persist(*shuffle(clustered, hashed("ckey", width), width))), joined


def _copies(run: Matched, by_key: Sequence[Delayed], config: Config) -> list[tuple[int, int]]:
    """Return the page pairs that are copies, on segment and on whole-story evidence."""
    width, pages = len(run.prepared), len(run.page_ids)
    pairs = [delayed(articles.cluster_pairs)(f, pages) for f in by_key]
    segment = [
        delayed(articles.segment_copies)(f, config)
        for f in shuffle(pairs, hashed("code", width), width)
    ]
    held = [
        delayed(articles.shingle_rows)(p, n, pages)
        for p, n in zip(run.prepared, run.numbers, strict=True)
    ]
    paired = [
        delayed(articles.story_pairs)(f, pages)
        for f in shuffle(held, hashed("shingle", width), width)
    ]
    story = [
        delayed(articles.story_candidates)(f, config.article_min_shared)
        for f in shuffle(paired, hashed("code", width), width)
    ]
    found = compute(*segment, *story)
    checked = _numbers_checked(run, np.concatenate([np.empty(0, np.int64), *found[width:]]))
    codes = np.concatenate([np.empty(0, np.int64), *found[:width], checked])
    return list(
        zip((codes // max(pages, 1)).tolist(), (codes % max(pages, 1)).tolist(), strict=True)
    )


def _numbers_checked(run: Matched, candidates: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the story candidates that replace few enough numbers, checked on the workers."""
    width, pages = len(run.prepared), len(run.page_ids)
    home_of = np.zeros(pages, dtype=np.int64)
    for home, numbers in enumerate(run.numbers):
        home_of[numbers] = home
    table, homes = shared(candidates), shared(home_of)
    sent = [
        delayed(articles.places_out)(p, n, table, homes)
        for p, n in zip(run.prepared, run.numbers, strict=True)
    ]
    homed = shuffle(sent, ranged("home", np.arange(width + 1, dtype=np.int64)), width)
    checked = compute(
        *[
            delayed(articles.places_checked)(p, n, f, pages)
            for p, n, f in zip(run.prepared, run.numbers, homed, strict=True)
        ]
    )
    return np.concatenate([np.empty(0, np.int64), *checked])


def _write_parts(  # noqa: PLR0913, PLR0917 - the run, its clusters and articles, the output
    run: Matched,
    by_key: Sequence[Delayed],
    joined: object,
    article: tuple[NDArray[np.int64], NDArray[np.int64], dict[int, str]],
    config: Config,
    folder: Path,
) -> tuple[tuple[list[str], tuple[int, ...]], tuple[tuple[int, ...], list[str]]]:
    """Label and write the segment rows per partition, the cluster rows per range of cids."""
    width = len(run.prepared)
    held, roots, names = (shared(t) for t in article)
    stories = [delayed(articles.cluster_stories)(f, held, roots) for f in by_key]
    homed = shuffle(stories, ranged("home", np.arange(width + 1, dtype=np.int64)), width)
    members = shuffle(by_key, ranged("cid", range_bounds(run.segments, width)), width)
    rows = [str(folder / f"part-{i:05d}.parquet") for i in range(width)]
    clusters = [str(folder / f"clusters-{i:05d}.parquet") for i in range(width)]
    written = [
        delayed(write_part)(p, q, h, n, names, config, path)
        for p, q, h, n, path in zip(run.prepared, run.pos, homed, run.numbers, rows, strict=True)
    ]
    made = [
        delayed(write_clusters)(m, joined, path) for m, path in zip(members, clusters, strict=True)
    ]
    counts = compute(*written, *made)
    return (rows, counts[:width]), (counts[width:], clusters)
