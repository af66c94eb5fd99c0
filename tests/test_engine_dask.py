"""The Dask driver: the embedded report, byte for byte, for any partitioning and strategy."""

from __future__ import annotations

import random
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pytest

pytest.importorskip("dask", reason="the dask extra is not installed")
pytest.importorskip("distributed", reason="the dask extra is not installed")

import dask
import dask.bag
import pandas as pd
from benchmarks.generate import generate_pages

from dedupe_news import read_pages
from dedupe_news.cli import main
from dedupe_news.demo import seed_folder
from dedupe_news.engines.components import roots
from dedupe_news.engines.dask import dedupe_dask, scheduler
from dedupe_news.engines.inputs import cut, numbered, path_partitions, read_range
from dedupe_news.engines.parquet import dedupe_dask_parquet
from dedupe_news.errors import ConfigError, InputError
from dedupe_news.pipeline import dedupe
from dedupe_news.records import Page, PageId
from dedupe_news.report import to_json
from dedupe_news.report.arrow import write_parquet
from dedupe_news.report.output import clusters_path
from dedupe_news.stages.cluster import components

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture(scope="module")
def crawl() -> list[Page]:
    """A generated crawl of about 20k segments, in shuffled order."""
    pages = [
        Page(PageId(item.id), item.text, site=item.site, url=item.url, published=item.published)
        for item in generate_pages(1300, seed=3)
    ]
    random.Random(1).shuffle(pages)  # noqa: S311 - a fixed order, not a secret
    return pages


@pytest.fixture(scope="module")
def crawl_json(crawl: list[Page]) -> str:
    """The embedded report of the crawl, as JSON bytes."""
    return to_json(dedupe(crawl))


@pytest.fixture
def synchronous() -> Iterator[None]:
    """Run Dask in this thread."""
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.usefixtures("synchronous")
@pytest.mark.parametrize("partitions", [1, 3, 7])
@pytest.mark.parametrize("strategy", ["client", "distributed"])
def test_crawl_report_equals_embedded(
    crawl: list[Page], crawl_json: str, partitions: int, strategy: str
) -> None:
    """A bag of the crawl in any partitioning gives the embedded JSON bytes."""
    bag = dask.bag.from_sequence(crawl, npartitions=partitions)
    report = dedupe_dask(bag, components=strategy)  # type: ignore[arg-type]
    assert len(report.segments) > 19_000
    assert to_json(report) == crawl_json


@pytest.mark.usefixtures("synchronous")
@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_seed_files_equal_embedded(partitions: int) -> None:
    """Seed files read by a glob over partitions give the embedded report."""
    expected = to_json(dedupe(read_pages(seed_folder())))
    glob = str(Path(seed_folder()) / "*.txt")
    assert to_json(dedupe_dask(glob, partitions=partitions)) == expected
    assert to_json(dedupe_dask([glob], partitions=partitions, components="distributed")) == (
        expected
    )


@pytest.mark.usefixtures("synchronous")
def test_dataframe_source_equals_embedded(crawl: list[Page]) -> None:
    """A Dask DataFrame with id and text columns gives the report of the same pages."""
    import dask.dataframe as dd  # noqa: PLC0415 - needs pandas, like the source it tests

    few = crawl[:200]
    frame = pd.DataFrame({"id": [p.id for p in few], "text": [p.text for p in few]})
    expected = dedupe([Page(p.id, p.text) for p in few])
    got = dedupe_dask(dd.from_pandas(frame, npartitions=3))
    assert to_json(got) == to_json(expected)
    assert got.clusters


@pytest.mark.usefixtures("synchronous")
def test_duplicate_ids_in_a_bag_are_refused() -> None:
    """Two pages of a bag with one id raise InputError, as `dedupe` does."""
    bag = dask.bag.from_sequence([Page(PageId("a"), "x"), Page(PageId("a"), "y")], npartitions=2)
    with pytest.raises(InputError, match="duplicate page id 'a'"):
        dedupe_dask(bag)


@pytest.mark.usefixtures("synchronous")
def test_duplicate_ids_across_files_are_skipped(tmp_path: Path) -> None:
    """A page id read again from a later file is skipped and reported, the first kept."""
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(f'{{"id": "p", "text": "{name}"}}\n', encoding="utf-8")
    report = dedupe_dask(str(tmp_path / "*.jsonl"), partitions=2)
    assert [p.text for p in report.pages] == ["a.jsonl"]
    assert [s.reason for s in report.skipped] == ["duplicate page id 'p'"]


