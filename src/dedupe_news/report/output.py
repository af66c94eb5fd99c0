"""Output: a run's Report -> the chosen format, on stdout or in files written atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from dedupe_news.errors import ConfigError
from dedupe_news.report.arrow import write_parquet
from dedupe_news.report.document import write_json
from dedupe_news.report.html import write_html
from dedupe_news.report.summary import write_text
from dedupe_news.report.tabular import (
    write_clusters_csv,
    write_clusters_jsonl,
    write_csv,
    write_jsonl,
)
from dedupe_news.report.write import open_binary_atomically

if TYPE_CHECKING:
    from dedupe_news.records import Report

Format = Literal["json", "jsonl", "csv", "parquet", "text", "html"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "csv", "parquet", "text", "html")
"""Every report format, in the order the docs list them (docs/output.md)."""

_Writer = Callable[["Report", IO[bytes]], None]
_SINGLE: dict[str, _Writer] = {"json": write_json, "text": write_text, "html": write_html}
_TABLES: dict[str, tuple[_Writer, _Writer]] = {
    "jsonl": (write_jsonl, write_clusters_jsonl),
    "csv": (write_csv, write_clusters_csv),
}


def clusters_path(path: Path) -> Path:
    """Return where the cluster rows of a tabular format go, beside the segment rows.

    Examples:
        >>> clusters_path(Path("out/scan.parquet")).as_posix()
        'out/scan.clusters.parquet'
        >>> clusters_path(Path("rows")).as_posix()
        'rows.clusters'
    """
    return path.with_name(f"{path.stem}.clusters{path.suffix}")


def write_report(report: Report, form: Format, path: Path | None, stdout: IO[bytes]) -> None:
    """Write the report in a format to `path` (and its clusters file), or to `stdout`.

    To stdout, the tabular formats write their segment rows only; Parquet needs a path.

    Raises:
        ConfigError: Parquet without a path, or an unknown format.
        MissingDependencyError: Parquet without pyarrow installed.
        OSError: A file cannot be written.
    """
    if form in _SINGLE:
        _to(path, stdout, lambda out: _SINGLE[form](report, out))
    elif form in _TABLES:
        segments, clusters = _TABLES[form]
        _to(path, stdout, lambda out: segments(report, out))
        if path is not None:
            _to(clusters_path(path), stdout, lambda out: clusters(report, out))
    elif form == "parquet":
        if path is None:
            msg = "--format parquet must be written to a file (--output), got stdout"
            raise ConfigError(msg)
        with (
            open_binary_atomically(path) as out,
            open_binary_atomically(clusters_path(path)) as rest,
        ):
            write_parquet(report, out, rest)
    else:
        msg = f"format must be one of {', '.join(FORMATS)}, got {form!r}"
        raise ConfigError(msg)


def _to(path: Path | None, stdout: IO[bytes], write: Callable[[IO[bytes]], None]) -> None:
    if path is None:
        write(stdout)
        stdout.flush()
        return
    with open_binary_atomically(Path(path)) as out:
        write(out)
