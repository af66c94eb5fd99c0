"""Arrow: a run's Report -> pyarrow tables, pandas frames and Parquet files (optional extras).

pyarrow and pandas are imported on first use, so `import dedupe_news` never needs them; a
missing one raises `MissingDependencyError` naming the extra that installs it.
"""

from __future__ import annotations

from importlib import import_module
from itertools import chain
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from dedupe_news.errors import MissingDependencyError
from dedupe_news.memory import release_freed
from dedupe_news.report.rows import (
    CLUSTER_COLUMNS,
    MATCH_FIELDS,
    SEGMENT_COLUMNS,
    segment_columns,
    segment_table_columns,
)

if TYPE_CHECKING:
    from collections.abc import Sequence, Sized

    from dedupe_news.records import Report

_EXTRA = {"pyarrow": "parquet", "pandas": "pandas"}


def to_arrow(report: Report) -> Any:  # noqa: ANN401 - a pyarrow.Table; pyarrow is optional
    """Return the segment rows as a `pyarrow.Table` (columns in docs/output.md).

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    pa = _load("pyarrow", "to_arrow")
    schema = _segment_schema(pa)
    arrays = []
    # One column of Python objects at a time: each is converted, then dropped.
    for name, values in segment_table_columns(report):
        arrays.append(
            _string_lists(pa, values)  # type: ignore[arg-type]  # tuples of str
            if name == "agencies"
            else pa.array(values, schema.field(name).type, memory_pool=pa.system_memory_pool())
        )
        del values
        release_freed()
    return pa.Table.from_arrays(arrays, schema=schema)


def _string_lists(pa: Any, lists: list[tuple[str, ...]]) -> Any:  # noqa: ANN401 - pyarrow
    """Return a list<string> array from offsets and one flat array of strings.

    Arrow converting a Python list per row costs a list object per segment (and the
    garbage collector's walks over them); the flat values and offsets cost none.
    """
    values = pa.array(list(chain.from_iterable(lists)), pa.string())
    return pa.ListArray.from_arrays(_offsets(pa, lists), values, type=pa.list_(pa.string()))


def _offsets(pa: Any, lists: Sequence[Sized]) -> Any:  # noqa: ANN401 - pyarrow
    """Return the int32 offsets of a list array holding these lists, in order."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, lists), np.int32, len(lists)), out=offsets[1:])
    return pa.array(offsets)


def clusters_to_arrow(report: Report) -> Any:  # noqa: ANN401 - a pyarrow.Table
    """Return the cluster rows, with their members and matches, as a `pyarrow.Table`.

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    pa = _load("pyarrow", "clusters_to_arrow")
    schema, clusters = _cluster_schema(pa), report.clusters
    matches = [cluster.matches for cluster in clusters]
    flat = list(chain.from_iterable(matches))
    match = _match_schema(pa)
    fields = [
        pa.array([getattr(m, name) for m in flat], match.field(name).type) for name in MATCH_FIELDS
    ]
    columns = {
        "cluster": [c.id for c in clusters],
        "key": [c.key for c in clusters],
        "kind": [str(c.kind) for c in clusters],  # a StrEnum's str is its value
        "size": [len(c.members) for c in clusters],
        "representative": [c.representative for c in clusters],
        "lowest_score": [c.lowest_score for c in clusters],
    }
    arrays = [pa.array(values, schema.field(name).type) for name, values in columns.items()]
    arrays.append(_string_lists(pa, [c.members for c in clusters]))
    entries = pa.StructArray.from_arrays(fields, fields=list(match))
    arrays.append(pa.ListArray.from_arrays(_offsets(pa, matches), entries))
    return pa.Table.from_arrays(arrays, schema=schema)


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

    Raises:
        MissingDependencyError: pyarrow is not installed (`dedupe-news[parquet]`).
    """
    _load("pyarrow", "--format parquet")
    parquet = import_module("pyarrow.parquet")
    parquet.write_table(to_arrow(report), segments)
    parquet.write_table(clusters_to_arrow(report), clusters)


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
