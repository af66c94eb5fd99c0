"""CLI run: read, dedupe (embedded, Dask or an index), write; skipped inputs on stderr."""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.cli import split
from dedupe_news.cli.outcomes import (
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    process_outcomes,
    stdout_bytes,
)
from dedupe_news.cli.parser import build_parser
from dedupe_news.cli.progress import Progress, configure_logging
from dedupe_news.config import Config
from dedupe_news.demo import seed_folder
from dedupe_news.errors import DedupeNewsError
from dedupe_news.memory import collector_paused, map_large_blocks
from dedupe_news.records import SkipKind, Skipped
from dedupe_news.report import open_binary_atomically, write_corpus, write_report
from dedupe_news.sources import read_pages

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Sequence

    from dedupe_news.records import Corpus, Page, Report
    from dedupe_news.stages.segment import Cutter

_NOT_PAGES_SHOWN = 5


@process_outcomes
def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    It takes its process as its own, as `dedupe-news` and `python -m dedupe_news` run it:
    glibc's mapping threshold is fixed (`memory.map_large_blocks`), and the objects alive
    after a run are frozen out of the cyclic collector's view (`gc.freeze`). A program
    that embeds the pipeline calls `dedupe_news.dedupe`, which changes neither.
    """
    args = build_parser().parse_args(argv)
    map_large_blocks()  # the CLI's process: freed arrays of 4 MiB or more go back at once
    if args.command == "index":
        _without_scipy_blas()
        return index_command(args)
    configure_logging(args.verbose)
    progress = Progress() if not args.quiet and sys.stderr.isatty() else None
    try:
        config = Config(**{f.name: getattr(args, f.name) for f in fields(Config)})
        if _workers_write_parquet(args):
            _without_scipy_blas()
            return _scan_parquet_on_workers(args, config)
        corpus, cut, skipped = _inputs(args, config, progress)
        if progress is not None:
            progress.close()
        errors = _print_skipped(skipped)
        if args.strict and errors:
            print(f"error: {errors} input(s) skipped; --strict writes no output", file=sys.stderr)
            return EXIT_SKIPPED
        if corpus is None:
            report = _dedupe(config, args, progress, skipped, cut=cut)
        elif getattr(args, "index", None) is not None:
            report = _scan_index(corpus, config, args, progress)
        elif getattr(args, "scheduler", None) is not None:
            report = _dedupe_dask(corpus, config, args.scheduler)
        else:
            pages = split.Drain(list(corpus.pages))
            del corpus  # handed over: each page's text is freed once it is segmented
            report = _dedupe(config, args, progress, skipped, pages=pages)
        _emit(report, args, progress)
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if progress is not None:
            progress.close()
    return EXIT_SKIPPED if errors else EXIT_OK


def _without_scipy_blas() -> None:
    """Load numba's array math with SciPy's BLAS hidden: no kernel here multiplies matrices.

    numba's array math, loaded with the first kernel, imports `scipy.linalg.cython_blas` to
    offer `np.dot` in compiled code (`_check_blas` in numba/np/arraymath.py). datasketch
    installs SciPy, so every scan paid that import, the largest of all (0.1-0.4 s). Hidden,
    numba's own check finds no BLAS, which it handles. The module is hidden only while the
    array math loads, so SciPy imports as usual afterwards; and only by the CLI, which owns
    its process: the library never limits what its caller imports.
    """
    blas = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or blas in sys.modules:
        return  # loaded already: nothing left to skip
    sys.modules[blas] = None  # type: ignore[assignment]  # an import of it fails, quickly
    try:
        import numba.np.arraymath  # noqa: F401, PLC0415 - loaded now, without BLAS
    finally:
        del sys.modules[blas]


def _dedupe_dask(corpus: Corpus, config: Config, scheduler: str) -> Report:
    """Run the Dask driver (--scheduler)."""
    from dedupe_news.engines import require  # noqa: PLC0415 - the dask extra, on demand

    require()
    from dedupe_news.engines.dask import dedupe_corpus  # noqa: PLC0415 - the dask extra

    return dedupe_corpus(corpus, config, scheduler)


def _inputs(
    args: argparse.Namespace, config: Config, progress: Progress | None
) -> tuple[Corpus | None, tuple[Cutter, list[Page]] | None, tuple[Skipped, ...]]:
    """Read the run's inputs: (corpus, None, skipped), or (None, pages cut, skipped).

    The pages come cut already when the split reading applies (`cli/split.py`): its
    children are forked first, before anything else is loaded or running.
    """
    on_item = None if progress is None else progress.read
    starts = split.ranges(args)
    if starts is None:
        _without_scipy_blas()
        if progress is not None:
            progress.start("read", None, unit="B")
        corpus = _read(args, on_item)
        return corpus, None, corpus.skipped
    cutter, kept, skipped = split.read_and_cut(
        args, starts, lambda: _warm(config, args.threads, progress), on_item
    )
    return None, (cutter, kept), skipped


def _read(args: argparse.Namespace, on_item: Callable[[Page | Skipped], None] | None) -> Corpus:
    """Read the run's inputs (the seed folder for `demo`)."""
    return read_pages(
        *([seed_folder()] if args.command == "demo" else args.paths),
        include=args.include,
        exclude=args.exclude,
        on_item=on_item,
        **split.reading(args),
    )


