"""`python -m benchmarks screenshot`: the HTML report of the seed pages, as the README's PNG."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import dedupe_news as dn
from benchmarks import browser
from dedupe_news.demo import seed_folder
from dedupe_news.report import to_html

_DOCS = Path(__file__).resolve().parent.parent / "docs"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the seed report's HTML and screenshots of its overview and Rafale cluster."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks screenshot")
    parser.add_argument("--out", type=Path, default=_DOCS / "report-html.png")
    args = parser.parse_args(argv)
    report = dn.dedupe(dn.read_pages(seed_folder()))
    rafale = next(c.id for c in report.clusters if c.representative.endswith(":10"))
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "seeds.html"
        page.write_text(to_html(report), encoding="utf-8")
        start = time.perf_counter()
        browser.screenshot(page, args.out, f"#/cluster/{rafale}", size="1280,640")
        print(f"{args.out}: cluster {rafale}, {time.perf_counter() - start:.2f} s in chromium")
    return 0
