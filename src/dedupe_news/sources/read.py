r"""Read: page dumps, folders of them, and JSONL -> pages; bad input is skipped, by name.

- A page dump is a UTF-8 text file (`\n` or `\r\n`, an optional BOM): its id is its path
  relative to the root it was found under, without the extension.
- A folder is read recursively: its files in sorted order, then its sub-folders in sorted
  order; hidden files and folders are passed over
  and symbolic links to folders are not followed (no loops).
- A `.jsonl` file holds one page per line: `{"id": str, "text": str}` plus optional `url`,
  `site` and `published` strings.

A file or folder that is missing or unreadable, a device or pipe, a page with no text, a
file that is binary (holds a NUL byte), not valid in the encoding, or larger than
`max_page_bytes`, a JSONL line that is any of these or not a page, and a page whose id was
already read, each become a `Skipped` entry naming the path (and line) and the reason;
everything else is read. JSONL is streamed line by line.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import Corpus, Page, PageId, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterator

MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Default largest page (a page dump file, or one JSONL line) that is read; larger is skipped."""

_JSONL_SUFFIX = ".jsonl"
_METADATA = ("url", "site", "published")
_BOM = b"\xef\xbb\xbf"
_EMPTY = "empty page (no text)"


def read_pages(
    *sources: str | os.PathLike[str],
    encoding: str = "utf-8",
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> Corpus:
    """Read pages from files, folders and JSONL files.

    Args:
        *sources: Paths of page dumps, `.jsonl` files, or folders of them.
        encoding: Text encoding of the inputs; "utf-8" also accepts a byte-order mark.
        max_page_bytes: A page dump file or JSONL line larger than this is skipped.

    Raises:
        ConfigError: `encoding` is not a known codec, or `max_page_bytes` is not positive.

    Examples:
        >>> from dedupe_news.demo import seed_folder
        >>> corpus = read_pages(seed_folder())
        >>> len(corpus.pages), corpus.pages[0].id, corpus.skipped
        (5, '000_06e2ff613e5638d5', ())
    """
    reader = _Reader(_codec(encoding), encoding, _positive(max_page_bytes))
    pages: dict[PageId, Page] = {}
    skipped: list[Skipped] = []
    for source in sources:
        for item in reader.source(Path(source)):
            if isinstance(item, Skipped):
                skipped.append(item)
            elif item.id in pages:
                first = pages[item.id].path
                reason = f"duplicate page id {item.id!r}, first read from {first}"
                skipped.append(Skipped(str(item.path), reason))
            else:
                pages[item.id] = item
    return Corpus(tuple(pages.values()), tuple(skipped))


def _codec(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError as error:
        msg = f"encoding must be a known codec, got {encoding!r}"
        raise ConfigError(msg) from error
    return "utf-8-sig" if name == "utf-8" else name  # a BOM is not text


def _positive(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"max_page_bytes must be a positive integer, got {value!r}"
        raise ConfigError(msg)
    return value


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads sources one file, and one JSONL line, at a time."""

    codec: str
    encoding: str
    max_page_bytes: int

    def source(self, source: Path) -> Iterator[Page | Skipped]:
        """Yield the pages of one source and a `Skipped` per bad input, in sorted order."""
        if not source.is_dir():
            yield from self.file(source, source.parent)
            return
        for item in _walk(source):
            if isinstance(item, Skipped):
                yield item
            else:
                yield from self.file(item, source)

    def file(self, path: Path, root: Path) -> Iterator[Page | Skipped]:
        """Yield the page of a page dump, or each page of a JSONL file."""
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):  # a device or pipe could be endless
                yield Skipped(str(path), "not a regular file")
                return
            if path.suffix == _JSONL_SUFFIX:
                yield from self.jsonl(path)
                return
            if status.st_size > self.max_page_bytes:
                yield Skipped(str(path), self._too_large(status.st_size))
                return
            text = self.decode(path.read_bytes(), str(path), 0)
        except OSError as error:
            yield Skipped(str(path), error.strerror or type(error).__name__)
        except InputError as error:
            yield Skipped(str(path), error.reason)
        else:
            page_id = PageId(path.relative_to(root).with_suffix("").as_posix())
            if text.strip():
                yield Page(id=page_id, text=text, path=str(path))
            else:
                yield Skipped(str(path), _EMPTY)

    def jsonl(self, path: Path) -> Iterator[Page | Skipped]:
        """Yield each page of a JSONL file, streaming: one line in memory at a time."""
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                line = raw.removeprefix(_BOM) if number == 1 else raw
                if not line.strip():
                    continue
                try:
                    yield self.jsonl_page(line, str(path), number)
                except InputError as error:
                    yield Skipped(f"{error.path}:{error.line}", error.reason)

    def jsonl_page(self, line: bytes, path: str, number: int) -> Page:
        """Return the page on one JSONL line, or raise `InputError` naming the line."""
        if len(line) > self.max_page_bytes:
            raise InputError(path, number, self._too_large(len(line)))
        return _jsonl_page(self.decode(line, path, number), path, number)

    def decode(self, data: bytes, path: str, line: int) -> str:
        r"""Return the text of some bytes with `\n` line ends, or raise `InputError`."""
        nul = data.find(b"\0")
        if nul >= 0:
            raise InputError(path, line, f"binary data (NUL byte at byte offset {nul})")
        try:
            text = data.decode(self.codec)
        except UnicodeDecodeError as error:
            reason = f"not valid {self.encoding} at byte offset {error.start}"
            raise InputError(path, line, reason) from error
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _too_large(self, size: int) -> str:
        return f"{size} bytes, over the maximum page size of {self.max_page_bytes} bytes"


def _walk(root: Path) -> Iterator[Path | Skipped]:
    """Yield the files below a folder in sorted order, and a `Skipped` per unreadable folder."""
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(
        root, onerror=errors.append
    ):  # links to folders: not followed
        while errors:
            error = errors.pop()
            yield Skipped(str(error.filename), error.strerror or type(error).__name__)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder, name)
    for error in errors:
        yield Skipped(str(error.filename), error.strerror or type(error).__name__)


def _jsonl_page(line: str, path: str, number: int) -> Page:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(path, number, f"not JSON: {error.msg}") from error
    if not isinstance(record, dict):
        kind = type(record).__name__
        raise InputError(path, number, f"a page must be a JSON object, got {kind}")
    page_id, text = record.get("id"), record.get("text")
    if not isinstance(page_id, str) or not page_id:
        raise InputError(path, number, f"'id' must be a non-empty string, got {page_id!r}")
    if not isinstance(text, str):
        raise InputError(path, number, f"'text' must be a string, got {text!r}")
    if not text.strip():
        raise InputError(path, number, _EMPTY)
    metadata: dict[str, str | None] = {}
    for key in _METADATA:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(path, number, f"{key!r} must be a string, got {value!r}")
        metadata[key] = value
    return Page(
        PageId(page_id),
        text.replace("\r\n", "\n").replace("\r", "\n"),
        f"{path}:{number}",
        metadata["url"],
        metadata["site"],
        metadata["published"],
    )
