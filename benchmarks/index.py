"""Index: time to add one crawl as the history grows, file size per segment, in-memory run.

`python -m benchmarks index --crawl 500 --history 2000,4000,8000` generates pages
(`benchmarks.generate.generate_pages`), fills an index crawl by crawl up to each history size,
then times adding the next crawl (same size every time), split into keys and look-ups, the
pipeline run and the store, and, for comparison, `dedupe` on that crawl alone in memory.
Prints a Markdown table; "pages re-run" counts the stored pages the add read back (its
region, docs/index.md): flat when the add's cost is. `--keep FILE` fills (or resumes) an index
kept in that file, so a large history is built once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import dedupe_news as dn
from benchmarks.generate import generate_pages
from benchmarks.records import PageItem


def _take(stream: Iterator[PageItem], count: int) -> list[dn.Page]:
    """The stream's next `count` pages (one stream: generating is not repeated per crawl)."""
    items = islice(stream, count)
    return [dn.Page(i.id, i.text, url=i.url, site=i.site, published=i.published) for i in items]


def main(argv: list[str] | None = None) -> int:
    """Fill an index to each history size and time the next crawl; print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks index")
    parser.add_argument("--crawl", type=int, default=500, help="pages per crawl")
    parser.add_argument("--history", default="2000,4000,8000", help="pages held before")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="index file to fill (or resume) and keep")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.history.split(","))
    dn.find_duplicates(["warm the compiled kernel cache once"])
    print(
        "| pages held | segments held | add crawl s | keys and look-up s | run s | store s "
        "| pages re-run | in-memory s | bytes/segment |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    stream = generate_pages(sizes[-1] + args.crawl * len(sizes), seed=args.seed)
    with (
        tempfile.TemporaryDirectory() as folder,
        dn.Index.open(args.keep or Path(folder) / "b.idx") as index,
    ):
        held = index.stats().pages
        _take(stream, held)  # resuming a kept index: skip the pages it holds
        for size in sizes:
            held = _fill(index, stream, held, size, args.crawl)
            print(_measured(index, _take(stream, args.crawl)), flush=True)
            held += args.crawl
    return 0


def _fill(index: dn.Index, stream: Iterator[PageItem], held: int, size: int, crawl: int) -> int:
    """Add crawls of `crawl` pages until the index holds `size`; return the pages held."""
    while held < size:
        step = min(crawl, size - held)
        index.add(_take(stream, step))
        held += step
        print(f"  filled: {held:,} pages", file=sys.stderr, flush=True)
    return held


def _measured(index: dn.Index, crawl: list[dn.Page]) -> str:
    """Time `dedupe` on the crawl alone, then its add split in three; return a table row."""
    start = time.perf_counter()
    dn.dedupe(crawl)
    memory = time.perf_counter() - start
    before = index.stats()
    marks: dict[str, float] = {}

    def mark(stage: str, _count: int) -> None:
        marks.setdefault("run" if stage != "store" else "store", time.perf_counter())

    start = time.perf_counter()
    added = index.add(crawl, on_start=mark)
    end = time.perf_counter()
    after = index.stats()
    run, store = marks.get("run", end), marks.get("store", end)
    return (
        f"| {before.pages:,} | {before.segments:,} | {end - start:.2f} | {run - start:.2f} "
        f"| {store - run:.2f} | {end - store:.2f} "
        f"| {len(added.report.pages) - len(added.new_pages):,} | {memory:.2f} "
        f"| {after.file_bytes / max(after.segments, 1):,.0f} |"
    )
