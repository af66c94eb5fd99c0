"""Parquet: a Dask run's segment rows written by the workers, partition by partition.

The client clusters, finds article clusters and turns the clusters into two small tables: each
clustered segment's cluster, and each cluster's number of stories (what `label` reads). Each
worker joins its partition's segments against them, labels them with the stage's `label`, and
writes its rows with `report.arrow.to_arrow` (the columns of `-f parquet`) to a part file; the
client then copies the parts into one file, one row group per partition, never holding more
than one partition's rows. Rows come partition by partition (pages sorted by id within each),
so the files equal the embedded run's after sorting by `segment_id`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from dask.base import compute
from dask.delayed import delayed

from dedupe_news.config import DEFAULT, Config
from dedupe_news.engines.assemble import assemble, clustered
from dedupe_news.engines.dask import CLIENT_EDGES, check_knobs, matched
from dedupe_news.records import Report
from dedupe_news.report.arrow import clusters_to_arrow, to_arrow
from dedupe_news.report.output import clusters_path
from dedupe_news.report.write import open_binary_atomically
from dedupe_news.stages.article import article_clusters
from dedupe_news.stages.label import label

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    from dedupe_news.engines.assemble import Components
    from dedupe_news.engines.partition import Part
    from dedupe_news.records import ClusterId, PageId, Segment, Skipped


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
    """Run `dedupe_dask` and write its segment and cluster rows as Parquet files.

    `output` gets the segment rows, `<stem>.clusters.parquet` beside it the cluster rows, as
    `scan -f parquet -o output` writes them. Workers write parts next to `output` (a shared
    filesystem on a cluster). Arguments as `dedupe_dask`.

    Raises:
        ConfigError: A knob is out of range.
        InputError: Two pages of a bag or frame have the same id.
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    check_knobs(components, threads, client_edges)
    run = matched(source, config, partitions, threads)
    gathered = compute(*run.prepared, *run.pos, *run.ids)
    n = len(run.prepared)
    shell, distinct = assemble(gathered[:n], gathered[n : 2 * n], gathered[2 * n :], run.duplicates)
    _, clustering = clustered((shell, distinct), run.matches, components, client_edges)
    segments, found = shell.segments, clustering.segment_clusters
    articles = article_clusters(shell.pages, segments, found, config, tokens=distinct.tokens)
    article_of = {p.id: a for p, a in zip(shell.pages, articles, strict=True) if a is not None}
    cluster_of = {s.id: c for s, c in zip(segments, found, strict=True) if c is not None}
    stories = _stories(segments, found, article_of)
    skipped = shell.skipped
    del gathered, shell, distinct, segments, found  # the rows are the workers' from here
    target = Path(output)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        parts = [str(folder / f"part-{i:05d}.parquet") for i in range(n)]
        tables = [_shared(t) for t in (cluster_of, article_of, stories)]
        written = compute(
            *[
                delayed(write_part)(p, *tables, config, path)
                for p, path in zip(run.prepared, parts, strict=True)
            ]
        )
        _concatenate(parts, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    shell_clusters = Report(config, (), (), (), (), clustering.clusters, ())
    parquet = import_module("pyarrow.parquet")
    with open_binary_atomically(clusters_path(target)) as out:
        parquet.write_table(clusters_to_arrow(shell_clusters), out)
    return Written(int(sum(written)), len(clustering.clusters), skipped)


@dataclass(frozen=True, slots=True)
class Written:
    """What a Parquet run wrote: segment rows, cluster rows, and the inputs it skipped."""

    rows: int
    clusters: int
    skipped: tuple[Skipped, ...]


def _shared(table: object) -> object:
    """Send a table to every worker once (a distributed client), else put it in the graph."""
    from distributed import default_client  # noqa: PLC0415 - the dask extra

    try:
        client = default_client()
    except ValueError:  # no distributed client: the synchronous or threaded scheduler
        # traverse=False: the table goes into the graph once, not walked or copied per task.
        return delayed(table, traverse=False)
    return client.scatter([table], broadcast=True)[0]


def _stories(
    segments: Sequence[Segment],
    found: Sequence[ClusterId | None],
    article_of: dict[PageId, PageId],
) -> dict[ClusterId, int]:
    """Return each cluster's stories as `label_segments` counts them (0 on one page only)."""
    stories_of: dict[ClusterId, set[PageId]] = {}
    pages_of: dict[ClusterId, set[PageId]] = {}
    for segment, cluster in zip(segments, found, strict=True):
        if cluster is not None:
            stories_of.setdefault(cluster, set()).add(
                article_of.get(segment.page_id, segment.page_id)
            )
            pages_of.setdefault(cluster, set()).add(segment.page_id)
    return {c: 0 if len(pages_of[c]) == 1 else len(s) for c, s in stories_of.items()}


def write_part(  # noqa: PLR0913, PLR0917 - a partition, the tables it joins, where it goes
    part: Part,
    cluster_of: dict[str, ClusterId],
    article_of: dict[PageId, PageId],
    stories: dict[ClusterId, int],
    config: Config,
    path: str,
) -> int:
    """Join a partition's segments with the cluster and article tables; write their rows."""
    found = tuple(cluster_of.get(s.id) for s in part.segments)
    labels = tuple(
        label(s.role, 0 if c is None else stories[c], config)
        for s, c in zip(part.segments, found, strict=True)
    )
    articles = tuple(article_of.get(p.id) for p in part.pages)
    rows = Report(config, part.pages, part.segments, labels, found, (), articles)
    import_module("pyarrow.parquet").write_table(to_arrow(rows), path)
    return len(part.segments)


def _concatenate(parts: Sequence[str], target: Path) -> None:
    """Copy part files into one Parquet file, a row group per part, one part in memory."""
    parquet = import_module("pyarrow.parquet")
    schema = parquet.read_schema(parts[0]) if parts else to_arrow(_EMPTY).schema
    with open_binary_atomically(target) as out, parquet.ParquetWriter(out, schema) as writer:
        for part in parts:
            writer.write_table(parquet.read_table(part))
        if not parts:
            writer.write_table(to_arrow(_EMPTY))


_EMPTY = Report(DEFAULT, (), (), (), (), (), ())
