"""Story: whole-story containment pairs copies, not templates; segments align one to one."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.records import PageId, Role, Segment
from dedupe_news.stages import _story_kernels, story
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.segment import segment_page
from dedupe_news.stages.story import (
    MAX_PAGES_PER_SHINGLE,
    MIN_SHARED_SHINGLES,
    STORY_ROLES,
    STORY_SHINGLE_WORDS,
    _story_pairs,
    _words_before,
    align,
    number_places,
    replaced_numbers,
    story_copies,
    story_places,
)
from dedupe_news.stages.tokenize import tokenize

REAL_EDITS = Path(__file__).parent / "data" / "real_edits.jsonl"


def _copies(texts: dict[str, str]) -> set[tuple[str, str]]:
    """Page-id pairs that story evidence alone calls copies."""
    pages = [dn.Page(PageId(k), v) for k, v in sorted(texts.items())]
    segments = [s for page in pages for s in segment_page(page)]
    index = {page.id: i for i, page in enumerate(pages)}
    found = story_copies(
        tokenize([s.text for s in segments]),
        [s.role in STORY_ROLES for s in segments],
        [index[s.page_id] for s in segments],
        len(pages),
        0.5,
    )
    return {(pages[p].id, pages[q].id) for p, q in found}


def _article_cases() -> list[tuple[str, str, str, bool]]:
    rows = [json.loads(line) for line in REAL_EDITS.read_text(encoding="utf-8").splitlines()]
    return [(r["id"], r["a"], r["b"], r["match"]) for r in rows if r["class"] == "article"]


def _story(n: int, words: int = 60) -> str:
    return " ".join(f"woord{n}x{k}" for k in range(words)) + "."


def test_a_short_shared_line_is_no_story_evidence() -> None:
    """Pages sharing only a standing line (fewer shingles than the minimum) stay apart."""
    line = "Tips over dit nieuws kunt u mailen naar de redactie via het bekende adres."
    texts = {f"p{n}": f"Titel {n}\nPARIJS (ANP) - {_story(n, 10)}\n{line}" for n in range(3)}
    assert _copies(texts) == set()


def test_a_shingle_on_too_many_pages_pairs_none() -> None:
    """A long template on more than MAX_PAGES_PER_SHINGLE pages is no copy evidence."""
    template = _story(999, MIN_SHARED_SHINGLES + STORY_SHINGLE_WORDS + 5)
    texts = {f"p{n:03}": f"T{n}\nPARIJS (ANP) - {template}" for n in range(MAX_PAGES_PER_SHINGLE)}
    assert len(_copies(texts)) == MAX_PAGES_PER_SHINGLE * (MAX_PAGES_PER_SHINGLE - 1) // 2
    texts["p999"] = f"T\nPARIJS (ANP) - {template}"
    assert _copies(texts) == set()


def test_story_copies_of_nothing_are_none() -> None:
    """No story text, no pairs."""
    assert story_copies(tokenize([]), [], [], 0, 0.5) == []
    assert story_copies(tokenize(["kort"]), [True], [0], 1, 0.5) == []


@given(
    picks=st.lists(st.integers(0, 3), min_size=2, max_size=12),
    size=st.integers(1, 40),
)
def test_shared_shingles_compared_a_slice_at_a_time_find_the_same_copies(
    picks: list[int], size: int
) -> None:
    """Comparing the packed keys in slices of any size finds what one slice finds."""
    texts = {
        f"p{n:02}": f"T{n}\nPARIJS (ANP) - {_story(k, 30)} {_story(n, 3)}"
        for n, k in enumerate(picks)
    }
    whole = _copies(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(story, "_SLICE", size)
        assert _copies(texts) == whole
    assert len(whole) == sum(picks.count(k) * (picks.count(k) - 1) // 2 for k in set(picks))


@given(
    picks=st.lists(st.integers(0, 3), min_size=2, max_size=10),
    part_keys=st.integers(1, 300),
)
def test_story_keys_made_a_range_at_a_time_are_the_keys_made_at_once(
    picks: list[int], part_keys: int
) -> None:
    """Ranges of shingle hashes made and sorted apart give the same counts and shared pairs."""
    pages = [
        dn.Page(PageId(f"p{n:02}"), f"T{n}\nPARIJS (ANP) - {_story(k, 30)} {_story(n, 3)}")
        for n, k in enumerate(picks)
    ]
    segments = [s for page in pages for s in segment_page(page)]
    index = {page.id: i for i, page in enumerate(pages)}
    args = (
        tokenize([s.text for s in segments]),
        [s.role in STORY_ROLES for s in segments],
        [index[s.page_id] for s in segments],
        len(pages),
        None,
    )
    whole = _story_pairs(*args)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(story, "_PART_KEYS", part_keys)
        parted = _story_pairs(*args)
    np.testing.assert_array_equal(parted[0], whole[0])
    np.testing.assert_array_equal(np.sort(parted[1]), np.sort(whole[1]))
    shared = 30 - STORY_SHINGLE_WORDS + 1  # each pair of pages on one story shares its shingles
    assert len(whole[1]) == sum(shared * c * (c - 1) // 2 for c in map(picks.count, set(picks)))


@pytest.mark.parametrize("size", [3, 64, 1 << 20])
def test_repeated_runs_and_template_shingles_are_dropped_in_place(size: int) -> None:
    """Pages repeating their own words, on a template of more than 64 pages, pair only copies."""
    template = _story(999, 12)
    texts = {
        f"p{n:03}": f"T{n}\nPARIJS (ANP) - {template}\n{_story(n // 2, 30)}\n{_story(n // 2, 30)}"
        for n in range(MAX_PAGES_PER_SHINGLE + 6)
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(story, "_SLICE", size)
        found = _copies(texts)
    assert found == {(f"p{n:03}", f"p{n + 1:03}") for n in range(0, len(texts), 2)}


def test_shingle_pairs_skip_a_template_shingle_given_to_them() -> None:
    """A driver's shingle on more than MAX_PAGES_PER_SHINGLE pages pairs none; rarer ones pair."""
    holders = MAX_PAGES_PER_SHINGLE + 1
    page = np.r_[np.arange(holders), [3, 7]].astype(np.int64)
    shingle = np.r_[np.full(holders, 5), [9, 9]].astype(np.uint64)
    assert story.shingle_pairs(page, shingle, holders).tolist() == [3 * holders + 7]


