"""Stories: the article a page carries, its syndicated copies, and template stories.

A story is a title, a dateline (place and credits), a lede, and body paragraphs with a few
subheadings above them. Every line carries its duplicate group: a syndicated copy keeps the
groups of the lines it copies (edited or not), a template story opens new groups for every
line whose facts changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from benchmarks.prose import Draft, Line, decode, heading, lines, render, render_heading
from benchmarks.records import Dateline
from benchmarks.variants import credit, fact_swap, other_credit, swap, word_edits
from benchmarks.vocab import Kind, Vocabulary
from dedupe_news.records import Role

if TYPE_CHECKING:
    import random
    from collections.abc import Iterator

    import numpy as np

    from benchmarks.groups import Groups

SECTIONS = ("Buitenland", "Binnenland", "Economie", "Sport", "Tech")
"""The sections of every site: a page's rail is headed `Meer uit <section>`."""

LEDE_WORDS, LEDE_SENTENCES = (25, 60), (1, 3)
PARAGRAPH_WORDS, PARAGRAPH_SENTENCES = (30, 80), (2, 5)
PARAGRAPHS = (2, 8)
"""Body paragraphs of a story, copies included."""

# A syndicated copy: how often each line is touched.
_TITLE_REWRITTEN = 0.2  # a new headline: a new group
_TITLE_EDITED = 0.3  # one word edited: still a duplicate
_LEDE_EDITED = 0.3
_PARAGRAPH_EDITED = 0.2
_PARAGRAPH_DROPPED = 0.35
_PARAGRAPH_ADDED = 0.25


@dataclass(frozen=True, slots=True)
class Part:
    """One line of an article: its words (a title or subheading is one sentence) and group."""

    words: Draft
    group: str


@dataclass(frozen=True, slots=True)
class Block:
    """A body paragraph, and the subheading printed above it (if any)."""

    subheading: Part | None
    paragraph: Part


@dataclass(frozen=True, slots=True)
class Story:
    """An article as one site printed it."""

    id: str
    section: str
    site: str
    dateline: Dateline
    place: int
    title: Part
    lede: Part
    body: tuple[Block, ...]

    def printed(self, vocab: Vocabulary) -> Iterator[tuple[Role, str, str]]:
        """Yield each line of the article as (role, text, group), in page order."""
        yield Role.TITLE, render_heading(vocab, self.title.words[0]), self.title.group
        yield Role.LEDE, f"{self.dateline}{render(vocab, self.lede.words)}", self.lede.group
        for block in self.body:
            if block.subheading is not None:
                words = block.subheading.words[0]
                yield Role.SUBHEADING, render_heading(vocab, words), block.subheading.group
            yield Role.PARAGRAPH, render(vocab, block.paragraph.words), block.paragraph.group


