"""Scan driver: the main job in this process, as `scan --format json --output` runs it, timed.

`python -m benchmarks.scan_driver CRAWL.jsonl REPORT.json` reads the crawl, runs `dedupe`
with its `on_stage` timer, serializes the report with `report.to_json` and writes it with
`report.write_atomically`, then prints one JSON line: the time of every step (`import`,
`read`, the pipeline's stages, `to_json`, `write`), the page and segment counts, the report's
size and the process's peak RSS. The first stage that needs numba also pays for loading it
and the cached kernels, as the CLI does.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.memory import peak_rss_mb


def main(argv: list[str]) -> int:
    """Run the main job on the crawl named in argv; print the timings."""
    crawl, out = (Path(arg) for arg in argv)
    steps: dict[str, float] = {}
    start = time.perf_counter()
    from dedupe_news import read_pages  # noqa: PLC0415 - its import is timed
    from dedupe_news.pipeline import dedupe  # noqa: PLC0415
    from dedupe_news.report import to_json, write_atomically  # noqa: PLC0415

    steps["import"] = time.perf_counter() - start
    mark = time.perf_counter()
    corpus = read_pages(crawl)
    steps["read"] = time.perf_counter() - mark
    report = dedupe(corpus, on_stage=steps.__setitem__)
    mark = time.perf_counter()
    text = to_json(report)
    steps["to_json"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_atomically(out, text)
    steps["write"] = time.perf_counter() - mark
    record = {
        "steps": steps,
        "seconds": time.perf_counter() - start,
        "pages": len(report.pages),
        "segments": len(report.segments),
        "report_bytes": out.stat().st_size,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
