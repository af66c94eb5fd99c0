"""JSONL: one page per line -> pages, streamed in bounded chunks; a bad line is skipped by number.

A line is a JSON object; its fields are named by `Fields` (defaults `id`, `text`, `title`).
An id is a non-empty string or an integer (`10593548` -> `"10593548"`; `true` is not an id);
a line without one (missing or null) gets `<file stem>:<line>`. A title is put before the
text as the page's first line. `url`, `site` and `published` are kept when they are strings;
trafilatura's `--json` names are read too (`source`, `hostname`/`source-hostname`, `date`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import orjson

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import Page, PageId, SkipKind, Skipped
from dedupe_news.sources.dump import BOM, EMPTY

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dedupe_news.sources.dump import Decoder

_CHUNK = 1 << 16
# Each metadata field and the names it is read from, first present string wins.
_METADATA = {
    "url": ("url", "source"),
    "site": ("site", "hostname", "source-hostname"),
    "published": ("published", "date"),
}


class LineStream(Protocol):
    """What JSONL is read from: a binary file, a decompressing stream, standard input."""

    def readline(self, size: int = -1, /) -> bytes:
        """Return the next line, at most `size` bytes of it."""


@dataclass(frozen=True, slots=True)
class Fields:
    """The names of the JSONL fields that hold a page's id, text, title and HTML.

    `html` is None unless asked for: then a record whose `html` field holds a string is an
    HTML page (segments from its DOM, the `html` extra), and its text field is not needed.
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    html: str | None = None

    def __post_init__(self) -> None:
        """Refuse a field name that is not a non-empty string."""
        names = (("id", self.id), ("text", self.text), ("title", self.title))
        for what, name in (*names, *((("html", self.html),) if self.html is not None else ())):
            if not isinstance(name, str) or not name:
                msg = f"{what}_field must be a non-empty string, got {name!r}"
                raise ConfigError(msg)


@dataclass(frozen=True, slots=True)
class JsonlSource:
    """One JSONL stream: its name in messages and the prefix of the ids it makes up."""

    path: str
    id_prefix: str


def lines(stream: LineStream, limit: int, first: int = 1) -> Iterator[tuple[int, bytes | int]]:
    """Yield (number, line) per line, or (number, size) for a line over `limit` bytes.

    Lines are numbered from `first` (the stream's first line is the file's line `first`).
    At most `limit + 1` bytes of a line are held: a longer one is read on to its end in
    chunks and counted, never kept.
    """
    number = first - 1
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit:
            yield number, line.removeprefix(BOM) if number == 1 else line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(_CHUNK)
            if not line:
                break
            size += len(line)
        yield number, size


def pages(  # noqa: PLR0913 - the stream, what it is, how to read it, where it starts
    stream: LineStream,
    source: JsonlSource,
    fields: Fields,
    decoder: Decoder,
    limit: int,
    *,
    first: int = 1,
) -> Iterator[Page | Skipped]:
    """Yield each page of a JSONL stream, and a `Skipped` per bad line (numbered from `first`)."""
    # The fields read from a record, when orjson parses it (`_fast_record`), else None.
    read = (fields.id, fields.text, fields.title, fields.html, *_READ_METADATA)
    fast = read if decoder.codec == _UTF8 else None
    for number, line in lines(stream, limit, first):
        if isinstance(line, int):
            reason = f"{line} bytes, over the maximum page size of {limit} bytes"
            yield Skipped(f"{source.path}:{number}", reason)
            continue
        if not line or line.isspace():  # a blank line: `not line.strip()` without its copy
            continue
        try:
            record = None if fast is None else _fast_record(line, fast)
            valid = record is not None
            if record is None:
                record = _record(decoder.decode(line, source.path, number), source.path, number)
            yield _page(record, source, fields, number, valid=valid)
        except InputError as error:
            kind = SkipKind.EMPTY if error.reason == EMPTY else SkipKind.ERROR
            yield Skipped(f"{source.path}:{number}", error.reason, kind)


