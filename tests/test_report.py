"""Report: the JSON shape (validated against the shipped schema) and the text summary."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.records import PageId
from dedupe_news.report import schema_path, to_dict, to_json, to_text
from tests.strategies import pages

SCHEMA = json.loads(schema_path().read_text(encoding="utf-8"))


def test_seed_report_validates_and_round_trips() -> None:
    """The seed report validates against the schema and survives a JSON round trip."""
    report = dn.dedupe(dn.read_pages(seed_folder()))
    data = json.loads(to_json(report))
    jsonschema.validate(data, SCHEMA)
    assert data == to_dict(report)
    assert data["pages"][1]["title"] == "Poetin dinsdag naar Noord-Korea"
    assert report.cluster_of("001_102a09e7432f2aef:12") == data["clusters"][1]["id"]
    assert report.cluster_of("001_102a09e7432f2aef:1") is None


@given(texts=st.lists(pages(), min_size=1, max_size=5))
def test_generated_pages_give_valid_reports(texts: list[str]) -> None:
    """Reports on generated page dumps validate against the schema."""
    report = dn.dedupe([dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)])
    jsonschema.validate(json.loads(to_json(report)), SCHEMA)


def test_text_summary_shows_skips_and_near_duplicate_diffs() -> None:
    """The text summary lists skipped inputs and how near-duplicates differ, word by word."""
    base = (
        "PARIJS (ANP) - Oekraïne gaat de komende jaren tot een honderdtal moderne Franse "
        "gevechtsvliegtuigen aanschaffen. Naast de toestellen koopt het land ook geavanceerde "
        "luchtverdedigingssystemen, hebben de presidenten afgesproken."
    )
    edited = base.replace("moderne Franse", "nieuwe Franse").replace(" ook ", " ")
    corpus = dn.Corpus(
        (dn.Page(PageId("a"), f"Titel een\n{base}"), dn.Page(PageId("b"), f"Titel twee\n{edited}")),
        (dn.Skipped("bad.txt", "binary data (NUL byte at byte offset 3)"),),
    )
    text = to_text(dn.dedupe(corpus))
    assert "  b:2  lede  duplicate  PARIJS (ANP)  - [moderne] + [nieuwe] - [ook]" in text
    assert text.endswith("skipped 1 inputs:\n  bad.txt: binary data (NUL byte at byte offset 3)\n")
