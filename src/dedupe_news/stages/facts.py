"""Facts: the veto of verification, on facts that replace other facts in the aligned texts.

"Minstens 45 doden in Medina" and "Minstens 12 doden in Luxor" are nearly the same string and
different news. Verification rejects a pair only where **one fact replaces a different fact at
the same place**: the two texts' words are aligned (a word-level Levenshtein alignment), and
the aligned texts differ in blocks. A block is a run of replaced, inserted or deleted words
between equal words, so a replacement inside two unrelated passages (another rail, a
rewritten paragraph) is one large block, not a fact swap.

A block **conflicts** when it is small (at most `_FACT_WORDS` words a side: larger blocks are
rewritten text, which the score judges) and

- both sides hold a number (digits, or Dutch number words: "vijfenveertig") and the numbers
  differ, including a final number in a headline ("begroting 2024" / "2025");
- both sides hold a name (a capitalized word inside a sentence) missing from the other side;
- **lone noun swap**: in a short running text (a teaser: at most `_SHORT_WORDS` words, ending
  a sentence), the only difference is one content word (at least `_CONTENT_LETTERS` letters,
  not with a Dutch adjective ending such as -lijk, -ig, -aal) replaced by an unrelated one
  ("zorgpremie" -> "huurtoeslag", "synagoge" -> "moskee"). Such a text is a template with
  another subject. Headlines (no final punctuation) are exempt: in the labelled data editors
  swap a headline's verb or noun for a synonym ("tekenen" -> "sluiten", "deals" ->
  "akkoorden") and the copy is the same item; adjectives are exempt because a synonym
  ("fataal" -> "dodelijk") is a common copy edit. Without a lexicon this is a heuristic: a
  noun replaced by its synonym in a teaser is vetoed (a missed copy, never a false merge).

A block is **the same fact** written otherwise, and never conflicts, when its two sides joined
without spaces are equal (`Kremlin-woordvoerder` / `Kremlinwoordvoerder`), one side is the
initials of the other (`VS` / `Verenigde Staten`), one is an inflection of the other (a shared
stem: `Kim` / `Kims`), or both spell the same numbers (`4421` / `vierduizend
vierhonderdeenentwintig`), or it ends a text cut mid-word (`Ams` / `Amsterdam`). An
insertion or deletion alone (a clause added, a name dropped, a teaser truncated) never
conflicts.

Cost: the alignment runs on the texts without their common head and tail, at most
`_ALIGN_WORDS` words a side (O(n * m / 64) word comparisons); longer differing middles are
rewrites, not templates, and are not vetoed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import numpy as np
from rapidfuzz.distance import Levenshtein, Postfix, Prefix

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.normalize import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray


_FACT_WORDS = 5  # at most this many words a side make a fact swap
_SHORT_WORDS = 64  # a lone swap counts in running texts up to this long
_CONTENT_LETTERS = 5  # a lone swap's words have at least this many letters
_ALIGN_WORDS = 5_000
# Dutch adjective endings: an adjective swapped for a synonym ("fataal" -> "dodelijk") is an
# edit; the lone swap rule is for nouns, the subject of a template.
_ADJECTIVE_ENDINGS = ("lijk", "ig", "isch", "baar", "aal", "eel", "ief", "end", "ende")
_SENTENCE_END = (".", "!", "?", ":", ";")
_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"[^\W_]+")
# A word of digits is `str.isdecimal`: the Unicode category Nd, which is what `re`'s \d
# matches in a str pattern (tests/test_facts.py checks every code point).
_GAP_WORD = re.compile(r"([\W_]*)([^\W_]+)")
_ENDS = re.compile(r"[.!?:;]")  # the characters of _SENTENCE_END

_UNITS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90,
}  # fmt: skip
_SCALES = (("miljoen", 1_000_000), ("duizend", 1000), ("honderd", 100))


@dataclass(frozen=True, slots=True)
class FactText:
    """A text as the veto reads it: its words, which are names, whether it ends a sentence."""

    words: tuple[str, ...]
    names: frozenset[int]
    ends_sentence: bool


def fact_text(text: str, *, folded: tuple[str, ...] | None = None) -> FactText:
    """Return the words of a text (those of `normalize`), marking the names.

    `folded` are the words of `fold(text)` when the caller has them (the split of the
    text's `normalize`d form, which verification holds); else they are computed here.

    Examples:
        >>> found = fact_text("Minstens 45 doden in Medina. De politie meldt dat Ahmed vastzit")
        >>> found.words[:5], sorted(found.words[i] for i in found.names), found.ends_sentence
        (('minstens', '45', 'doden', 'in', 'medina'), ['ahmed', 'medina'], False)
    """
    count, names = kernels.text_names(np.frombuffer(text.encode(), dtype=np.uint8), _chars())
    return _read(text, folded, count, names.tolist())


def fact_texts(texts: Sequence[str], folded: Sequence[tuple[str, ...] | None]) -> list[FactText]:
    """Return `fact_text(text, folded=words)` of each text and its words, in order.

    The names of all of them are read in one compiled call (`_kernels.texts_names`).

    Examples:
        >>> found = fact_texts(["Kim in Rusland.", "Poetin!"], [None, ("poetin",)])
        >>> found == [fact_text("Kim in Rusland."), fact_text("Poetin!")]
        True
    """
    encoded = [text.encode() for text in texts]
    sizes = np.fromiter(map(len, encoded), np.int64, len(encoded))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    counts, offsets, names = kernels.texts_names(data, starts, ends, _chars())
    bounds, held = offsets.tolist(), names.tolist()
    return [
        _read(text, words, count, held[bounds[k] : bounds[k + 1]])
        for k, (text, words, count) in enumerate(zip(texts, folded, counts.tolist(), strict=True))
    ]


def _read(text: str, folded: tuple[str, ...] | None, count: int, names: list[int]) -> FactText:
    """Return `fact_text`, given the text's words and names as `_kernels.text_names` reads them."""
    ends = bool(text.rstrip()) and text.rstrip().endswith(_SENTENCE_END)
    words = tuple(_WORD.findall(fold(text))) if folded is None else folded
    if count == len(words):  # one compiled pass, no object per word: nearly every text
        return FactText(words, frozenset(names), ends)
    found = names_by_gaps(text)
    if found[0] != len(words):  # folding split or joined a word
        return _fact_text_by_word(text, ends=ends)  # the slow, exact way
    return FactText(words, found[1], ends)


# Code points below this (Latin scripts, general punctuation, currency signs) are read by
# `_kernels.text_names`; a text holding one beyond it is read by `names_by_gaps`.
_TABLE_END = 0x2100


@lru_cache(maxsize=1)
def _chars() -> NDArray[np.uint8]:
    """Return `text_names`' table: per code point, `str.isalnum` and `str.isupper` as flags."""
    table = np.zeros(_TABLE_END, dtype=np.uint8)
    for cp in range(_TABLE_END):
        char = chr(cp)
        if char.isalnum():
            table[cp] = kernels.WORD_CHAR | (kernels.UPPER_CHAR if char.isupper() else 0)
    return table


def names_by_gaps(text: str) -> tuple[int, frozenset[int]]:
    """Return the number of words (runs of letters and digits) of a text, and which are names.

    A name: a capitalized word after another word of its sentence (no end mark between).
    `_kernels.text_names` is this rule, compiled.

    Examples:
        >>> names_by_gaps("De politie zoekt Ahmed. Hij is 24-jarige.")
        (8, frozenset({3}))
    """
    found = _GAP_WORD.findall(text)  # (what precedes a word since the last one, the word)
    names = frozenset(
        index
        for index, (gap, word) in enumerate(found)
        if word[0].isupper() and index and not _ENDS.search(gap)
    )
    return len(found), names


def _fact_text_by_word(text: str, *, ends: bool) -> FactText:
    """Return `fact_text`, folding word by word (for texts whose folding changes words)."""
    words: list[str] = []
    names: set[int] = set()
    sentence_start = True
    for chunk in _CHUNK.findall(text):
        for part in _WORD.findall(chunk):
            if part[:1].isupper() and not sentence_start:
                names.add(len(words))
            words.extend(fold(part).split())
        sentence_start = chunk.endswith(_SENTENCE_END)
    return FactText(tuple(words), frozenset(names), ends)


@lru_cache(maxsize=4096)
def number_value(word: str) -> int | None:
    """Return the value of a Dutch number word, or None.

    Examples:
        >>> number_value("vierhonderdeenentwintig"), number_value("vijfenveertig")
        (421, 45)
        >>> number_value("tweeduizend"), number_value("tien"), number_value("tiental")
        (2000, 10, None)
    """
    if word in _UNITS:
        return _UNITS[word]
    if word in _TENS:
        return _TENS[word]
    for tens, value in _TENS.items():
        unit = word.removesuffix(tens)
        if unit != word and unit[-2:] in {"en", "ën"} and _UNITS.get(unit[:-2], 10) < 10:
            return _UNITS[unit[:-2]] + value
    for name, scale in _SCALES:
        left, found, right = word.rpartition(name)
        if found:
            high = number_value(left) if left else 1
            low = number_value(right) if right else 0
            if high is not None and low is not None and low < scale:
                return high * scale + low
    return None


def _one_number(word: str) -> bool:
    """Return True for a word of digits that `_numbers` reads as one int (under 19 digits)."""
    return len(word) < 19 and word.isdecimal()


def _numbers(words: tuple[str, ...]) -> list[int]:
    """Return the numbers of a block: digit words, and runs of number words summed."""
    values: list[int] = []
    run = False
    for word in words:
        if word.isdecimal():
            values.append(int(word) if len(word) < 19 else hash(word))
            run = False
            continue
        value = number_value(word) if word != "een" else None  # "een" is mostly the article
        if value is None:
            run = False
        elif run:
            values[-1] += value
        else:
            values.append(value)
            run = True
    return values


def _same_fact(
    left: tuple[str, ...], right: tuple[str, ...], numbers: tuple[list[int], list[int]]
) -> bool:
    """Return True when two sides of a block spell the same thing otherwise.

    `numbers` are the two sides' `_numbers`, read once by the caller.
    """
    if "".join(left) == "".join(right):
        return True
    for short, long in ((left, right), (right, left)):
        if len(short) == 1 and len(long) > 1 and short[0] == "".join(w[0] for w in long):
            return True
    if len(left) == len(right) and all(map(_same_stem, left, right)):
        return True
    return bool(numbers[0]) and numbers[0] == numbers[1]


def _same_stem(left: str, right: str) -> bool:
    """Return True for inflections: one word a prefix of the other, at most 2 letters more."""
    short, long = sorted((left, right), key=len)
    if not short.isalpha() or len(short) < 3:
        return False
    return long.startswith(short) and len(long) - len(short) <= 2


def word_blocks(
    words_a: tuple[str, ...],
    words_b: tuple[str, ...],
    *,
    ends: tuple[int, ...] | None = None,
) -> list[tuple[int, int, int, int]]:
    """Return the differing blocks (a_start, a_end, b_start, b_end) of the aligned words.

    `ends` are the words the two share at their head and then at their tail (the tail
    within what the head leaves of the shorter), when the caller has counted them
    (`_kernels.common_ends`); else they are counted here.
    """
    limit = min(len(words_a), len(words_b))
    if ends is None:
        head = int(Prefix.similarity(words_a, words_b))  # compiled: no Python step per word
        tail = min(int(Postfix.similarity(words_a, words_b)), limit - head)
    else:
        head, tail = ends
    a_end, b_end = len(words_a) - tail, len(words_b) - tail
    a_mid, b_mid = words_a[head:a_end], words_b[head:b_end]
    if len(a_mid) > _ALIGN_WORDS or len(b_mid) > _ALIGN_WORDS:
        return []
    if len(a_mid) <= 1 or len(b_mid) <= 1:  # one block: no alignment needed
        return [(head, a_end, head, b_end)] if a_mid or b_mid else []
    blocks: list[list[int]] = []
    # Plain tuples at run time (typed as `Opcode`s, whose fields unpack as int | str).
    ops = cast("list[tuple[str, int, int, int, int]]", Levenshtein.opcodes(a_mid, b_mid).as_list())
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if blocks and i1 == blocks[-1][1] and j1 == blocks[-1][3]:
            blocks[-1][1], blocks[-1][3] = i2, j2  # adjacent: one block
        else:
            blocks.append([i1, i2, j1, j2])
    return [(i1 + head, i2 + head, j1 + head, j2 + head) for i1, i2, j1, j2 in blocks]


def facts_conflict(
    a: FactText, b: FactText, blocks: list[tuple[int, int, int, int]] | None = None
) -> bool:
    """Return True when a fact of one text replaces a different fact of the other.

    `blocks` are `word_blocks(a.words, b.words)` when the caller has them (`verify` aligns
    the same words for `may_conflict_blocks` first).

    Examples:
        >>> template = "Bij het ongeluk vielen {} doden, meldt de politie in {}."
        >>> one = fact_text(template.format(45, "Medina"))
        >>> other = fact_text(template.format(12, "Luxor"))
        >>> facts_conflict(one, other), facts_conflict(one, one)
        (True, False)
        >>> short, full = "Sancties van de VS.", "Sancties van de Verenigde Staten."
        >>> facts_conflict(fact_text(short), fact_text(full))
        False
    """
    blocks = word_blocks(a.words, b.words) if blocks is None else blocks
    for i1, i2, j1, j2 in blocks:
        left, right = a.words[i1:i2], b.words[j1:j2]
        if not left or not right or len(left) > _FACT_WORDS or len(right) > _FACT_WORDS:
            continue
        if len(left) == len(right) == 1 and _one_number(left[0]) and _one_number(right[0]):
            # The commonest swap (a template's figure), decided as the general rule below
            # decides it, without building its lists: one number for another.
            if int(left[0]) != int(right[0]) and not _truncated(a, i2, b, j2):
                return True
            continue
        numbers = (_numbers(left), _numbers(right))
        if _same_fact(left, right, numbers) or _truncated(a, i2, b, j2):
            continue
        if numbers[0] and numbers[1]:
            return True
        names_a = [a.words[i] for i in range(i1, i2) if i in a.names]
        names_b = [b.words[j] for j in range(j1, j2) if j in b.names]
        if _missing(names_a, right) and _missing(names_b, left):
            return True
        if len(blocks) == 1 and _lone_swap(a, b, left, right):
            return True
    return False


def may_conflict(norm_a: str, norm_b: str) -> bool:
    """Return False when no block of the aligned normalized texts can hold a fact swap.

    A cheap test before `facts_conflict`: copies that only add or drop words, or differ in
    large blocks, need no names.

    Examples:
        >>> may_conflict("45 doden in medina", "45 doden in medina en omstreken")
        False
        >>> may_conflict("45 doden in medina", "12 doden in medina")
        True
    """
    return may_conflict_words(tuple(norm_a.split()), tuple(norm_b.split()))


def may_conflict_words(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> bool:
    """Return `may_conflict` of two normalized texts given as their words (split once)."""
    return may_conflict_blocks(word_blocks(words_a, words_b))


def may_conflict_ends(
    head: NDArray[np.int64],
    tail: NDArray[np.int64],
    size_a: NDArray[np.int64],
    size_b: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Return False for pairs of which `may_conflict_words` is False, told by their ends alone.

    `head` and `tail` are the words two texts of `size_a` and `size_b` words share at their
    head and then at their tail, as `word_blocks` counts them. A pair whose differing middle
    is empty on one side, one word on one side against more than `_FACT_WORDS` on the other,
    or longer than `_ALIGN_WORDS` has no block where a fact swap can be; True means the words
    must be aligned to know.

    Examples:
        >>> one = np.array([1])
        >>> may_conflict_ends(one * 3, one * 2, one * 5, one * 9).tolist()  # a clause added
        [False]
        >>> may_conflict_ends(one * 3, one * 2, one * 6, one * 6).tolist()  # a word replaced
        [True]
    """
    mid_a, mid_b = size_a - head - tail, size_b - head - tail
    aligned = (mid_a <= _ALIGN_WORDS) & (mid_b <= _ALIGN_WORDS)
    one_block = (mid_a <= 1) | (mid_b <= 1)
    small = (mid_a > 0) & (mid_a <= _FACT_WORDS) & (mid_b > 0) & (mid_b <= _FACT_WORDS)
    return np.asarray(aligned & (~one_block | small), dtype=np.bool_)


def may_conflict_blocks(blocks: list[tuple[int, int, int, int]]) -> bool:
    """Return True when a block is small on both sides: where a fact swap can be."""
    return any(
        0 < i2 - i1 <= _FACT_WORDS and 0 < j2 - j1 <= _FACT_WORDS for i1, i2, j1, j2 in blocks
    )


def _missing(names: list[str], other: tuple[str, ...]) -> bool:
    """Return True when a name has no equal and no inflection among the other side's words."""
    return any(not any(_same_stem(name, word) or name == word for word in other) for name in names)


def _truncated(a: FactText, i2: int, b: FactText, j2: int) -> bool:
    """Return True when a block ends a text cut mid-word: `Ams` against `Amsterdam`."""
    if i2 == len(a.words) and not a.ends_sentence:
        return b.words[j2 - 1].startswith(a.words[-1])
    if j2 == len(b.words) and not b.ends_sentence:
        return a.words[i2 - 1].startswith(b.words[-1])
    return False


def _lone_swap(a: FactText, b: FactText, left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Return True for one content word swapped for another in a short running text."""
    if len(left) != 1 or len(right) != 1:
        return False
    if not (a.ends_sentence and b.ends_sentence):
        return False  # a headline: synonyms are swapped in edited copies
    if max(len(a.words), len(b.words)) > _SHORT_WORDS:
        return False
    return all(
        len(w) >= _CONTENT_LETTERS and w.isalpha() and not w.endswith(_ADJECTIVE_ENDINGS)
        for w in (left[0], right[0])
    )