def _page(
    record: dict[str, object], source: JsonlSource, fields: Fields, number: int, *, valid: bool
) -> Page:
    """Return the page of a record; `valid` says its strings are known to be valid UTF-8."""
    raw_id, text, title = record.get(fields.id), record.get(fields.text), record.get(fields.title)
    page_id = _page_id(raw_id, fields.id, source, number, valid=valid)
    markup = record.get(fields.html) if fields.html is not None else None
    if isinstance(markup, str):
        return _html_page(markup, record, page_id, source, number)
    if not isinstance(text, str):
        raise InputError(source.path, number, f"{fields.text!r} must be a string, got {text!r}")
    if not valid:
        _check_text(text, fields.text, source.path, number)
    if not text or text.isspace():  # `not text.strip()`, without stripping a copy
        raise InputError(source.path, number, EMPTY)
    titled = isinstance(title, str) and bool(title) and not title.isspace()
    if titled:
        if not valid:
            _check_text(str(title), fields.title, source.path, number)
        text = _titled(" ".join(str(title).split()), text)
    url = _metadata(record, _METADATA["url"], source.path, number, valid=valid)
    site = _metadata(record, _METADATA["site"], source.path, number, valid=valid)
    published = _metadata(record, _METADATA["published"], source.path, number, valid=valid)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Page(
        PageId(page_id), text, f"{source.path}:{number}", url, site, published, titled=titled
    )


def _html_page(
    markup: str, record: dict[str, object], page_id: str, source: JsonlSource, number: int
) -> Page:
    """Return the HTML page held in a record's HTML field (`--html-field`)."""
    from dedupe_news.sources.html import html_page  # noqa: PLC0415 - only with --html-field

    metadata = {
        key: _metadata(record, names, source.path, number, valid=False)
        for key, names in _METADATA.items()
    }
    _check_text(markup, "html", source.path, number)
    page = html_page(
        markup.encode("utf-8"),
        page_id=page_id,
        path=f"{source.path}:{number}",
        url=metadata["url"],
        published=metadata["published"],
        encoding="utf-8",  # the JSON string is text already: no charset to sniff
    )
    return page if metadata["site"] is None else replace(page, site=metadata["site"])


def _titled(title: str, text: str) -> str:
    """Put the title on the page's first line, unless the text already opens with it."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return text if first == title else f"{title}\n{text}"


_UTF8 = "utf-8-sig"
_PLAIN = frozenset({str, int, bool, type(None)})


def _fast_record(line: bytes, read: tuple[str | None, ...]) -> dict[str, object] | None:
    """Return the line's record as `_record` would, or None where they might differ.

    orjson parses the UTF-8 bytes without decoding them to a string first: 1.25-1.3x faster
    than decoding and `json` on a generated crawl's lines, and no text check is left to do.
    Whatever it refuses goes to `_record`, so errors read as they always did: bytes that are
    not UTF-8, a byte-order mark, NaN, lone surrogates, deep nesting. It reads an
    integer beyond 64 bits as a float, even inside a list, so a record whose `read` fields
    hold anything but strings, integers, booleans and null goes to `_record` too. orjson
    refuses lone surrogates, so its strings are all valid UTF-8 (`_check_text` finds nothing
    in them).
    """
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not _PLAIN.issuperset(map(type, map(record.get, read))):
        return None
    return record


_READ_METADATA = tuple(name for names in _METADATA.values() for name in names)


def _record(line: str, path: str, number: int) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(path, number, f"not JSON: {error.msg}") from error
    except ValueError as error:  # an integer over sys.get_int_max_str_digits() digits
        raise InputError(path, number, "not JSON: a number with too many digits") from error
    except RecursionError as error:  # thousands of nested [ or {
        raise InputError(path, number, "not JSON: nested too deeply") from error
    if not isinstance(record, dict):
        kind = type(record).__name__
        raise InputError(path, number, f"a page must be a JSON object, got {kind}")
    return record


def _page_id(value: object, field: str, source: JsonlSource, number: int, *, valid: bool) -> str:
    if value is None:
        return f"{source.id_prefix}:{number}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        reason = f"{field!r} must be a non-empty string or an integer, got {value!r}"
        raise InputError(source.path, number, reason)
    if not valid:
        _check_text(value, field, source.path, number)
    return value


def _check_text(value: str, field: str, path: str, number: int) -> None:
    """Refuse a string that cannot be written as UTF-8: one holding a lone surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        reason = f"{field!r} holds a lone surrogate at character {error.start}"
        raise InputError(path, number, reason) from error


def _metadata(
    record: dict[str, object], names: tuple[str, ...], path: str, number: int, *, valid: bool
) -> str | None:
    """Return the first of these fields holding a string; `valid`: its text is checked."""
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            if name == names[0]:
                raise InputError(path, number, f"{name!r} must be a string, got {value!r}")
            continue  # another tool's field of another type: not ours to refuse
        if not valid:
            _check_text(value, name, path, number)
        return value
    return None
