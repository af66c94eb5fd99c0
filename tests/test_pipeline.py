"""Pipeline: dedupe and find_duplicates end to end, stage timings, exact copies, page order."""

from __future__ import annotations

import json
import runpy
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.pipeline import STAGES, _Distinct, _Originals, exact_groups
from dedupe_news.records import PageId
from dedupe_news.report import to_json
from dedupe_news.signature import tokenize
from tests.strategies import PARAGRAPHS, pages


def test_duplicate_page_ids_are_an_input_error() -> None:
    """Two pages with one id cannot be told apart in the report: refused, by id."""
    page = dn.Page(PageId("x"), "Titel\nPARIJS (ANP) - Tekst.", path="a/x.txt")
    with pytest.raises(dn.InputError, match=r"a/x.txt:0: duplicate page id 'x'"):
        dn.dedupe([page, page])


def test_every_stage_is_timed_in_order() -> None:
    """on_stage hears every stage of dedupe once, in order."""
    heard: list[str] = []
    dn.dedupe(dn.read_pages(seed_folder()), on_stage=lambda stage, _: heard.append(stage))
    assert tuple(heard) == STAGES


@given(texts=st.lists(pages(), min_size=1, max_size=5), data=st.data())
def test_page_order_changes_nothing(texts: list[str], data: st.DataObject) -> None:
    """The same pages in another order give the same report bytes."""
    batch = [dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)]
    shuffled = data.draw(st.permutations(batch))
    assert to_json(dn.dedupe(batch)) == to_json(dn.dedupe(shuffled))


@given(
    texts=st.lists(PARAGRAPHS, min_size=1, max_size=8),
    copies=st.lists(st.integers(0, 7), max_size=5),
)
def test_exact_copies_always_cluster(texts: list[str], copies: list[int]) -> None:
    """A text repeated (with other case and punctuation) is always in its original's cluster."""
    batch = [*texts, *(texts[index % len(texts)].upper() + " !" for index in copies)]
    labels = {m: c.id for c in dn.find_duplicates(batch) for m in c.members}
    for offset, index in enumerate(copies):
        copy, original = len(texts) + offset, index % len(texts)
        assert labels[copy] == labels[original]


def test_clusters_partition_the_matched_texts() -> None:
    """No text is in two clusters and every cluster has at least two members."""
    texts = [f"{w} " * 12 for w in ("een", "twee", "een", "drie", "twee", "een")]
    found = dn.find_duplicates(texts)
    members = [m for c in found for m in c.members]
    assert sorted(members) == [0, 1, 2, 4, 5]
    assert all(len(c.members) >= 2 for c in found)


def test_exact_groups_number_groups_by_first_appearance() -> None:
    """Groups are numbered in order of their first text; texts without words stay out."""
    keys = np.array([[9, 9], [1, 1], [9, 9], [0, 0], [1, 1]], dtype=np.uint64)
    group_of, firsts = exact_groups(keys, np.array([3, 2, 3, 0, 2]))
    assert group_of.tolist() == [0, 1, 0, -1, 1]
    assert firsts.tolist() == [0, 1]
    assert exact_groups(keys[:0], np.array([], dtype=np.int64))[1].tolist() == []


def test_lazy_sequences_read_through_the_first_text_of_each_group() -> None:
    """The distinct-text views index groups, not texts, and normalize only on demand."""
    texts = ["Aa, bb!", "cc", "AA bb"]
    firsts = np.array([0, 1])
    norms, originals = _Distinct(tokenize(texts), firsts), _Originals(texts, firsts)
    assert (len(norms), len(originals)) == (2, 2)
    assert (norms[0], originals[1]) == ("aa bb", "cc")


def test_module_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m dedupe_news demo --format json` runs main and exits with its code."""
    monkeypatch.setattr(sys, "argv", ["dedupe_news", "demo", "--format", "json"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("dedupe_news", run_name="__main__")
    assert stop.value.code == 0
    assert json.loads(capsys.readouterr().out)["summary"]["pages"] == 5
