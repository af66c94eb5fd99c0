"""Dask: the embedded pipeline against the Dask driver on 2 local worker processes.

`python -m benchmarks dask --pages N`: generates N pages (about 15 segments each), runs
`dedupe` in this process and `dedupe_dask` on `LocalCluster(n_workers=2)`, checks that the
JSON reports are equal, and prints wall time and peak memory (this process's peak RSS; the
workers' peak RSS from the cluster) as a Markdown row.
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import TYPE_CHECKING

from benchmarks.generate import generate_pages
from dedupe_news.records import Page, PageId

if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print one Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks dask")
    parser.add_argument("--pages", type=int, default=6_500)
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args(argv)
    import dask.bag  # noqa: PLC0415 - the dask extra, only for this command
    from distributed import Client, LocalCluster  # noqa: PLC0415

    from dedupe_news.engines.dask import dedupe_dask  # noqa: PLC0415
    from dedupe_news.pipeline import dedupe  # noqa: PLC0415
    from dedupe_news.report import to_json  # noqa: PLC0415

    pages = [
        Page(PageId(i.id), i.text, site=i.site, url=i.url, published=i.published)
        for i in generate_pages(args.pages, seed=7)
    ]
    start = time.perf_counter()
    embedded = dedupe(pages)
    embedded_s = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("dedupe_news.engines.partition"))  # warm imports
        start = time.perf_counter()
        bag = dask.bag.from_sequence(pages, npartitions=args.partitions)
        distributed = dedupe_dask(bag)
        dask_s = time.perf_counter() - start
        workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    equal = to_json(distributed) == to_json(embedded)
    segments = len(embedded.segments)
    print("| driver | segments | wall s | segments/s | peak RSS MiB | equal JSON |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    worker_mib = " + ".join(f"{m:,.0f}" for m in workers.values())
    for name, seconds, memory in (
        ("embedded", embedded_s, f"{peak_mib:,.0f}"),
        (f"dask, 2 workers, {args.partitions} partitions", dask_s, f"workers {worker_mib}"),
    ):
        rate = f"{segments / seconds:,.0f}"
        print(f"| {name} | {segments} | {seconds:.1f} | {rate} | {memory} | {equal} |")
    return 0 if equal else 1
