"""Index: time to add one crawl as the history grows, file size per segment, in-memory run.

`python -m benchmarks index --crawl 500 --history 2000,4000,8000` generates pages
(`benchmarks.generate.generate_pages`), fills an index crawl by crawl up to each history size,
then times adding the next `--adds` crawls (same size every time), split into keys and
look-ups, the pipeline run and the store (of which the merge of key runs, docs/index.md),
and, for comparison, `dedupe` on the first of those crawls alone in memory. Prints a Markdown
table, one row per timed add and, for several adds, their median, mean and max; every fill
add is printed the same way to stderr, so the mean over a whole fill (merges included) can
be read from it. "pages re-run" counts the stored pages the add read back (its region): flat
when the add's cost is. "WAL MB" is the write-ahead log's size after the add; "load" the
1-minute load average when it ended. `--keep FILE` fills (or resumes) an index kept in that
file, so a large history is built once; `--merge-ratio` sets `index.runs.MERGE_RATIO` and
`--seal-rows` `index.runs.SEAL_ROWS` for the run (to compare merge rules). "runs" counts the
key runs after the add, "sealed" those of at least `SEAL_ROWS` rows.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import dedupe_news as dn
from benchmarks.generate import generate_pages
from benchmarks.records import PageItem
from dedupe_news.index import runs

HEADER = (
    "| pages held | segments held | add crawl s | keys and look-up s | run s | store s "
    "| merge s | runs | sealed | WAL MB | pages re-run | in-memory s | bytes/segment | load |\n"
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
    "| ---: |"
)


@dataclass(frozen=True, slots=True)
class Timed:
    """One add: the index before it, its time in parts, and the index after it."""

    pages: int
    segments: int
    parts: tuple[float, float, float, float, float]
    """Whole add, keys and look-ups, run, store (merge included), merge."""
    runs: int
    sealed: int
    wal: int
    rerun: int
    bytes_per_segment: float
    load: float

    def row(self, memory: float | None) -> str:
        """Return the add as a Markdown table row."""
        add, lookup, run, store, merge = self.parts
        return (
            f"| {self.pages:,} | {self.segments:,} | {add:.2f} | {lookup:.2f} | {run:.2f} "
            f"| {store:.2f} | {merge:.2f} | {self.runs} | {self.sealed} | {self.wal / 2**20:,.0f} "
            f"| {self.rerun:,} | {'' if memory is None else f'{memory:.2f}'} "
            f"| {self.bytes_per_segment:,.0f} | {self.load:.2f} |"
        )


def _take(stream: Iterator[PageItem], count: int) -> list[dn.Page]:
    """The stream's next `count` pages (one stream: generating is not repeated per crawl)."""
    items = islice(stream, count)
    return [dn.Page(i.id, i.text, url=i.url, site=i.site, published=i.published) for i in items]


def main(argv: list[str] | None = None) -> int:
    """Fill an index to each history size and time the next crawls; print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks index")
    parser.add_argument("--crawl", type=int, default=500, help="pages per crawl")
    parser.add_argument("--history", default="2000,4000,8000", help="pages held before")
    parser.add_argument("--adds", type=int, default=1, help="crawls timed at each history size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="index file to fill (or resume) and keep")
    parser.add_argument(
        "--merge-ratio", type=float, default=runs.MERGE_RATIO, help="the key runs' merge rule"
    )
    parser.add_argument(
        "--seal-rows", type=int, default=runs.SEAL_ROWS, help="rows that seal a key run"
    )
    args = parser.parse_args(argv)
    runs.MERGE_RATIO = args.merge_ratio  # this process only: how the rules were chosen
    runs.SEAL_ROWS = args.seal_rows
    sizes = sorted(int(s) for s in args.history.split(","))
    dn.find_duplicates(["warm the compiled kernel cache once"])
    print(HEADER)
    print(HEADER, file=sys.stderr)
    stream = generate_pages(sizes[-1] + args.crawl * args.adds * len(sizes), seed=args.seed)
    with (
        tempfile.TemporaryDirectory() as folder,
        dn.Index.open(args.keep or Path(folder) / "b.idx") as index,
    ):
        held = index.stats().pages
        _take(stream, held)  # resuming a kept index: skip the pages it holds
        for size in sizes:
            while held < size:
                step = min(args.crawl, size - held)
                print(_timed(index, _take(stream, step)).row(None), file=sys.stderr, flush=True)
                held += step
            _measure(index, [_take(stream, args.crawl) for _ in range(args.adds)])
            held += args.crawl * args.adds
    return 0


def _measure(index: dn.Index, crawls: list[list[dn.Page]]) -> None:
    """Time `dedupe` on the first crawl alone, then add every crawl; print rows and summary."""
    start = time.perf_counter()
    dn.dedupe(crawls[0])
    memory = time.perf_counter() - start
    timed = [_timed(index, crawl) for crawl in crawls]
    for number, one in enumerate(timed):
        print(one.row(memory if number == 0 else None), flush=True)
    if len(timed) > 1:
        for name, pick in (("median", statistics.median), ("mean", statistics.fmean)):
            parts = [f"{pick([t.parts[i] for t in timed]):.2f}" for i in range(5)]
            print(f"| {name} of {len(timed)} | | {' | '.join(parts)} | | | | | | | |")
        most = max(t.parts[0] for t in timed)
        print(f"| max of {len(timed)} | | {most:.2f} | | | | | | | | | | | |")


def _timed(index: dn.Index, crawl: list[dn.Page]) -> Timed:
    """Add a crawl, timing its parts (the stages' `on_start` marks the boundaries)."""
    before = _held(index)
    marks: dict[str, float] = {}

    def mark(stage: str, _count: int) -> None:
        marks.setdefault(stage if stage in {"store", "merge"} else "run", time.perf_counter())

    start = time.perf_counter()
    added = index.add(crawl, on_start=mark)
    end = time.perf_counter()
    after = _held(index)
    run, store = marks.get("run", end), marks.get("store", end)
    wal = Path(f"{index.path}-wal")
    return Timed(
        pages=before[0],
        segments=before[1],
        parts=(end - start, run - start, store - run, end - store, end - marks.get("merge", end)),
        runs=after[2],
        sealed=after[4],
        wal=wal.stat().st_size if wal.exists() else 0,
        rerun=len(added.report.pages) - len(added.new_pages),
        bytes_per_segment=after[3] / max(after[1], 1),
        load=os.getloadavg()[0],
    )


def _held(index: dn.Index) -> tuple[int, int, int, int, int]:
    """Return the pages, segments, runs, database bytes and sealed runs of an index.

    Read apart from `Index.stats`, which also counts every band and shingle row (a scan of
    tens of millions of rows at 3M segments: seconds per add).
    """
    with sqlite3.connect(f"file:{index.path}?mode=ro", uri=True) as connection:
        found = connection.execute(
            "SELECT (SELECT count(*) FROM pages), (SELECT count(*) FROM segments), "
            "(SELECT count(*) FROM runs), (SELECT page_count * page_size "
            "FROM pragma_page_count, pragma_page_size), "
            "(SELECT count(*) FROM runs WHERE rows >= ?)",
            (runs.SEAL_ROWS,),
        ).fetchone()
    return found[0], found[1], found[2], found[3], found[4]
