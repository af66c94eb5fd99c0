"""CLI parser: the commands and their flags, one flag per Config field, grouped by stage."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from importlib.metadata import version
from pathlib import Path

from dedupe_news.config import DEFAULT, Config
from dedupe_news.report import FORMATS
from dedupe_news.sources import MAX_PAGE_BYTES

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
    """Add `index stats FILE`, `index prune FILE --before DATE`, `index filters FILE`."""
    index = commands.add_parser("index", help="inspect or prune an index (docs/index.md)")
    actions = index.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = actions.add_parser("stats", help="print what an index holds")
    stats.add_argument("file", type=Path, metavar="FILE")
    prune = actions.add_parser("prune", help="forget pages first seen before a date")
    prune.add_argument("file", type=Path, metavar="FILE")
    prune.add_argument("--before", required=True, metavar="DATE", help="ISO date, 2026-06-01")
    prune.add_argument("--batch", type=int, default=1000, help="pages per transaction (1000)")
    built = actions.add_parser("filters", help="give a migrated index's old key runs filters")
    built.add_argument("file", type=Path, metavar="FILE")


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
