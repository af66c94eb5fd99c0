"""CLI: `python -m dedupe_news scan PATH...` and `python -m dedupe_news demo`.

Exit codes (docs/cli.md): 0 done; 1 done, but some input was skipped; 2 usage or
configuration error, or the report cannot be written; 130 interrupted (Ctrl-C); 141 stdout
closed by its reader (a broken pipe); 143 terminated (SIGTERM). A bug keeps its traceback
and Python's exit code 1. Data goes to stdout or `--output`, messages to stderr.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.config import DEFAULT, Config
from dedupe_news.demo import seed_folder
from dedupe_news.errors import DedupeNewsError
from dedupe_news.report import to_json, to_text, write_atomically
from dedupe_news.sources import MAX_PAGE_BYTES, read_pages

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import FrameType

EXIT_OK = 0
EXIT_SKIPPED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
EXIT_TERMINATED = 128 + signal.SIGTERM

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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the CLI."""
    parser = argparse.ArgumentParser(
        prog="python -m dedupe_news",
        description="Find repeated text in scraped news pages.",
    )
    parser.add_argument("--version", action="version", version=version("dedupe-news"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan = commands.add_parser("scan", help="scan page dumps, folders or JSONL files")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or .jsonl")
    _add_run_options(scan, default_format="json")
    demo = commands.add_parser("demo", help="scan the bundled seed pages")
    _add_run_options(demo, default_format="text")
    return parser


def _add_run_options(parser: argparse.ArgumentParser, *, default_format: str) -> None:
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
        help="fail (exit 1, no output) when any input is skipped",
    )
    io.add_argument(
        "--format",
        choices=("text", "json"),
        default=default_format,
        help=f"report format ({default_format})",
    )
    io.add_argument("--output", type=Path, metavar="FILE", help="write the report here")
    io.add_argument(
        "--quiet",
        action="store_true",
        help="no progress on stderr (off anyway when not a terminal)",
    )
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
    try:
        config = Config(**{f.name: getattr(args, f.name) for f in fields(Config)})
        sources = [seed_folder()] if args.command == "demo" else args.paths
        corpus = read_pages(*sources, encoding=args.encoding, max_page_bytes=args.max_page_bytes)
        for skipped in corpus.skipped:
            print(f"skipped: {skipped.path}: {skipped.reason}", file=sys.stderr)
        if args.strict and corpus.skipped:
            count = len(corpus.skipped)
            print(f"error: {count} input(s) skipped; --strict writes no output", file=sys.stderr)
            return EXIT_SKIPPED
        from dedupe_news.pipeline import dedupe  # noqa: PLC0415 - loads numba: not for --help

        show = not args.quiet and sys.stderr.isatty()
        report = dedupe(corpus, config, on_stage=_Progress() if show else None)
        text = to_json(report) if args.format == "json" else to_text(report)
        if args.output is None:
            _write_stdout(text)
        else:
            _write_output(args.output, text)
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_SKIPPED if corpus.skipped else EXIT_OK


def _write_output(path: Path, text: str) -> None:
    """Write the report, turning an unwritable path into a usage error that names it."""
    try:
        write_atomically(path, text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to {str(path)!r}: {reason}"
        raise DedupeNewsError(msg) from error


def _write_stdout(text: str) -> None:
    r"""Write the complete report to stdout in one go, as UTF-8, unbuffered.

    The report is built before the first byte goes out, so an interrupt before that writes
    nothing; one cut short by an interrupt is never valid JSON, and the exit code says so.
    A lone surrogate (a Python string can hold one, a UTF-8 file cannot) is written as its
    `\uXXXX` escape: the JSON stays valid and reads back to the same string.
    """
    data = text.encode("utf-8", "backslashreplace")
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        msg = "cannot write the report to stdout: stdout is closed"
        raise DedupeNewsError(msg)
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # a replaced stdout (tests, embedding) has no descriptor
        sys.stdout.write(data.decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except BrokenPipeError:
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to stdout: {reason}"
        raise DedupeNewsError(msg) from error


class _Progress:
    """A one-line progress bar on stderr: stages done of all stages, and the last one's time."""

    def __init__(self) -> None:
        self._done = 0

    def __call__(self, stage: str, seconds: float) -> None:
        self._done += 1
        from dedupe_news.pipeline import STAGES  # noqa: PLC0415 - loaded by then

        width = len(STAGES)
        bar = "#" * self._done + "." * (width - self._done)
        end = "\n" if self._done == width else ""
        print(f"\r[{bar}] {stage} {seconds:.2f} s   ", end=end, file=sys.stderr, flush=True)
