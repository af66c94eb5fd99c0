"""Report: the JSON shape, validated against the shipped schema, and the text summary."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId
from dedupe_news.report import FORMAT_VERSION, schema_path, to_dict, to_json, to_text
from dedupe_news.report.summary import _diff
from tests.strategies import pages

BASE = (
    "PARIJS (ANP) - Oekraïne gaat de komende jaren tot een honderdtal moderne Franse "
    "gevechtsvliegtuigen aanschaffen. Naast de toestellen koopt het land ook geavanceerde "
    "luchtverdedigingssystemen, hebben de presidenten afgesproken."
)
EDITED = BASE.replace("moderne Franse", "nieuwe Franse").replace(" ook ", " ")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """The shipped schema, itself checked against the 2020-12 meta-schema."""
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _validate(data: object) -> None:
    _validator().validate(data)


@pytest.fixture(scope="module")
def seed_report(seed_corpus: dn.Corpus) -> dn.Report:
    """The report of a default run on the seed pages."""
    return dn.dedupe(seed_corpus)


def test_seed_report_validates_and_round_trips(seed_report: dn.Report) -> None:
    """The seed report validates against the schema and survives a JSON round trip."""
    data = json.loads(to_json(seed_report))
    _validate(data)
    assert data == to_dict(seed_report)
    assert data["version"] == FORMAT_VERSION
    assert data["generator"] == f"dedupe_news {dn.__version__}"
    assert data["config"] == dn.DEFAULT.as_dict()


def test_seed_report_summary_counts_what_it_lists(seed_report: dn.Report) -> None:
    """Summary counts agree with the pages, segments, labels and clusters listed."""
    data = to_dict(seed_report)
    segments = [s for page in data["pages"] for s in page["segments"]]  # type: ignore[attr-defined]
    summary = data["summary"]
    assert summary == {
        "pages": 5,
        "segments": len(segments),
        "labels": {
            label: sum(s["label"] == label for s in segments)
            for label in ("unique", "duplicate", "boilerplate")
        },
        "clusters": {"exact": 2, "near": 0},
        "skipped": 0,
    }
    assert data["pages"][1]["title"] == "Poetin dinsdag naar Noord-Korea"  # type: ignore[index]


def test_segments_point_at_their_clusters(seed_report: dn.Report) -> None:
    """A segment's `cluster` is the id of the cluster listing it as a member."""
    data = to_dict(seed_report)
    members = {m: c["id"] for c in data["clusters"] for m in c["members"]}  # type: ignore[attr-defined]
    for page in data["pages"]:  # type: ignore[attr-defined]
        for segment in page["segments"]:
            assert segment["cluster"] == members.get(segment["id"])


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("version",), "1"),
        (("pages", 0, "segments", 0, "label"), "weird"),
        (("pages", 0, "segments", 0, "role"), "sidebar"),
        (("clusters", 0, "kind"), "fuzzy"),
        (("clusters", 0, "lowest_score"), 1.5),
        (("summary", "pages"), -1),
        (("config", "threshold"), 0),
    ],
)
def test_schema_rejects_what_the_format_does_not_allow(
    seed_report: dn.Report, path: tuple[str | int, ...], value: object
) -> None:
    """The schema is strict enough to fail: a value outside the format is refused."""
    data: Any = copy.deepcopy(to_dict(seed_report))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        _validate(data)


def test_schema_rejects_unknown_fields(seed_report: dn.Report) -> None:
    """Extra properties are not allowed anywhere the format is defined."""
    data: Any = copy.deepcopy(to_dict(seed_report))
    data["pages"][0]["segments"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validate(data)


@given(texts=st.lists(pages(), min_size=1, max_size=5))
def test_generated_pages_give_valid_reports_that_round_trip(texts: list[str]) -> None:
    """Reports on generated page dumps validate and survive a JSON round trip."""
    report = dn.dedupe([dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)])
    data = json.loads(to_json(report))
    _validate(data)
    assert data == to_dict(report)


def test_json_is_utf8_indented_and_ends_in_a_newline(seed_report: dn.Report) -> None:
    """Diacritics stay readable, not escaped; the text ends with one newline."""
    text = to_json(seed_report)
    assert "Oekraïne" in text
    assert "\\u00ef" not in text
    assert text.endswith("}\n")
    assert text.startswith('{\n  "version": "2",')


