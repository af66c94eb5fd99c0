"""Part files: the workers' Parquet parts of a Dask run, and their copy into one file.

`write_part` labels one partition's segments (the stage's `label`, with the stories of
their clusters) and writes their rows; `write_clusters` lists the members of the clusters
whose first member falls in one range of positions and writes their rows. Both go through
`report.arrow`, so the columns are those of `scan -f parquet`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

import numpy as np
from dask.delayed import delayed

from dedupe_news.config import DEFAULT, Config
from dedupe_news.records import Cluster, ClusterId, ClusterKind, Match, Report, SegmentId
from dedupe_news.report.arrow import COMPRESSION, clusters_to_arrow, to_arrow
from dedupe_news.report.write import open_binary_atomically
from dedupe_news.stages.label import label

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from numpy.typing import NDArray

    from dedupe_news.engines.partition import Part
    from dedupe_news.engines.shuffle import Frame
    from dedupe_news.engines.sides import Joined

EMPTY = Report(DEFAULT, (), (), (), (), (), ())
"""A report without rows: the schema of an empty output."""
ROW_GROUP = 16_384
"""Rows per row group of a part: the most rows the client holds while copying the parts."""


def shared(table: object) -> object:
    """Send a table to every worker once (a distributed client), else put it in the graph."""
    from distributed import default_client  # noqa: PLC0415 - the dask extra

    try:
        client = default_client()
    except ValueError:  # no distributed client: the synchronous or threaded scheduler
        # traverse=False: the table goes into the graph once, not walked or copied per task.
        return delayed(table, traverse=False)
    return client.scatter([table], broadcast=True)[0]


def write_part(  # noqa: PLR0913, PLR0917 - a partition, its numbering, what it joins, where
    part: Part,
    pos: NDArray[np.int64],
    homed: Frame,
    numbers: NDArray[np.int64],
    names: dict[int, str],
    config: Config,
    path: str,
) -> int:
    """Join a partition's segments with their clusters' keys and stories; write their rows."""
    at = np.searchsorted(pos, homed["pos"])  # positions ascend within a partition
    stories = np.zeros(len(pos), dtype=np.int64)
    stories[at] = homed["stories"]
    found: list[ClusterId | None] = [None] * len(pos)
    for index, key in zip(at.tolist(), homed["ckey"].tolist(), strict=True):
        found[index] = ClusterId(f"c{key:016x}")
    labels = tuple(
        label(s.role, n, config) for s, n in zip(part.segments, stories.tolist(), strict=True)
    )
    page_articles = tuple(names.get(n) for n in numbers.tolist())
    rows = Report(config, part.pages, part.segments, labels, tuple(found), (), page_articles)
    import_module("pyarrow.parquet").write_table(
        to_arrow(rows), path, row_group_size=ROW_GROUP, compression=COMPRESSION
    )
    return len(part.segments)


def write_clusters(members: Frame, joined: Joined, path: str) -> int:
    """Build the clusters whose members are here (grouped by first member); write their rows."""
    order = np.lexsort((members["pos"], members["cid"]))
    cid, pos = members["cid"][order], members["pos"][order]
    ids, keys = members["segment"][order], members["ckey"][order]
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])[: len(cid)]
    ends = np.r_[starts[1:], len(cid)][: len(starts)].astype(np.int64)
    clusters = [
        _cluster(int(cid[low]), int(keys[low]), pos[low:high], ids[low:high].tolist(), joined)
        for low, high in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    rows = Report(DEFAULT, (), (), (), (), tuple(clusters), ())
    parquet = import_module("pyarrow.parquet")
    parquet.write_table(
        clusters_to_arrow(rows), path, row_group_size=ROW_GROUP, compression=COMPRESSION
    )
    return len(clusters)


def _cluster(
    cid: int, key: int, pos: NDArray[np.int64], ids: list[SegmentId], joined: Joined
) -> Cluster[SegmentId]:
    """Return one cluster from its members (ascending) and, if matches made it, its table row."""
    hexed = f"{key:016x}"
    if cid not in joined.clusters:  # one side of two segments or more: an exact cluster
        return Cluster(
            ClusterId("c" + hexed), hexed, ClusterKind.EXACT, tuple(ids), ids[0], (), 1.0
        )
    best, lowest, made = joined.clusters[cid]

    def name(position: int) -> SegmentId:
        return ids[int(np.searchsorted(pos, position))]

    return Cluster(
        ClusterId("c" + hexed),
        hexed,
        ClusterKind.NEAR,
        tuple(ids),
        name(best),
        tuple(Match(name(a), name(b), score, jaccard) for a, b, score, jaccard in made),
        lowest,
    )


def concatenate(parts: Sequence[str], target: Path, empty: object) -> None:
    """Copy part files into one Parquet file, row group by row group (one in memory)."""
    parquet = import_module("pyarrow.parquet")
    schema = parquet.read_schema(parts[0]) if parts else empty.schema  # type: ignore[attr-defined]  # a pyarrow.Table
    with (
        open_binary_atomically(target) as out,
        parquet.ParquetWriter(out, schema, compression=COMPRESSION) as writer,
    ):
        for part in parts:
            with parquet.ParquetFile(part) as source:
                for group in range(source.num_row_groups):
                    writer.write_table(source.read_row_group(group))
        if not parts:
            writer.write_table(empty)