def test_align_pairs_the_segments_of_a_re_split_copy_one_to_one() -> None:
    """A merged copy: each segment is paired at most once, and the title and lede find theirs."""
    case = next(c for c in _article_cases() if c[0] == "art-merged-001")
    first = dn.segment_page(dn.Page(PageId("a"), case[1]))
    second = dn.segment_page(dn.Page(PageId("b"), case[2]))
    pairs = align(first, second)
    assert len({a for a, _, _ in pairs}) == len(pairs) == len({b for _, b, _ in pairs})
    assert ("a:1", "b:1") in {(a, b) for a, b, _ in pairs}
    assert ("a:2", "b:2") in {(a, b) for a, b, _ in pairs}
    assert all(0.5 <= score <= 1.0 for _, _, score in pairs)
    story = [s for s in second if s.role in STORY_ROLES]
    assert len(pairs) == len(story)  # every segment of the shorter copy has its original


def test_the_same_story_with_other_numbers_is_no_copy() -> None:
    """The same wording with other figures in two places is another item; one is an update."""
    page = next(c for c in _article_cases() if c[0] == "art-abridged-004")[1]
    assert "71-jarige" in page
    assert "24 jaar geleden" in page
    update = page.replace("24 jaar geleden", "25 jaar geleden")
    assert _copies({"a": page, "b": update}) == {("a", "b")}
    template = update.replace("71-jarige", "72-jarige")
    assert _copies({"a": page, "b": template}) == set()


