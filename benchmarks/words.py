"""Words: Dutch-like pseudo-words, person and place names, and numbers, as strings.

Pseudo-words are built from syllables weighted towards plain (C)V(C) ones, with Dutch
suffixes and now and then a trema; names and places end the way Dutch ones do. Everything
is drawn from the `random.Random` it is given.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random
    from collections.abc import Callable


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _split(
    "de het een van in op dat is en met voor te zijn die niet aan er om ook als bij door naar "
    "tot uit over nog heeft werd wordt zal maar dan na tegen volgens meer al hij zij ze hun was "
    "zou kan moet twee drie jaar procent miljoen euro vorige week dag geen deze veel zich "
    "hebben worden onder tussen sinds zegt meldt eerder nu wel"
)
"""Real Dutch function words: they take the top ranks, as they do in real text."""
# Syllable parts, plain ones weighted up: Dutch words are mostly (C)V(C) syllables.
_SINGLE = _split("b d f g h j k l m n p r s t v w z")
_CLUSTER = _split("st sp sl sch str br dr gr kr pr tr bl fl gl kl pl kw zw")
_ONSETS = ("", *_SINGLE, *_CLUSTER)
_ONSET_WEIGHTS = tuple(itertools.accumulate((12, *[3] * len(_SINGLE), *[1] * len(_CLUSTER))))
_INNER_WEIGHTS = tuple(w - _ONSET_WEIGHTS[0] for w in _ONSET_WEIGHTS[1:])  # no vowel clash
_NUCLEI = _split("a e i o u aa ee oo ie oe ij ei ui ou eu")
_NUCLEUS_WEIGHTS = tuple(itertools.accumulate((5, 6, 3, 4, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1)))
_CODAS = ("", *_split("n r l s t k m p d ng nk rt rd lt ld st cht ft ks rk ns"))
_CODA_WEIGHTS = tuple(itertools.accumulate((30, *[4] * 9, *[1] * 12)))
_SUFFIXES = _split("en ing heid lijk isch er te de tje baar ig loos schap")
_FIRST_ENDINGS = _split("a e o ie en ard mar ijn is ke")
_LAST_ENDINGS = _split("sen ma stra ink huis man ers veld berg s inga kamp")
_LAST_PREFIXES = ("van ", "de ", "van der ", "van den ")
_PLACE_ENDINGS = _split("dam dorp veen wijk burg hoven stad rode ingen horst zijl um erk")
_PLACE_PREFIXES = ("Nieuw-", "Sint ", "Oud-", "Den ")
_TREMAS = (("ie", "ië"), ("ei", "eï"), ("oe", "oë"), ("ee", "eë"))


def _syllables(rnd: random.Random, count: int) -> str:
    onsets = rnd.choices(_ONSETS, cum_weights=_ONSET_WEIGHTS)
    onsets += rnd.choices(_ONSETS[1:], cum_weights=_INNER_WEIGHTS, k=count - 1)
    nuclei = rnd.choices(_NUCLEI, cum_weights=_NUCLEUS_WEIGHTS, k=count)
    codas = rnd.choices(_CODAS, cum_weights=_CODA_WEIGHTS, k=count)
    return "".join(map("".join, zip(onsets, nuclei, codas, strict=True)))


def _pseudo_word(rnd: random.Random) -> str:
    word = _syllables(rnd, rnd.choices((1, 2, 3, 4), weights=(20, 50, 25, 5))[0])
    if rnd.random() < 0.3:
        word += rnd.choice(_SUFFIXES)
    if rnd.random() < 0.02:
        for plain, trema in _TREMAS:
            if plain in word:
                return word.replace(plain, trema, 1)
    return word


def pseudo_words(rnd: random.Random, count: int) -> tuple[str, ...]:
    """Function words first, then pseudo-words, shorter ones more frequent (a stable sort)."""
    taken = set(FUNCTION_WORDS)
    made: list[str] = []
    while len(made) < count - len(FUNCTION_WORDS):
        word = _pseudo_word(rnd)
        if len(word) > 2 and word not in taken:
            taken.add(word)
            made.append(word)
    return (*FUNCTION_WORDS, *sorted(made, key=len))


def _name(rnd: random.Random, endings: tuple[str, ...]) -> str:
    return (_syllables(rnd, rnd.randint(1, 2)) + rnd.choice(endings)).capitalize()


def _unique(
    rnd: random.Random, count: int, make: Callable[[random.Random], str]
) -> tuple[str, ...]:
    taken: set[str] = set()
    made: list[str] = []
    while len(made) < count:
        text = make(rnd)
        if text not in taken:
            taken.add(text)
            made.append(text)
    return tuple(made)


def persons(rnd: random.Random, count: int) -> tuple[str, ...]:
    """Make `count` distinct persons: a first name and a last name, some with `van`, `de`."""
    firsts = _unique(rnd, 400, lambda r: _name(r, _FIRST_ENDINGS))
    lasts = _unique(rnd, 2_000, lambda r: _name(r, _LAST_ENDINGS))

    def person(r: random.Random) -> str:
        prefix = r.choice(_LAST_PREFIXES) if r.random() < 0.15 else ""
        return f"{r.choice(firsts)} {prefix}{r.choice(lasts)}"

    return _unique(rnd, count, person)


def places(rnd: random.Random, count: int) -> tuple[str, ...]:
    """Make `count` distinct place names: Dutch-sounding endings, a few with a prefix."""
    return _unique(rnd, count, _place)


def _place(rnd: random.Random) -> str:
    place = _name(rnd, _PLACE_ENDINGS)
    return rnd.choice(_PLACE_PREFIXES) + place if rnd.random() < 0.06 else place


def numbers() -> tuple[str, ...]:
    """Numbers as printed in Dutch news, small ones first (most frequent)."""
    small = [str(n) for n in range(2, 100)]
    years = [str(n) for n in range(2025, 1989, -1)]
    decimals = [f"{n // 10},{n % 10}" for n in range(11, 100) if n % 10]
    hundreds = [str(n) for n in range(100, 1000, 5)]
    thousands = [f"{n // 1000}.{n % 1000:03d}" for n in range(1_000, 50_000, 250)]
    return (*small, *years, *decimals, *hundreds, *thousands)
