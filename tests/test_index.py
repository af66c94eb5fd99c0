"""Index: incremental crawls equal one batch run, lasting ids, idempotence, settings, prune."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.index import Index, IndexBusyError
from dedupe_news.index.ids import assign
from dedupe_news.records import Cluster, ClusterId, ClusterKind, SegmentId

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

SEEDS = dn.read_pages(seed_folder()).pages


def _partition(pairs: Iterable[tuple[str, str | None]]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for segment, cluster in pairs:
        if cluster is not None:
            groups.setdefault(cluster, []).append(segment)
    return sorted(sorted(g) for g in groups.values())


def _batch(pages: Sequence[dn.Page]) -> tuple[list[list[str]], dict[dn.SegmentId, dn.Label]]:
    report = dn.dedupe(pages)
    ids = [s.id for s in report.segments]
    labels = dict(zip(ids, report.labels, strict=True))
    return _partition(zip(ids, report.segment_clusters, strict=True)), labels


def _stored(index: Index) -> tuple[list[list[str]], dict[dn.SegmentId, dn.Label]]:
    rows = index.segments()
    return _partition((s, c) for s, c, _ in rows), {s: label for s, _, label in rows}


def _crawl() -> tuple[dn.Page, ...]:
    """Return the seeds and pages remixed from their paragraphs: copies, cuts and edits."""
    report = dn.dedupe(SEEDS)
    paragraphs = [s.text for s in report.segments if s.role is dn.Role.PARAGRAPH][:24]
    pages = list(SEEDS)
    for number in range(6):
        chosen = paragraphs[number * 3 : number * 3 + 5]
        edited = [*chosen[:-1], chosen[-1] + " Dat meldde de woordvoerder later op de dag."]
        text = "\n".join([f"Bericht nummer {number} over het nieuws", *edited])
        pages.append(dn.Page(f"mix{number}", text))
    return tuple(pages)


def test_seed_pages_one_at_a_time_equal_one_batch(tmp_path: Path) -> None:
    """Adding the five seed pages one crawl each gives the batch run's clusters and labels."""
    with Index.open(tmp_path / "news.idx") as index:
        for page in SEEDS:
            index.add([page])
        assert _stored(index) == _batch(SEEDS)


_STORY = (
    "GRENOBLE (ANP) - De Nederlandse wielrenner heeft zaterdag de koninginnenrit gewonnen na "
    "een solo van zestig kilometer door de bergen."
)
_MORE = (
    "Hij reed op de laatste klim weg bij de favorieten en hield in de afdaling genoeg "
    "voorsprong over om alleen te finishen."
)
_TEASERS = (
    "1 uur geledenMADRID (ANP) - In Spanje is een tentoonstelling over oude kaarten geopend.\n"
    "2 uur geledenOSLO (ANP) - Noorwegen bouwt een nieuwe brug over een fjord in het noorden."
)
RAIL_ONLY = dn.Page(
    "zz_rail_only",
    f"\nWielrenner wint bergrit in de Alpen\n{_STORY}\n{_MORE}\nMeer uit Buitenland\n"
    f"{_TEASERS}\n3 uur geleden",
)
"""A page sharing nothing with the seeds but their rail heading, "Meer uit Buitenland"."""


def test_shared_furniture_reads_no_stored_page_back(tmp_path: Path) -> None:
    """A crawl sharing only a section heading with history joins its cluster by key alone."""
    with Index.open(tmp_path / "news.idx") as index:
        first = index.add(SEEDS[:4])
        added = index.add([RAIL_ONLY])
        assert [p.id for p in added.report.pages] == [RAIL_ONLY.id]
        heading = next(c for c in first.report.clusters if len(c.members) == 4)
        assert added.report.segment_clusters.count(heading.id) == 1
        assert _stored(index) == _batch([*SEEDS[:4], RAIL_ONLY])


@given(st.lists(st.integers(0, 4), min_size=len(_crawl()), max_size=len(_crawl())))
def test_random_splits_equal_one_batch_and_ids_last(
    tmp_path_factory: pytest.TempPathFactory, crawl_of: list[int]
) -> None:
    """Any split into crawls gives the batch clusters; every id given out stays valid."""
    pages = _crawl()
    given_out: set[str] = set()
    with Index.open(tmp_path_factory.mktemp("split") / "news.idx") as index:
        for crawl in sorted(set(crawl_of)):
            added = index.add(p for p, c in zip(pages, crawl_of, strict=True) if c == crawl)
            given_out.update(c.id for c in added.report.clusters)
            for merge in added.merged:
                assert index.resolve(merge.alias) == index.resolve(merge.into)
        live = {c for _, c, _ in index.segments() if c is not None}
        assert {index.resolve(i) for i in given_out} >= live
        assert _stored(index) == _batch(pages)


def test_readding_the_same_pages_changes_nothing(tmp_path: Path) -> None:
    """A page given again with the same text is ignored: no repetition, nothing stored."""
    with Index.open(tmp_path / "news.idx") as index:
        index.add(SEEDS)
        before, stats = index.segments(), index.stats()
        again = index.add(SEEDS)
        assert again.unchanged == tuple(p.id for p in SEEDS)
        assert (again.new_pages, again.report.segments) == ((), ())
        assert index.segments() == before
        assert index.stats().crawls == stats.crawls