def _places(text: str) -> dict[tuple[str, ...], frozenset[str]]:
    return number_places(text)


def test_replaced_numbers_count_places_not_additions() -> None:
    """A number added or dropped is no replacement; another number in the same place is."""
    base = _places("de bus met 45 pelgrims reed in 2024 naar medina")
    added = _places("de bus met 45 pelgrims reed in 2024 naar medina met 3 gewonden")
    other = _places("de bus met 12 pelgrims reed in 2023 naar medina")
    assert replaced_numbers(base, added) == 0
    assert replaced_numbers(base, other) == 2


def test_align_pairs_one_word_segments_and_skips_wordless_ones() -> None:
    """A one-word title aligns with its copy; a segment without words aligns with nothing."""
    first = [
        Segment(PageId("a"), 1, Role.TITLE, "Kremlin"),
        Segment(PageId("a"), 2, Role.LEDE, "…"),
    ]
    second = [
        Segment(PageId("b"), 1, Role.TITLE, "kremlin!"),
        Segment(PageId("b"), 2, Role.LEDE, "-"),
    ]
    assert align(first, second) == (("a:1", "b:1", 1.0),)


@given(
    words=st.lists(st.text("ab1 ", min_size=0, max_size=3) | st.just("x" * 150), max_size=12),
    data=st.data(),
)
def test_words_before_a_number_read_a_window_like_the_whole_head(
    words: list[str], data: st.DataObject
) -> None:
    """The windowed context is the last two words of the whole head, long words included."""
    norm = " ".join(words)
    end = data.draw(st.integers(0, len(norm)))
    assert _words_before(norm, end) == tuple(norm[:end].split()[-2:])


def _number_places_reference(norm: str) -> dict[tuple[str, ...], frozenset[str]]:
    """Return number_places as first written: every word with a digit, its whole head split."""
    found: dict[tuple[str, ...], set[str]] = {}
    for number in re.finditer(r"(?<!\S)\S*\d\S*", norm):
        context = tuple(norm[: number.start()].rsplit(maxsplit=2))
        if len(context) >= 2:
            found.setdefault(context[-2:], set()).add(number.group())
    return {place: frozenset(numbers) for place, numbers in found.items()}


@given(words=st.lists(st.text("ab12", min_size=1, max_size=4) | st.just("x1" * 80), max_size=14))
def test_number_places_equal_the_whole_word_reference(words: list[str]) -> None:
    """Digits widened to words give the places of the whole-word regex, long words included."""
    norm = " ".join(words)
    assert number_places(norm) == _number_places_reference(norm)


def test_story_copies_read_through_distinct_rows_equal_per_segment_tokens() -> None:
    """Tokens of distinct texts with each segment's row give the pairs of per-segment tokens."""
    cases = _article_cases()
    texts = {
        f"{n:02}{side}": page
        for n, (_, *pair, _) in enumerate(cases)
        for side, page in zip("ab", pair, strict=True)
    }
    texts["zz"] = "Titel\n\n...\n\n" + _story(1)  # a story segment without words
    pages = [dn.Page(PageId(k), v) for k, v in sorted(texts.items())]
    segments = [s for page in pages for s in segment_page(page)]
    index = {page.id: i for i, page in enumerate(pages)}
    roles = [s.role in STORY_ROLES for s in segments]
    page_of = [index[s.page_id] for s in segments]
    distinct = exact_groups([s.text for s in segments], tokenize([s.text for s in segments]))
    assert any(r and g < 0 for r, g in zip(roles, distinct.group_of.tolist(), strict=True))
    assert len(distinct.firsts) < len(segments)  # some texts repeat
    words = distinct.tokens.take(distinct.firsts)
    expected = story_copies(distinct.tokens, roles, page_of, len(pages), 0.5)
    found = story_copies(words, roles, page_of, len(pages), 0.5, rows=distinct.group_of)
    assert found == expected
    assert expected


