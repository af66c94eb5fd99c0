"""Variants: the edits that make a near-duplicate, and the fact swaps that make a template.

Edits work on a `Draft`, so they can keep to plain words (a name, place or number is a fact:
editing one would make a template, not a copy) and to sentence boundaries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.prose import Draft, render, sentence, word_count
from benchmarks.records import Variant
from benchmarks.vocab import Kind, Vocabulary

if TYPE_CHECKING:
    import random
    from collections.abc import Iterable, Mapping

AGENCIES = ("ANP", "AFP", "RTR", "DPA", "BLOOMBERG")
"""Credits: ANP always comes first, then up to two of the others."""
_AGENCY_WEIGHTS = (35, 35, 20, 10)  # AFP, RTR, DPA, BLOOMBERG: how often each joins ANP

FIRST_SENTENCE_MIN_WORDS = 12
"""`truncated_first_sentence` needs a first sentence of at least this many words."""

_DELETE_FLOOR = 4  # a deletion never leaves a sentence shorter than this


def credit(rnd: random.Random) -> tuple[str, ...]:
    """Draw the credits of a dateline: ANP, then none, one or two other agencies."""
    others, weights = list(AGENCIES[1:]), list(_AGENCY_WEIGHTS)
    agencies = [AGENCIES[0]]
    for _ in range(rnd.choices((0, 1, 2), weights=(35, 45, 20))[0]):
        at = rnd.choices(range(len(others)), weights)[0]
        agencies.append(others.pop(at))
        del weights[at]
    return tuple(agencies)


def other_credit(agencies: tuple[str, ...], rnd: random.Random) -> tuple[str, ...]:
    """Draw credits that differ from `agencies`."""
    while True:
        drawn = credit(rnd)
        if drawn != agencies:
            return drawn


def applies(kind: Variant, draft: Draft, vocab: Vocabulary) -> bool:
    """Tell whether a variant kind can be made from a draft."""
    if kind is Variant.SENTENCE_DROPPED:
        return len(draft) >= 3
    if kind is Variant.TRUNCATED_FIRST_SENTENCE:
        return len(draft) >= 2 and word_count(vocab, draft[0]) >= FIRST_SENTENCE_MIN_WORDS
    return True


def variant_text(kind: Variant, draft: Draft, vocab: Vocabulary, rnd: random.Random) -> str:
    """Render the text of one near-duplicate kind of a draft (one that `applies`)."""
    if kind is Variant.WORD_EDIT:
        draft = word_edits(draft, vocab, rnd, rnd.randint(1, 2), spread=False)
    elif kind is Variant.SYNDICATED_EDIT:
        draft = word_edits(draft, vocab, rnd, rnd.randint(2, 3), spread=True)
    elif kind is Variant.SENTENCE_DROPPED:
        drop = rnd.randrange(len(draft))
        draft = draft[:drop] + draft[drop + 1 :]
    elif kind is Variant.SENTENCE_ADDED:
        draft = add_sentence(draft, vocab, rnd)
    elif kind is Variant.TRUNCATED_FIRST_SENTENCE:
        draft = draft[:1]
    elif kind is Variant.CUT_SHORT:
        return cut_short(render(vocab, draft), rnd)
    return render(vocab, draft)  # credit and exact: the text is the original's


def word_edits(
    draft: Draft, vocab: Vocabulary, rnd: random.Random, count: int, *, spread: bool
) -> Draft:
    """Replace, insert or delete `count` plain words (never a name, place or number).

    With `spread`, the draft's plain words are split into `count` runs and one is edited in
    each, as a sub-editor's touches are spread over a syndicated text.
    """
    kinds, word = vocab.kinds, int(Kind.WORD)  # a plain int: enum lookups in a loop are slow
    spots = [
        (s, t) for s, words in enumerate(draft) for t, w in enumerate(words) if kinds[w] == word
    ]
    if not spots:
        return draft
    if spread and len(spots) >= count:
        runs = [
            spots[len(spots) * i // count : len(spots) * (i + 1) // count] for i in range(count)
        ]
        chosen = [rnd.choice(run) for run in runs]
    else:
        chosen = rnd.sample(spots, min(count, len(spots)))
    sentences = [list(s) for s in draft]
    for s, t in sorted(chosen, reverse=True):  # from the end: earlier spots keep their index
        _edit(sentences[s], t, vocab, rnd)
    return tuple(tuple(s) for s in sentences)


def _edit(words: list[int], at: int, vocab: Vocabulary, rnd: random.Random) -> None:
    operation = rnd.random()
    if operation < 0.25 and len(words) > _DELETE_FLOOR:
        del words[at]
    elif operation < 0.5:
        words.insert(at, vocab.draw(Kind.WORD, rnd, content=True))
    else:
        words[at] = vocab.draw_other(words[at], rnd)


def add_sentence(draft: Draft, vocab: Vocabulary, rnd: random.Random) -> Draft:
    """Insert a fresh sentence of 8 to 16 tokens, most often at the end."""
    added = sentence(vocab, rnd, rnd.randint(8, 16))
    at = len(draft) if rnd.random() < 0.6 else rnd.randint(1, len(draft))
    return (*draft[:at], added, *draft[at:])


def cut_short(text: str, rnd: random.Random) -> str:
    """Cut a text at a word boundary after 50-80% of its words, half the time ending in '...'."""
    words = text.split(" ")
    kept = " ".join(words[: max(1, round(len(words) * rnd.uniform(0.5, 0.8)))])
    return kept.rstrip(",.") + "..." if rnd.random() < 0.5 else kept


def has_facts(draft: Draft, vocab: Vocabulary) -> bool:
    """Tell whether a draft has a number and a person or place, so a template changes both."""
    kinds = {vocab.kinds[t] for s in draft for t in s}
    return Kind.NUMBER in kinds and (Kind.PERSON in kinds or Kind.PLACE in kinds)


def fact_swap(drafts: Iterable[Draft], vocab: Vocabulary, rnd: random.Random) -> dict[int, int]:
    """Choose other facts for a template: every number, and one or two persons or places.

    Returns a token map to apply to every draft of the story, so a name changes everywhere.
    """
    seen = dict.fromkeys(t for draft in drafts for s in draft for t in s)  # first-seen order
    kinds, number, entity = vocab.kinds, int(Kind.NUMBER), {int(Kind.PERSON), int(Kind.PLACE)}
    numbers = [t for t in seen if kinds[t] == number]
    entities = [t for t in seen if kinds[t] in entity]
    swapped = numbers + rnd.sample(entities, min(len(entities), rnd.randint(1, 2)))
    return {token: vocab.draw_other(token, rnd) for token in swapped}


def swap(draft: Draft, facts: Mapping[int, int]) -> Draft:
    """Apply a token map to a draft."""
    return tuple(tuple(facts.get(t, t) for t in s) for s in draft)
