"""CLI: `dedupe-news scan|export|demo` (also `python -m dedupe_news ...`).

Exit codes (docs/cli.md): 0 done (empty pages and files that are not pages included); 3 done,
but some input was skipped as an error (with `--strict`: nothing written); 2 usage or
configuration error, or the report cannot be written; 130 interrupted (Ctrl-C); 141 stdout
closed by its reader (a broken pipe); 143 terminated (SIGTERM). A bug keeps its traceback and
Python's exit code 1. Data goes to stdout or `--output`, messages to stderr.
"""

from __future__ import annotations

from dedupe_news.cli.outcomes import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from dedupe_news.cli.parser import build_parser, program_name
from dedupe_news.cli.run import main

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SKIPPED",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "program_name",
]
