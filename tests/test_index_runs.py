"""Index key runs: merging, sealing and filters change no result; versions 1 and 2 migrate."""

from __future__ import annotations

import dataclasses
import itertools
import math
import sqlite3
from typing import TYPE_CHECKING
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe_news.config import DEFAULT
from dedupe_news.index import Index, filters, runs
from dedupe_news.index.keys import BAND_HOLDERS, SHINGLE_HOLDERS, crawl_keys, look_up
from dedupe_news.records import Page
from dedupe_news.stages.segment import segment_page
from tests.test_index import SEEDS, _crawl

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

KEY_ROWS = (
    "SELECT 'bands', band, key, text FROM bands UNION ALL "
    "SELECT 'shingles', 0, key, text FROM shingles ORDER BY 1, 2, 3, 4"
)

MOST_BAND = "SELECT max(n) FROM (SELECT count(*) AS n FROM bands GROUP BY band, key)"
MOST_SHINGLE = "SELECT max(n) FROM (SELECT count(*) AS n FROM shingles GROUP BY key)"


def _runs(path: Path) -> list[tuple[int, int, int]]:
    """Return each run's id, its recorded rows, and the rows its tables hold."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT id, rows, (SELECT count(*) FROM bands WHERE run = id) "
            "+ (SELECT count(*) FROM shingles WHERE run = id) FROM runs ORDER BY id"
        ).fetchall()


def _keys(path: Path) -> list[tuple[str, int, int, int]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(KEY_ROWS).fetchall()


@settings(max_examples=8)
@given(st.lists(st.integers(0, 4), min_size=len(_crawl()), max_size=len(_crawl())))
def test_merging_at_every_add_or_never_gives_the_same_index(
    tmp_path_factory: pytest.TempPathFactory, crawl_of: list[int]
) -> None:
    """Whatever the merge ratio, the same crawls store the same segments, ids and key rows."""
    pages = _crawl()
    stored = []
    for ratio in (0.0, math.inf, runs.MERGE_RATIO):
        path = tmp_path_factory.mktemp("runs") / "news.idx"
        with mock.patch.object(runs, "MERGE_RATIO", ratio), Index.open(path) as index:
            for crawl in sorted(set(crawl_of)):
                index.add(p for p, c in zip(pages, crawl_of, strict=True) if c == crawl)
            stored.append((index.segments(), _keys(path)))
        held = _runs(path)
        assert all(rows == counted for _, rows, counted in held)
        assert len(held) <= (1 if ratio == 0.0 else len(set(crawl_of)))
    assert stored[0] == stored[1] == stored[2]


@given(st.lists(st.integers(1, 10_000), max_size=60), st.sampled_from([0.25, 0.5, 1.0]))
def test_runs_shrink_geometrically_from_oldest_to_newest(sizes: list[int], ratio: float) -> None:
    """After each merge, every run holds less than `ratio` times the rows of the run before."""
    held: list[int] = []
    for size in sizes:
        held.append(size)
        merged = runs.merged_tail(held, ratio)
        held[-merged:] = [sum(held[-merged:])]
        assert all(newer < ratio * older for older, newer in itertools.pairwise(held))
    assert sum(held) == sum(sizes)


def _downgrade(path: Path) -> None:
    """Rewrite an index's key tables in format version 1: one B-tree each, no runs."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.executescript(
            """
            BEGIN;
            CREATE TABLE bands_v1 (band INTEGER NOT NULL, key INTEGER NOT NULL,
                text INTEGER NOT NULL, PRIMARY KEY (band, key, text)) WITHOUT ROWID;
            CREATE TABLE shingles_v1 (key INTEGER NOT NULL, text INTEGER NOT NULL,
                PRIMARY KEY (key, text)) WITHOUT ROWID;
            INSERT INTO bands_v1 SELECT band, key, text FROM bands;
            INSERT INTO shingles_v1 SELECT key, text FROM shingles;
            DROP TABLE bands; DROP TABLE shingles; DROP TABLE runs;
            ALTER TABLE bands_v1 RENAME TO bands; ALTER TABLE shingles_v1 RENAME TO shingles;
            UPDATE meta SET value = '1' WHERE name = 'format_version';
            COMMIT;
            """
        )