def test_a_row_of_minus_one_is_an_empty_norm_in_the_places() -> None:
    """Row -1 (a text without words) joins the page's story text as an empty norm."""
    per_segment = tokenize(["er vielen 45 doden", "...", "minstens 3 gewonden"])
    distinct = tokenize(["er vielen 45 doden", "minstens 3 gewonden"])
    expected = story_places(per_segment, [0, 1, 2])
    assert story_places(distinct, [0, -1, 1]) == expected
    assert expected


_NUMBER_WORDS = st.text("ab1\u0663\u00bd", min_size=1, max_size=3)
_SEGMENT_TEXTS = st.lists(_NUMBER_WORDS, max_size=8).map(" - ".join)


@given(
    segments=st.lists(
        st.tuples(st.integers(0, 3), st.booleans(), _SEGMENT_TEXTS), min_size=1, max_size=12
    )
)
def test_compiled_number_places_count_as_replaced_numbers(
    segments: list[tuple[int, bool, str]],
) -> None:
    """Every page pair's replaced places, from word hashes, equal `replaced_numbers` of strings."""
    segments = sorted(segments, key=lambda segment: segment[0])  # pages ascend
    tokens = tokenize([text for _, _, text in segments])
    page_of = [page for page, _, _ in segments]
    flags = [flag for _, flag, _ in segments]
    first, second = np.triu_indices(4, 1)
    got = story.replaced_in_pairs(tokens, flags, page_of, first, second)
    expected = [
        replaced_numbers(
            story.story_places(tokens, [i for i, p in enumerate(page_of) if p == a and flags[i]]),
            story.story_places(tokens, [i for i, p in enumerate(page_of) if p == b and flags[i]]),
        )
        for a, b in zip(first.tolist(), second.tolist(), strict=True)
    ]
    assert got.tolist() == expected


def test_decimal_digits_are_the_regex_digit_class() -> None:
    """The digit table marks exactly the code points the regex digit class matches."""
    expected = [c for c in range(0x110000) if re.fullmatch(r"\d", chr(c))]
    assert np.flatnonzero(story.decimal_digits()).tolist() == expected


@given(
    segments=st.lists(
        st.tuples(st.integers(0, 2), st.booleans(), _SEGMENT_TEXTS), min_size=1, max_size=8
    )
)
def test_story_kernels_equal_their_python_source(segments: list[tuple[int, bool, str]]) -> None:
    """number_words and replaced_places give the same arrays compiled and not."""
    segments = sorted(segments, key=lambda segment: segment[0])
    tokens = tokenize([text for _, _, text in segments])
    rows = np.array([i for i, (_, flag, _) in enumerate(segments) if flag], dtype=np.int64)
    pages = np.array([segments[i][0] for i in rows.tolist()], dtype=np.int64)
    bounds = np.searchsorted(pages, np.arange(4)).astype(np.int64)
    columns = (tokens.hashes, tokens.offsets, tokens.norms, tokens.norm_starts)
    args = (*columns, tokens.norm_lengths, rows, bounds, story.decimal_digits())
    places, place_bounds = _story_kernels.number_words(*args)
    python = _story_kernels.number_words.py_func(*args)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(places, python[0])
    np.testing.assert_array_equal(place_bounds, python[1])
    owner = np.repeat(np.arange(3), np.diff(place_bounds))
    ordered = places[np.lexsort((places[:, 2], places[:, 1], places[:, 0], owner))]
    first, second = np.triu_indices(3, 1)
    pairs = (ordered, place_bounds, first.astype(np.int64), second.astype(np.int64))
    np.testing.assert_array_equal(
        _story_kernels.replaced_places(*pairs),
        _story_kernels.replaced_places.py_func(*pairs),  # type: ignore[attr-defined]
    )


