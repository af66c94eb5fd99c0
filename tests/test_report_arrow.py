"""Report arrow: Arrow arrays built from buffers, Parquet written a row group at a time."""

from __future__ import annotations

import io
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.report import arrow, to_arrow, write_report
from dedupe_news.report.arrow_arrays import numbers, spread, strings, take

pa: Any = pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
PQ: Any = import_module("pyarrow.parquet")  # untyped: read through Any


@pytest.fixture(scope="module")
def seeds() -> dn.Report:
    """The report of a default run on the seed pages."""
    return dn.dedupe(dn.read_pages(dn.demo.seed_folder()))  # type: ignore[attr-defined]


@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]))))
def test_strings_hold_what_pyarrow_array_holds(values: list[str]) -> None:
    """Strings built from UTF-8 bytes equal `pyarrow.array`'s, diacritics and empties included."""
    assert strings(pa, values).equals(pa.array(values, pa.string()))


def test_a_lone_surrogate_is_refused_as_pyarrow_refuses_it() -> None:
    """A string UTF-8 cannot hold raises UnicodeEncodeError, as `pyarrow.array` does."""
    with pytest.raises(UnicodeEncodeError):
        pa.array(["a\udc80"], pa.string())
    with pytest.raises(UnicodeEncodeError):
        strings(pa, ["a\udc80"])


def test_take_spreads_values_with_nulls_where_none() -> None:
    """Spread values are taken back in order, None where they were None."""
    values = ["b", None, "a", "b", None]
    distinct, at = spread(values)
    assert take(pa, strings(pa, distinct), at).to_pylist() == values
    assert numbers(pa, np.arange(3, dtype=np.int32)).to_pylist() == [0, 1, 2]


@pytest.mark.parametrize("rows", [1, 3, 1000])
def test_parquet_row_groups_hold_row_group_rows(
    seeds: dn.Report, rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Segment rows are written ROW_GROUP at a time; the file reads back as `to_arrow`."""
    monkeypatch.setattr(arrow, "ROW_GROUP", rows)
    path = tmp_path / "scan.parquet"
    write_report(seeds, "parquet", path, io.BytesIO())
    meta = PQ.ParquetFile(path).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    count = len(seeds.segments)
    assert sizes == [rows] * (count // rows) + ([count % rows] if count % rows else [])
    assert PQ.read_table(path).equals(to_arrow(seeds))


def test_parquet_of_no_segments_has_the_schema(tmp_path: Path) -> None:
    """A report without segments writes a readable file with every column and no rows."""
    path = tmp_path / "empty.parquet"
    write_report(dn.dedupe([]), "parquet", path, io.BytesIO())
    table = PQ.read_table(path)
    assert (table.num_rows, table.column_names) == (0, to_arrow(dn.dedupe([])).column_names)


def test_row_group_is_the_dask_engines() -> None:
    """The embedded and the Dask engines write row groups of the same size."""
    pytest.importorskip("dask", reason="the dask extra is not installed")
    part_files = import_module("dedupe_news.engines.part_files")
    assert arrow.ROW_GROUP == part_files.ROW_GROUP


def test_parquet_never_imports_pandas(tmp_path: Path) -> None:
    """Writing Parquet leaves pandas unimported (`pyarrow.array` would import it)."""
    pytest.importorskip("pandas", reason="pandas is not installed: nothing to check")
    script = (
        "import io, sys\n"
        "import dedupe_news as dn\n"
        "from dedupe_news.demo import seed_folder\n"
        "from dedupe_news.report import write_parquet\n"
        "report = dn.dedupe(dn.read_pages(seed_folder()))\n"
        "write_parquet(report, io.BytesIO(), io.BytesIO())\n"
        "print('pandas' in sys.modules)\n"
    )
    found = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert found.stdout == "False\n"


class _Full(io.RawIOBase):
    """A stream that takes the first bytes, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room = room

    def writable(self) -> bool:
        """Say it can be written."""
        return True

    def write(self, data: Any) -> int:
        """Take data while there is room; then raise ENOSPC."""
        self.room -= len(data)
        if self.room < 0:
            raise OSError(28, "No space left on device")
        return len(data)


def test_an_error_while_a_row_group_is_written_reaches_the_caller(
    seeds: dn.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails on the encoding thread raises in `write_parquet`, not silently."""
    monkeypatch.setattr(arrow, "ROW_GROUP", 8)
    with pytest.raises(OSError, match="No space left"):
        arrow.write_parquet(seeds, io.BufferedWriter(_Full(100), 16), io.BytesIO())