def test_page_without_title_has_a_null_title() -> None:
    """A page whose scrape lost its title reports `title: null`."""
    data = to_dict(dn.dedupe([dn.Page(PageId("a"), "PARIJS (ANP) - Nieuws.")]))
    assert data["pages"][0]["title"] is None  # type: ignore[index]


def test_text_summary_lists_counts_and_every_cluster(seed_report: dn.Report) -> None:
    """The summary opens with the counts, then each cluster with its members and credits."""
    text = to_text(seed_report)
    assert text.startswith(
        "5 pages, 78 segments: unique 38, duplicate 0, boilerplate 40\n2 clusters\n"
    )
    for cluster in seed_report.clusters:
        assert (
            f"\n{cluster.id}  exact  {len(cluster.members)} members  lowest score 1.000\n" in text
        )
        for member in cluster.members:
            assert f"  {member}  " in text
    assert "  001_102a09e7432f2aef:12  teaser  boilerplate  PARIJS (ANP/AFP), 7 uur geleden" in text
    assert "(representative)" in text
    assert "skipped" not in text


def test_text_summary_shows_skips_and_near_duplicate_diffs() -> None:
    """Skipped inputs are listed, and near-duplicates show how they differ, word by word."""
    corpus = dn.Corpus(
        (dn.Page(PageId("a"), f"Titel een\n{BASE}"), dn.Page(PageId("b"), f"Titel twee\n{EDITED}")),
        (dn.Skipped("bad.txt", "binary data (NUL byte at byte offset 3)"),),
    )
    text = to_text(dn.dedupe(corpus))
    assert "near  2 members  lowest score 0.9" in text
    assert "  b:2  lede  duplicate  PARIJS (ANP)  - [moderne] + [nieuwe] - [ook]" in text
    preview = BASE.removeprefix("PARIJS (ANP) - ")[:69] + "…"  # 70 characters in all
    assert f"\n  {preview!r}\n" in text
    assert text.endswith("skipped 1 inputs:\n  bad.txt: binary data (NUL byte at byte offset 3)\n")


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("a b c d", ""),
        ("a b", "  - [c d]"),
        ("x a b c d", "  + [x]"),
        ("a x c d", "  - [b] + [x]"),
        ("p b q d", "  - [a] + [p] - [c] + [q]"),
        ("p b q d r", "  - [a] + [p] - [c] + [q] …"),
        ("1 a 2 b 3 c 4 d 5", "  + [1] + [2] + [3] + [4] …"),
        ("a b c d " + " ".join("w" * 13), "  + [w w w w w w w w w w w w …]"),
    ],
)
def test_diff_describes_changes_briefly(other: str, expected: str) -> None:
    """At most four changes of at most twelve words each are shown."""
    assert _diff("a b c d", other) == expected


def _linked_report() -> dn.Report:
    """A host page whose rail shows another page's lede verbatim, and that page."""
    lede = "PYONGYANG (ANP/RTR) - De Russische president Vladimir Poetin gaat naar Noord-Korea."
    host = f"Titel\nPARIJS (ANP) - Ander nieuws vandaag.\nMeer uit X\n{lede}\n1 uur geleden"
    article = f"Poetin dinsdag naar Noord-Korea\n{lede}"
    return dn.dedupe([dn.Page(PageId("host"), host), dn.Page(PageId("poetin"), article)])


def test_links_are_written_validated_and_summarised() -> None:
    """A teaser's link reaches the JSON report (valid against the schema) and the text summary."""
    report = _linked_report()
    data = json.loads(to_json(report))
    _validate(data)
    assert data["links"] == [
        {"teaser": "host:4", "page": "poetin", "target": "poetin:2", "score": 1.0}
    ]
    assert "host:4 -> poetin  (poetin:2, score 1.000)" in to_text(report)


def test_schema_refuses_a_link_without_a_score() -> None:
    """Every link carries its score."""
    data = json.loads(to_json(_linked_report()))
    del data["links"][0]["score"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(data)
