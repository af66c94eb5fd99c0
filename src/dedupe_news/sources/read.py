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

import io
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
    with collector_paused():  # pages and records make no cycles; each collection walks them all
        items = (item for source in sources for item in reader.source(source))
        return _gathered(items, on_item, {})


def plain_jsonl(path: str | os.PathLike[str], encoding: str = "utf-8") -> bool:
    r"""Return whether `read_pages(path)` reads the file as JSONL, uncompressed, by lines.

    Such a file can be read by byte ranges (`read_lines`): a regular file holding JSONL,
    not compressed, in an encoding whose line end is the byte `\n`.
    """
    file = Path(path)
    found = classify(file, file.name, ("*",), ())
    try:
        if not isinstance(found, Found) or found.compression or not file.is_file():
            return False
        stored, start = head(file, "")
    except OSError:
        return False
    return (
        Decoder.of(encoding).ascii_compatible
        and found.format in {"sniff", "jsonl"}
        and sniffed_format(start) is None
        and looks_like(stored, start, "") is None
        and is_jsonl(start)
    )


def line_starts(path: str | os.PathLike[str], shares: Iterable[float]) -> list[int]:
    r"""Return the byte offsets that cut a file at line ends into parts of about these shares.

    Each offset is 0 or just after a `\n`, past the share's point; the offsets ascend, with
    the file's size last, and no part is empty.

    Examples:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile("wb", suffix=".jsonl") as file:
        ...     _ = file.write(b"aaaa\nbb\ncccc\n")
        ...     file.flush()
        ...     line_starts(file.name, [0.5, 0.5])
        [0, 8, 13]
    """
    with Path(path).open("rb") as file:
        size = file.seek(0, io.SEEK_END)
        starts, at = [0], 0.0
        for share in shares:
            at += share
            file.seek(max(int(size * at) - 1, starts[-1]))
            file.readline()  # on to the line's end: the next part starts after it
            if starts[-1] < file.tell() < size:
                starts.append(file.tell())
    return [*starts, size]


def read_lines(  # noqa: PLR0913 - the reading options of `read_pages` that apply to JSONL
    path: str | os.PathLike[str],
    start: int,
    end: int,
    *,
    encoding: str = "utf-8",
    max_page_bytes: int = MAX_PAGE_BYTES,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    html_field: str | None = None,
    after: Corpus | None = None,
    on_item: Callable[[Page | Skipped], None] | None = None,
) -> Corpus:
    """Read the lines in bytes `start` to `end` of a `plain_jsonl` file, as `read_pages(path)`.

    The lines keep their numbers in the file, so the pages of consecutive ranges (from
    `line_starts`), joined, are those `read_pages(path)` reads. A page whose id was read in
    an earlier range (`after`) is skipped as a duplicate, as `read_pages` skips it.

    Raises:
        ConfigError: As `read_pages` does.
    """
    reader = _Reader(
        Decoder.of(encoding),
        _positive(max_page_bytes),
        _fields(id_field, text_field, title_field, html_field),
        (),
        (),
        (),
    )
    file = Path(path)
    found = classify(file, file.name, ("*",), ())  # a file given by path: any name is read
    prefix = found.page_id if isinstance(found, Found) else file.stem
    source = JsonlSource(shown_path(file), prefix)
    earlier = {} if after is None else {page.id: page for page in after.pages}
    with collector_paused(), file.open("rb") as stream:
        first = 1 + _lines_before(stream, start)
        items = pages(
            _Range(stream, end),
            source,
            reader.fields,
            reader.decoder,
            reader.max_page_bytes,
            first=first,
        )
        read = _gathered(items, on_item, earlier)
    if after is None:
        return read
    return Corpus(read.pages[len(after.pages) :], read.skipped)


def _lines_before(stream: IO[bytes], start: int) -> int:
    """Return the line ends before byte `start`, leaving the stream there (or at its end)."""
    ends, left = 0, start
    while left > 0:
        block = stream.read(min(_COUNT_BYTES, left))
        if not block:  # the file ends before `start` (cut short since it was measured)
            break
        ends += block.count(b"\n")
        left -= len(block)
    return ends


_COUNT_BYTES = 1 << 20


class _Range:
    """A binary file's lines up to byte `end`, read from where the file stands."""

    def __init__(self, stream: IO[bytes], end: int) -> None:
        self._stream = stream
        self._left = end - stream.tell()

    def readline(self, size: int = -1, /) -> bytes:
        """Return the next line, at most `size` bytes of it, none past the range's end."""
        if self._left <= 0:
            return b""
        line = self._stream.readline(self._left if size < 0 else min(size, self._left))
        self._left -= len(line)
        return line


def _gathered(
    items: Iterable[Page | Skipped],
    on_item: Callable[[Page | Skipped], None] | None,
    found: dict[PageId, Page],
) -> Corpus:
    """Return the pages and skipped inputs, each page id read once; `found`: read before."""
    skipped: list[Skipped] = []
    for item in items:
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
