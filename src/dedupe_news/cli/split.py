"""Split reading: a large JSONL file read and cut by forked processes while the pipeline loads.

Reading and cutting pages is Python, one core's work: 0.9 s of a 300k-segment scan, while
the other core waited. A `scan` of one plain JSONL file (`sources.plain_jsonl`) of at least
`MIN_BYTES`, on a POSIX system with two or more cores, cuts the file at line ends into byte
ranges (`sources.line_starts`). One child process per range past the first, forked before
anything else runs, reads its range (`sources.read_lines`), cuts its pages
(`pipeline.cut_pages`) and sends their fields, segment columns and skipped lines back
through a pipe. This process meanwhile loads the kernels the run needs, by running it on the
bundled seed pages, then reads and cuts the first range, which is smaller by what that load
costs (`_LOAD_BYTES`), and takes the children's in file order.

Every line keeps its number, and the pages and segments come in file order, so the report
is the one the serial reading gives, byte for byte. A child that fails (killed, out of
memory, any error) costs only time: its range is read here. So does a page id that a range
repeats from an earlier one, which the serial reading skips as a duplicate.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from dedupe_news.memory import collector_paused
from dedupe_news.records import Corpus, Page, Skipped
from dedupe_news.sources import line_starts, plain_jsonl, read_lines

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from dedupe_news.stages.segment import Cutter, CutColumns

logger = logging.getLogger(__name__)

MIN_BYTES = 16 << 20
"""The smallest file read by several processes: below it, a fork costs more than it saves."""
MAX_PROCESSES = 4
"""The most processes reading one file."""
_LOAD_BYTES = 16 << 20
"""The bytes this process would read and cut in the time it takes to load the kernels."""

_Item: TypeAlias = "Callable[[Page | Skipped], None]"


@dataclass(frozen=True, slots=True)
class _Child:
    """A forked child reading one range: its process id, its pipe's end, its range."""

    pid: int
    fd: int
    start: int
    end: int


def ranges(args: argparse.Namespace) -> list[int] | None:
    """Return the byte offsets cutting the scan's one input into ranges, or None.

    None when the scan reads serially: another command or input, a small file, one core
    (or `--threads 1`), no `os.fork`.
    """
    if args.command != "scan" or len(args.paths) != 1 or args.paths[0] == "-":
        return None
    if args.index is not None or args.scheduler is not None or not hasattr(os, "fork"):
        return None
    cores = min(len(os.sched_getaffinity(0)), args.threads or MAX_PROCESSES, MAX_PROCESSES)
    path = args.paths[0]
    if cores < 2 or not plain_jsonl(path, args.encoding):  # noqa: PLR2004 - one core: serial
        return None
    size = os.path.getsize(path)
    if size < MIN_BYTES:
        return None
    # Balanced when this process's load and first range take as long as a child's range.
    first = max(size - (cores - 1) * _LOAD_BYTES, 0) / cores / size
    starts = line_starts(path, [first] + [(1 - first) / (cores - 1)] * (cores - 1))
    return starts if len(starts) > 2 else None  # noqa: PLR2004 - one range: nothing to split


def read_and_cut(
    args: argparse.Namespace, starts: list[int], warm: Callable[[], None], on_item: _Item | None
) -> tuple[Cutter, list[Page], tuple[Skipped, ...]]:
    """Read and cut the scan's input in ranges; return the cutter, the pages and the skipped.

    `warm` runs in this process once the children are forked; `on_item` sees this
    process's own pages (and any range read here again).
    """
    from dedupe_news.stages.segment import Cutter  # noqa: PLC0415 - loads numba: not for --help

    pending = [_fork(args, start, end) for start, end in zip(starts[1:-1], starts[2:], strict=True)]
    cutter, kept, skipped = Cutter(), [], []
    try:
        warm()
        _cut_here(args, 0, starts[1], None, on_item, cutter, kept, skipped)
        while pending:
            child = pending.pop(0)
            sent = _received(child)
            if sent is None or not _new_ids(kept, sent[1][0]):
                logger.info("bytes %d-%d: read again by the first process", child.start, child.end)
                after = Corpus(tuple(kept), ())
                _cut_here(args, child.start, child.end, after, on_item, cutter, kept, skipped)
                continue
            more, fields, columns = sent
            cutter.extend(columns)
            kept.extend(_pages(fields))
            skipped.extend(more)
    finally:
        for child in pending:  # an error cut the run short: the children are not waited for
            _reap(child)
    return cutter, kept, tuple(skipped)