class StoryWriter:
    """Writes new stories, syndicated copies and template stories."""

    __slots__ = ("groups", "ledes", "paragraphs", "rnd", "vocab")

    def __init__(
        self, vocab: Vocabulary, rng: np.random.Generator, rnd: random.Random, groups: Groups
    ) -> None:
        """Share the vocabulary, random sources and groups of a page stream."""
        self.vocab, self.rnd, self.groups = vocab, rnd, groups
        self.ledes = lines(vocab, rng, words=LEDE_WORDS, sentences=LEDE_SENTENCES)
        self.paragraphs = lines(vocab, rng, words=PARAGRAPH_WORDS, sentences=PARAGRAPH_SENTENCES)

    def new(self, story_id: str, section: str, site: str) -> Story:
        """Write a fresh story: 2-8 paragraphs, 0-2 subheadings between them."""
        rnd = self.rnd
        body = [Block(None, self._fresh(self.paragraphs)) for _ in range(rnd.randint(*PARAGRAPHS))]
        for at in rnd.sample(range(1, len(body)), min(len(body) - 1, rnd.randint(0, 2))):
            body[at] = replace(body[at], subheading=self._subheading())
        place = self.vocab.draw(Kind.PLACE, rnd)
        title = Part((heading(self.vocab, rnd, rnd.randint(5, 10)),), self.groups.new())
        return Story(
            story_id,
            section,
            site,
            self._dateline(place, credit(rnd)),
            place,
            title,
            self._fresh(self.ledes),
            tuple(body),
        )

    def syndicate(self, story: Story, site: str) -> Story:
        """Copy a story to another site: other credit, small edits, a paragraph dropped or added.

        Every copied line keeps its group; a rewritten title or an added paragraph is new.
        """
        rnd = self.rnd
        title, chance = story.title, rnd.random()
        if chance < _TITLE_REWRITTEN:
            title = Part((heading(self.vocab, rnd, rnd.randint(5, 10)),), self.groups.new())
        elif chance < _TITLE_REWRITTEN + _TITLE_EDITED:
            title = self._touch(title, 1.0)
        body = [
            replace(b, paragraph=self._touch(b.paragraph, _PARAGRAPH_EDITED)) for b in story.body
        ]
        if len(body) > PARAGRAPHS[0] and rnd.random() < _PARAGRAPH_DROPPED:
            del body[rnd.randrange(1, len(body))]  # the first paragraph stays first
        if len(body) < PARAGRAPHS[1] and rnd.random() < _PARAGRAPH_ADDED:
            body.insert(rnd.randint(1, len(body)), Block(None, self._fresh(self.paragraphs)))
        dateline = self._dateline(story.place, other_credit(story.dateline.agencies, rnd))
        lede = self._touch(story.lede, _LEDE_EDITED)
        return replace(
            story, site=site, dateline=dateline, title=title, lede=lede, body=tuple(body)
        )

    def template(self, story: Story, story_id: str, site: str) -> Story:
        """Write the same story with other facts: every number, one or two names, the place.

        Not a copy: every line whose words changed gets a new group. A line without facts
        stays the same text, and so a duplicate of the source's line, in its group.
        """
        parts = [story.title, story.lede, *(b.paragraph for b in story.body)]
        facts = fact_swap([p.words for p in parts], self.vocab, self.rnd)
        place = facts.get(story.place)
        if place is None:
            place = self.vocab.draw_other(story.place, self.rnd)
        body = tuple(
            Block(
                None if b.subheading is None else self._subheading(swap(b.subheading.words, facts)),
                self._swapped(b.paragraph, facts),
            )
            for b in story.body
        )
        return replace(
            story,
            id=story_id,
            site=site,
            dateline=self._dateline(place, credit(self.rnd)),
            place=place,
            title=self._swapped(story.title, facts),
            lede=self._swapped(story.lede, facts),
            body=body,
        )

    def _fresh(self, texts: Iterator[tuple[Line, str]]) -> Part:
        return Part(decode(self.vocab, next(texts)[0]), self.groups.new())

    def _subheading(self, words: Draft | None = None) -> Part:
        """A subheading of one to three content words, grouped by its text."""
        if words is None:
            count = self.rnd.randint(1, 3)
            words = (
                tuple(self.vocab.draw(Kind.WORD, self.rnd, content=True) for _ in range(count)),
            )
        return Part(words, self.groups.of_text(render_heading(self.vocab, words[0])))

    def _touch(self, part: Part, chance: float) -> Part:
        """Edit one plain word with probability `chance`; a copy keeps its group."""
        if self.rnd.random() >= chance:
            return part
        return Part(word_edits(part.words, self.vocab, self.rnd, 1, spread=False), part.group)

    def _swapped(self, part: Part, facts: dict[int, int]) -> Part:
        words = swap(part.words, facts)
        return part if words == part.words else Part(words, self.groups.new())

    def _dateline(self, place: int, agencies: tuple[str, ...]) -> Dateline:
        return Dateline(self.vocab.tokens[place].upper(), agencies)
