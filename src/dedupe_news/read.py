r"""Read: page dumps, folders of them, and JSONL -> pages; bad input is skipped, by name.

- A page dump is a UTF-8 text file (`\n` or `\r\n`, an optional BOM): its id is its path
  relative to the root it was found under, without the extension.
- A folder is read recursively in sorted order; hidden files and folders are passed over
  and symbolic links to folders are not followed (no loops).
- A `.jsonl` file holds one page per line: `{"id": str, "text": str}` plus optional `url`,
  `site` and `published` strings.

A file that is missing, unreadable, binary or not valid UTF-8, a JSONL line that is not a
page, and a page whose id was already read, become a `Skipped` entry naming the path (and
line) and the reason; everything else is read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.errors import InputError
from dedupe_news.records import Page, PageId, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterator

_BINARY_PROBE = 8192  # a NUL byte in the first bytes marks a binary file
_JSONL_SUFFIX = ".jsonl"
_METADATA = ("url", "site", "published")


@dataclass(frozen=True, slots=True)
class Corpus:
    """Pages read from some sources, and the inputs that were skipped."""

    pages: tuple[Page, ...]
    skipped: tuple[Skipped, ...] = ()


def read_pages(*sources: str | os.PathLike[str], encoding: str = "utf-8") -> Corpus:
    """Read pages from files, folders and JSONL files.

    Args:
        *sources: Paths of page dumps, `.jsonl` files, or folders of them.
        encoding: Text encoding of the inputs; "utf-8" also accepts a byte-order mark.

    Examples:
        >>> from dedupe_news.demo import seed_folder
        >>> corpus = read_pages(seed_folder())
        >>> len(corpus.pages), corpus.pages[0].id, corpus.skipped
        (5, '000_06e2ff613e5638d5', ())
    """
    pages: dict[PageId, Page] = {}
    skipped: list[Skipped] = []
    for source in sources:
        for item in iter_source(Path(source), encoding=encoding):
            if isinstance(item, Skipped):
                skipped.append(item)
            elif item.id in pages:
                first = pages[item.id].path
                reason = f"duplicate page id {item.id!r}, first read from {first}"
                skipped.append(Skipped(str(item.path), reason))
            else:
                pages[item.id] = item
    return Corpus(tuple(pages.values()), tuple(skipped))


def iter_source(source: Path, *, encoding: str = "utf-8") -> Iterator[Page | Skipped]:
    """Yield the pages of one source, and a `Skipped` for each bad input, in sorted order."""
    if source.is_dir():
        for path in _walk(source):
            yield from _read_file(path, source, encoding)
    else:
        yield from _read_file(source, source.parent, encoding)


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):  # does not follow links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder, name)


def _read_file(path: Path, root: Path, encoding: str) -> Iterator[Page | Skipped]:
    try:
        text = decode(path, encoding)
    except InputError as error:
        yield Skipped(str(path), error.reason)
        return
    if path.suffix == _JSONL_SUFFIX:
        yield from _jsonl_pages(path, text)
    else:
        page_id = PageId(path.relative_to(root).with_suffix("").as_posix())
        yield Page(id=page_id, text=text, path=str(path))


def decode(path: Path, encoding: str = "utf-8") -> str:
    r"""Return a file's text with `\n` line ends, or raise `InputError` saying why not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), 0, error.strerror or type(error).__name__) from error
    if b"\0" in data[:_BINARY_PROBE]:
        raise InputError(str(path), 0, "binary file (NUL byte)")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        reason = f"not valid {encoding} at byte offset {error.start}"
        raise InputError(str(path), 0, reason) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _jsonl_pages(path: Path, text: str) -> Iterator[Page | Skipped]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                yield _jsonl_page(line, str(path), number)
            except InputError as error:
                yield Skipped(f"{error.path}:{error.line}", error.reason)


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
    metadata: dict[str, str | None] = {}
    for key in _METADATA:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(path, number, f"{key!r} must be a string, got {value!r}")
        metadata[key] = value
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Page(
        PageId(page_id),
        text,
        f"{path}:{number}",
        metadata["url"],
        metadata["site"],
        metadata["published"],
    )
