"""CLI: `python -m dedupe_news scan PATH...` and `python -m dedupe_news demo`.

Exit codes (docs/cli.md): 0 done (empty pages and files that are not pages included); 3 done,
but some input was skipped as an error (with `--strict`: nothing written); 2 usage or
configuration error; 1 an unexpected crash (Python's own); 130 interrupted. Data goes to
stdout or `--output`, messages to stderr.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.config import DEFAULT, Config
from dedupe_news.demo import seed_folder
from dedupe_news.errors import DedupeNewsError
from dedupe_news.records import SkipKind
from dedupe_news.report import to_json, to_text, write_atomically
from dedupe_news.sources import MAX_PAGE_BYTES, read_pages

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dedupe_news.records import Skipped

EXIT_OK = 0
EXIT_SKIPPED = 3
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_NOT_PAGES_SHOWN = 5

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
    scan.add_argument(
        "paths", nargs="+", metavar="PATH", help="file, folder, .jsonl, or - for stdin"
    )
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
        help="fail (exit 3, no output) when any input is skipped as an error",
    )
    _add_input_options(io)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        config = Config(**{f.name: getattr(args, f.name) for f in fields(Config)})
        sources = [seed_folder()] if args.command == "demo" else args.paths
        corpus = read_pages(
            *sources,
            encoding=args.encoding,
            max_page_bytes=args.max_page_bytes,
            include=args.include,
            exclude=args.exclude,
            id_field=args.id_field,
            text_field=args.text_field,
            title_field=args.title_field,
        )
        errors = _print_skipped(corpus.skipped)
        if args.strict and errors:
            print(f"error: {errors} input(s) skipped; --strict writes no output", file=sys.stderr)
            return EXIT_SKIPPED
        from dedupe_news.pipeline import dedupe  # noqa: PLC0415 - loads numba: not for --help

        show = not args.quiet and sys.stderr.isatty()
        report = dedupe(corpus, config, on_stage=_Progress() if show else None)
        text = to_json(report) if args.format == "json" else to_text(report)
        if args.output is None:
            sys.stdout.write(text)
        else:
            _write_output(args.output, text)
    except DedupeNewsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_SKIPPED if errors else EXIT_OK


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


def _write_output(path: Path, text: str) -> None:
    """Write the report, turning an unwritable path into a usage error that names it."""
    try:
        write_atomically(path, text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to {str(path)!r}: {reason}"
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