def _cut_here(  # noqa: PLR0913 - a range, what was read before it, and where its pages go
    args: argparse.Namespace,
    start: int,
    end: int,
    after: Corpus | None,
    on_item: _Item | None,
    cutter: Cutter,
    kept: list[Page],
    skipped: list[Skipped],
) -> None:
    """Read and cut a range in this process, its pages and skipped lines added to the run's."""
    from dedupe_news.pipeline import cut_pages  # noqa: PLC0415 - loads numba: not for --help

    pages, more = _drained(_read(args, start, end, after, on_item))
    kept.extend(cut_pages(pages, cutter, keep_page_text=False))
    skipped.extend(more)


def _new_ids(kept: list[Page], ids: list[object]) -> bool:
    """Whether none of these page ids was read before (else the serial reading skips them)."""
    return {page.id for page in kept}.isdisjoint(ids)


def _read(
    args: argparse.Namespace, start: int, end: int, after: Corpus | None, on_item: _Item | None
) -> Corpus:
    return read_lines(
        args.paths[0],
        start,
        end,
        encoding=args.encoding,
        max_page_bytes=args.max_page_bytes,
        id_field=args.id_field,
        text_field=args.text_field,
        title_field=args.title_field,
        html_field=args.html_field,
        after=after,
        on_item=on_item,
    )


def _fork(args: argparse.Namespace, start: int, end: int) -> _Child:
    """Fork a child reading and cutting bytes `start` to `end`; it writes them to a pipe."""
    readable, writable = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(writable)
        return _Child(pid, readable, start, end)
    code = 1  # the child: never returns, never runs the parent's exit handlers
    try:
        os.close(readable)
        with collector_paused(), os.fdopen(writable, "wb") as pipe:
            pickle.dump(_cut(args, start, end), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _cut(
    args: argparse.Namespace, start: int, end: int
) -> tuple[tuple[Skipped, ...], tuple[list[object], ...], CutColumns]:
    """Read and cut a range: its skipped lines, its pages' fields and its segment columns."""
    from dedupe_news.pipeline import cut_pages  # noqa: PLC0415 - loaded by the parent already
    from dedupe_news.stages.segment import Cutter  # noqa: PLC0415 - as above

    cutter = Cutter()
    pages, skipped = _drained(_read(args, start, end, None, None))
    cut = cut_pages(pages, cutter, keep_page_text=False)
    fields = tuple([getattr(page, name) for page in cut] for name in PAGE_FIELDS)
    return skipped, fields, cutter.columns()


PAGE_FIELDS = ("id", "path", "url", "site", "published", "titled")
"""The fields of a page without its text that a child sends (`Page` has `text` and `blocks`
besides, both empty then)."""


def _pages(fields: tuple[list[object], ...]) -> list[Page]:
    """Return the pages, without text, of the fields a child sent."""
    return [
        Page(i, "", p, u, s, d, titled=t)  # type: ignore[arg-type]  # a child's Page fields
        for i, p, u, s, d, t in zip(*fields, strict=True)
    ]


def _received(
    child: _Child,
) -> tuple[tuple[Skipped, ...], tuple[list[object], ...], CutColumns] | None:
    """Return what a child sent, or None when it failed."""
    with os.fdopen(child.fd, "rb", closefd=True) as pipe:
        data = pipe.read()
    _, status = os.waitpid(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 - our own child's data, through our own pipe
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None


def _reap(child: _Child) -> None:
    """Close a child's pipe (it stops at its next write) and wait for it."""
    os.close(child.fd)
    os.waitpid(child.pid, 0)


class Drain:
    """Iterate over the pages, each removed from the list as it goes: the caller keeps none.

    It tells its length (`__length_hint__`), so `dedupe` counts the pages without gathering
    them: each page's text is freed as soon as the page is segmented.
    """

    def __init__(self, pages: list[Page]) -> None:
        """Take the list over: it is emptied from its end, so it is reversed first."""
        pages.reverse()
        self._pages = pages

    def __iter__(self) -> Drain:
        """Return itself."""
        return self

    def __next__(self) -> Page:
        """Return the next page, no longer held by the list."""
        if not self._pages:
            raise StopIteration
        return self._pages.pop()

    def __length_hint__(self) -> int:
        """Return the number of pages left."""
        return len(self._pages)


def _drained(read: Corpus) -> tuple[Drain, tuple[Skipped, ...]]:
    """Return the pages read, to be drained (no tuple keeps their text), and the skipped."""
    return Drain(list(read.pages)), read.skipped