def _warm(config: Config, threads: int | None, progress: Progress | None) -> None:
    """Load what a run loads on first use (numba's array math, the cached kernels).

    Runs the pipeline on the bundled seed pages, quietly: 0.2 s that the first run in a
    process pays anyway, spent while the split reading's children read (`cli/split.py`).
    Then the reading's progress starts.
    """
    _without_scipy_blas()
    from dedupe_news.pipeline import dedupe  # noqa: PLC0415 - loads numba: not for --help

    logging.disable(logging.INFO)  # its pages are not the run's: no "5 pages" line
    try:
        dedupe(read_pages(seed_folder()), config, threads=threads)
    finally:
        logging.disable(logging.NOTSET)
    if progress is not None:
        progress.start("read", None, unit="B")


def _dedupe(  # noqa: PLR0913 - the run's settings, its display, and its pages one of two ways
    config: Config,
    args: argparse.Namespace,
    progress: Progress | None,
    skipped: tuple[Skipped, ...],
    *,
    pages: Iterator[Page] | None = None,
    cut: tuple[Cutter, list[Page]] | None = None,
) -> Report:
    """Run the embedded pipeline on pages handed over to it, or on pages cut already (`cut`).

    No page text is kept.
    """
    from dedupe_news.pipeline import dedupe, dedupe_cut  # noqa: PLC0415 - loads numba

    on_stage = None if progress is None else progress.done
    on_start = None if progress is None else progress.start
    with collector_paused():
        if cut is None:
            report = dedupe(
                iter(()) if pages is None else pages,
                config,
                on_stage=on_stage,
                on_start=on_start,
                threads=args.threads,
                keep_page_text=False,  # no report format reads it: segments hold the text
            )
        else:
            report = dedupe_cut(
                *cut, config, on_stage=on_stage, on_start=on_start, threads=args.threads
            )
        # The report lives until the process ends: frozen before the collector resumes, so
        # no collection walks it again (the first, right after the run, took 0.055 s of the
        # 300k-segment scan, and the writers' bursts of small objects set off more).
        gc.freeze()
    return replace(report, skipped=skipped)


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
    from dedupe_news.engines.connect import scheduler  # noqa: PLC0415 - the dask extra
    from dedupe_news.engines.parquet import dedupe_dask_parquet  # noqa: PLC0415 - the dask extra

    with scheduler(args.scheduler):
        written = dedupe_dask_parquet(args.paths, args.output, config)
    return EXIT_SKIPPED if _print_skipped(written.skipped) else EXIT_OK


def index_command(args: argparse.Namespace) -> int:
    """Run `index stats`, `index prune` or `index filters`; print to stdout."""
    from dedupe_news.index import Index  # noqa: PLC0415 - loads numba: not for --help

    if not args.file.exists():
        print(f"error: index file must exist, got {str(args.file)!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with Index.open(args.file) as index:
            if args.action == "prune":
                print(f"pruned {index.prune(args.before, batch=args.batch)} pages")
            elif args.action == "filters":
                print(f"filtered {index.build_filters()} runs")
            for name, value in asdict(index.stats()).items():
                print(f"{name}: {value}")
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _scan_index(
    corpus: Corpus, config: Config, args: argparse.Namespace, progress: Progress | None
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


def _emit(report: Report, args: argparse.Namespace, progress: Progress | None) -> None:
    """Write the report (scan, demo) or the corpus (export), with a `write` progress phase."""
    if progress is not None:
        progress.start("write", len(report.segments))
    try:
        if args.command == "export":
            _export(report, args.output)
        else:
            with stdout_bytes() as stdout:
                write_report(report, args.format, args.output, stdout)
    except BrokenPipeError:  # the reader went away: exit 141, see process_outcomes
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
        with stdout_bytes() as stdout:
            counts = write_corpus(report, stdout)
    else:
        with open_binary_atomically(output) as out:
            counts = write_corpus(report, out)
    print(
        f"exported {counts.written} pages; omitted {counts.omitted} with no text of their own",
        file=sys.stderr,
    )