def test_a_version_1_file_is_migrated_into_one_run(tmp_path: Path) -> None:
    """Opening a version 1 file moves its keys into run 1; adds then go on as on a new file."""
    old, new = tmp_path / "old.idx", tmp_path / "new.idx"
    for path in (old, new):
        with Index.open(path) as index:
            index.add(SEEDS[:3])
    before = _keys(old)
    _downgrade(old)
    with Index.open(old) as index:
        assert _keys(old) == before
        assert [(run, rows) for run, rows, _ in _runs(old)] == [(1, len(before))]
        index.add(SEEDS[3:])
        migrated = index.segments()
    with sqlite3.connect(old) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        version = "SELECT value FROM meta WHERE name = 'format_version'"
        assert connection.execute(version).fetchone() == ("3",)
    with Index.open(new) as index:
        index.add(SEEDS[3:])
        assert index.segments() == migrated
    assert _keys(old) == _keys(new)


def test_prune_deletes_keys_from_every_run(tmp_path: Path) -> None:
    """Pruning every crawl of an index never merged leaves no key in any run."""
    path = tmp_path / "news.idx"
    with mock.patch.object(runs, "MERGE_RATIO", math.inf), Index.open(path) as index:
        for page in SEEDS:
            index.add([page])
        assert len(_runs(path)) > 1
        assert index.prune("2999-01-01") == len(SEEDS)
        assert (index.stats().band_keys, index.stats().shingle_keys) == (0, 0)
    assert all(rows == counted == 0 for _, rows, counted in _runs(path))


def test_holder_caps_count_every_run(tmp_path: Path) -> None:
    """A key shared by more texts than its cap keeps exactly the cap, however the runs merge."""
    common = "de minister van buitenlandse zaken sprak dinsdag in brussel met zijn collega's over"
    pages = [Page(f"p{n:03d}", f"{common} onderwerp nummer {n} en verder niets") for n in range(70)]
    stored = []
    for ratio in (math.inf, 0.0):
        path = tmp_path / f"{ratio}.idx"
        with mock.patch.object(runs, "MERGE_RATIO", ratio), Index.open(path) as index:
            for page in pages:
                index.add([page])
        with sqlite3.connect(path) as connection:
            for most, cap in ((MOST_BAND, BAND_HOLDERS), (MOST_SHINGLE, SHINGLE_HOLDERS)):
                assert connection.execute(most).fetchone() == (cap,)
        stored.append(_keys(path))
    assert stored[0] == stored[1]


@given(st.lists(st.integers(1, 10_000), max_size=60), st.integers(1, 20_000))
def test_sealed_runs_are_never_merged(sizes: list[int], seal: int) -> None:
    """A run of `seal` rows or more is never merged again; no merge exceeds 2 seals + a crawl."""
    held: list[tuple[int, int]] = []  # (id, rows)
    for number, size in enumerate(sizes):
        sealed = [run for run in held if run[1] >= seal]
        held.append((number, size))
        merged = runs.merged_tail([rows for _, rows in held], runs.MERGE_RATIO, seal)
        total = sum(rows for _, rows in held[-merged:])
        assert merged == 1 or total < 2 * seal + size
        held[-merged:] = [(held[-merged][0], total)] if merged > 1 else held[-1:]
        assert all(run in held for run in sealed)


def test_sealed_runs_stay_and_change_no_result(tmp_path: Path) -> None:
    """With runs sealed at a few hundred rows, sealed runs outlive every add; results unchanged."""
    pages = _crawl()
    stored = []
    for seal in (300, runs.SEAL_ROWS):
        path = tmp_path / f"{seal}.idx"
        with mock.patch.object(runs, "SEAL_ROWS", seal), Index.open(path) as index:
            sealed: set[tuple[int, int, int]] = set()
            for page in pages:
                index.add([page])
                now = set(_runs(path))
                assert sealed <= now
                sealed |= {run for run in now if run[1] >= seal}
            stored.append((index.segments(), _keys(path)))
        assert (len(sealed) > 1) is (seal == 300)  # several sealed only at the small seal
    assert stored[0] == stored[1]


