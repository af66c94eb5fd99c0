"""Main job: `scan` end to end, pages in and report written, at growing crawl sizes.

`python -m benchmarks main-job --sizes 20000,100000,200000 --formats json --plot P.png`
generates (or reuses) seeded page crawls (`benchmarks/generate.py`, pages) and, for each
size, runs in fresh processes (`--plot`: time and peak RSS against segments, needs
matplotlib):

- `python -m dedupe_news scan CRAWL --format F --output REPORT` for every format asked,
  unchanged (wrapped by `benchmarks.measured` only to read its own peak RSS): wall time
  from start-up to exit, segments per second, peak RSS, the memory beyond the input file
  per segment, and the report's size. A format the CLI refuses (argparse's `invalid
  choice`, or any other usage error, exit 2) is listed as skipped with the CLI's
  message, so `parquet`, `jsonl` or `csv` rows appear once the CLI has them, with no
  change here.
- `benchmarks.scan_driver`: the same job through the library, with each stage's time
  (read, the pipeline's `on_stage` stages, `to_json`, write).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.compare import DATA_DIR, child_env
from benchmarks.generate import write_pages
from benchmarks.memory import MIB
from benchmarks.scale import plot_scaling

FORMATS = ("json",)
"""Formats measured by default (`--formats` adds others once the CLI supports them)."""


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One CLI run: a crawl size and a format, or why the format was skipped."""

    pages: int
    input_mb: float
    report_format: str
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    report_mb: float = 0.0
    readers_mb: float = 0.0
    skipped: str = ""


def crawl(pages: int, seed: int, folder: Path = DATA_DIR) -> Path:
    """Return the path of the seeded page crawl of this size, generating it once."""
    path = folder / f"pages-{pages}-{seed}.jsonl"
    if not path.exists():
        write_pages(path, pages, seed=seed)
    return path


def _size_mb(path: Path) -> float:
    """Return a file's size, or the total of a folder's files, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def scan(data: Path, pages: int, report_format: str, scratch: Path) -> ScanRow:
    """Run the CLI's scan once in a fresh process and measure it."""
    report, record = scratch / f"report.{report_format}", scratch / "measured.json"
    command = [sys.executable, "-m", "benchmarks.measured", str(record), "dedupe_news", "scan"]
    command += [str(data), "--format", report_format, "--output", str(report), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(), check=False)  # noqa: S603
    seconds = time.perf_counter() - start
    input_mb = data.stat().st_size / 1e6
    if done.returncode == 2:  # a usage error: argparse's `invalid choice`, or a missing extra
        reason = (done.stderr.strip().splitlines() or ["exit 2"])[-1].replace("|", "/")
        return ScanRow(pages, input_mb, report_format, skipped=f"skipped: {reason}")
    if done.returncode != 0:
        msg = f"scan --format {report_format} must exit 0, got {done.returncode}: {done.stderr}"
        raise RuntimeError(msg)
    measured = json.loads(record.read_text(encoding="utf-8"))
    peak, readers = float(measured["peak_rss_mb"]), float(measured["readers_peak_rss_mb"])
    return ScanRow(pages, input_mb, report_format, seconds, peak, _size_mb(report), readers)


def stage_split(data: Path, scratch: Path) -> dict[str, object]:
    """Run the library driver once in a fresh process; return its timings and counts."""
    command = [sys.executable, "-m", "benchmarks.scan_driver", str(data), str(scratch / "r.json")]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=child_env())  # noqa: S603
    record: dict[str, object] = json.loads(done.stdout)
    return record


def scan_table(rows: list[ScanRow], segments: dict[int, int]) -> str:
    """Format the CLI runs as a Markdown table."""
    lines = [
        (
            "| pages | segments | input MB | format | wall s | segments/s | peak RSS MiB "
            "| KB/segment beyond input | report MB | readers' peak RSS MiB |"
        ),
        "| ---: | ---: | ---: | --- |" + " ---: |" * 6,
    ]
    for r in rows:
        n = segments[r.pages]
        head = f"| {r.pages:,} | {n:,} | {r.input_mb:,.0f} | {r.report_format} "
        if r.skipped:
            lines.append(head + f"| {r.skipped} |" + " |" * 5)
            continue
        beyond = (r.peak_rss_mb * MIB - r.input_mb * 1e6) / 1000 / n if n else 0.0
        lines.append(
            head + f"| {r.seconds:.2f} | {n / r.seconds:,.0f} | {r.peak_rss_mb:,.0f} "
            f"| {beyond:.2f} | {r.report_mb:,.0f} | {r.readers_mb:,.0f} |"
        )
    return "\n".join(lines)


def split_table(splits: dict[int, dict[str, object]]) -> str:
    """Format the driver's step times per crawl size as a Markdown table."""
    names: list[str] = []
    for record in splits.values():
        names.extend(k for k in record["steps"] if k not in names)  # type: ignore[attr-defined]
    lines = [
        "| pages | " + " | ".join(names) + " | total s | segments/s | peak RSS MiB |",
        "| ---: |" + " ---: |" * (len(names) + 3),
    ]
    for pages, record in splits.items():
        steps: dict[str, float] = record["steps"]  # type: ignore[assignment]
        seconds, n = float(record["seconds"]), int(record["segments"])  # type: ignore[arg-type, call-overload]
        cells = " | ".join(f"{steps[k]:.2f}" if k in steps else "-" for k in names)
        lines.append(
            f"| {pages:,} | {cells} | {seconds:.2f} | {n / seconds:,.0f} "
            f"| {float(record['peak_rss_mb']):,.0f} |"  # type: ignore[arg-type]
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the main job at each size and print both tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks main-job")
    parser.add_argument("--sizes", default="20000,100000,200000", help="pages, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS), help="scan --format values")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--plot", type=Path, help="write a PNG of the first format's runs here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[ScanRow] = []
    splits: dict[int, dict[str, object]] = {}
    for pages in sizes:
        data = crawl(pages, args.seed)
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder)
            splits[pages] = stage_split(data, scratch)
            for report_format in args.formats.split(","):
                rows.append(scan(data, pages, report_format, scratch))
                print(f"  {pages} pages, {report_format}: done", file=sys.stderr, flush=True)
    segments = {pages: int(s["segments"]) for pages, s in splits.items()}  # type: ignore[call-overload]
    print(f"scan, end to end (one fresh process per run; seed {args.seed})\n")
    print(scan_table(rows, segments))
    print("\nthe same job through the library, seconds per step (benchmarks.scan_driver)\n")
    print(split_table(splits))
    if args.plot is not None:
        first = [r for r in rows if r.report_format == rows[0].report_format and not r.skipped]
        points = [(segments[r.pages], r.seconds, r.peak_rss_mb) for r in first]
        plot_scaling(points, args.plot, unit=f"segments (scan -f {rows[0].report_format})")
    return 0
