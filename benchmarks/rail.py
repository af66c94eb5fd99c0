"""Rail: the "Meer uit <section>" teasers under an article, drawn from a shared pool, with ages.

Each section has a pool of teasers, born one after another on a clock in minutes (a Poisson
process) and retired after a week. A page's rail is scraped at some time after the page was
published; it shows 5 to 8 teasers born before that time, the recent ones more likely, newest
first, each with its age. Every appearance of a pool teaser is a duplicate of every other: it
may carry other credits, be cut to its first sentence, cut short, or have a word edited. Now
and then a teaser is posted again later (another credit, a new age): one group, so a rail can
show the same teaser twice, as the seed rail does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from benchmarks.prose import Draft, decode, lines, render
from benchmarks.records import Dateline
from benchmarks.variants import credit, cut_short, other_credit, word_edits
from benchmarks.vocab import Kind, Vocabulary

if TYPE_CHECKING:
    import random

    import numpy as np

    from benchmarks.groups import Groups

TEASER_WORDS, TEASER_SENTENCES = (15, 50), (1, 2)
RAIL_SIZE = (5, 8)
MINUTES_PER_DAY = 1440
MAX_AGE_MINUTES = 7 * MINUTES_PER_DAY - 1  # the oldest printable age is "6 dagen geleden"

_BIRTH_INTERVAL = 90.0  # mean minutes between two teasers of one section
_REPOST = 0.05  # chance that a new teaser is an earlier one posted again
# Appearance variants of a teaser, cumulative: other credit, first sentence, cut short, edit.
_OTHER_CREDIT, _FIRST_SENTENCE, _CUT_SHORT, _WORD_EDIT = 0.06, 0.11, 0.15, 0.20


@dataclass(frozen=True, slots=True)
class Teaser:
    """One teaser of a pool: when it was born, its dateline, its words and its group."""

    born: int
    place: str
    agencies: tuple[str, ...]
    words: Draft
    group: str


@dataclass(frozen=True, slots=True)
class Shown:
    """A teaser as one rail shows it: its printed text, dateline, age and group."""

    dateline: Dateline
    text: str
    age: str
    group: str

    @property
    def line(self) -> str:
        """The teaser as printed, without the age glued in front of it."""
        return f"{self.dateline}{self.text}"


class TeaserPool:
    """The teasers of every section, born on a clock in minutes."""

    __slots__ = ("clock", "groups", "pools", "rnd", "texts", "vocab")

    def __init__(
        self,
        vocab: Vocabulary,
        rng: np.random.Generator,
        rnd: random.Random,
        groups: Groups,
        sections: tuple[str, ...],
    ) -> None:
        """Start every section's pool empty at minute 0."""
        self.vocab, self.rnd, self.groups = vocab, rnd, groups
        self.texts = lines(vocab, rng, words=TEASER_WORDS, sentences=TEASER_SENTENCES)
        self.pools: dict[str, deque[Teaser]] = {section: deque() for section in sections}
        self.clock: dict[str, float] = dict.fromkeys(sections, -float(MAX_AGE_MINUTES))

    def rail(self, section: str, published: int, scraped: int) -> list[Shown]:
        """Draw the rail of a page published and scraped at these minutes, newest first."""
        pool = self._advance(section, published - MAX_AGE_MINUTES, scraped)
        live = [t for t in pool if 1 <= scraped - t.born <= MAX_AGE_MINUTES]
        # Weighted sampling without replacement (Efraimidis-Spirakis): the largest keys
        # u ** (1 / weight) win; weight 1 / (1 + age in hours) ** 2 favours recent teasers.
        keys = [
            (self.rnd.random() ** ((1.0 + (scraped - t.born) / 60.0) ** 2), i)
            for i, t in enumerate(live)
        ]
        count = min(len(keys), self.rnd.randint(*RAIL_SIZE))
        chosen = sorted(keys, reverse=True)[:count]
        shown = sorted((live[i] for _, i in chosen), key=lambda t: (-t.born, t.group))
        return [self._show(teaser, scraped - teaser.born) for teaser in shown]

    def _advance(self, section: str, oldest: int, until: int) -> deque[Teaser]:
        """Give birth to teasers up to minute `until`; retire those born before `oldest`."""
        pool = self.pools[section]
        while self.clock[section] < until:
            self.clock[section] += self.rnd.expovariate(1.0 / _BIRTH_INTERVAL)
            pool.append(self._born(pool, int(self.clock[section])))
        while pool and pool[0].born < oldest:
            pool.popleft()
        return pool

    def _born(self, pool: deque[Teaser], born: int) -> Teaser:
        if pool and self.rnd.random() < _REPOST:
            again = pool[self.rnd.randrange(len(pool))]
            return replace(again, born=born, agencies=other_credit(again.agencies, self.rnd))
        place = self.vocab.tokens[self.vocab.draw(Kind.PLACE, self.rnd)].upper()
        words = decode(self.vocab, next(self.texts)[0])
        return Teaser(born, place, credit(self.rnd), words, self.groups.new())

    def _show(self, teaser: Teaser, age: int) -> Shown:
        """Print one appearance of a teaser, now and then as a variant of it."""
        vocab, rnd = self.vocab, self.rnd
        agencies, words, chance = teaser.agencies, teaser.words, rnd.random()
        text = ""
        if chance < _OTHER_CREDIT:
            agencies = other_credit(agencies, rnd)
        elif chance < _FIRST_SENTENCE and len(words) > 1:
            words = words[:1]
        elif _FIRST_SENTENCE <= chance < _CUT_SHORT:
            text = cut_short(render(vocab, words), rnd)
        elif _CUT_SHORT <= chance < _WORD_EDIT:
            words = word_edits(words, vocab, rnd, 1, spread=False)
        dateline = Dateline(teaser.place, agencies)
        return Shown(dateline, text or render(vocab, words), age_text(age, rnd), teaser.group)


def age_text(minutes: int, rnd: random.Random) -> str:
    """Print an age as a Dutch news site does; a day old is `gisteren` or `1 dag geleden`."""
    if minutes < 60:
        return "1 minuut geleden" if minutes == 1 else f"{minutes} minuten geleden"
    if minutes < MINUTES_PER_DAY:
        return f"{minutes // 60} uur geleden"
    days = minutes // MINUTES_PER_DAY
    if days == 1:
        return "gisteren" if rnd.random() < 0.5 else "1 dag geleden"
    return f"{days} dagen geleden"
