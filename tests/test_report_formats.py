"""Report formats: JSONL, CSV, Parquet, pandas and the corpus hold what the JSON report holds."""

from __future__ import annotations

import csv
import io
import json
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

import dedupe_news as dn
from dedupe_news.errors import ConfigError, MissingDependencyError
from dedupe_news.report import (
    CLUSTER_COLUMNS,
    FORMATS,
    SEGMENT_COLUMNS,
    clusters_path,
    corpus_records,
    to_arrow,
    to_dict,
    to_pandas,
    to_text,
    write_corpus,
    write_report,
)

BODY = (
    "Oekraïne gaat de komende jaren tot een honderdtal moderne Franse gevechtsvliegtuigen "
    "aanschaffen, hebben de presidenten van beide landen maandag in Parijs afgesproken."
)
SECOND = (
    "Naast de toestellen koopt het land ook geavanceerde luchtverdedigingssystemen, die de "
    "steden in het oosten moeten beschermen tegen Russische raketten en drones."
)

OWN = "Eigen slotzin van de redactie van b over de zaak."
PQ: Any = import_module("pyarrow.parquet")  # untyped: read through Any


@pytest.fixture(scope="module")
def report() -> dn.Report:
    """The seed report plus a near-duplicate pair, so both cluster kinds are present."""
    pages = list(dn.read_pages(dn.demo.seed_folder()).pages)  # type: ignore[attr-defined]
    pages += [
        dn.Page("x", f"Titel x\nPARIJS (ANP) - {BODY}\n"),
        dn.Page("y", f"Titel y\n{BODY} Dat zei hij.\n"),
    ]
    return dn.dedupe(pages)


def _expected(report: dn.Report) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(segment id, label, cluster, text) per segment and (cluster, kind, members) per cluster."""
    data = to_dict(report)
    segments = [
        (s["id"], s["label"], s["cluster"], s["text"], s["agencies"])
        for page in data["pages"]  # type: ignore[attr-defined]
        for s in page["segments"]
    ]
    clusters = [(c["id"], c["kind"], c["members"], c["matches"]) for c in data["clusters"]]  # type: ignore[attr-defined]
    return segments, clusters


def _written(report: dn.Report, form: str, tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / f"scan.{form}"
    write_report(report, form, path, io.BytesIO())  # type: ignore[arg-type]
    return path, clusters_path(path)


def test_fixture_has_both_cluster_kinds(report: dn.Report) -> None:
    """The fixture exercises exact and near clusters (so matches are compared below)."""
    assert {c.kind for c in report.clusters} == {dn.ClusterKind.EXACT, dn.ClusterKind.NEAR}


def test_jsonl_reads_back_to_the_json_report(report: dn.Report, tmp_path: Path) -> None:
    """JSONL segment and cluster rows hold the JSON report's segments, labels and clusters."""
    rows, clusters = _written(report, "jsonl", tmp_path)
    seg = [json.loads(line) for line in rows.read_text(encoding="utf-8").splitlines()]
    clu = [json.loads(line) for line in clusters.read_text(encoding="utf-8").splitlines()]
    assert all(list(r) == list(SEGMENT_COLUMNS) for r in seg)
    assert all(list(c) == list(CLUSTER_COLUMNS) for c in clu)
    got_segments = [
        (r["segment_id"], r["label"], r["cluster"], r["text"], r["agencies"]) for r in seg
    ]
    got_clusters = [(c["cluster"], c["kind"], c["members"], c["matches"]) for c in clu]
    assert (got_segments, got_clusters) == _expected(report)


def test_csv_reads_back_to_the_json_report(report: dn.Report, tmp_path: Path) -> None:
    """CSV rows (agencies "/"-joined, members and matches as JSON) hold the same content."""
    rows, clusters = _written(report, "csv", tmp_path)
    with rows.open(encoding="utf-8", newline="") as handle:
        seg = list(csv.DictReader(handle))
    with clusters.open(encoding="utf-8", newline="") as handle:
        clu = list(csv.DictReader(handle))
    assert list(seg[0]) == list(SEGMENT_COLUMNS)
    got_segments = [
        (
            r["segment_id"],
            r["label"],
            r["cluster"] or None,
            r["text"],
            r["agencies"].split("/") if r["agencies"] else [],
        )
        for r in seg
    ]
    got_clusters = [
        (c["cluster"], c["kind"], json.loads(c["members"]), json.loads(c["matches"])) for c in clu
    ]
    assert (got_segments, got_clusters) == _expected(report)


def test_parquet_reads_back_to_the_json_report(report: dn.Report, tmp_path: Path) -> None:
    """Parquet (read with pyarrow) holds the same segments, with lists, and the clusters."""
    rows, clusters = _written(report, "parquet", tmp_path)
    seg = PQ.read_table(rows).to_pylist()
    clu = PQ.read_table(clusters).to_pylist()
    assert PQ.read_schema(rows).names == list(SEGMENT_COLUMNS)
    got_segments = [
        (r["segment_id"], r["label"], r["cluster"], r["text"], r["agencies"]) for r in seg
    ]
    got_clusters = [(c["cluster"], c["kind"], c["members"], c["matches"]) for c in clu]
    assert (got_segments, got_clusters) == _expected(report)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.clusters.parquet", "scan.parquet"]


