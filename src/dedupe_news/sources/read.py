r"""Read: files, folders, JSONL and standard input -> pages; bad input is skipped, by name.

- A folder is searched for pages by file name (`sources/discover.py`): page dumps `.txt`,
  JSONL `.jsonl`/`.ndjson`, each also `.gz`/`.bz2`/`.xz`; every other file is listed as
  `not_page`. A file given by path is read whatever its name: as JSONL when its first
  non-blank byte is `{`, else as a page dump.
- A page dump's id is its path relative to the folder it was found under (the file name for
  a file given by path), without its suffixes.
- A JSONL file holds one page per line (`sources/jsonl.py`), streamed in bounded chunks.
- `-` is standard input: JSONL, or one page dump (id `stdin`) when it does not open with `{`.

A file or folder that is missing or unreadable, a device or pipe, a file that is binary, not
valid in the encoding, corrupt when compressed, or larger than `max_page_bytes`, a JSONL line
that is any of these or not a page, a link out of the folders given, and a page whose id was
already read each become a `Skipped` entry (`error`) naming the path (and line) and the reason;
a page with no text is skipped as `empty`; everything else is read. docs/input.md has the rules.
"""

from __future__ import annotations

import stat
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.memory import collector_paused
from dedupe_news.records import Corpus, Page, PageId, SkipKind, Skipped
from dedupe_news.sources.discover import Found, classify, shown_path, walk
from dedupe_news.sources.dump import (
    DECOMPRESSION_ERRORS,
    EMPTY,
    MAX_PAGE_BYTES,
    Decoder,
    head,
    is_jsonl,
    looks_like,
    open_bytes,
    sniffed_format,
)
from dedupe_news.sources.html import read_html_file, require
from dedupe_news.sources.jsonl import Fields, JsonlSource, pages
from dedupe_news.sources.warc import warc_pages

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator
    from typing import IO

STDIN = "-"
"""The source that names standard input."""
_STDIN_PATH = "<stdin>"
_STDIN_ID = "stdin"


def read_pages(  # noqa: PLR0913 - the documented keyword options of reading, one per concept
    *sources: str | os.PathLike[str],
    encoding: str = "utf-8",
    max_page_bytes: int = MAX_PAGE_BYTES,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    html_field: str | None = None,
    on_item: Callable[[Page | Skipped], None] | None = None,
) -> Corpus:
    """Read pages from files, folders, JSONL files and standard input (`"-"`).

    Args:
        *sources: Paths of page dumps, JSONL files, folders of them, or "-" for stdin.
        encoding: Text encoding of the inputs; "utf-8" also accepts a byte-order mark.
        max_page_bytes: A page dump or JSONL line larger than this is skipped, unread.
        include: Globs of file names in folders read as pages too (`"*.json"`).
        exclude: Globs of file names in folders not read (`"archive/*"`).
        id_field: The JSONL field holding a page's id.
        text_field: The JSONL field holding a page's text.
        title_field: The JSONL field holding a page's title (optional in each record).
        html_field: The JSONL field holding a page's HTML, if any (needs the `html` extra):
            a record with it is read as an HTML page.
        on_item: Called with each page and each skipped input as it is read (progress).

    Raises:
        ConfigError: `encoding` is not a text encoding, `max_page_bytes` is not positive, a
            glob or field name is not a non-empty string, or `html_field` is given without
            the `html` extra installed.

    Examples:
        >>> from dedupe_news.demo import seed_folder
        >>> corpus = read_pages(seed_folder())
        >>> len(corpus.pages), corpus.pages[0].id, corpus.skipped
        (5, '000_06e2ff613e5638d5', ())
    """
    roots = tuple(Path(s).resolve() for s in sources if s != STDIN and Path(s).is_dir())
    reader = _Reader(
        Decoder.of(encoding),
        _positive(max_page_bytes),
        _fields(id_field, text_field, title_field, html_field),
        _globs("include", include),
        _globs("exclude", exclude),
        roots,
    )
    found: dict[PageId, Page] = {}
    skipped: list[Skipped] = []
    with collector_paused():  # pages and records make no cycles; each collection walks them all
        for source in sources:
            for item in reader.source(source):
                if on_item is not None:
                    on_item(item)
                if isinstance(item, Skipped):
                    skipped.append(item)
                elif item.id in found:
                    first = found[item.id].path
                    reason = f"duplicate page id {item.id!r}, first read from {first}"
                    skipped.append(Skipped(str(item.path), reason))
                else:
                    found[item.id] = item
    return Corpus(tuple(found.values()), tuple(skipped))


def _fields(id_field: str, text_field: str, title_field: str, html_field: str | None) -> Fields:
    if html_field is not None:
        require()  # asked for HTML: without the extra it is a usage error, before any reading
    return Fields(id_field, text_field, title_field, html_field)