@given(
    segments=st.lists(
        st.tuples(st.integers(0, 3), st.booleans(), _SEGMENT_TEXTS | st.just("")),
        min_size=1,
        max_size=12,
    )
)
def test_replaced_numbers_through_distinct_rows_equal_per_segment_tokens(
    segments: list[tuple[int, bool, str]],
) -> None:
    """Read through `Distinct.group_of` rows (-1 for no words), pairs count as per segment."""
    segments = sorted(segments, key=lambda segment: segment[0])
    texts = [text for _, _, text in segments]
    tokens = tokenize(texts)
    distinct = exact_groups(texts, tokens)
    page_of = [page for page, _, _ in segments]
    flags = [flag for _, flag, _ in segments]
    first, second = np.triu_indices(4, 1)
    expected = story.replaced_in_pairs(tokens, flags, page_of, first, second)
    rows = distinct.tokens.take(distinct.firsts)
    got = story.replaced_in_pairs(rows, flags, page_of, first, second, rows=distinct.group_of)
    assert got.tolist() == expected.tolist()


def _rare_pairs_reference(
    rows: list[tuple[int, int]], pages: int, most: int
) -> tuple[list[int], list[int]]:
    """The pair codes (sorted) and page sizes of distinct (shingle, page) rows, in Python."""
    holders: dict[int, list[int]] = {}
    for s, p in sorted(set(rows)):
        holders.setdefault(s, []).append(p)
    codes = [
        p * pages + q
        for held in holders.values()
        if len(held) <= most
        for i, p in enumerate(held)
        for q in held[i + 1 :]
    ]
    counted = Counter(p for _, p in set(rows))
    return sorted(codes), [counted[page] for page in range(pages)]


@given(
    rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), max_size=40),
    most=st.integers(2, 4),
)
def test_rare_pairs_pair_every_two_holders_of_a_rare_shingle(
    rows: list[tuple[int, int]], most: int
) -> None:
    """Each shingle on 2 to `most` pages pairs its pages once; a page's repeats count once."""
    bits, pages = 3, 7
    keys = np.array(sorted((s << 10 << bits) | p for s, p in rows), dtype=np.uint64)
    sizes = np.zeros(pages, dtype=np.int64)
    codes = _story_kernels.rare_pairs(keys, bits, pages, most, sizes)
    assert (sorted(codes.tolist()), sizes.tolist()) == _rare_pairs_reference(rows, pages, most)


def test_rare_pairs_over_many_blocks_equal_the_reference() -> None:
    """Keys cut into parallel blocks, runs crossing the even cuts, pair as the reference does."""
    generator = np.random.default_rng(7)
    pages, bits = 500, 9
    rows = list(
        zip(
            generator.integers(0, 30_000, 150_000).tolist(),
            generator.integers(0, pages, 150_000).tolist(),
            strict=True,
        )
    )
    keys = np.array(sorted((s << 20 << bits) | p for s, p in rows), dtype=np.uint64)
    sizes = np.zeros(pages, dtype=np.int64)
    codes = _story_kernels.rare_pairs(keys, bits, pages, 6, sizes)
    assert (sorted(codes.tolist()), sizes.tolist()) == _rare_pairs_reference(rows, pages, 6)


@given(
    counts=st.lists(st.integers(0, 9), min_size=1, max_size=30),
    page_steps=st.lists(st.booleans(), min_size=30, max_size=30),
    part_bits=st.integers(0, 2),
)
def test_story_keys_page_by_page_are_the_stream_s(
    counts: list[int], page_steps: list[bool], part_bits: int
) -> None:
    """The parallel kernel gives `_kernels.story_keys`' keys, in its order, for every range."""
    from dedupe_news.stages import _kernels  # noqa: PLC0415 - the reference alone

    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    hashes = np.arange(1, int(offsets[-1]) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    chosen = np.arange(len(counts), dtype=np.int64)[::-1].copy()  # rows in any order
    pages = np.cumsum(page_steps[: len(counts)]).astype(np.int64)
    for part in range(1 << part_bits):
        args = (hashes, offsets, chosen, pages, 3, 5, part_bits, part)
        got = _story_kernels.story_keys(*args)
        np.testing.assert_array_equal(got, _kernels.story_keys(*args))
