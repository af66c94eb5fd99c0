"""Measured: run a module as `python -m MODULE ARGS...` would, then record its exit and memory.

`python -m benchmarks.measured OUT.json dedupe_news scan crawl.jsonl --format json ...` runs
the CLI unchanged in this process and writes `{"exit", "peak_rss_mb", "readers_peak_rss_mb"}`
to OUT.json, because the process's own peak RSS can only be read from inside it
(`benchmarks.memory`); the readers are the processes the CLI forks to read a large file. The wrapper
adds nothing to the run but this module and `runpy`.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from benchmarks.memory import peak_rss_mb, readers_peak_rss_mb


def main(argv: list[str]) -> int:
    """Run the module named in argv with the rest as its arguments; write the record."""
    out, module, *arguments = argv
    sys.argv = [module, *arguments]
    code: object = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:
        code = done.code
    exit_code = code if isinstance(code, int) else (0 if code is None else 1)
    record = {
        "exit": exit_code,
        "peak_rss_mb": peak_rss_mb(),
        "readers_peak_rss_mb": readers_peak_rss_mb(),
    }
    Path(out).write_text(json.dumps(record), encoding="utf-8")
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
