"""Split reading: a large JSONL file read and cut by forked processes while the pipeline loads.

Reading and cutting pages is Python, one core's work: 0.9 s of a 300k-segment scan, while
the other core waited. A `scan` of one plain JSONL file (`sources.plain_jsonl`) of at least
`MIN_BYTES`, on Linux with two or more cores, cuts the file at line ends into byte ranges
(`sources.line_starts`). One child process per range past the first, forked before anything
else runs, reads its range (`sources.read_lines`), cuts its pages (`pipeline.cut_pages`) and
sends their fields, segment columns and skipped lines back through a pipe (`send`). This
process meanwhile loads what the run needs (`warm`), then reads and cuts the first range,
smaller by what that load costs (`_LOAD_BYTES`), and takes the children's in file order.

Every line keeps its number, and the pages and segments come in file order, so the report
is the one the serial reading gives, byte for byte. A child that fails (killed, out of
memory, any error) costs only time: its range is read here. So does a range repeating a
page id of an earlier range, which the serial reading skips as a duplicate.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sys
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeAlias, cast

from dedupe_news.memory import collector_paused
from dedupe_news.records import Corpus, Page, Skipped
from dedupe_news.sources import line_starts, plain_jsonl, read_lines

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from dedupe_news.stages.segment import CutColumns, Cutter

logger = logging.getLogger(__name__)

MIN_BYTES = 16 << 20
"""The smallest file read by several processes: below it, a fork costs more than it saves."""
MAX_PROCESSES = 4
"""The most processes reading one file."""
_LOAD_BYTES = 24 << 20
"""What this process would read and cut in the time `warm` takes (0.2 s on 2 cores)."""
_CHILD_COST = 1.3
"""A child's time per byte against this process's: it pickles what it cut, and the busy
processes share the machine (on the 3.08M-segment crawl the parent read its half in 3.9 s,
the child its half and its pickle in 5.5-6 s)."""

PAGE_FIELDS = ("id", "path", "url", "site", "published", "titled")
"""The fields a child sends of each page (`Page` has `text` and `blocks` besides, empty)."""
_TEXTS = 4  # the texts' place in `CutColumns`
_PROTOCOL = pickle.HIGHEST_PROTOCOL

_Item: TypeAlias = "Callable[[Page | Skipped], None]"
_Sent: TypeAlias = "tuple[tuple[Skipped, ...], tuple[list[object], ...], CutColumns]"


def ranges(args: argparse.Namespace) -> list[int] | None:
    """Return the byte offsets cutting the scan's input into ranges, or None to read serially.

    None for another command, another input than one plain JSONL file of `MIN_BYTES` or
    more, one core (or `--threads 1`), or a system other than Linux (where forking a
    process that has loaded system frameworks is not safe).
    """
    if args.command != "scan" or len(args.paths) != 1 or not sys.platform.startswith("linux"):
        return None
    if args.index is not None or args.scheduler is not None:
        return None
    processes = min(len(os.sched_getaffinity(0)), args.threads or MAX_PROCESSES, MAX_PROCESSES)
    path = args.paths[0]
    if processes < 2 or path == "-" or not plain_jsonl(path, args.encoding):
        return None
    size = Path(path).stat().st_size
    if size < MIN_BYTES:
        return None
    # Balanced when this process's load and first range take as long as a child's range:
    # first + LOAD = (1 - first) / children * COST, in bytes of the file.
    share = _CHILD_COST / (processes - 1)
    first = max(share - _LOAD_BYTES / size, 0) / (1 + share)
    starts = line_starts(path, [first] + [(1 - first) / (processes - 1)] * (processes - 1))
    return starts if len(starts) > 2 else None  # a single range: nothing to split


@dataclass(slots=True)
class _Cut:
    """The run's pages as they are cut: the cutter, the pages kept, the inputs skipped."""

    cutter: Cutter
    kept: list[Page] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def read_here(
        self, args: argparse.Namespace, start: int, end: int, on_item: _Item | None
    ) -> None:
        """Read and cut a range in this process, after the pages kept."""
        from dedupe_news.pipeline import cut_pages  # noqa: PLC0415 - loaded with the cutter

        after = Corpus(tuple(self.kept), ()) if self.kept else None
        pages, skipped = _drained(_read(args, start, end, after, on_item))
        self.kept.extend(cut_pages(pages, self.cutter, keep_page_text=False))
        self.skipped.extend(skipped)

    def take(self, sent: _Sent) -> bool:
        """Add a child's range after the pages kept; False when it repeats a page id."""
        skipped, fields, columns = sent
        if not {page.id for page in self.kept}.isdisjoint(fields[0]):
            return False
        self.cutter.extend(columns)
        self.kept.extend(
            Page(i, "", p, u, s, d, titled=t)  # `PAGE_FIELDS`, as the child sent them
            for i, p, u, s, d, t in zip(*fields, strict=True)
        )
        self.skipped.extend(skipped)
        return True


@dataclass(frozen=True, slots=True)
class _Child:
    """A forked child reading one range: its process id, its pipe's end, its range."""

    pid: int
    fd: int
    start: int
    end: int


