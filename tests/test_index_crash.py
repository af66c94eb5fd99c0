"""Index crash safety: a SIGKILL in the middle of an add leaves all or none of the crawl."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.index import Index

if TYPE_CHECKING:
    from pathlib import Path

SEEDS = dn.read_pages(seed_folder()).pages
CHILD = """
import sys
import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.index import Index

seeds = dn.read_pages(seed_folder()).pages
big = [dn.Page(f"copy{n:04d}_{p.id}", p.text) for n in range(60) for p in seeds]

def announce(stage, items):
    if stage == sys.argv[2]:
        print("storing", flush=True)  # the parent kills us now, while we write the crawl

with Index.open(sys.argv[1]) as index:
    index.add(seeds[:2])
    index.add(big, on_start=announce)
"""


def _big() -> list[dn.Page]:
    return [dn.Page(f"copy{n:04d}_{p.id}", p.text) for n in range(60) for p in SEEDS]


@pytest.mark.parametrize("stage", ["store", "merge"])
def test_sigkill_mid_add_leaves_all_or_none(tmp_path: Path, stage: str) -> None:
    """Killed while storing a crawl (or merging key runs), the index is intact, all or none."""
    path = tmp_path / "news.idx"
    with subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, str(path), stage], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "storing\n"
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Index.open(path) as index:
        assert index.stats().pages in {2, 2 + len(_big())}
        index.add(_big())
        rerun = index.segments()
    with Index.open(tmp_path / "clean.idx") as clean:
        clean.add(SEEDS[:2])
        clean.add(_big())
        assert clean.segments() == rerun
