"""HTML: the bytes of an HTML page -> a `Page` carrying its DOM blocks (the `html` extra).

The parsing lives in `sources/_dom.py` (lxml) and the charset rules in `sources/charset.py`.
This module imports neither lxml nor warcio at import time, so a reader can call `require()`
and tell a user without the extra what to install, instead of reading markup as text.
"""

from __future__ import annotations

import gzip
import lzma
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import Page, PageId
from dedupe_news.sources.charset import decode_html
from dedupe_news.sources.dump import MAX_PAGE_BYTES, open_bytes

if TYPE_CHECKING:
    from pathlib import Path

EXTRA = "pip install 'dedupe-news[html]'"
"""The command that installs what HTML and WARC input needs."""
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
"""File suffixes read as HTML, each also with `.gz`, `.bz2` or `.xz` after it."""
_COMPRESSED = (".gz", ".bz2", ".xz")


def require() -> None:
    """Check that the `html` extra is installed, or raise `ConfigError` saying how.

    Raises:
        ConfigError: lxml or warcio cannot be imported.
    """
    try:
        import lxml.html  # noqa: F401, PLC0415 - probing the optional extra is the point
        import warcio  # noqa: F401, PLC0415 - probing the optional extra is the point
    except ImportError as error:
        msg = f"HTML and WARC input must have the html extra ({EXTRA}), got {error}"
        raise ConfigError(msg) from error


def is_html_file(path: Path) -> bool:
    """Tell whether a file name says HTML (`page.html`, `page.htm.gz`...).

    Examples:
        >>> from pathlib import Path
        >>> is_html_file(Path("a/b.html.gz")), is_html_file(Path("b.txt"))
        (True, False)
    """
    name = path.name.lower()
    for suffix in _COMPRESSED:
        name = name.removesuffix(suffix)
    return name.endswith(HTML_SUFFIXES)


def _compression(path: Path) -> str:
    suffix = path.suffix.lower()
    return suffix if suffix in _COMPRESSED else ""


def read_html_file(
    path: Path, page_id: str, *, encoding: str | None = None, max_page_bytes: int = MAX_PAGE_BYTES
) -> Page:
    """Read an HTML file, decompressing `.gz`, `.bz2` and `.xz` (at most `max_page_bytes`).

    Raises:
        ConfigError: The `html` extra is not installed.
        InputError: The file is too large, corrupt, binary or holds no text.
        OSError: The file cannot be read.
    """
    require()
    try:
        with open_bytes(path, _compression(path)) as file:
            data = file.read(max_page_bytes + 1)
    except (EOFError, gzip.BadGzipFile, lzma.LZMAError) as error:
        raise InputError(str(path), 0, f"not a readable {path.suffix} file: {error}") from error
    except ValueError as error:  # bz2 reports a corrupt stream as OSError or ValueError
        raise InputError(str(path), 0, f"not a readable {path.suffix} file: {error}") from error
    return html_page(
        data, page_id=page_id, path=str(path), encoding=encoding, max_bytes=max_page_bytes
    )


def html_page(  # noqa: PLR0913 - the page's metadata, all keyword-only
    data: bytes,
    *,
    page_id: str,
    path: str | None,
    url: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    max_bytes: int = MAX_PAGE_BYTES,
) -> Page:
    r"""Parse one HTML page into a `Page` whose blocks carry the DOM's structure.

    Args:
        data: The page's bytes.
        page_id: The page's id.
        path: Where it was read from, or None.
        url: Its address; `site` becomes the address's host.
        published: Its date, as given.
        encoding: The charset from the HTTP header or the caller (`sources/charset.py`
            gives the precedence).
        max_bytes: A larger page is refused.

    Raises:
        ConfigError: The `html` extra is not installed.
        InputError: The page is larger than `max_bytes`, binary, nested deeper than the
            parser's limit, or holds no text.

    Examples:
        >>> page = html_page(b"<h1>Titel</h1><p>PARIJS (ANP) - Het nieuws.</p>",
        ...     page_id="p", path=None, url="https://example.nl/a")
        >>> page.text, page.site, [b.hint for b in page.blocks]
        ('Titel\nPARIJS (ANP) - Het nieuws.', 'example.nl', ['h1', 'p'])
    """
    require()
    from dedupe_news.sources._dom import page_blocks  # noqa: PLC0415 - needs the extra

    where = path or page_id
    if len(data) > max_bytes:
        reason = f"{len(data)} bytes or more, over the maximum page size of {max_bytes} bytes"
        raise InputError(where, 0, reason)
    blocks = page_blocks(decode_html(data, encoding=encoding, path=where), where)
    if not blocks:
        raise InputError(where, 0, "empty page (no text)")
    return Page(
        id=PageId(page_id),
        text="\n".join(block.text for block in blocks),
        path=path,
        url=url,
        site=None if url is None else urlsplit(url).hostname,
        published=published,
        blocks=blocks,
    )