def _filterless(path: Path) -> None:
    """Delete every run's filter: each run is then sought for every key, as in version 2."""
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM filters")


def test_look_ups_through_filters_equal_look_ups_without(tmp_path: Path) -> None:
    """Filters of every size (8 words: nearly every key passes) or none find the same rows."""
    pages = _crawl()
    found, stored = [], []
    for name, words in (("default", filters.WORDS), ("tiny", 8), ("none", filters.WORDS)):
        path = tmp_path / f"{name}.idx"
        with (
            mock.patch.object(runs, "SEAL_ROWS", 300),
            mock.patch.object(filters, "WORDS", words),
            Index.open(path) as index,
        ):
            for page in pages[:-2]:
                index.add([page])
                if name == "none":
                    _filterless(path)
            with sqlite3.connect(path) as connection:
                keys = crawl_keys([s.text for p in pages[-2:] for s in segment_page(p)], DEFAULT)
                near, held = look_up(connection, keys)
            index.add(pages[-2:])
            found.append((near, [h.tolist() for h in dataclasses.astuple(held)], _keys(path)))
            stored.append(index.segments())
    assert found[0][0]  # the last crawl has neighbours in the index
    assert found[0] == found[1] == found[2]
    assert stored[0] == stored[1] == stored[2]


def _downgrade_to_2(path: Path) -> None:
    """Rewrite an index in format version 2: no filters table."""
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE filters")
        connection.execute("UPDATE meta SET value = '2' WHERE name = 'format_version'")


def _version_2_and_3(tmp_path: Path) -> tuple[Path, Path]:
    """Return two indexes of the first three seeds: one turned back to version 2, one not."""
    old, new = tmp_path / "old.idx", tmp_path / "new.idx"
    for path in (old, new):
        with Index.open(path) as index:
            index.add(SEEDS[:3])
    _downgrade_to_2(old)
    return old, new


def test_a_version_2_file_is_migrated_with_runs_unfiltered(tmp_path: Path) -> None:
    """Opening a version 2 file adds the filters table; its runs have none; adds go on alike."""
    old, new = _version_2_and_3(tmp_path)
    with Index.open(old) as index:
        with sqlite3.connect(old) as connection:
            version = "SELECT value FROM meta WHERE name = 'format_version'"
            assert connection.execute(version).fetchone() == ("3",)
            assert [f for _, f in filters.stored(connection)] == [None]
        index.add(SEEDS[3:])
        migrated = index.segments()
    with sqlite3.connect(old) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Index.open(new) as index:
        index.add(SEEDS[3:])
        assert index.segments() == migrated
    assert _keys(old) == _keys(new)


def test_filters_rebuilt_for_migrated_runs_equal_those_built_on_add(tmp_path: Path) -> None:
    """`build_filters` gives a migrated run the filter an add would have given it, once."""
    old, new = _version_2_and_3(tmp_path)
    with Index.open(old) as index:
        assert (index.build_filters(), index.build_filters()) == (1, 0)
    with sqlite3.connect(old) as rebuilt, sqlite3.connect(new) as built:
        (run, held), *_ = filters.stored(rebuilt)
        assert run == 1
        assert np.array_equal(np.asarray(held), np.asarray(next(filters.stored(built))[1]))


def test_a_rebuilt_filter_grows_with_a_large_run_and_finds_the_same(tmp_path: Path) -> None:
    """A run larger than the filter size gets 12 bits per row; adds then find the same."""
    old, new = _version_2_and_3(tmp_path)
    with mock.patch.object(filters, "WORDS", 8), Index.open(old) as index:
        index.build_filters()
        with sqlite3.connect(old) as connection:
            ((_, held),) = filters.stored(connection)
        (rows,) = _runs(old)[0][1:2]
        assert len(np.asarray(held)) == int(rows * filters.WORDS_PER_ROW) > 8  # a larger filter
        index.add(SEEDS[3:])
        migrated = index.segments()
    with Index.open(new) as index:
        index.add(SEEDS[3:])
        assert index.segments() == migrated