def _positive(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"max_page_bytes must be a positive integer, got {value!r}"
        raise ConfigError(msg)
    return value


def _globs(what: str, globs: Iterable[str]) -> tuple[str, ...]:
    patterns = (globs,) if isinstance(globs, str) else tuple(globs)
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern:
            msg = f"{what} globs must be non-empty strings, got {pattern!r}"
            raise ConfigError(msg)
    return patterns


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads sources one file, and one JSONL line, at a time."""

    decoder: Decoder
    max_page_bytes: int
    fields: Fields
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    roots: tuple[Path, ...]

    def source(self, source: str | os.PathLike[str]) -> Iterator[Page | Skipped]:
        """Yield the pages of one source and a `Skipped` per input not read, in sorted order."""
        if source == STDIN:
            yield from self.stdin(sys.stdin.buffer)
            return
        path = Path(source)
        if not path.is_dir():  # a file given by path is read whatever its name
            found = classify(path, path.name, ("*",), ())
            yield from self.file(found) if isinstance(found, Found) else (found,)
            return
        for item in walk(path, self.roots):
            if isinstance(item, Skipped):
                yield item
                continue
            found = classify(item[0], item[1], self.include, self.exclude)
            yield from self.file(found) if isinstance(found, Found) else (found,)

    def file(self, found: Found) -> Iterator[Page | Skipped]:
        """Yield the page of a page dump, or each page of a JSONL file."""
        shown = shown_path(found.path)
        try:
            if not stat.S_ISREG(found.path.stat().st_mode):  # a device or pipe could be endless
                yield Skipped(shown, "not a regular file")
                return
            if found.format in {"html", "warc"}:
                yield from self.markup(found, found.format, shown)
                return
            stored, start = head(found.path, found.compression)
            sniffed = sniffed_format(start) if found.format == "sniff" else None
            if sniffed is not None:  # a file given by path or --include'd: its bytes decide
                yield from self.markup(found, sniffed, shown)
                return
            looks = looks_like(stored, start, found.compression)
            if looks is not None:
                yield Skipped(shown, *looks)
                return
            if found.format == "jsonl" or (found.format == "sniff" and is_jsonl(start)):
                source = JsonlSource(shown, found.page_id)
                with open_bytes(found.path, found.compression) as stream:
                    yield from pages(stream, source, self.fields, self.decoder, self.max_page_bytes)
                return
            yield self.dump(found, shown)
        except DECOMPRESSION_ERRORS as error:  # OSError included: a gzip error is one
            strerror = getattr(error, "strerror", None)
            yield Skipped(shown, strerror or f"not valid {found.compression} data: {error}")

    def markup(self, found: Found, kind: str, shown: str) -> Iterator[Page | Skipped]:
        """Yield the page of an HTML file, or the pages of a WARC archive (the html extra)."""
        try:
            require()
        except ConfigError as error:  # named and skipped: the other inputs are still read
            yield Skipped(shown, str(error))
            return
        if kind == "warc":
            yield from warc_pages(found.path, max_page_bytes=self.max_page_bytes)
            return
        try:
            # An HTML page declares its own charset (BOM, <meta>): `encoding` is for text.
            yield read_html_file(found.path, found.page_id, max_page_bytes=self.max_page_bytes)
        except InputError as error:
            yield Skipped(shown, error.reason)

    def dump(self, found: Found, shown: str) -> Page | Skipped:
        """Return the page of one page dump, or why it is skipped."""
        if not found.compression:
            size = found.path.stat().st_size
            if size > self.max_page_bytes:
                return Skipped(shown, self._too_large(f"{size} bytes"))
        with open_bytes(found.path, found.compression) as stream:
            data = stream.read(self.max_page_bytes + 1)
        if len(data) > self.max_page_bytes:
            return Skipped(shown, self._too_large("decompressed"))
        return self.page(data, PageId(found.page_id), shown)

    def page(self, data: bytes, page_id: PageId, shown: str) -> Page | Skipped:
        """Return the page of a dump's bytes, or why it is skipped."""
        try:
            text = self.decoder.decode(data, shown, 0)
        except InputError as error:
            return Skipped(shown, error.reason)
        if not text.strip():
            return Skipped(shown, EMPTY, SkipKind.EMPTY)
        return Page(id=page_id, text=text, path=shown)

    def stdin(self, stream: IO[bytes]) -> Iterator[Page | Skipped]:
        """Yield the pages on standard input: JSONL, or one page dump."""
        pending: deque[bytes] = deque()
        line = stream.readline(self.max_page_bytes + 1)
        while line and not line.strip():  # blank lines: kept, so JSONL line numbers hold
            pending.append(line)
            line = stream.readline(self.max_page_bytes + 1)
        pending.append(line)
        prefixed = _Prefixed(pending, stream)
        if is_jsonl(line):
            source = JsonlSource(_STDIN_PATH, _STDIN_ID)
            yield from pages(prefixed, source, self.fields, self.decoder, self.max_page_bytes)
            return
        data = prefixed.read(self.max_page_bytes + 1)
        if len(data) > self.max_page_bytes:
            yield Skipped(_STDIN_PATH, self._too_large("standard input"))
        else:
            yield self.page(data, PageId(_STDIN_ID), _STDIN_PATH)

    def _too_large(self, size: str) -> str:
        return f"{size}, over the maximum page size of {self.max_page_bytes} bytes"


class _Prefixed:
    """A byte stream with some lines already read put back in front of it."""

    def __init__(self, pending: deque[bytes], stream: IO[bytes]) -> None:
        """Read `pending` first, then `stream`."""
        self._pending = pending
        self._stream = stream

    def readline(self, size: int = -1, /) -> bytes:
        """Return the next pending line, or the stream's next line."""
        return self._pending.popleft() if self._pending else self._stream.readline(size)

    def read(self, size: int = -1, /) -> bytes:
        """Return at most `size` bytes: the pending lines, then the stream's."""
        data = b"".join(self._pending)
        self._pending.clear()
        more = self._stream.read(size - len(data)) if size >= 0 else self._stream.read()
        return data + more
