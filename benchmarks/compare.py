"""Side by side: dedupe_news, datasketch and rensa on the same texts, in one run.

`python -m benchmarks compare --size 500000` generates (or reuses) a seeded paragraph set,
runs each tool in a fresh process (`benchmarks.run_tool`), and prints one table: wall time
(median of `--repeat` runs), segments per second, peak RSS, pairwise precision, recall,
F1 and ARI against the generator's groups, and each tool's ratios to dedupe_news.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

import dedupe_news as dn
from benchmarks.generate import write_paragraphs
from benchmarks.metrics import Accuracy, accuracy
from benchmarks.tools import TOOLS

DATA_DIR = Path("bench-data")


@dataclass(frozen=True, slots=True)
class Result:
    """One tool's measurement on one data set."""

    tool: str
    seconds: float
    peak_rss_mb: float
    accuracy: Accuracy
    stages: dict[str, float]


def dataset(size: int, seed: int, folder: Path = DATA_DIR) -> Path:
    """Return the path of the seeded paragraph set of this size, generating it once."""
    path = folder / f"paragraphs-{size}-{seed}.jsonl"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_paragraphs(path, size, seed=seed)
    return path


def truth(path: Path) -> NDArray[np.int64]:
    """Return the ground-truth group of every item, as integer labels."""
    with path.open(encoding="utf-8") as lines:
        groups = [json.loads(line)["group"] for line in lines]
    return np.unique(np.asarray(groups), return_inverse=True)[1].astype(np.int64)


def run(tool: str, data: Path, repeat: int) -> tuple[list[dict[str, object]], NDArray[np.int64]]:
    """Run a tool `repeat` times in fresh processes; return the measurements and labels."""
    measured = []
    with tempfile.TemporaryDirectory() as scratch:
        labels_file = Path(scratch, "labels.npy")
        for _ in range(repeat):
            command = [
                sys.executable,
                "-m",
                "benchmarks.run_tool",
                tool,
                str(data),
                str(labels_file),
            ]
            done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
            measured.append(json.loads(done.stdout))
        return measured, np.load(labels_file)


def measure(data: Path, tools: list[str], repeat: int) -> list[Result]:
    """Measure every tool on one data set."""
    dn.find_duplicates(["warm the compiled kernel cache once"])  # not timed: a one-off compile
    groups = truth(data)
    results = []
    for tool in tools:
        runs, labels = run(tool, data, repeat)
        median = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
        rss = max(float(r["peak_rss_mb"]) for r in runs)  # type: ignore[arg-type]
        stages: dict[str, float] = runs[len(runs) // 2]["stages"]  # type: ignore[assignment]
        results.append(Result(tool, median, rss, accuracy(labels, groups), stages))
        print(f"  {tool}: {median:.2f} s", file=sys.stderr)
    return results


def table(results: list[Result], size: int) -> str:
    """Format the results as a Markdown table with ratios to dedupe_news."""
    base = next(r for r in results if r.tool == "dedupe_news")
    lines = [
        (
            "| tool | wall s | segments/s | peak RSS MB | precision | recall | F1 | ARI "
            "| time / dedupe_news | RSS / dedupe_news |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        a = r.accuracy
        lines.append(
            f"| {r.tool} | {r.seconds:.2f} | {size / r.seconds:,.0f} | {r.peak_rss_mb:,.0f} "
            f"| {a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {a.ari:.3f} "
            f"| {r.seconds / base.seconds:.2f}x | {r.peak_rss_mb / base.peak_rss_mb:.2f}x |"
        )
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in base.stages.items())
    lines.append("")
    lines.append(f"dedupe_news stages: {stages}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks compare")
    parser.add_argument("--size", type=int, default=500_000, help="paragraphs (500000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; median (3)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated")
    args = parser.parse_args(argv)
    data = dataset(args.size, args.seed)
    results = measure(data, args.tools.split(","), args.repeat)
    print(f"{args.size:,} paragraphs ({data}), median of {args.repeat} runs\n")
    print(table(results, args.size))
    return 0
