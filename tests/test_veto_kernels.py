"""Veto kernels: the compiled alignment gives the blocks of rapidfuzz's opcodes, tie for tie."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _rule_kernels as rule_kernels
from dedupe_news.stages import _veto_kernels as veto_kernels
from dedupe_news.stages.exact import exact_groups
from dedupe_news.stages.facts import (
    _ALIGN_WORDS,
    _FACT_WORDS,
    fact_text,
    facts_conflict,
    may_conflict_blocks,
    word_blocks,
)
from dedupe_news.stages.tokenize import tokenize
from dedupe_news.stages.verify import decoded
from dedupe_news.stages.veto import Checks, Facts, veto_checks
from tests.strategies import SENTENCES, WORDS

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Few words, so equal-cost alignments abound and rapidfuzz's choice among them is tested;
# multi-byte words and words that are prefixes of others, so bytes must decide equality.
FEW = st.sampled_from(["de", "der", "4", "45", "x", "xx", "medina", "\u00e9", "\u00e9e"])
TWO = st.sampled_from(["a", "b"])


def _checks(a: list[str], b: list[str]) -> Checks:
    """Return `veto_checks` of the pair (a, b), given as words joined by spaces."""
    texts = [" ".join(a), " ".join(b)]
    distinct = exact_groups(texts, tokenize(texts))
    return veto_checks(distinct, np.array([[0, 1]], dtype=np.int64), folded=False)


def _edited(words: list[str], edits: list[tuple[int, int, str]]) -> list[str]:
    """Return the words with each (kind, place, word) edit applied: insert, delete, replace."""
    out = list(words)
    for kind, place, word in edits:
        at = place % (len(out) + 1)
        if kind == 0 or at == len(out):
            out.insert(at, word)
        elif kind == 1:
            del out[at]
        else:
            out[at] = word
    return out


def _assert_as_word_blocks(a: list[str], b: list[str]) -> None:
    """Assert the compiled checks of (a, b) are the Python alignment's outcome."""
    if a == b or not a or not b:
        return  # one distinct text (an empty text is none): no pair
    found = _checks(a, b).aligned[0]
    blocks = word_blocks(tuple(a), tuple(b))
    if isinstance(found, list):
        assert found == blocks
        assert may_conflict_blocks(blocks)
    elif found is None:
        assert not may_conflict_blocks(blocks)
    else:
        pytest.fail(f"a pair this short must not fall back, got {found!r}")


EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 200), FEW), min_size=1, max_size=6)


@given(a=st.lists(FEW, max_size=30), edits=EDITS)
def test_blocks_of_edited_copies_are_those_of_rapidfuzz(
    a: list[str], edits: list[tuple[int, int, str]]
) -> None:
    """A text and an edited copy get exactly the blocks of `word_blocks` (rapidfuzz)."""
    _assert_as_word_blocks(a, _edited(a, edits))


@given(a=st.lists(FEW, max_size=20), b=st.lists(FEW, max_size=20))
def test_blocks_of_unrelated_texts_are_those_of_rapidfuzz(a: list[str], b: list[str]) -> None:
    """Two unrelated word sequences get exactly the blocks of `word_blocks`."""
    _assert_as_word_blocks(a, b)


@given(a=st.lists(TWO, min_size=60, max_size=140), b=st.lists(TWO, min_size=60, max_size=140))
def test_blocks_across_machine_words_are_those_of_rapidfuzz(a: list[str], b: list[str]) -> None:
    """Over 64 words of two letters (the matrix spans several words, ties everywhere)."""
    _assert_as_word_blocks(a, b)