def test_bad_knobs_are_config_errors() -> None:
    """Out-of-range knobs raise ConfigError with the rule and the value."""
    with pytest.raises(ConfigError, match="components must be"):
        dedupe_dask([], components="nowhere")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="threads must be a positive integer, got 0"):
        dedupe_dask([], threads=0)
    with pytest.raises(ConfigError, match="partitions must be a positive integer"):
        dedupe_dask([], partitions=0)
    with (
        pytest.raises(ConfigError, match="local:N with N >= 1, got 'local:0'"),
        scheduler("local:0"),
    ):
        pass


@pytest.mark.usefixtures("synchronous")
def test_roots_equal_union_find() -> None:
    """Large-star/small-star gives every node its component's smallest node."""
    rng = np.random.default_rng(5)
    edges = rng.integers(0, 400, size=(300, 2))
    expected = components(400, [(int(a), int(b)) for a, b in edges])
    found = roots(edges, parts=3)
    assert found == {n: int(expected[n]) for n in found}
    assert set(found) == set(np.unique(edges).tolist())


# The bag embeds the 20k pages in the graph (a test's data, not a way to load a crawl).
@pytest.mark.filterwarnings("ignore:Sending large graph:UserWarning")
def test_two_worker_processes_equal_embedded(crawl: list[Page], crawl_json: str) -> None:
    """A LocalCluster of 2 worker processes gives the embedded bytes, both strategies."""
    with scheduler("local:2"):
        bag = dask.bag.from_sequence(crawl, npartitions=3)
        assert to_json(dedupe_dask(bag, partitions=3)) == crawl_json
        bag = dask.bag.from_sequence(crawl, npartitions=7)
        assert to_json(dedupe_dask(bag, components="distributed")) == crawl_json


def test_cli_scheduler_matches_embedded(tmp_path: Path) -> None:
    """`scan --scheduler local:2` writes the embedded run's report."""
    embedded, distributed = tmp_path / "e.json", tmp_path / "d.json"
    assert main(["scan", str(seed_folder()), "-q", "-o", str(embedded)]) == 0
    assert (
        main(["scan", str(seed_folder()), "-q", "-o", str(distributed), "--scheduler", "local:2"])
        == 0
    )
    assert distributed.read_bytes() == embedded.read_bytes()


def _jsonl_crawl(folder: Path, crawl: list[Page], count: int) -> Path:
    """Write some pages of the crawl as one JSONL file, with blank lines and a bad line."""
    lines = [orjson.dumps({"id": p.id, "text": p.text, "site": p.site}) for p in crawl[:count]]
    lines[5:5] = [b"", b"{not json"]
    path = folder / "crawl.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.usefixtures("synchronous")
@pytest.mark.parametrize("count", [1, 2, 5, 9])
def test_byte_ranges_keep_ids_and_paths(tmp_path: Path, crawl: list[Page], count: int) -> None:
    """Ranges of a JSONL file, read apart, give read_pages' ids, paths and skipped lines."""
    path = _jsonl_crawl(tmp_path, crawl, 60)
    expected = read_pages(path)
    ranges = numbered(cut(str(path), count))
    assert len(ranges) == count
    assert ranges[0].start == 0
    assert ranges[-1].end == path.stat().st_size
    read = [read_range(r) for r in ranges]
    assert [(p.id, p.path, p.text) for c in read for p in c.pages] == [
        (p.id, p.path, p.text) for p in expected.pages
    ]
    assert [s for c in read for s in c.skipped] == list(expected.skipped)


@pytest.mark.usefixtures("synchronous")
def test_one_jsonl_file_spreads_over_partitions(tmp_path: Path, crawl: list[Page]) -> None:
    """One JSONL file given as a path is cut into ranges and gives the embedded report."""
    path = _jsonl_crawl(tmp_path, crawl, 150)
    assert len(path_partitions([str(path)], 4)) == 4
    expected = to_json(dedupe(read_pages(path)))
    assert to_json(dedupe_dask(str(path), partitions=4)) == expected
    assert len(path_partitions([str(path), str(seed_folder())], 5)) == 5
    assert dedupe_dask(str(tmp_path / "none-*.jsonl")).segments == ()


def _sorted_tables(path: Path) -> tuple[Any, Any]:
    """Read a Parquet pair back, segment rows sorted by id, cluster rows by cluster."""
    pq: Any = import_module("pyarrow.parquet")  # untyped: read through Any
    segments = pq.read_table(path).sort_by("segment_id")
    clusters = pq.read_table(clusters_path(path)).sort_by("cluster")
    return segments, clusters