def read_and_cut(
    args: argparse.Namespace, starts: list[int], warm: Callable[[], None], on_item: _Item | None
) -> tuple[Cutter, list[Page], tuple[Skipped, ...]]:
    """Read and cut the scan's input by ranges; return the cutter, the pages and the skipped.

    `warm` runs in this process once the children are forked; `on_item` sees the pages
    read here (the first range, and any range read here again).
    """
    from dedupe_news.stages.segment import Cutter  # noqa: PLC0415 - loads numba: not for --help

    logger.info("%s: read by %d processes", args.paths[0], len(starts) - 1)
    cut = _Cut(Cutter())
    pending: list[_Child | tuple[int, int]] = []  # a range without a child is read here
    try:
        for start, end in pairwise(starts[1:]):
            pending.append(_forked(args, start, end))
        warm()
        cut.read_here(args, 0, starts[1], on_item)
        while pending:
            child = pending.pop(0)
            if isinstance(child, _Child):
                sent = _received(child, cut.cutter)
                if sent is not None and cut.take(sent):
                    continue
                child = (child.start, child.end)
            logger.info("bytes %d-%d: read by the first process", *child)
            cut.read_here(args, *child, on_item)
    finally:
        for child in pending:  # an error cut the run short: the children are not read
            if isinstance(child, _Child):
                os.close(child.fd)
                _stop(child)
    return cut.cutter, cut.kept, tuple(cut.skipped)


def reading(args: argparse.Namespace) -> dict[str, Any]:
    """Return the reading options of the command line that JSONL lines are read with."""
    names = ("encoding", "max_page_bytes", "id_field", "text_field", "title_field", "html_field")
    return {name: getattr(args, name) for name in names}


def _read(
    args: argparse.Namespace, start: int, end: int, after: Corpus | None, on_item: _Item | None
) -> Corpus:
    return read_lines(args.paths[0], start, end, after=after, on_item=on_item, **reading(args))


def _forked(args: argparse.Namespace, start: int, end: int) -> _Child | tuple[int, int]:
    """Fork a child reading and cutting bytes `start` to `end`; it writes them to a pipe.

    Returns the range alone when the system refuses a process or a pipe.
    """
    try:
        readable, writable = os.pipe()
    except OSError:
        return start, end
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(readable)
        os.close(writable)
        return start, end
    if not pid:  # pragma: no cover - the child, which coverage does not follow
        _child(args, start, end, readable, writable)
    os.close(writable)
    return _Child(pid, readable, start, end)


def _child(  # pragma: no cover - the forked child's side, which ends in `os._exit`
    args: argparse.Namespace, start: int, end: int, readable: int, writable: int
) -> NoReturn:
    """Send the range through the pipe and end: never return, nor run the exit handlers.

    Coverage cannot see this (its data is saved at exit); tests/test_split.py runs it in
    every split scan, and `send` in this process too.
    """
    code = 1
    try:
        os.close(readable)
        with collector_paused(), os.fdopen(writable, "wb") as pipe:
            send(args, start, end, pipe)
        code = 0
    finally:
        os._exit(code)


def send(args: argparse.Namespace, start: int, end: int, pipe: IO[bytes]) -> None:
    """Read and cut a range; write its skipped lines, pages' fields and cutter's columns.

    One pickle: it writes each string once however many segments share it (the cutter's
    texts are one string per distinct text), and `take` shares them with the reader's own.
    """
    from dedupe_news.pipeline import cut_pages  # noqa: PLC0415 - loaded by the parent already
    from dedupe_news.stages.segment import Cutter  # noqa: PLC0415 - as above

    cutter = Cutter()
    pages, skipped = _drained(_read(args, start, end, None, None))
    cut = cut_pages(pages, cutter, keep_page_text=False)
    fields = tuple([getattr(page, name) for page in cut] for name in PAGE_FIELDS)
    pickle.dump((skipped, fields, cutter.columns()), pipe, _PROTOCOL)


def take(pipe: IO[bytes], cutter: Cutter) -> _Sent:
    """Read what `send` wrote, its texts shared with the equal texts `cutter` holds.

    Raises:
        EOFError: The data ends early (a child that died); broken data raises what
            unpickling it raises.
    """
    skipped, fields, columns = pickle.load(pipe)  # noqa: S301 - our own child's data
    texts = cutter.share(columns[_TEXTS])
    return skipped, fields, cast("CutColumns", (*columns[:_TEXTS], texts, *columns[_TEXTS + 1 :]))


def _received(child: _Child, cutter: Cutter) -> _Sent | None:
    """Return what a child sent, its texts shared with `cutter`'s; None when it failed."""
    with os.fdopen(child.fd, "rb") as pipe:
        try:
            sent = take(pipe, cutter)
        except Exception:  # noqa: BLE001 - whatever broke its data (a crash, a kill): read again
            _stop(child)
            return None
    _, status = os.waitpid(child.pid, 0)
    return sent if os.waitstatus_to_exitcode(status) == 0 else None


def _stop(child: _Child) -> None:
    """Stop a child whose pipe is not read on, and wait for it."""
    with contextlib.suppress(ProcessLookupError):  # it has ended already
        os.kill(child.pid, signal.SIGKILL)
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