@pytest.mark.parametrize("size", [63, 64, 65, 127, 128, 129, 200])
def test_blocks_at_machine_word_edges_are_those_of_rapidfuzz(size: int) -> None:
    """Mids of exactly 63 to 65 and 127 to 129 words: the carries between machine words."""
    a = [("a", "b", "b", "a", "c")[k % 5] for k in range(size)]
    b = _edited(a, [(2, 1, "c"), (1, size // 2, ""), (0, size - 3, "a"), (2, 63, "b")])
    _assert_as_word_blocks(a, b)
    _assert_as_word_blocks(a, list(reversed(a)))


def test_long_mids_fall_back_to_python_with_their_ends() -> None:
    """Mids beyond `MAX_CELLS` word pairs go to `word_blocks` with the counted ends."""
    side = int(veto_kernels.MAX_CELLS**0.5) + 2
    a = ["kop", *(f"a{k}" for k in range(side)), "staart"]
    b = ["kop", *(f"b{k}" for k in range(side)), "staart"]
    assert _checks(a, b).aligned[0] == (1, 1)


NUMBER = st.integers(0, 10**20).map(str)


@given(
    before=st.lists(st.sampled_from(["Bij", "het", "ongeluk", "in", "Medina"]), min_size=1),
    first=NUMBER,
    second=NUMBER,
    after=st.lists(st.sampled_from(["doden", "gewonden", "zegt", "Jan", "twee"]), min_size=1),
    end=st.sampled_from(["", "."]),
)
def test_a_number_swap_is_flagged_only_where_the_facts_veto_it(
    before: list[str], first: str, second: str, after: list[str], end: str
) -> None:
    """A pair flagged as a number swap of ASCII texts is one `facts_conflict` vetoes."""
    a = " ".join([*before, first, *after]) + end
    b = " ".join([*before, second, *after]) + end
    distinct = exact_groups([a, b], tokenize([a, b]))
    if len(distinct) < 2:
        return
    checks = veto_checks(distinct, np.array([[0, 1]], dtype=np.int64), folded=True)
    vetoed = facts_conflict(fact_text(a), fact_text(b))
    if checks.swapped[0]:
        assert vetoed
    small = len(first) < 19 and len(second) < 19  # `facts._one_number`
    assert checks.swapped[0] == (small and int(first) != int(second))


DIGITS = st.lists(st.sampled_from(["1", "5", "15", "150", "05", "14", "750", "14750"]), min_size=1)


@given(first=DIGITS, second=DIGITS, end=st.sampled_from(["", " vandaag."]))
@example(first=["150"], second=["1", "5", "05"], end=" vandaag.")  # an acronym: no swap
@example(first=["14", "750"], second=["14750"], end=" vandaag.")  # joined: no swap
@example(first=["14", "750"], second=["44"], end=" vandaag.")  # a swap
def test_a_swap_of_digit_runs_is_flagged_only_where_the_facts_veto_it(
    first: list[str], second: list[str], end: str
) -> None:
    """Runs of numbers swapped (joined digits, acronyms, equal values): flagged, then vetoed."""
    a, b = (" ".join(["Er", "vielen", *run, "doden"]) + end for run in (first, second))
    distinct = exact_groups([a, b], tokenize([a, b]))
    if len(distinct) < 2:
        return
    checks = veto_checks(distinct, np.array([[0, 1]], dtype=np.int64), folded=True)
    if checks.swapped[0]:
        assert facts_conflict(fact_text(a), fact_text(b))
    _assert_vetoes_are_facts_conflict([a, b])


TEMPLATE = st.builds(
    "Bij het ongeluk in {} vielen {} doden, meldt {} {}".format,
    st.sampled_from(["Medina", "Luxor", "Oekra\u00efne"]),
    st.sampled_from(["45", "12", "vijfenveertig", "045"]),
    st.sampled_from(["de politie", "Jan", "het Kremlin-woordvoerder"]),
    st.sampled_from(["vandaag.", "vandaag", "gisteren.", "Ams", "Amsterdam."]),
)


def _assert_vetoes_are_facts_conflict(texts: list[str]) -> None:
    """Assert `Facts.vetoes` over `veto_checks` says what `facts_conflict` says of each pair."""
    distinct = exact_groups(texts, tokenize(texts))
    size = len(distinct)
    pairs = np.array([[i, j] for i in range(size) for j in range(i + 1, size)], dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    listed = pairs.tolist()
    found = Facts(distinct, folded=True).vetoes(
        listed, veto_checks(distinct, pairs, folded=True), decoded(distinct, pairs)
    )
    originals = [distinct.original(index) for index in range(size)]
    expected = [facts_conflict(fact_text(originals[i]), fact_text(originals[j])) for i, j in listed]
    assert found == expected


@given(texts=st.lists(TEMPLATE, min_size=2, max_size=8, unique=True))
def test_the_batch_veto_is_facts_conflict_on_templates(texts: list[str]) -> None:
    """On template teasers (numbers, names, truncations swapped) the batch veto is the rule's."""
    _assert_vetoes_are_facts_conflict(texts)


@given(
    base=st.lists(SENTENCES, min_size=1, max_size=8).map(" ".join),
    edits=st.lists(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 200), WORDS)), max_size=5),
)
def test_the_batch_veto_is_facts_conflict_on_edited_copies(
    base: str, edits: list[list[tuple[int, int, str]]]
) -> None:
    """On copies of a paragraph with words swapped, added or dropped: the rule's outcome.

    Short and long (over 64 words) texts, names, numbers and diacritics, so quiet pairs
    (`_rule_kernels.quiet_pairs`) and pairs the rules fire on both occur.
    """
    words = base.split(" ")
    texts = list(dict.fromkeys([base, *(" ".join(_edited(words, e)) for e in edits)]))
    _assert_vetoes_are_facts_conflict(texts)


@given(pairs=st.lists(st.tuples(st.lists(FEW, max_size=12), EDITS), min_size=1, max_size=5))
def test_the_compiled_kernel_equals_its_python_source(
    pairs: list[tuple[list[str], list[tuple[int, int, str]]]],
) -> None:
    """`aligned_blocks` compiled and its Python source (which coverage traces) agree."""
    texts = [" ".join(words) for a, edits in pairs for words in (a, _edited(a, edits))]
    tokens = tokenize(texts)
    starts = tokens.norm_starts.reshape(-1, 2)
    lengths, words = tokens.norm_lengths.reshape(-1, 2), tokens.counts().reshape(-1, 2)
    head, tail = kernels.common_ends(tokens.norms, starts, lengths, words)
    ends = np.stack((head, tail), axis=1)
    args = (tokens.norms, starts, lengths, words, ends, (_ALIGN_WORDS, _FACT_WORDS))
    compiled = veto_kernels.aligned_blocks(*args)
    python = veto_kernels.aligned_blocks.py_func(*args)  # type: ignore[attr-defined]  # numba keeps the source
    assert [x.tolist() for x in compiled] == [x.tolist() for x in python]


PARAGRAPH = (
    "De minister zei dat de regering de trein naar Parijs neemt en het bezoek aan Kim "
    "uitstelt. Het leider bezoek duurt drie dagen."
)


def test_the_rule_kernel_equals_its_python_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """`quiet_pairs` compiled and its Python source (which coverage traces) agree."""
    calls: list[list[bool]] = []
    compiled = rule_kernels.quiet_pairs

    def both(*args: Any) -> NDArray[np.bool_]:
        found: NDArray[np.bool_] = compiled(*args)
        python = compiled.py_func(*args)  # type: ignore[attr-defined]  # numba keeps the source
        assert found.tolist() == python.tolist()
        calls.append(found.tolist())
        return found

    monkeypatch.setattr(rule_kernels, "quiet_pairs", both)
    words = PARAGRAPH.split(" ")
    texts = [" ".join(words)]
    for place, word in ((2, "meldt"), (8, "bus"), (9, "Luxor"), (17, "twee"), (12, "Jan")):
        texts.append(" ".join([*words[:place], word, *words[place + 1 :]]))
    texts.append(" ".join([*words[:2], "meldt", *words[3:8], "bus", *words[9:]]))
    _assert_vetoes_are_facts_conflict(texts)
    assert calls
    assert any(any(found) for found in calls)


ENDINGS = st.text(st.sampled_from([" ", "\t", "\n", "\x1c", "\xa0", "\u2003", ".", "!", ";", "a"]))


@given(text=st.text(max_size=12), end=ENDINGS)
def test_sentence_ends_are_the_rule_s_or_unsure_beyond_ascii(text: str, end: str) -> None:
    """`sentence_ends` is True wherever `facts` sees a sentence end, and only there for ASCII."""
    texts = [text + end, "x"]
    data = np.frombuffer("".join(texts).encode(), dtype=np.uint8)
    stops = np.cumsum([len(t.encode()) for t in texts])
    args = (data, stops - [len(t.encode()) for t in texts], stops)
    found = rule_kernels.sentence_ends(*args).tolist()
    assert found == rule_kernels.sentence_ends.py_func(*args).tolist()  # type: ignore[attr-defined]  # numba keeps the source
    expected = [t.rstrip().endswith((".", "!", "?", ":", ";")) for t in texts]
    assert all(f or not e for f, e in zip(found, expected, strict=True))
    assert all(f == e for f, e, t in zip(found, expected, texts, strict=True) if t.isascii())


LONE = "De minister bezocht gisteren de {} in het zuiden."


@pytest.mark.parametrize(
    ("word", "other", "quiet"),
    [
        ("hoofdstad", "provincie", False),  # two content words: the lone swap fires
        ("stad", "provincie", True),  # too few letters
        ("hoofdstad", "heerlijk", True),  # an adjective ending
        ("hoofdstad", "provincie-2", True),  # not letters alone
    ],
)
def test_lone_swaps_that_cannot_fire_are_quiet(word: str, other: str, *, quiet: bool) -> None:
    """A one-word swap in a short sentence reaches the facts only when `_lone_swap` may fire."""
    headline = "Minister bezoekt de {} in het zuiden"
    texts = [LONE.format(word), LONE.format(other), headline.format(word), headline.format(other)]
    distinct = exact_groups(texts, tokenize(texts))
    checks = veto_checks(distinct, np.array([[0, 1], [2, 3]], dtype=np.int64), folded=True)
    assert (checks.aligned[0] is None) == quiet
    assert checks.aligned[1] is None  # headlines, no full stop: no lone swap
    _assert_vetoes_are_facts_conflict(texts)