@pytest.mark.usefixtures("synchronous")
@pytest.mark.parametrize(("partitions", "strategy"), [(3, "distributed"), (7, "client")])
def test_parquet_written_by_workers_equals_embedded(
    tmp_path: Path, crawl: list[Page], partitions: int, strategy: str
) -> None:
    """Workers' Parquet rows equal the embedded `-f parquet` tables after sorting."""
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    few = crawl[:250]
    embedded, distributed = tmp_path / "e.parquet", tmp_path / "d.parquet"
    with embedded.open("wb") as out, clusters_path(embedded).open("wb") as rest:
        write_parquet(dedupe(few), out, rest)
    bag = dask.bag.from_sequence(few, npartitions=partitions)
    written = dedupe_dask_parquet(bag, distributed, components=strategy)  # type: ignore[arg-type]
    expected, got = _sorted_tables(embedded), _sorted_tables(distributed)
    assert written.rows == expected[0].num_rows > 3_000
    assert written.clusters == expected[1].num_rows
    assert got[0].equals(expected[0])
    assert got[1].equals(expected[1])
    assert expected[1].num_rows > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "d.clusters.parquet",
        "d.parquet",
        "e.clusters.parquet",
        "e.parquet",
    ]


def test_cli_parquet_on_workers_matches_embedded(tmp_path: Path, crawl: list[Page]) -> None:
    """`scan --scheduler local:2 -f parquet -o FILE` writes the embedded tables' rows."""
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    path = _jsonl_crawl(tmp_path, crawl, 200)
    embedded, distributed = tmp_path / "e.parquet", tmp_path / "d.parquet"
    common = ["scan", str(path), "-q", "-f", "parquet", "-o"]
    assert main([*common, str(embedded)]) == 3  # the bad line is skipped
    assert main([*common, str(distributed), "--scheduler", "local:2"]) == 3
    expected, got = _sorted_tables(embedded), _sorted_tables(distributed)
    assert got[0].equals(expected[0])
    assert got[1].equals(expected[1])
    assert got[0].num_rows > 2_000


_ROWS_OF_SEGMENTS = frozenset({"Segment", "Page", "Part", "Tokens", "TextRows", "Report"})


def _received(value: object, types: set[str], strings: set[str]) -> int:
    """Count the scalar values in what a compute returned; note its types and strings."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return sum(_received(v, types, strings) for v in value.tolist())
        return int(value.size)
    if isinstance(value, str):
        strings.add(value)
        return 1
    if isinstance(value, dict):
        return sum(
            _received(k, types, strings) + _received(v, types, strings) for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return sum(_received(v, types, strings) for v in value)
    types.add(type(value).__name__)
    slots = getattr(type(value), "__slots__", ())
    return 1 + sum(_received(getattr(value, s), types, strings) for s in slots)


def _client_side(
    monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]
) -> tuple[int, set[str], set[str]]:
    """Run a driver, spying on every `compute` (what comes back to the client)."""
    types: set[str] = set()
    strings: set[str] = set()
    count = 0
    real: Callable[..., Any] = dask.base.compute  # untyped in dask: typed here

    def spy(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        found = real(*args, **kwargs)
        count += _received(found, types, strings)
        return found

    for module in ("dask", "parquet", "components"):
        monkeypatch.setattr(f"dedupe_news.engines.{module}.compute", spy)
    run()
    return count, types, strings


def _unmatched_pages(count: int) -> list[Page]:
    """Pages of 30 lines of random words each: segments that match nothing."""
    rng = random.Random(5)  # noqa: S311 - a fixed text, not a secret
    letters = "abcdefghijklmnopqrstuvwxyz"

    def line() -> str:
        return " ".join("".join(rng.choices(letters, k=8)) for _ in range(12)) + "."

    return [Page(PageId(f"zz{n:04d}"), "\n".join(line() for _ in range(30))) for n in range(count)]


@pytest.mark.usefixtures("synchronous")
def test_parquet_client_receives_no_segment_data(
    tmp_path: Path, crawl: list[Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Parquet path's client gets no segment, text or id, and a value or so per page."""
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    few = crawl[:250]
    segments = dedupe(few).segments
    texts = {s.text for s in segments} | {s.id for s in segments}

    def parquet(pages: list[Page]) -> Callable[[], object]:
        bag = dask.bag.from_sequence(pages, npartitions=3)
        return lambda: dedupe_dask_parquet(bag, tmp_path / "d.parquet")

    base, types, strings = _client_side(monkeypatch, parquet(few))
    assert not types & _ROWS_OF_SEGMENTS
    assert not strings & texts
    more, _, _ = _client_side(monkeypatch, parquet(few + _unmatched_pages(100)))
    assert 0 < more - base <= 3 * 100  # 3,000 more segments, a page id and count per page
    bag = dask.bag.from_sequence(few, npartitions=3)
    _, report_types, _ = _client_side(monkeypatch, lambda: dedupe_dask(bag))
    assert {"Segment", "Part"} <= report_types  # the report path does gather them
