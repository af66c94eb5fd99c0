"""Dask: the embedded pipeline against the Dask driver on 2 local worker processes.

`python -m benchmarks dask --pages N`: generates N pages (about 15 segments each), runs
`dedupe` in this process and `dedupe_dask` on `LocalCluster(n_workers=2)`, checks that the
JSON reports are equal, and prints wall time and peak memory (this process's peak RSS; the
workers' peak RSS from the cluster) as a Markdown row.

`--driver parquet --out FILE` runs `dedupe_dask_parquet` instead (the rows written by the
workers; no report, so no digest); the client's peak before the run starts (imports and the
local cluster's client) is printed beside its peak.

`--input crawl.jsonl --driver embedded|dask` reads a JSONL file instead (the Dask driver cuts
it into byte ranges read by the workers) and runs one driver per process, so each peak RSS is
that driver's own; the JSON digest printed shows whether two runs made the same report.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import time
from typing import TYPE_CHECKING

from benchmarks.generate import generate_pages
from dedupe_news.records import Page, PageId

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.records import Report

_HEADER = (
    "| driver | segments | wall s | segments/s | peak RSS MiB | JSON sha256 |\n"
    "| --- | ---: | ---: | ---: | ---: | --- |"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print one Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks dask")
    parser.add_argument("--pages", type=int, default=6_500)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--input", default=None, help="a JSONL crawl instead of --pages")
    parser.add_argument("--driver", choices=("embedded", "dask", "both", "parquet"), default="both")
    parser.add_argument("--out", default="dask-rows.parquet", help="where --driver parquet writes")
    args = parser.parse_args(argv)
    if args.input is not None:
        source: object = args.input
    else:
        source = [
            Page(PageId(i.id), i.text, site=i.site, url=i.url, published=i.published)
            for i in generate_pages(args.pages, seed=7)
        ]
    print(_HEADER)
    if args.driver == "parquet":
        _parquet(source, args.partitions, args.out)
        return 0
    digests = set()
    if args.driver in {"embedded", "both"}:
        digests.add(_embedded(source))
    if args.driver in {"dask", "both"}:
        digests.add(_dask(source, args.partitions))
    return 0 if len(digests) == 1 else 1


def _embedded(source: object) -> str:
    """Run `dedupe` here and print its row; return the JSON digest."""
    from dedupe_news.pipeline import dedupe  # noqa: PLC0415
    from dedupe_news.sources.read import read_pages  # noqa: PLC0415

    start = time.perf_counter()
    pages = read_pages(source) if isinstance(source, str) else source
    report = dedupe(pages)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _row("embedded", report, seconds, f"{peak:,.0f}")


def _dask(source: object, partitions: int) -> str:
    """Run `dedupe_dask` on 2 local worker processes and print its row; return the digest."""
    import dask.bag  # noqa: PLC0415 - the dask extra, only for this command
    from distributed import Client, LocalCluster  # noqa: PLC0415

    from dedupe_news.engines.dask import dedupe_dask  # noqa: PLC0415

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("dedupe_news.engines.partition"))  # warm imports
        start = time.perf_counter()
        if not isinstance(source, str):
            source = dask.bag.from_sequence(source, npartitions=partitions)
        report = dedupe_dask(source, partitions=partitions if isinstance(source, str) else None)
        seconds = time.perf_counter() - start
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    client_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    memory = f"client {client_mib:,.0f}, workers " + " + ".join(
        f"{m:,.0f}" for m in workers.values()
    )
    return _row(f"dask, 2 workers, {partitions} partitions", report, seconds, memory)


def _parquet(source: object, partitions: int, out: str) -> None:
    """Run `dedupe_dask_parquet` on 2 local worker processes and print its row."""
    from distributed import Client, LocalCluster  # noqa: PLC0415 - the dask extra

    from dedupe_news.engines.parquet import dedupe_dask_parquet  # noqa: PLC0415

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("dedupe_news.engines.partition"))  # warm imports
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        written = dedupe_dask_parquet(source, out, partitions=partitions)
        seconds = time.perf_counter() - start
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    client_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    memory = f"client {client_mib:,.0f} ({before:,.0f} at the start), workers " + " + ".join(
        f"{m:,.0f}" for m in workers.values()
    )
    name = f"dask to Parquet, 2 workers, {partitions} partitions"
    rate = f"{written.rows / seconds:,.0f}"
    pairs = f"{written.pairs:,} verified pairs"
    print(f"| {name} | {written.rows} | {seconds:.1f} | {rate} | {memory} | {pairs} |", flush=True)


def _row(name: str, report: Report, seconds: float, memory: str) -> str:
    """Print a driver's Markdown row; return the report's JSON digest."""
    from dedupe_news.report import to_json  # noqa: PLC0415

    digest = hashlib.sha256(to_json(report).encode("utf-8")).hexdigest()[:12]
    segments = len(report.segments)
    rate = f"{segments / seconds:,.0f}"
    print(f"| {name} | {segments} | {seconds:.1f} | {rate} | {memory} | {digest} |", flush=True)
    return digest
