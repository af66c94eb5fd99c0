"""`python -m benchmarks html`: pages/s parsing the HTML seed templates, alone and in a WARC."""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dedupe_news.sources.html import html_page
from dedupe_news.sources.warc import warc_pages

HTML_DIR = Path(__file__).parent.parent / "tests" / "data" / "html"


def _warc(path: Path, pages: list[bytes], copies: int) -> None:
    with path.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        for n in range(copies):
            for i, body in enumerate(pages):
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"https://nieuws.example/{n}/{i}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                )
                writer.write_record(record)
                record.raw_stream.close()


def main(argv: list[str]) -> int:
    """Parse the seed pages `--copies` times as HTML bytes and from a gzipped WARC."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks html")
    parser.add_argument("--copies", type=int, default=400, help="copies of the five pages")
    args = parser.parse_args(argv)
    pages = [path.read_bytes() for path in sorted(HTML_DIR.glob("*.html"))]
    total = len(pages) * args.copies
    size = sum(map(len, pages)) * args.copies
    start = time.perf_counter()
    for n in range(args.copies):
        for i, body in enumerate(pages):
            html_page(body, page_id=f"{n}/{i}", path=None)
    html_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "bench.warc.gz")
        _warc(path, pages, args.copies)
        start = time.perf_counter()
        read = sum(1 for _ in warc_pages(path))
        warc_seconds = time.perf_counter() - start
    print(f"pages: {total} ({size / total / 1024:.1f} KiB each on average)")
    print(
        f"html_page: {total / html_seconds:,.0f} pages/s ({size / html_seconds / 2**20:.1f} MiB/s)"
    )
    print(f"warc_pages (gzip): {read / warc_seconds:,.0f} pages/s")
    return 0
