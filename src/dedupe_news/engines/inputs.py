"""Inputs: a Dask run's sources -> one delayed batch of pages per partition.

Paths and globs are read by the workers: whole files grouped over partitions, and a large
plain JSONL file cut into byte ranges that start at line starts, so one big file still
spreads over many partitions. Each range is read by `sources.jsonl.pages` after as many
blank lines as the ranges before it hold (blank lines are skipped, never numbered pages), so
its records keep the `<file>:<line>` paths and ids `read_pages` gives them.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from dask.base import compute
from dask.delayed import delayed

from dedupe_news.errors import ConfigError
from dedupe_news.records import Corpus, Page, PageId, Skipped
from dedupe_news.sources.discover import Found, classify, shown_path
from dedupe_news.sources.dump import MAX_PAGE_BYTES, Decoder, head, is_jsonl, looks_like
from dedupe_news.sources.jsonl import Fields, JsonlSource, pages
from dedupe_news.sources.read import read_pages

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dask.delayed import Delayed

_GLOB = frozenset("*?[")
MAX_PARTITIONS = 64
"""Partitions of a path source at most when none are asked for."""
RANGE_BYTES = 64 << 20
"""Bytes of a JSONL file per range when the partitions are not given."""
_BLOCK = 1 << 24


@dataclass(frozen=True, slots=True)
class Range:
    """Bytes `[start, end)` of a plain JSONL file, cut at line starts, from line `first + 1`."""

    path: str
    start: int
    end: int
    first: int = 0


class _RangeStream:
    """A JSONL range as a line stream, after `blank` blank lines that number the lines."""

    def __init__(self, handle: BinaryIO, blank: int, end: int) -> None:
        self.handle, self.blank, self.end = handle, blank, end

    def readline(self, size: int = -1, /) -> bytes:
        """Return a blank line while any are left, then the range's next line (or b"")."""
        if self.blank:
            self.blank -= 1
            return b"\n"
        left = self.end - self.handle.tell()
        if left <= 0:
            return b""
        return self.handle.readline(left if size < 0 else min(size, left))


def read_range(part: Range) -> Corpus:
    """Read the pages of one range of a JSONL file, numbered as `read_pages` numbers them."""
    file = Path(part.path)
    found = classify(file, file.name, ("*",), ())
    prefix = found.page_id if isinstance(found, Found) else file.stem
    source = JsonlSource(shown_path(file), prefix)
    with Path(part.path).open("rb") as handle:
        handle.seek(part.start)
        stream = _RangeStream(handle, part.first, part.end)
        read = list(pages(stream, source, Fields(), Decoder.of("utf-8"), MAX_PAGE_BYTES))
    return _unique(read)


def newlines(part: Range) -> int:
    """Count the line ends of a range (a cheap pass: bytes counted in blocks)."""
    count = 0
    with Path(part.path).open("rb") as handle:
        handle.seek(part.start)
        left = part.end - part.start
        while left > 0:
            block = handle.read(min(_BLOCK, left))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def _unique(found: Sequence[Page | Skipped]) -> Corpus:
    """Keep a range's first page per id; later ones are skipped as `read_pages` skips them."""
    kept: dict[PageId, Page] = {}
    skipped: list[Skipped] = []
    for item in found:
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.id in kept:
            reason = f"duplicate page id {item.id!r}, first read from {kept[item.id].path}"
            skipped.append(Skipped(str(item.path), reason))
        else:
            kept[item.id] = item
    return Corpus(tuple(kept.values()), tuple(skipped))


def cut(path: str, count: int) -> list[Range]:
    r"""Cut a file into at most `count` ranges of about equal size, each at a line start.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder, "a.jsonl")
        ...     _ = path.write_bytes(b"aa\nbbbb\nc\n")
        ...     print([(r.start, r.end) for r in cut(str(path), 3)])
        [(0, 3), (3, 8), (8, 10)]
    """
    size = Path(path).stat().st_size
    starts = [0]
    with Path(path).open("rb") as handle:
        for k in range(1, count):
            handle.seek(max(size * k // count - 1, starts[-1]))
            handle.readline()  # on to the next line start
            at = handle.tell()
            if starts[-1] < at < size:
                starts.append(at)
    return [Range(path, a, b) for a, b in zip(starts, [*starts[1:], size], strict=True)]


def _splittable(path: str) -> bool:
    """Whether a path is a plain (uncompressed) JSONL file."""
    file = Path(path)
    if not file.is_file():
        return False
    found = classify(file, file.name, ("*",), ())
    if not isinstance(found, Found) or found.compression:
        return False
    stored, start = head(file, "")
    return looks_like(stored, start, "") is None and (
        found.format == "jsonl" or (found.format == "sniff" and is_jsonl(start))
    )


def path_partitions(sources: Sequence[object], partitions: int | None) -> list[Delayed]:
    """Return one delayed batch of pages per partition of paths and globs.

    When there are more partitions than files (asked for, or one per `RANGE_BYTES` of plain
    JSONL), the plain JSONL files are cut into ranges in proportion to their sizes, and every
    range and every other file is a partition of its own, in source order; else the files
    are grouped over the partitions.
    """
    units = [u for s in sources for u in _expand(str(s))]
    sizes = {u: Path(u).stat().st_size for u in units if _splittable(u)}
    ranges = sum(-(-s // RANGE_BYTES) for s in sizes.values())
    wanted = partitions or min(MAX_PARTITIONS, max(1, len(units), ranges))
    if wanted <= len(units) or not sizes:
        groups = [g.tolist() for g in np.array_split(np.array(units, dtype=object), wanted)]
        return [delayed(read_pages)(*g) for g in groups if g or not units]  # one, even empty
    spare, total = wanted - len(units) + len(sizes), max(1, sum(sizes.values()))
    cuts = {u: cut(u, max(1, round(spare * s / total))) for u, s in sizes.items()}
    ordered = iter(numbered([r for u in units for r in cuts.get(u, [])]))
    batches: list[Delayed] = []
    for unit in units:  # in source order: a whole file, or each range of a cut one
        if unit not in cuts:
            batches.append(delayed(read_pages)(unit))
            continue
        batches.extend(delayed(read_range)(next(ordered)) for _ in cuts[unit])
    return batches


def numbered(ranges: list[Range]) -> list[Range]:
    """Give each range the number of lines before it, counted on the workers."""
    counts = compute(*[delayed(newlines)(r) for r in ranges])
    out: list[Range] = []
    before, path = 0, None
    for part, count in zip(ranges, counts, strict=True):
        before = 0 if part.path != path else before
        out.append(Range(part.path, part.start, part.end, before))
        before, path = before + count, part.path
    return out


def _expand(source: str) -> list[str]:
    return sorted(glob.glob(source, recursive=True))  # noqa: PTH207 - a glob given as a string, absolute or not if _GLOB & set(source) else [source]


def check_partitions(partitions: int | None) -> None:
    """Refuse a number of partitions that is not a positive integer or None."""
    if partitions is not None and (
        isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1
    ):
        msg = f"partitions must be a positive integer or None, got {partitions!r}"
        raise ConfigError(msg)


def frame_pages(frame: object) -> list[Page]:
    """Return the pages of a pandas frame with `id` and `text` columns."""
    ids, texts = frame["id"].tolist(), frame["text"].tolist()  # type: ignore[index]
    return [Page(PageId(str(i)), str(t)) for i, t in zip(ids, texts, strict=True)]
