"""Arrow: a run's Report -> pyarrow tables, pandas frames and Parquet files (optional extras).

pyarrow and pandas are imported on first use, so `import dedupe_news` never needs them; a
missing one raises `MissingDependencyError` naming the extra that installs it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from importlib import import_module
from itertools import chain
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from dedupe_news.errors import MissingDependencyError
from dedupe_news.records import Label
from dedupe_news.records.segments import ROLES
from dedupe_news.report.arrow_arrays import lists as lists_array
from dedupe_news.report.arrow_arrays import numbers, spread, strings, take
from dedupe_news.report.rows import CLUSTER_COLUMNS, SEGMENT_COLUMNS, segment_columns

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Report

_EXTRA = {"pyarrow": "parquet", "pandas": "pandas"}


ROW_GROUP = 16_384
"""Rows per Parquet row group: the most rows of Arrow data held while the file is written.

Equal to `engines.part_files.ROW_GROUP`, so the embedded and the Dask engines lay out
their files alike; a test keeps the two equal.
"""

COMPRESSION = "zstd"
"""The Parquet files' codec, for both engines. On the 300k-segment crawl's rows zstd wrote
24.8 MB in 0.21 s where pyarrow's default, snappy, wrote 40.7 MB in 0.26 s (lz4 43.6 MB in
0.20 s). zstd is one of Parquet's standard codecs; pyarrow reads the files back as the
same tables (tests/test_report_arrow.py)."""


def to_arrow(report: Report) -> Any:  # noqa: ANN401 - a pyarrow.Table; pyarrow is optional
    """Return the segment rows as a `pyarrow.Table` (columns in docs/output.md).

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    pa = _load("pyarrow", "to_arrow")
    rows = _SegmentRows(pa, report)
    return rows.table(0, len(report.segments))


class _SegmentRows:
    """The segment rows of a report as Arrow tables, any run of rows at a time.

    Made from the columns with no Python object per segment: what a page holds is taken
    for its segments from one array per page, ids are joined from page ids and lines, the
    dateline fields are spread from the dated segments' own (`report.arrow_arrays`); only a
    table's texts are encoded when it is made.
    """

    def __init__(self, pa: Any, report: Report) -> None:  # noqa: ANN401 - pyarrow
        """Encode what every run of rows reads: page fields, cluster ids, dateline fields."""
        self.pa, self.report, segments, pages = pa, report, report.columns, report.pages
        self.schema = _segment_schema(pa)
        count = len(segments)
        owner = segments.page_index(pages).astype(np.int32)
        dated = np.full(count, -1, np.int32)
        dated[segments.dated] = np.arange(len(segments.dated))
        self.labels = np.fromiter(map(_LABEL_CODES.__getitem__, report.labels), np.uint8, count)
        self.values = {
            "page_id": _indexed(pa, list(segments.page_ids), strings, segments.pages),
            "role": _indexed(pa, [role.value for role in ROLES], strings, segments.roles),
            "label": _indexed(pa, [label.value for label in Label], strings, self.labels),
            "cluster": _indexed(pa, report.segment_clusters, strings),
            "place": _indexed(pa, segments.places, strings, dated),
            "age": _indexed(pa, segments.ages, strings, dated),
            "age_minutes": _indexed(pa, segments.age_minutes, _int64, dated),
            "url": _indexed(pa, [page.url for page in pages], strings, owner),
            "site": _indexed(pa, [page.site for page in pages], strings, owner),
            "published": _indexed(pa, [page.published for page in pages], strings, owner),
            "article_cluster": _indexed(pa, report.article_clusters, strings, owner),
        }
        counts = np.zeros(count, np.int32)
        counts[segments.dated] = np.fromiter(map(len, segments.agencies), np.int32)
        self.agencies = np.zeros(count + 1, np.int64)
        np.cumsum(counts, out=self.agencies[1:])
        self.agency_values = strings(pa, list(chain.from_iterable(segments.agencies)))

    def table(self, start: int, stop: int) -> Any:  # noqa: ANN401 - a pyarrow.Table
        """Return the rows from `start` to `stop` as a table."""
        pa, segments = self.pa, self.report.columns
        compute, pool = import_module("pyarrow.compute"), pa.system_memory_pool()
        columns = {
            name: take(pa, array, at[start:stop]) for name, (array, at) in self.values.items()
        }
        lines = numbers(pa, segments.lines[start:stop].astype(np.int64))
        columns["segment_id"] = compute.binary_join_element_wise(
            columns["page_id"],
            compute.cast(lines, pa.string()),
            strings(pa, [":"])[0],
            memory_pool=pool,
        )
        columns["line"] = lines
        columns["text"] = strings(pa, segments.texts[start:stop])
        offsets = self.agencies[start : stop + 1]
        agencies = self.agency_values.slice(offsets[0], offsets[-1] - offsets[0])
        columns["agencies"] = lists_array(pa, np.diff(offsets).astype(np.int32), agencies)
        arrays = [columns[name] for name in SEGMENT_COLUMNS]
        return pa.Table.from_arrays(arrays, schema=self.schema)


def _indexed(
    pa: Any,  # noqa: ANN401 - pyarrow
    values: Sequence[Any],
    build: Callable[[Any, list[Any]], Any],
    at: NDArray[np.integer[Any]] | None = None,
) -> tuple[Any, NDArray[np.int32]]:
    """Return the distinct values as an array, and where each row's value is in it (-1: null).

    Without `at`, row i holds `values[i]`; with it, `values[at[i]]` (none where -1): a
    page's field for each of its segments, a dated segment's field spread over all segments.
    """
    distinct, where = spread(values)
    if at is not None:
        where = (
            np.where(at < 0, -1, where[np.maximum(at, 0)]) if len(where) else np.full(len(at), -1)
        )
    return build(pa, distinct), where.astype(np.int32)


