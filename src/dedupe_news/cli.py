"""CLI: `dedupe-news scan|export|demo` (also `python -m dedupe_news ...`).

Exit codes (docs/cli.md): 0 done (empty pages and files that are not pages included); 3 done,
but some input was skipped as an error (with `--strict`: nothing written); 2 usage or
configuration error, or the report cannot be written; 130 interrupted (Ctrl-C); 141 stdout
closed by its reader (a broken pipe); 143 terminated (SIGTERM). A bug keeps its traceback and
Python's exit code 1. Data goes to stdout or `--output`, messages to stderr.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import asdict, fields
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from dedupe_news.config import DEFAULT, Config
from dedupe_news.demo import seed_folder
from dedupe_news.errors import DedupeNewsError
from dedupe_news.records import SkipKind, Skipped
from dedupe_news.report import FORMATS, open_binary_atomically, write_corpus, write_report
from dedupe_news.sources import MAX_PAGE_BYTES, read_pages

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import FrameType

    from tqdm import tqdm

    from dedupe_news.records import Corpus, Page, Report

EXIT_OK = 0
EXIT_SKIPPED = 3
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
EXIT_TERMINATED = 128 + signal.SIGTERM
_NOT_PAGES_SHOWN = 5
# Output to stdout is collected first (in memory up to this size, then in a temporary file)
# and written in one go, so an interrupt before the end writes nothing.
_SPOOL_BYTES = 64 * 1024 * 1024

# One flag per Config field, grouped by the stage that reads it.
_STAGES: dict[str, tuple[str, ...]] = {
    "fingerprint": ("shingle_size", "num_perm", "seed", "scheme", "fold_diacritics"),
    "candidates": ("threshold", "anchor_words"),
    "verification": ("min_score", "min_containment_words"),
    "labels": ("boilerplate_min_pages", "article_min_shared"),
}
_HELP = {
    "shingle_size": "words per shingle",
    "num_perm": "MinHash permutations (signature width)",
    "seed": "seed of the MinHash permutations",
    "scheme": "MinHash permutation scheme",
    "fold_diacritics": "fold diacritics in normalization (é -> e)",
    "threshold": "LSH Jaccard threshold for candidates",
    "anchor_words": "words in a head/tail anchor that makes a candidate",
    "min_score": "verification score a candidate needs to match, in [0, 1]",
    "min_containment_words": "words the shorter text needs for containment to count",
    "boilerplate_min_pages": "stories a repeated article text must span to be template",
    "article_min_shared": "fraction of shared story segments that makes two pages copies",
}


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of the CLI, named as it was started (`program_name`)."""
    parser = argparse.ArgumentParser(
        prog=prog or program_name(),
        description="Find repeated text in scraped news pages.",
    )
    parser.add_argument("--version", action="version", version=version("dedupe-news"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan = commands.add_parser("scan", help="scan page dumps, folders or JSONL files")
    scan.add_argument(
        "paths", nargs="+", metavar="PATH", help="file, folder, .jsonl, or - for stdin"
    )
    _add_run_options(scan, default_format="json")
    _add_index_option(scan)
    _add_scheduler_option(scan)
    export = commands.add_parser(
        "export", help="write the deduplicated text of each page as JSONL (docs/output.md)"
    )
    export.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or .jsonl")
    _add_run_options(export, default_format=None)
    demo = commands.add_parser("demo", help="scan the bundled seed pages")
    _add_run_options(demo, default_format="text")
    _add_index_command(commands)
    return parser


def _add_index_option(scan: argparse.ArgumentParser) -> None:
    """Add `scan --index FILE`: check the pages against an index's history and store them."""
    scan.add_argument(
        "--index",
        type=Path,
        metavar="FILE",
        help="add the pages to this index (created if missing) and report against its history",
    )


def _add_index_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `index stats FILE` and `index prune FILE --before DATE` (docs/index.md)."""
    index = commands.add_parser("index", help="inspect or prune an index (docs/index.md)")
    actions = index.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = actions.add_parser("stats", help="print what an index holds")
    stats.add_argument("file", type=Path, metavar="FILE")
    prune = actions.add_parser("prune", help="forget pages first seen before a date")
    prune.add_argument("file", type=Path, metavar="FILE")
    prune.add_argument("--before", required=True, metavar="DATE", help="ISO date, 2026-06-01")
    prune.add_argument("--batch", type=int, default=1000, help="pages per transaction (1000)")


def _index_command(args: argparse.Namespace) -> int:
    """Run `index stats` or `index prune`; print to stdout."""
    from dedupe_news.index import Index  # noqa: PLC0415 - loads numba: not for --help

    if not args.file.exists():
        print(f"error: index file must exist, got {str(args.file)!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with Index.open(args.file) as index:
            if args.action == "prune":
                print(f"pruned {index.prune(args.before, batch=args.batch)} pages")
            for name, value in asdict(index.stats()).items():
                print(f"{name}: {value}")
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def program_name() -> str:
    """Return how the user started the CLI: `dedupe-news`, or `python -m dedupe_news`.

    Examples:
        >>> program_name() in {"dedupe-news", "python -m dedupe_news"}
        True
    """
    return "dedupe-news" if Path(sys.argv[0]).name == "dedupe-news" else "python -m dedupe_news"


def _add_run_options(parser: argparse.ArgumentParser, *, default_format: str | None) -> None:
    io = parser.add_argument_group("input and output")
    io.add_argument("--encoding", default="utf-8", help="text encoding of inputs (utf-8)")
    io.add_argument(
        "--max-page-bytes",
        type=int,
        default=MAX_PAGE_BYTES,
        metavar="N",
        help=f"skip a page file or JSONL line larger than this ({MAX_PAGE_BYTES})",
    )
    io.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 3, no output) when any input is skipped as an error",
    )
    _add_input_options(io)
    _add_output_options(io, default_format)
    _add_process_options(parser.add_argument_group("progress, logging and threads"))
    types = {f.name: f.type for f in fields(Config)}
    for stage, names in _STAGES.items():
        group = parser.add_argument_group(stage)
        for name in names:
            flag = "--" + name.replace("_", "-")
            default = getattr(DEFAULT, name)
            help_text = f"{_HELP[name]} ({default})"
            if types[name] == "bool":
                group.add_argument(flag, dest=name, action="store_true", help=help_text)
            elif name == "scheme":
                group.add_argument(
                    flag, dest=name, choices=("affine32",), default=default, help=help_text
                )
            else:
                kind = int if isinstance(default, int) else float
                group.add_argument(flag, dest=name, type=kind, default=default, help=help_text)


def _add_scheduler_option(scan: argparse.ArgumentParser) -> None:
    """Add --scheduler: run the stages on Dask (the `dask` extra; docs/scaling.md)."""
    scan.add_argument(
        "--scheduler",
        metavar="ADDRESS|local:N",
        default=None,
        help="run on Dask: a scheduler's address, or local:N worker processes (dask extra)",
    )


def _dedupe(
    corpus: Corpus, config: Config, args: argparse.Namespace, progress: _Progress | None
) -> Report:
    """Run the embedded pipeline, or the Dask driver when --scheduler is given."""
    scheduler = getattr(args, "scheduler", None)
    if scheduler is not None:
        from dedupe_news.engines import require  # noqa: PLC0415 - the dask extra, on demand

        require()
        from dedupe_news.engines.dask import dedupe_corpus  # noqa: PLC0415

        return dedupe_corpus(corpus, config, scheduler)
    from dedupe_news.pipeline import dedupe  # noqa: PLC0415 - loads numba: not for --help

    return dedupe(
        corpus,
        config,
        on_stage=None if progress is None else progress.done,
        on_start=None if progress is None else progress.start,
        threads=args.threads,
    )


def _workers_write_parquet(args: argparse.Namespace) -> bool:
    """Whether the Dask workers read the paths and write the Parquet rows themselves.

    `scan --scheduler ... -f parquet -o FILE` with the default reading options and no
    --index or --strict: the client then never holds the segment rows (docs/scaling.md).
    """
    if args.command != "scan" or args.scheduler is None:
        return False
    defaults = build_parser().parse_args(["scan", "x"])
    reading = ("encoding", "max_page_bytes", "include", "exclude", "html_field")
    return (
        args.format == "parquet"
        and args.output is not None
        and args.index is None
        and not args.strict
        and "-" not in args.paths
        and all(getattr(args, n) == getattr(defaults, n) for n in reading)
        and all(getattr(args, f"{n}_field") == n for n in ("id", "text", "title"))
    )


def _scan_parquet_on_workers(args: argparse.Namespace, config: Config) -> int:
    """Run `dedupe_dask_parquet` on the paths; print what was skipped; return the exit code."""
    from dedupe_news.engines import require  # noqa: PLC0415 - the dask extra, on demand

    require()
    from dedupe_news.engines.connect import scheduler  # noqa: PLC0415
    from dedupe_news.engines.parquet import dedupe_dask_parquet  # noqa: PLC0415

    with scheduler(args.scheduler):
        written = dedupe_dask_parquet(args.paths, args.output, config)
    return EXIT_SKIPPED if _print_skipped(written.skipped) else EXIT_OK


def _add_input_options(io: argparse._ArgumentGroup) -> None:
    """Add the discovery and JSONL field options (docs/input.md)."""
    for flag, what in (("include", "read as pages too"), ("exclude", "not read")):
        io.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar="GLOB",
            help=f"files in folders matching GLOB are {what} (repeatable)",
        )
    for name in ("id", "text", "title"):
        io.add_argument(
            f"--{name}-field",
            default=name,
            metavar="NAME",
            help=f"JSONL field holding a page's {name} ({name})",
        )
    io.add_argument(
        "--html-field",
        metavar="NAME",
        help="JSONL field holding a page's HTML: such records are HTML pages (the html extra)",
    )


def _add_output_options(io: argparse._ArgumentGroup, default_format: str | None) -> None:
    """Add -f/--format (not for export, which writes one format) and -o/--output."""
    if default_format is not None:
        io.add_argument(
            "-f",
            "--format",
            choices=FORMATS,
            default=default_format,
            help=f"report format ({default_format}; docs/output.md)",
        )
    io.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout"
    )


def _add_process_options(group: argparse._ArgumentGroup) -> None:
    """Add -q/--quiet, -v/--verbose and --threads."""
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress on stderr (off anyway when not a terminal)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log to stderr: -v info, -vv debug",
    )
    group.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="use at most N threads in every pool (all cores)",
    )


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so cleanup (`write_atomically`'s) runs."""


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def _process_outcomes(run: Callable[[Sequence[str] | None], int]) -> Callable[..., int]:
    """Turn signals and a closed stdout into exit codes with one line, never a traceback.

    Ctrl-C anywhere (argument parsing included): `interrupted`, 130. SIGTERM: `terminated`,
    143, after the exception has unwound through every cleanup. A reader closing the pipe
    (`| head`): nothing on stderr, 141 as for a tool killed by SIGPIPE, and stdout pointed at
    /dev/null so the interpreter's last flush cannot fail again (Python's documented recipe).
    Anything else, a bug, keeps its traceback.
    """

    @functools.wraps(run)
    def guarded(argv: Sequence[str] | None = None) -> int:
        with _sigterm_raises():
            try:
                return run(argv)
            except KeyboardInterrupt:
                print("interrupted", file=sys.stderr)
                return EXIT_INTERRUPTED
            except Terminated:
                print("terminated", file=sys.stderr)
                return EXIT_TERMINATED
            except BrokenPipeError:
                _silence_stdout()
                return EXIT_BROKEN_PIPE

    return guarded


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Raise Terminated on SIGTERM while inside (main thread only: elsewhere, as before)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    if sys.stdout is None:
        return
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # a replaced stdout (tests, embedding) has no descriptor
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


@_process_outcomes
def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "index":
        return _index_command(args)
    _configure_logging(args.verbose)
    progress = _Progress() if not args.quiet and sys.stderr.isatty() else None
    try:
        config = Config(**{f.name: getattr(args, f.name) for f in fields(Config)})
        if _workers_write_parquet(args):
            return _scan_parquet_on_workers(args, config)
        sources = [seed_folder()] if args.command == "demo" else args.paths
        if progress is not None:
            progress.start("read", None, unit="B")
        corpus = read_pages(
            *sources,
            encoding=args.encoding,
            max_page_bytes=args.max_page_bytes,
            include=args.include,
            exclude=args.exclude,
            id_field=args.id_field,
            text_field=args.text_field,
            title_field=args.title_field,
            html_field=args.html_field,
            on_item=None if progress is None else progress.read,
        )
        if progress is not None:
            progress.close()
        errors = _print_skipped(corpus.skipped)
        if args.strict and errors:
            print(f"error: {errors} input(s) skipped; --strict writes no output", file=sys.stderr)
            return EXIT_SKIPPED
        if getattr(args, "index", None) is not None:
            report = _scan_index(corpus, config, args, progress)
        else:
            report = _dedupe(corpus, config, args, progress)
        _emit(report, args, progress)
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if progress is not None:
            progress.close()
    return EXIT_SKIPPED if errors else EXIT_OK


def _scan_index(
    corpus: Corpus, config: Config, args: argparse.Namespace, progress: _Progress | None
) -> Report:
    """Add the pages to the index and return the report joined with its history."""
    from dedupe_news.index import Index  # noqa: PLC0415 - loads numba: not for --help

    with Index.open(args.index, config) as index:
        added = index.add(
            corpus,
            threads=args.threads,
            on_stage=None if progress is None else progress.done,
            on_start=None if progress is None else progress.start,
        )
    logging.getLogger(__name__).info(
        "index %s: %d new pages, %d unchanged, %d seen before, %d merges, %d label changes",
        args.index,
        len(added.new_pages),
        len(added.unchanged),
        len(added.provenance),
        len(added.merged),
        len(added.changes),
    )
    return added.report


def _print_skipped(skipped: Sequence[Skipped]) -> int:
    """Print each input skipped as an error and a count of files that are not pages.

    Return how many inputs were skipped as errors.
    """
    errors = [s for s in skipped if s.kind is SkipKind.ERROR]
    for item in errors:
        print(f"skipped: {item.path}: {item.reason}", file=sys.stderr)
    names = [Path(s.path).name for s in skipped if s.kind is SkipKind.NOT_PAGE]
    if names:
        shown = ", ".join(names[:_NOT_PAGES_SHOWN]) + (
            ", ..." if len(names) > _NOT_PAGES_SHOWN else ""
        )
        print(f"not pages: {len(names)} files ({shown})", file=sys.stderr)
    return len(errors)


def _emit(report: Report, args: argparse.Namespace, progress: _Progress | None) -> None:
    """Write the report (scan, demo) or the corpus (export), with a `write` progress phase."""
    if progress is not None:
        progress.start("write", len(report.segments))
    try:
        if args.command == "export":
            _export(report, args.output)
        else:
            with _stdout_bytes() as stdout:
                write_report(report, args.format, args.output, stdout)
    except BrokenPipeError:  # the reader went away: exit 141, see _process_outcomes
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to {str(args.output)!r}: {reason}"
        raise DedupeNewsError(msg) from error
    if progress is not None:
        progress.finish()


def _export(report: Report, output: Path | None) -> None:
    """Write the deduplicated corpus and count it on stderr."""
    if output is None:
        with _stdout_bytes() as stdout:
            counts = write_corpus(report, stdout)
    else:
        with open_binary_atomically(output) as out:
            counts = write_corpus(report, out)
    print(
        f"exported {counts.written} pages; omitted {counts.omitted} with no text of their own",
        file=sys.stderr,
    )


@contextmanager
def _stdout_bytes() -> Iterator[IO[bytes]]:
    """Collect the output, then write it to stdout in one go when it is complete."""
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        yield spool
        spool.seek(0)
        _write_stdout(spool)


def _write_stdout(data: IO[bytes]) -> None:
    """Write complete output to stdout, unbuffered, naming a failure.

    The output is complete before the first byte goes out, so an interrupt before that writes
    nothing; one cut short by an interrupt while a slow reader drains it is never valid JSON,
    and the exit code says so. A text-only stdout (doctest, an IDE) gets the text decoded.
    """
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        msg = "cannot write the report to stdout: stdout is closed"
        raise DedupeNewsError(msg)
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # a replaced stdout (tests, embedding) has no descriptor
        sys.stdout.write(data.read().decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        while chunk := data.read(1 << 20):
            view = memoryview(chunk)
            while view:
                view = view[os.write(descriptor, view) :]
    except BrokenPipeError:
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to stdout: {reason}"
        raise DedupeNewsError(msg) from error


def _configure_logging(verbosity: int) -> None:
    """Send the library's logs to stderr: warnings, or info with -v, debug with -vv."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    logger = logging.getLogger("dedupe_news")
    for handler in [h for h in logger.handlers if isinstance(h, _CliHandler)]:
        logger.removeHandler(handler)
    handler = _CliHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]  # of a text stream
    """The CLI's log handler, replaced (not added twice) when `main` runs again."""


_FALLBACK_COLUMNS = 80
_FALLBACK_ROWS = 24


def _has_width() -> bool:
    """Whether stderr's terminal reports a width (a bare pseudo-terminal reports 0)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        return False


class _Progress:
    """Progress on stderr, one tqdm bar per phase: read, each stage, write.

    A bar shows the phase's items (bytes while reading), its rate and, while it runs, its
    ETA; stages report their counts before they start (`dedupe`'s `on_start`).
    """

    def __init__(self) -> None:
        self._bar: tqdm[NoReturn] | None = None
        self._pages = self._skipped = 0

    def start(self, phase: str, total: int | None, *, unit: str = "it") -> None:
        """Close the previous phase's bar and open this one's."""
        from tqdm import tqdm  # noqa: PLC0415 - only when drawing: keeps --help fast

        self.close()
        self._bar = tqdm(
            total=total,
            desc=f"{phase:<10}",
            unit=unit,
            unit_scale=unit == "B",
            file=sys.stderr,
            # A terminal that reports no size (0 x 0) gets 80 x 24: tqdm draws nothing in 0 rows.
            dynamic_ncols=_has_width(),
            ncols=None if _has_width() else _FALLBACK_COLUMNS,
            nrows=None if _has_width() else _FALLBACK_ROWS,
            leave=True,
        )

    def read(self, item: Page | Skipped) -> None:
        """Count one page's bytes (of its text) or one skipped input, as it is read."""
        if self._bar is None:
            return
        if isinstance(item, Skipped):
            self._skipped += 1
        else:
            self._pages += 1
            self._bar.update(len(item.text.encode("utf-8", "replace")))
        self._bar.set_postfix_str(f"{self._pages} pages, {self._skipped} skipped", refresh=False)

    def done(self, _stage: str, _seconds: float) -> None:
        """End a stage's bar at its total (`dedupe`'s `on_stage`)."""
        self.finish()

    def finish(self) -> None:
        """Fill the current bar and close it."""
        if self._bar is not None and self._bar.total is not None:
            self._bar.update(self._bar.total - self._bar.n)
        self.close()

    def close(self) -> None:
        """Close the current bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
