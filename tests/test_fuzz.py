"""Fuzz suite: arbitrary bytes and page-like text never crash a stage (`make fuzz` runs more)."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xxhash
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId
from dedupe_news.report import schema_path, to_json
from dedupe_news.stages.tokenize import tokenize
from tests.strategies import PAGE_LIKE


@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return loaded


@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".jsonl", ""]))
def test_fuzz_reader_returns_pages_or_skips(data: bytes, suffix: str) -> None:
    """Any bytes in any kind of file give pages or named skips, never an exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "input" + suffix)
        path.write_bytes(data)
        corpus = dn.read_pages(folder)
    for skipped in corpus.skipped:
        assert skipped.path.startswith(str(path))
        assert skipped.reason
    for page in corpus.pages:
        assert page.text.strip()
        assert "\r" not in page.text


@given(text=PAGE_LIKE | st.text(max_size=500))
def test_fuzz_segmenter_covers_lines_in_order(text: str) -> None:
    """Any text segments into segments on distinct, increasing, non-empty lines."""
    segments = dn.segment_page(dn.Page(PageId("p"), text))
    lines = [s.line for s in segments]
    assert lines == sorted(set(lines))
    all_lines = text.split("\n")
    for segment in segments:
        assert all_lines[segment.line - 1].strip()
        assert segment.age_minutes is None or segment.age_minutes >= 0


@given(text=st.text(max_size=300), fold=st.booleans())
def test_fuzz_normalize_is_total_and_idempotent(text: str, fold: bool) -> None:  # noqa: FBT001
    """Normalizing never raises, and a second pass changes nothing."""
    once = dn.normalize(text, fold_diacritics=fold)
    assert dn.normalize(once, fold_diacritics=fold) == once
    assert once == once.strip()
    assert "  " not in once


@given(pages=st.lists(PAGE_LIKE, max_size=6))
def test_fuzz_pipeline_gives_a_valid_report(pages: list[str]) -> None:
    """Any page-like batch gives a report that validates against the shipped schema."""
    batch = [dn.Page(PageId(f"p{i}"), text) for i, text in enumerate(pages)]
    report = dn.dedupe(batch)
    data = json.loads(to_json(report))
    jsonschema.validate(data, _schema())
    clustered = [m for c in data["clusters"] for m in c["members"]]
    assert len(clustered) == len(set(clustered))


@given(text=st.text(max_size=200) | PAGE_LIKE, fold=st.booleans())
def test_fuzz_kernel_words_are_the_words_of_normalize(text: str, fold: bool) -> None:  # noqa: FBT001
    """The compiled tokenizer hashes exactly the words of `normalize`, with XXH64."""
    tokens = tokenize([text, "tussen", text], fold_diacritics=fold)
    expected = [
        xxhash.xxh64_intdigest(w.encode()) for w in dn.normalize(text, fold_diacritics=fold).split()
    ]
    assert tokens.hashes[tokens.offsets[0] : tokens.offsets[1]].tolist() == expected
    assert tokens.hashes[tokens.offsets[2] : tokens.offsets[3]].tolist() == expected
    assert tokens.norm(0) == tokens.norm(2) == dn.normalize(text, fold_diacritics=fold)