_LABEL_CODES = {label: code for code, label in enumerate(Label)}


def _int64(pa: Any, values: list[int]) -> Any:  # noqa: ANN401 - pyarrow
    return numbers(pa, np.array(values, np.int64))


def _string_lists(pa: Any, lists: Sequence[Sequence[str]]) -> Any:  # noqa: ANN401 - pyarrow
    """Return a list<string> array from offsets and one flat array of strings.

    Arrow converting a Python list per row costs a list object per row (and the garbage
    collector's walks over them); the flat values and offsets cost none.
    """
    counts = np.fromiter(map(len, lists), np.int32, len(lists))
    return lists_array(pa, counts, strings(pa, list(chain.from_iterable(lists))))


def clusters_to_arrow(report: Report) -> Any:  # noqa: ANN401 - a pyarrow.Table
    """Return the cluster rows, with their members and matches, as a `pyarrow.Table`.

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    pa = _load("pyarrow", "clusters_to_arrow")
    clusters = report.clusters
    flat = list(chain.from_iterable(cluster.matches for cluster in clusters))
    fields = [
        strings(pa, [m.a for m in flat]),
        strings(pa, [m.b for m in flat]),
        numbers(pa, np.array([m.score for m in flat], np.float64)),
        numbers(pa, np.array([m.jaccard for m in flat], np.float64)),
    ]
    entries = pa.StructArray.from_arrays(fields, fields=list(_match_schema(pa)))
    arrays = [
        strings(pa, [c.id for c in clusters]),
        strings(pa, [c.key for c in clusters]),
        strings(pa, [str(c.kind) for c in clusters]),  # a StrEnum's str is its value
        numbers(pa, np.fromiter((len(c.members) for c in clusters), np.int64, len(clusters))),
        strings(pa, [c.representative for c in clusters]),
        numbers(pa, np.array([c.lowest_score for c in clusters], np.float64)),
        _string_lists(pa, [c.members for c in clusters]),
        lists_array(
            pa, np.fromiter((len(c.matches) for c in clusters), np.int32, len(clusters)), entries
        ),
    ]
    return pa.Table.from_arrays(arrays, schema=_cluster_schema(pa))


def to_pandas(report: Report) -> Any:  # noqa: ANN401 - a pandas.DataFrame; pandas is optional
    """Return the segment rows as a `pandas.DataFrame` (`agencies` holds lists).

    Raises:
        MissingDependencyError: pandas is not installed (`dedupe-news[pandas]`).
    """
    pd = _load("pandas", "to_pandas")
    frame = pd.DataFrame(segment_columns(report), columns=list(SEGMENT_COLUMNS))
    return frame.astype({"line": "int64", "age_minutes": "Int64"})


def write_parquet(report: Report, segments: IO[bytes], clusters: IO[bytes]) -> None:
    """Write the segment rows and the cluster rows as two Parquet files.

    The segment rows are made and written `ROW_GROUP` rows at a time: the Arrow copy of the
    whole table (140 MB on 300k segments) is never held. Each row group is encoded by
    Parquet's writer on a second thread (it releases the GIL) while the next one is made,
    and the cluster rows on a third.

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    pa = _load("pyarrow", "--format parquet")
    parquet = import_module("pyarrow.parquet")
    rows, count = _SegmentRows(pa, report), len(report.segments)
    with (
        parquet.ParquetWriter(segments, rows.schema, compression=COMPRESSION) as writer,
        ThreadPoolExecutor(2, thread_name_prefix="parquet") as encoder,
    ):
        # The cluster rows are encoded on one thread while the segment rows are made.
        table = clusters_to_arrow(report)
        clustered = encoder.submit(
            parquet.write_table, table, clusters, row_group_size=ROW_GROUP, compression=COMPRESSION
        )
        del table
        written: Future[None] | None = None  # the row group being encoded, in order
        for start in range(0, max(count, 1), ROW_GROUP):
            table = rows.table(start, min(start + ROW_GROUP, count))
            if written is not None:
                written.result()  # raises what the writer raised
            written = encoder.submit(writer.write_table, table)
        if written is not None:
            written.result()
        clustered.result()


def _load(module: str, user: str) -> Any:  # noqa: ANN401 - a module
    try:
        return import_module(module)
    except ImportError as error:
        extra = _EXTRA[module]
        msg = f"{user} needs {module}: pip install 'dedupe-news[{extra}]'"
        raise MissingDependencyError(msg) from error


def _segment_schema(pa: Any) -> Any:  # noqa: ANN401 - pyarrow types
    types = {
        "line": pa.int64(),
        "agencies": pa.list_(pa.string()),
        "age_minutes": pa.int64(),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in SEGMENT_COLUMNS])


def _match_schema(pa: Any) -> Any:  # noqa: ANN401 - pyarrow types
    return pa.schema(
        [("a", pa.string()), ("b", pa.string()), ("score", pa.float64()), ("jaccard", pa.float64())]
    )


def _cluster_schema(pa: Any) -> Any:  # noqa: ANN401 - pyarrow types
    match = pa.struct(list(_match_schema(pa)))
    types = {
        "size": pa.int64(),
        "lowest_score": pa.float64(),
        "members": pa.list_(pa.string()),
        "matches": pa.list_(match),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in CLUSTER_COLUMNS])
