"""Pages: page dumps in the seed layout, with their metadata and the truth about every line.

The layout is the seed pages' (`seeds/README.md`): sometimes an empty first line; the title;
the lede opening with its dateline; body paragraphs with subheadings between them; the section
heading `Meer uit <section>`; the rail, one teaser per line, each teaser's age glued to the
start of the next line, and a last line holding only the last age. Pages are published one
after another on a clock; a syndicated copy or a template story follows its source within the
last `RECENT` stories, so memory stays bounded however many pages are made.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from benchmarks.groups import Groups
from benchmarks.rail import TeaserPool
from benchmarks.records import PageItem, TruthSegment
from benchmarks.seeds import random_sources
from benchmarks.story import SECTIONS, Story, StoryWriter
from benchmarks.vocab import Kind, Vocabulary, build_vocabulary
from dedupe_news.records import Role

if TYPE_CHECKING:
    import random
    from collections.abc import Iterator

    from benchmarks.rail import Shown

BASE_TIME = datetime(2024, 3, 4, 6, 0, tzinfo=UTC)
"""Minute 0 of the clock."""
RECENT = 64
"""Stories a syndicated copy or a template story may be made from: the most recent ones."""

_SECTION_WEIGHTS = (30, 25, 20, 15, 10)  # Buitenland, Binnenland, Economie, Sport, Tech
_PAGE_INTERVAL = 8.0  # mean minutes between two pages
_LEADING_BLANK = 0.04  # pages that open with an empty line, as one seed page does
_SITE_SUFFIXES = ("nieuws", "post", "courant", "dagblad", "bode", "krant")
_SITES = 8
_CORPUS = 2  # the page corpus's stream of seeds (paragraphs: 1)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def page_items(
    n_pages: int, *, seed: int, syndication_rate: float, template_rate: float
) -> Iterator[PageItem]:
    """Yield `n_pages` pages (arguments already validated), streaming."""
    stream = _PageStream(build_vocabulary(), seed, syndication_rate, template_rate)
    for index in range(1, n_pages + 1):
        yield stream.page(index)


class _PageStream:
    """The state of one page stream: clock, recent stories, teaser pools, groups."""

    __slots__ = (
        "clock",
        "headings",
        "pool",
        "rates",
        "recent",
        "rnd",
        "sites",
        "stories",
        "vocab",
        "writer",
    )

    def __init__(self, vocab: Vocabulary, seed: int, syndication: float, template: float) -> None:
        (rng, rnd), groups = random_sources(seed, _CORPUS), Groups()
        self.vocab, self.rnd, self.rates = vocab, rnd, (syndication, syndication + template)
        self.headings = {section: groups.new() for section in SECTIONS}
        self.sites = _sites(vocab, rnd)
        self.writer = StoryWriter(vocab, rng, rnd, groups)
        self.pool = TeaserPool(vocab, rng, rnd, groups, SECTIONS)
        self.recent: deque[Story] = deque(maxlen=RECENT)
        self.clock = 0.0
        self.stories = itertools.count(1)

    def page(self, index: int) -> PageItem:
        """Publish the next page: its story, then its rail as scraped some time later."""
        self.clock += self.rnd.expovariate(1.0 / _PAGE_INTERVAL)
        story = self.story()
        published = int(self.clock)
        rail = self.pool.rail(story.section, published, published + self.scrape_delay())
        blank = self.rnd.random() < _LEADING_BLANK
        text, segments = layout(story, rail, self.vocab, self.headings[story.section], blank=blank)
        slug = _NOT_SLUG.sub("-", _ascii(text.lstrip("\n").split("\n", 1)[0]).lower()).strip("-")
        return PageItem(
            id=f"{index:06d}_{self.rnd.getrandbits(64):016x}",  # as the seed files are named
            text=text,
            site=story.site,
            url=f"https://www.{story.site}/{story.section.lower()}/{index}/{slug}",
            published=(BASE_TIME + timedelta(minutes=published)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            story=story.id,
            segments=segments,
        )

    def story(self) -> Story:
        """A syndicated copy or a template of a recent story, or a new story."""
        rnd, chance = self.rnd, self.rnd.random()
        if self.recent and chance < self.rates[0]:
            source = self.recent[rnd.randrange(len(self.recent))]
            site = rnd.choice([s for s in self.sites if s != source.site])
            return self.writer.syndicate(source, site)
        story_id = f"s{next(self.stories):06d}"
        if self.recent and chance < self.rates[1]:
            source = self.recent[rnd.randrange(len(self.recent))]
            story = self.writer.template(source, story_id, rnd.choice(self.sites))
        else:
            section = rnd.choices(SECTIONS, weights=_SECTION_WEIGHTS)[0]
            story = self.writer.new(story_id, section, rnd.choice(self.sites))
        self.recent.append(story)
        return story

    def scrape_delay(self) -> int:
        """Minutes between publishing a page and scraping it: mostly hours, up to 3 days."""
        chance = self.rnd.random()
        if chance < 0.6:
            return self.rnd.randint(0, 180)
        if chance < 0.9:
            return self.rnd.randint(180, 1440)
        return self.rnd.randint(1440, 3 * 1440)


def layout(
    story: Story, rail: list[Shown], vocab: Vocabulary, heading: str, *, blank: bool
) -> tuple[str, tuple[TruthSegment, ...]]:
    """Print a page in the seed layout, and the truth about each of its non-empty lines.

    The last line holds only the last teaser's age: not a segment, so it has no truth entry.
    """
    lines = [""] if blank else []
    segments: list[TruthSegment] = []
    for role, text, group in story.printed(vocab):
        lines.append(text)
        dateline = story.dateline if role is Role.LEDE else None
        segments.append(TruthSegment(len(lines), role, group, dateline))
    lines.append(f"Meer uit {story.section}")
    segments.append(TruthSegment(len(lines), Role.SECTION_HEADING, heading))
    age = ""
    for shown in rail:
        lines.append(age + shown.line)
        segments.append(
            TruthSegment(len(lines), Role.TEASER, shown.group, shown.dateline, shown.age)
        )
        age = shown.age
    if age:
        lines.append(age)
    return "\n".join(lines), tuple(segments)


def _sites(vocab: Vocabulary, rnd: random.Random) -> tuple[str, ...]:
    """Name the news sites: a plain ASCII word and a newsy suffix, `.nl`."""
    sites: list[str] = []
    while len(sites) < _SITES:
        word = vocab.tokens[vocab.draw(Kind.WORD, rnd, content=True)]
        site = f"{word}{rnd.choice(_SITE_SUFFIXES)}.nl"
        if word.isascii() and word.isalpha() and 4 <= len(word) <= 8 and site not in sites:
            sites.append(site)
    return tuple(sites)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
