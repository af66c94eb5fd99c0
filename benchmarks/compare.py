"""Side by side: dedupe_news, datasketch and rensa on the same texts, in one run.

`python -m benchmarks compare --size 500000` generates (or reuses) a seeded paragraph set,
runs each tool in a fresh process (`benchmarks.run_tool`; the peers' processes do not import
dedupe_news) and prints one table: wall time (median of `--repeat` runs) with the peers'
shingling also shown on its own, segments per second, peak RSS of the tool's process,
pairwise precision, recall, F1 and ARI against the generator's groups, and the ratios of
each peer to dedupe_news. Each peer has two rows: `@usual` (5-grams, 0.7) and `@matched`
(dedupe_news's 3-grams, 0.5), so recall compares algorithms as well as configurations.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from benchmarks.generate import write_paragraphs
from benchmarks.metrics import Accuracy, accuracy
from benchmarks.tools import TOOLS

DATA_DIR = Path("bench-data")


@dataclass(frozen=True, slots=True)
class Result:
    """One tool's measurement on one data set (medians over the runs; RSS is the largest)."""

    tool: str
    seconds: float
    peak_rss_mb: float
    loaded_rss_mb: float
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


def child_env() -> dict[str, str]:
    """Return the environment of a measured child: this one, with the parent's import path.

    The children must import the same dedupe_news and benchmarks as this process (a
    worktree's `src` through PYTHONPATH, or the installed package).
    """
    paths = [p for p in sys.path if p and Path(p).is_dir()]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def run(tool: str, data: Path, repeat: int) -> tuple[list[dict[str, object]], NDArray[np.int64]]:
    """Run a tool `repeat` times in fresh processes; return the measurements and labels."""
    measured = []
    with tempfile.TemporaryDirectory() as scratch:
        labels_file = Path(scratch, "labels.npy")
        command = [sys.executable, "-m", "benchmarks.run_tool", tool, str(data), str(labels_file)]
        for _ in range(repeat):
            done = subprocess.run(  # noqa: S603 - our own interpreter and module
                command, check=True, capture_output=True, text=True, env=child_env()
            )
            measured.append(json.loads(done.stdout))
        return measured, np.load(labels_file)


def measure(data: Path, tools: list[str], repeat: int) -> list[Result]:
    """Measure every tool on one data set."""
    groups = truth(data)
    results = []
    for tool in tools:
        runs, labels = run(tool, data, repeat)
        if tool != "dedupe_news" and any(r["imports_dedupe_news"] for r in runs):
            msg = f"the {tool} process must not import dedupe_news, but it did"
            raise RuntimeError(msg)
        runs.sort(key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        median = runs[len(runs) // 2]
        results.append(
            Result(
                tool=tool,
                seconds=statistics.median(float(r["seconds"]) for r in runs),  # type: ignore[arg-type]
                peak_rss_mb=max(float(r["peak_rss_mb"]) for r in runs),  # type: ignore[arg-type]
                loaded_rss_mb=float(median["loaded_rss_mb"]),  # type: ignore[arg-type]
                accuracy=accuracy(labels, groups),
                stages=dict(median["stages"]),  # type: ignore[call-overload]
            )
        )
        print(f"  {tool}: {results[-1].seconds:.2f} s", file=sys.stderr, flush=True)
    return results


def table(results: list[Result], size: int) -> str:
    """Format the results as a Markdown table with each row's ratios to dedupe_news."""
    base = next((r for r in results if r.tool == "dedupe_news"), results[0])
    lines = [
        (
            "| tool | wall s | of which shingling s | segments/s | peak RSS MiB | texts loaded MiB "
            f"| precision | recall | F1 | ARI | time / {base.tool} | RSS / {base.tool} |"
        ),
        "| --- |" + " ---: |" * 11,
    ]
    for r in results:
        a = r.accuracy
        shingle = r.stages.get("shingle")
        lines.append(
            f"| {r.tool} | {r.seconds:.2f} | {'-' if shingle is None else f'{shingle:.2f}'} "
            f"| {size / r.seconds:,.0f} | {r.peak_rss_mb:,.0f} | {r.loaded_rss_mb:,.0f} "
            f"| {a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {a.ari:.3f} "
            f"| {r.seconds / base.seconds:.2f}x | {r.peak_rss_mb / base.peak_rss_mb:.2f}x |"
        )
    lines.append("")
    lines.extend(
        f"{r.tool} stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.stages.items())
        for r in results
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks compare")
    parser.add_argument("--size", type=int, default=500_000, help="paragraphs (500000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; median (3)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated")
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"--tools must name tools of {', '.join(TOOLS)}, got {unknown!r}")
    data = dataset(args.size, args.seed)
    results = measure(data, tools, args.repeat)
    print(f"{args.size:,} paragraphs ({data}), median of {args.repeat} run(s) per tool\n")
    print(table(results, args.size))
    return 0
