"""Scaling: dedupe_news end to end from 1k to 1M (or more) paragraphs, time and memory.

`python -m benchmarks scale --sizes 1000,10000,100000,1000000 --plot docs/scaling.png`
runs each size once in a fresh process, prints a Markdown table and draws time and peak
RSS against size on log-log axes.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import dedupe_news as dn
from benchmarks.compare import dataset, run


def main(argv: list[str] | None = None) -> int:
    """Measure each size and print the table; draw the plot when asked."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", type=Path, help="write a PNG here")
    args = parser.parse_args(argv)
    dn.find_duplicates(["warm the compiled kernel cache once"])
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print("| paragraphs | wall s | segments/s | peak RSS MiB |")
    print("| ---: | ---: | ---: | ---: |")
    for size in sizes:
        measured, _ = run("dedupe_news", dataset(size, args.seed), repeat=1)
        seconds, rss = float(measured[0]["seconds"]), float(measured[0]["peak_rss_mb"])  # type: ignore[arg-type]
        rows.append((size, seconds, rss))
        print(f"| {size:,} | {seconds:.2f} | {size / seconds:,.0f} | {rss:,.0f} |", flush=True)
    if args.plot is not None:
        plot_scaling(rows, args.plot, unit="paragraphs")
    return 0


def plot_scaling(rows: list[tuple[int, float, float]], path: Path, *, unit: str) -> None:
    """Draw wall time and peak RSS against size (`rows`: size, seconds, MiB) on log-log axes."""
    # matplotlib is a benchmark-only dependency: imported here, untyped, so `make test`
    # (which does not install it) type-checks this module all the same.
    importlib.import_module("matplotlib").use("Agg")
    plt = importlib.import_module("matplotlib.pyplot")

    sizes = [r[0] for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.loglog(sizes, [r[1] for r in rows], "o-", label="dedupe_news")
    left.loglog(sizes, [rows[-1][1] * s / sizes[-1] for s in sizes], ":", label="linear")
    left.set(xlabel=unit, ylabel="wall time (s)", title="Time")
    right.loglog(sizes, [r[2] for r in rows], "o-", color="tab:orange")
    right.set(xlabel=unit, ylabel="peak RSS (MiB)", title="Memory")
    left.legend()
    for axis in (left, right):
        axis.grid(visible=True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
