"""Exact groups: texts equal once normalized share one distinct text, numbered by first use."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.stages.exact import distinct_texts, exact_groups, group_keys
from dedupe_news.stages.tokenize import tokenize
from tests.strategies import TEXTS


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


@given(texts=st.lists(TEXTS, max_size=12).flatmap(lambda t: st.permutations(t + t[:3])))
def test_shared_norms_read_back_every_norm_and_hold_each_distinct_one_once(
    texts: list[str],
) -> None:
    """Each text's norm is unchanged; the buffer holds the distinct texts' norms alone."""
    tokens = tokenize(texts)
    distinct = exact_groups(texts, tokens)
    assert [distinct.tokens.norm(i) for i in range(len(texts))] == [
        tokens.norm(i) for i in range(len(texts))
    ]
    assert len(distinct.tokens.norms) == sum(
        len(distinct.norm(g).encode()) for g in range(len(distinct))
    )
    assert distinct.tokens.hashes is tokens.hashes


def _groups_reference(keys: np.ndarray, counts: np.ndarray) -> tuple[list[int], list[int]]:
    """Return group_keys' answer by a dict over whole key rows, in order of appearance."""
    number: dict[tuple[int, int], int] = {}
    group_of: list[int] = []
    firsts: list[int] = []
    for row, (key, count) in enumerate(zip(keys.tolist(), counts.tolist(), strict=True)):
        if count == 0:
            group_of.append(-1)
            continue
        if tuple(key) not in number:
            number[tuple(key)] = len(firsts)
            firsts.append(row)
        group_of.append(number[tuple(key)])
    return group_of, firsts


@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), max_size=40)
)
def test_group_keys_equal_a_dict_of_whole_keys_even_when_first_keys_collide(
    rows: list[tuple[int, int, int]],
) -> None:
    """Rows group by both keys, numbered by first appearance, when first keys are shared too."""
    keys = np.array([[a, b] for a, b, _ in rows], dtype=np.uint64).reshape(-1, 2)
    counts = np.array([c for _, _, c in rows], dtype=np.int64)
    group_of, firsts = group_keys(keys, counts)
    assert (group_of.tolist(), firsts.tolist()) == _groups_reference(keys, counts)


@given(texts=st.lists(TEXTS, max_size=12).flatmap(lambda t: st.permutations(t + t[:3] + [""])))
def test_distinct_strings_tokenized_once_give_the_groups_of_the_whole_batch(
    texts: list[str],
) -> None:
    """Tokenizing each distinct string once gives the batch's groups, counts, norms and words."""
    tokens = tokenize(texts)
    whole = exact_groups(texts, tokens)
    distinct, words = distinct_texts(texts)
    assert distinct.group_of.tolist() == whole.group_of.tolist()
    assert distinct.firsts.tolist() == whole.firsts.tolist()
    assert distinct.tokens.counts().tolist() == tokens.counts().tolist()
    assert [distinct.tokens.norm(i) for i in range(len(texts))] == [
        whole.tokens.norm(i) for i in range(len(texts))
    ]
    assert len(distinct.tokens.hashes) == 0
    taken = tokens.take(whole.firsts)
    mine = words.tokens.take(words.rows)
    assert mine.hashes.tolist() == taken.hashes.tolist()
    assert mine.offsets.tolist() == taken.offsets.tolist()
    rows = words.of(distinct.group_of)
    assert [words.tokens.norm(r) if r >= 0 else "" for r in rows.tolist()] == [
        tokens.norm(i) for i in range(len(texts))
    ]


def test_distinct_strings_hash_each_repeated_string_once() -> None:
    """Repeated strings are tokenized once; strings equal only once normalized are kept apart."""
    texts = ["Kim in Rusland.", "...", "Kim in Rusland.", "kim in rusland", "...", ""]
    distinct, words = distinct_texts(texts)
    assert len(words.tokens.offsets) - 1 == 4  # "Kim in Rusland.", "...", "kim in rusland", ""
    assert len(words.tokens.hashes) == 6
    assert (distinct.group_of.tolist(), distinct.firsts.tolist()) == ([0, -1, 0, 0, -1, -1], [0])
    assert words.of(distinct.group_of).tolist() == [0, -1, 0, 0, -1, -1]
    none, no_words = distinct_texts(["", "!"])
    assert (none.firsts.tolist(), no_words.of(none.group_of).tolist()) == ([], [-1, -1])
    empty, _ = distinct_texts([])
    assert (len(empty), len(empty.tokens.offsets)) == (0, 1)
