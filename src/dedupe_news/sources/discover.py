r"""Discover: folders -> the files that are pages, by name; every other file listed, not read.

A file is a page when its name says so: a page dump `.txt`, JSONL `.jsonl` or `.ndjson`,
HTML `.html`, `.htm` or `.xhtml`, each also compressed `.gz`, `.bz2` or `.xz`, and a WARC
archive `.warc` or `.warc.gz` (HTML and WARC need the `html` extra). `include` globs add
names, `exclude` globs remove them (matched against the path relative to the folder given,
`*` crossing `/`). Folders are walked
without recursion (an explicit stack: any depth), sorted, files before sub-folders; hidden
entries are passed over. Links to folders are never followed; a link whose target lies
outside every folder given is skipped (`link outside the scanned folder`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dedupe_news.records import SkipKind, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

Format = Literal["dump", "jsonl", "html", "warc", "sniff"]
"""How a file is read: a page dump, JSONL, HTML, WARC, or decided by its first bytes."""

COMPRESSIONS = (".gz", ".bz2", ".xz")
_FORMATS: dict[str, Format] = {
    ".txt": "dump",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
}
OUTSIDE = "link outside the scanned folder"


@dataclass(frozen=True, slots=True)
class Found:
    """A file to read as a page source.

    Attributes:
        path: Where it is.
        page_id: The id of its page (page dumps): the path relative to its folder, without
            its format and compression suffixes.
        format: How to read it.
        compression: Its compression suffix ("" when plain).
    """

    path: Path
    page_id: str
    format: Format
    compression: str


def shown_path(path: str | os.PathLike[str]) -> str:
    r"""Return a path as valid, one-line text: undecodable bytes and control characters escaped.

    Examples:
        >>> shown_path("a\nb.txt"), shown_path("caf\udce9.txt"), shown_path("été.txt")
        ('a\\nb.txt', 'caf\\xe9.txt', 'été.txt')
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    return char if char.isprintable() else char.encode("unicode_escape").decode("ascii")


def classify(
    path: Path, relative: str, include: Sequence[str], exclude: Sequence[str]
) -> Found | Skipped:
    """Return how a file found in a folder is read, or why it is not a page."""
    name = path.name
    compression = next((c for c in COMPRESSIONS if name.endswith(c)), "")
    stem = name.removesuffix(compression) if compression else name
    suffix = Path(stem).suffix
    for pattern in exclude:
        if fnmatchcase(relative, pattern):
            reason = f"not a page: excluded by {pattern!r}"
            return Skipped(shown_path(path), reason, SkipKind.NOT_PAGE)
    page_format = _FORMATS.get(suffix.lower())
    if page_format is None and any(fnmatchcase(relative, p) for p in include):
        page_format = "sniff"
    if page_format is None:
        return Skipped(shown_path(path), _not_page_reason(suffix), SkipKind.NOT_PAGE)
    relative_stem = relative.removesuffix(name) + Path(stem).stem
    return Found(path, shown_path(relative_stem), page_format, compression)


def _not_page_reason(suffix: str) -> str:
    return f"not a page: a {suffix} file" if suffix else "not a page: no page suffix"


def renamed(kind: str, suffix: str) -> str:
    """Return the note for a file whose bytes say another format than its name."""
    return f"looks like {kind}: give it a {suffix} name (or --include it) to read it as {kind}"


def walk(root: Path, roots: Sequence[Path]) -> Iterator[tuple[Path, str] | Skipped]:
    """Yield each file below a folder with its relative path, sorted, and a `Skipped` per problem.

    Iterative (an explicit stack), so any depth is fine; links to folders are not followed.
    """
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            yield Skipped(shown_path(folder), reason)
            continue
        folders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif not entry.is_symlink():
                yield path, path.relative_to(root).as_posix()
            elif not _inside(path, roots):
                yield Skipped(shown_path(path), OUTSIDE)
            elif not _is_dir(entry):  # a link to a folder inside: its folder is read anyway
                yield path, path.relative_to(root).as_posix()
        stack.extend(reversed(folders))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # pragma: no cover - is_dir reports a broken link as False
        return False


def _inside(link: Path, roots: Sequence[Path]) -> bool:
    target = link.resolve()
    return any(target.is_relative_to(root) for root in roots)
