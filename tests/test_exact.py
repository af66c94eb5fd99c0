"""Exact groups: texts equal once normalized share one distinct text, numbered by first use."""

from __future__ import annotations

import numpy as np

from dedupe_news.stages.exact import exact_groups, group_keys
from dedupe_news.stages.tokenize import tokenize


def test_group_keys_number_groups_by_first_appearance() -> None:
    """Groups are numbered in order of their first text; texts without words stay out."""
    keys = np.array([[9, 9], [1, 1], [9, 9], [0, 0], [1, 1]], dtype=np.uint64)
    group_of, firsts = group_keys(keys, np.array([3, 2, 3, 0, 2]))
    assert group_of.tolist() == [0, 1, 0, -1, 1]
    assert firsts.tolist() == [0, 1]
    none, no_firsts = group_keys(keys[:2], np.array([0, 0]))
    assert (none.tolist(), no_firsts.tolist()) == ([-1, -1], [])


def test_distinct_texts_read_through_the_first_text_of_each_group() -> None:
    """The distinct view indexes groups, not texts: norms, originals and word counts."""
    texts = ["Aa, bb!", "cc", "AA bb", "..."]
    distinct = exact_groups(texts, tokenize(texts))
    assert len(distinct) == 2
    assert (distinct.norm(0), distinct.norm(1)) == ("aa bb", "cc")
    assert (distinct.original(0), distinct.original(1)) == ("Aa, bb!", "cc")
    assert distinct.words().tolist() == [2, 1]
    assert distinct.group_of.tolist() == [0, 1, 0, -1]
