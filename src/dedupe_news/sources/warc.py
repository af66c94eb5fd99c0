"""WARC: a `.warc` or `.warc.gz` archive -> its HTML pages, streamed (warcio, the `html` extra).

Each `response` (or `resource`) record holding an HTML page with a 2xx status becomes a page:
id and `url` its `WARC-Target-URI`, `site` the URI's host, `published` its `WARC-Date`,
`path` the archive's path and the record's 1-based number (`crawl.warc.gz:3`). The body is
read with its transfer and content encodings undone, and its charset comes from the HTTP
`Content-Type` header unless a byte-order mark says otherwise (`sources/charset.py`).

Requests, metadata, warcinfo and revisit records are not pages and pass silently. Every
other record that gives no page is a `Skipped` naming the record and why: not HTML (with its
content type), an HTTP status other than 2xx, no target URI, larger than `max_page_bytes`,
no text, or a body that cannot be read. A record that breaks the archive itself ends the
stream with a `Skipped` naming the record number where reading stopped: the records before
it are kept.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from dedupe_news.errors import InputError
from dedupe_news.records import Page, Skipped
from dedupe_news.sources.dump import MAX_PAGE_BYTES
from dedupe_news.sources.html import html_page, require

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

    from warcio.recordloader import ArcWarcRecord

WARC_SUFFIXES = (".warc", ".warc.gz")
"""File suffixes read as WARC archives."""
_PAGE_RECORDS = frozenset({"response", "resource"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def is_warc_file(name: str) -> bool:
    """Tell whether a file name says WARC.

    Examples:
        >>> is_warc_file("crawl-00001.warc.gz"), is_warc_file("page.html")
        (True, False)
    """
    return name.lower().endswith(WARC_SUFFIXES)


def warc_pages(
    path: str | os.PathLike[str], *, max_page_bytes: int = MAX_PAGE_BYTES
) -> Iterator[Page | Skipped]:
    """Yield the HTML pages of a WARC archive, and a `Skipped` per record that is not one.

    Raises:
        ConfigError: The `html` extra is not installed.
        OSError: The archive cannot be opened.
    """
    require()
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415 - needs the extra
    from warcio.exceptions import ArchiveLoadFailed  # noqa: PLC0415 - needs the extra

    name = str(path)
    with open(path, "rb") as stream:  # noqa: PTH123 - a str or PathLike, read as given
        records = iter(ArchiveIterator(stream))
        number = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            # warcio raises AttributeError on a response record without a target URI.
            except (
                ArchiveLoadFailed,
                AttributeError,
                ValueError,
                EOFError,
                OSError,
                zlib.error,
            ) as error:
                reason = f"broken WARC record, reading stopped: {error}".strip()
                yield Skipped(f"{name}:{number + 1}", reason)
                return
            number += 1
            if record.rec_type not in _PAGE_RECORDS:
                continue
            where = f"{name}:{number}"
            try:
                yield _page(record, where, max_page_bytes)
            except InputError as error:
                yield Skipped(where, error.reason)


def _page(record: ArcWarcRecord, where: str, max_page_bytes: int) -> Page:
    """Return the page of one response record, or raise `InputError` saying why not."""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    if not uri:
        raise InputError(where, 0, "a WARC record must have a WARC-Target-URI, got none")
    content_type, charset = _content_type(record)
    if content_type not in _HTML_TYPES:
        raise InputError(where, 0, f"not HTML (content type {content_type!r})")
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    if not str(status).startswith("2"):
        raise InputError(where, 0, f"HTTP status must be 2xx, got {status!r}")
    try:
        data = record.content_stream().read(max_page_bytes + 1)
    except (ValueError, EOFError, OSError, zlib.error) as error:
        raise InputError(where, 0, f"unreadable record body: {error}") from error
    return html_page(
        data,
        page_id=uri,
        path=where,
        url=uri,
        published=record.rec_headers.get_header("WARC-Date"),
        encoding=charset,
        max_bytes=max_page_bytes,
    )


def _content_type(record: ArcWarcRecord) -> tuple[str, str | None]:
    """Return the media type (lower case) and the charset parameter of a record's body."""
    headers = record.http_headers or record.rec_headers
    value = headers.get_header("Content-Type") or ""
    media, *parameters = value.split(";")
    charset = None
    for parameter in parameters:
        key, _, found = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = found.strip().strip("\"'") or None
    return media.strip().lower(), charset
