"""`python -m benchmarks outputs CRAWL.jsonl`: time each report format against the run itself.

Runs the pipeline once with its stage timer, then writes the report in every format to a
temporary folder, and the JSON report the way it was written before (`json.dumps(indent=2)`,
the whole text in memory); prints one table row per writer with its share of the run.
With `--diff`, also times the text summary of two near-identical 1 MB texts.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dedupe_news as dn
from dedupe_news.report import FORMATS, to_dict, to_text, write_report

_Write = Callable[[], int]


def main(argv: list[str]) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks outputs")
    parser.add_argument("crawl", type=Path, help="a JSONL crawl (python -m benchmarks generate)")
    parser.add_argument("--diff", action="store_true", help="also time two 1 MB near copies")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    corpus = dn.read_pages(args.crawl)
    stages: dict[str, float] = {"read": time.perf_counter() - start}
    report = dn.dedupe(corpus, on_stage=stages.__setitem__)
    run = sum(stages.values())
    print(f"{len(report.pages)} pages, {len(report.segments)} segments; run {run:.2f} s")
    print(" ".join(f"{stage} {seconds:.2f}" for stage, seconds in stages.items()))
    print("| writer | seconds | MB | share of run + write |")
    print("| --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for name, write in _writers(report, Path(folder)):
            begin = time.perf_counter()
            size = write()
            seconds = time.perf_counter() - begin
            share = seconds / (run + seconds)
            print(f"| {name} | {seconds:.2f} | {size / 1e6:.1f} | {share:.0%} |")
    if args.diff:
        _diff_benchmark()
    return 0


def _writers(report: dn.Report, folder: Path) -> list[tuple[str, _Write]]:
    def before() -> int:
        path = folder / "before.json"
        text = json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        return path.stat().st_size

    def writer(form: str) -> _Write:
        def write() -> int:
            path = folder / f"scan.{form}"
            write_report(report, form, path, None)  # type: ignore[arg-type]  # never stdout
            return sum(p.stat().st_size for p in folder.glob(f"scan*.{form}"))

        return write

    return [("json before (json.dumps, indent=2)", before)] + [
        (form, writer(form)) for form in FORMATS
    ]


def _diff_benchmark() -> None:
    words = [f"woord{i % 997}x{i // 997}" for i in range(120_000)]
    edited = [*words[:60_000], "ingevoegd", *words[60_000:]]
    report = dn.dedupe([dn.Page("a", " ".join(words)), dn.Page("b", " ".join(edited))])
    begin = time.perf_counter()
    to_text(report)
    print(f"text summary of two near-identical 1 MB texts: {time.perf_counter() - begin:.2f} s")