def test_same_id_new_text_is_a_new_version(tmp_path: Path) -> None:
    """A page with a known id and new text replaces the stored version."""
    first = SEEDS[0]
    with Index.open(tmp_path / "news.idx") as index:
        index.add(SEEDS)
        edited = dn.Page(first.id, first.text + "\nEen nieuwe alinea over iets heel anders nog.")
        added = index.add([edited])
        assert added.new_pages == (first.id,)
        assert index.stats().pages == len(SEEDS)
        assert _stored(index) == _batch([edited, *SEEDS[1:]])


def test_provenance_names_the_first_page(tmp_path: Path) -> None:
    """A text seen before is traced to the page and crawl where it was first seen."""
    at = datetime(2026, 1, 2, tzinfo=UTC)
    with Index.open(tmp_path / "news.idx") as index:
        index.add(SEEDS[:1], at=at)
        added = index.add(SEEDS[1:2])
    assert added.provenance
    assert {p.page for p in added.provenance} == {SEEDS[0].id}
    assert all(p.seen == "2026-01-02T00:00:00+00:00" for p in added.provenance)


def test_oldest_cluster_wins_a_merge() -> None:
    """A cluster bridging two older ones keeps the older id; the other becomes an alias."""
    members = (SegmentId("a:1"), SegmentId("b:1"), SegmentId("c:1"))
    cluster = Cluster(ClusterId("cnew"), "k", ClusterKind.NEAR, members, members[0])
    before = {members[0]: (2, "cx"), members[1]: (1, "cy")}
    assigned = assign([cluster], before, lambda _: False, 3)
    assert assigned.ids == {"cnew": "cy"}
    assert assigned.merges == (("cx", "cy"),)


def test_other_settings_are_refused(tmp_path: Path) -> None:
    """Opening an index with other settings names the stored and the given value."""
    Index.open(tmp_path / "news.idx").close()
    with pytest.raises(dn.ConfigError, match=r"shingle_size must be 3 .* got 4"):
        Index.open(tmp_path / "news.idx", dn.Config(shingle_size=4))
    with Index.open(tmp_path / "news.idx") as index:
        assert index.config == dn.DEFAULT


def test_newer_format_is_refused(tmp_path: Path) -> None:
    """A file written by a newer format version is refused, not read."""
    Index.open(tmp_path / "news.idx").close()
    with sqlite3.connect(tmp_path / "news.idx") as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE name = 'format_version'")
    with pytest.raises(dn.ConfigError, match=r"format version must be at most 3.*got 99"):
        Index.open(tmp_path / "news.idx")


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file that is not an index is refused and left untouched."""
    with sqlite3.connect(tmp_path / "other.db") as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(dn.InputError, match="not a dedupe_news index"):
        Index.open(tmp_path / "other.db")


def test_a_second_writer_gets_busy_and_readers_never_block(tmp_path: Path) -> None:
    """While another connection writes, an add fails with 'index is busy'; reads go on."""
    with Index.open(tmp_path / "news.idx", timeout=0.05) as index:
        index.add(SEEDS[:1])
        writer = sqlite3.connect(tmp_path / "news.idx", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM segments")
        with pytest.raises(IndexBusyError, match="index is busy"):
            index.add(SEEDS[1:2])
        assert index.stats().segments > 0
        writer.execute("ROLLBACK")
        writer.close()


def test_prune_forgets_old_crawls_in_batches(tmp_path: Path) -> None:
    """Pruning before a date removes the pages first seen before it and their keys."""
    with Index.open(tmp_path / "news.idx") as index:
        index.add(SEEDS[:3], at=datetime(2026, 1, 1, tzinfo=UTC))
        index.add(SEEDS[3:], at=datetime(2026, 7, 1, tzinfo=UTC))
        assert index.prune("2026-06-01", batch=1) == 3
        stats = index.stats()
        assert (stats.pages, stats.crawls) == (2, 1)
        assert {s.rsplit(":", 1)[0] for s, _, _ in index.segments()} == {p.id for p in SEEDS[3:]}
        assert index.prune("2027-01-01") == 2
        assert (index.stats().texts, index.stats().band_keys, index.stats().shingle_keys) == (
            0,
            0,
            0,
        )
        with pytest.raises(dn.ConfigError, match="before must be an ISO date"):
            index.prune("yesterday")


def test_query_finds_a_stored_copy(tmp_path: Path) -> None:
    """A query returns the stored segment it copies, with score 1 and its first crawl."""
    with Index.open(tmp_path / "news.idx") as index:
        index.add(SEEDS, at=datetime(2026, 3, 1, tzinfo=UTC))
        text = dn.dedupe(SEEDS).segments[3].text
        hits = index.query(text)
        assert hits
        assert hits[0].score == 1.0
        assert hits[0].seen.startswith("2026-03-01")
        assert index.query("Iets dat nergens in het archief voorkomt, echt nergens.") == ()
