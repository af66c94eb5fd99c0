"""Index CLI: scan --index, index stats, index prune, index filters."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from dedupe_news import cli
from dedupe_news.demo import seed_folder

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_scan_into_an_index_then_stats_and_prune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scan stores its pages; a second scan of them adds nothing; prune forgets them."""
    path = str(tmp_path / "news.idx")
    assert cli.main(["scan", str(seed_folder()), "--index", path, "-q"]) == 0
    assert len(json.loads(capsys.readouterr().out)["pages"]) == 5
    assert cli.main(["scan", str(seed_folder()), "--index", path, "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["pages"] == []
    assert cli.main(["index", "stats", path]) == 0
    assert "pages: 5" in capsys.readouterr().out.splitlines()
    assert cli.main(["index", "prune", path, "--before", "2999-01-01", "--batch", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert ("pruned 5 pages" in out, "pages: 0" in out) == (True, True)


def test_index_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing index file or a bad date is a usage error, named on stderr."""
    assert cli.main(["index", "stats", str(tmp_path / "none.idx")]) == cli.EXIT_USAGE
    assert "index file must exist" in capsys.readouterr().err
    path = str(tmp_path / "news.idx")
    assert cli.main(["scan", str(seed_folder()), "--index", path, "-q"]) == 0
    assert cli.main(["index", "prune", path, "--before", "soon"]) == cli.EXIT_USAGE
    assert "before must be an ISO date" in capsys.readouterr().err


def test_index_filters_gives_a_migrated_run_its_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`index filters` builds the filter a version 2 run lacks, once; then there is none to do."""
    path = tmp_path / "news.idx"
    assert cli.main(["scan", str(seed_folder()), "--index", str(path), "-q"]) == 0
    with sqlite3.connect(path) as connection:  # back to version 2: no filters table
        connection.execute("DROP TABLE filters")
        connection.execute("UPDATE meta SET value = '2' WHERE name = 'format_version'")
    capsys.readouterr()
    assert cli.main(["index", "filters", str(path)]) == 0
    assert "filtered 1 runs" in capsys.readouterr().out.splitlines()
    assert cli.main(["index", "filters", str(path)]) == 0
    assert "filtered 0 runs" in capsys.readouterr().out.splitlines()