def test_arrow_and_pandas_match_the_rows(report: dn.Report) -> None:
    """to_arrow and to_pandas give one row per segment with the documented columns."""
    table = to_arrow(report)
    frame = to_pandas(report)
    assert table.column_names == list(frame.columns) == list(SEGMENT_COLUMNS)
    assert table.num_rows == len(frame) == len(report.segments)
    assert frame["segment_id"].tolist() == [s.id for s in report.segments]
    assert frame["label"].tolist() == [label.value for label in report.labels]
    assert report.to_arrow().equals(table)
    assert report.to_pandas().equals(frame)


def test_missing_pyarrow_names_the_extra(
    report: dn.Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyarrow, Parquet fails with a DedupeNewsError naming the extra, writing nothing."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'dedupe-news\[parquet\]'"):
        _written(report, "parquet", tmp_path)
    with pytest.raises(MissingDependencyError, match="to_arrow needs pyarrow"):
        to_arrow(report)
    assert list(tmp_path.iterdir()) == []


def test_missing_pandas_names_the_extra(report: dn.Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, to_pandas fails naming the pandas extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"dedupe-news\[pandas\]"):
        to_pandas(report)


def test_parquet_to_stdout_and_unknown_formats_are_refused(report: dn.Report) -> None:
    """Parquet needs a file, and a format outside FORMATS is a ConfigError."""
    with pytest.raises(ConfigError, match="--format parquet must be written to a file"):
        write_report(report, "parquet", None, io.BytesIO())
    with pytest.raises(ConfigError, match="format must be one of json, jsonl"):
        write_report(report, "xml", None, io.BytesIO())  # type: ignore[arg-type]


@pytest.mark.parametrize("form", FORMATS)
def test_every_format_is_deterministic(report: dn.Report, form: str, tmp_path: Path) -> None:
    """The same report written twice gives the same bytes in every format."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _written(report, form, tmp_path / "a")
    second = _written(report, form, tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.exists() == two.exists()
        if one.exists():
            assert one.read_bytes() == two.read_bytes()


def test_text_summary_of_two_huge_near_copies_is_bounded() -> None:
    """Two near-identical 1 MB texts summarize with a short diff line (bounded work)."""
    words = [f"woord{i % 997}x{i // 997}" for i in range(120_000)]
    text = " ".join(words)
    edited = " ".join([*words[:60_000], "ingevoegd", *words[60_000:]])
    assert len(text) > 1_000_000
    report = dn.dedupe([dn.Page("a", text), dn.Page("b", edited)])
    summary = to_text(report)
    assert report.clusters[0].kind is dn.ClusterKind.NEAR
    # b, the longer text, is the representative: a's line says what a lacks.
    assert "  a:1  paragraph  duplicate  - [ingevoegd]\n" in summary
    assert max(len(line) for line in summary.splitlines()) < 200


def test_text_summary_caps_a_long_differing_middle() -> None:
    """When the differing middle is longer than the cap, the diff line ends in an ellipsis."""
    from dedupe_news.report.summary import _diff  # noqa: PLC0415 - the private helper

    a = " ".join(f"a{i}" for i in range(1000))
    b = " ".join(f"a{i}" if i % 2 else f"b{i}" for i in range(1000))
    assert _diff(a, b).endswith(" …")


def test_corpus_of_the_seed_pages_drops_boilerplate() -> None:
    """On the seed pages every record holds only unique text, and boilerplate never appears."""
    seeds = dn.dedupe(dn.read_pages(dn.demo.seed_folder()))  # type: ignore[attr-defined]
    records = [r for r in corpus_records(seeds) if r is not None]
    boilerplate = {
        s.text
        for s, label in zip(seeds.segments, seeds.labels, strict=True)
        if label is dn.Label.BOILERPLATE
    }
    assert [r["id"] for r in records] == [p.id for p in seeds.pages]
    for record in records:
        assert record is not None
        assert list(record) == ["id", "url", "site", "published", "title", "text"]
        assert not set(str(record["text"]).split("\n")) & boilerplate
        unique = [
            s.text for s in seeds.unique_segments(str(record["id"])) if s.role is not dn.Role.TITLE
        ]
        assert str(record["text"]).split("\n") == unique


def test_corpus_keeps_a_syndicated_story_once() -> None:
    """A syndicated copy keeps only its own text; the shared story is kept on the first page."""
    pages = [
        dn.Page("a", f"Titel a\nPARIJS (ANP) - {BODY}\n{SECOND}\n", url="u/a"),
        dn.Page(
            "b",
            f"Titel b\nPARIJS (ANP) - {BODY}\n{SECOND}\n{OWN}\n",
        ),
        dn.Page("c", f"Titel c\nPARIJS (ANP) - {BODY}\n{SECOND}\n"),
    ]
    report = dn.dedupe(pages)
    assert report.article_clusters == ("a", "a", "a")
    out = io.BytesIO()
    counts = write_corpus(report, out)
    records = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert (counts.written, counts.omitted) == (2, 1)
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0] == {
        "id": "a",
        "url": "u/a",
        "site": None,
        "published": None,
        "title": "Titel a",
        "text": f"{BODY}\n{SECOND}",
    }
    assert records[1]["text"] == OWN


def test_columns_hold_the_rows_values(report: dn.Report) -> None:
    """segment_columns (Arrow, pandas) holds exactly segment_rows' values, column by column."""
    from dedupe_news.report.rows import segment_columns, segment_rows  # noqa: PLC0415

    rows = list(segment_rows(report))
    columns = segment_columns(report)
    assert list(columns) == list(SEGMENT_COLUMNS)
    for name in SEGMENT_COLUMNS:
        assert columns[name] == [row[name] for row in rows]
