"""Segment (HTML): a page's DOM blocks -> segments with roles, datelines and ages.

Each block of `Page.blocks` (`sources/html.py`) is one segment whose `line` is the block's
1-based position in the page's blocks, so ids stay stable and ordered; a block that holds
only an age is not a segment (its position is left unused). The DOM gave most roles
(landmarks, rails, captions...); this stage adds what text tells:

- the first `title` block is the title; a later one is a subheading;
- the lede is the article's first paragraph, or, on a page without an article landmark, the
  first block without a role that opens with a dateline; its dateline is split off;
- a teaser's age comes from its `<time>` element or from an age at its start or end, and a block
  holding only an age gives it to the teaser before it; its dateline is split off;
- other blocks without a role are subheadings when they are headings (`<h2>`...), else
  paragraphs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dedupe_news.records import Block, Page, Role, Segment
from dedupe_news.stages.dateline import Age, parse_age, parse_dateline

if TYPE_CHECKING:
    from collections.abc import Iterator

_AGE_MAX_WORDS = 3  # "4 uur geleden"
_HEADING_HINTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def segment_blocks(page: Page) -> tuple[Segment, ...]:
    r"""Cut an HTML page into segments, one per block, in document order.

    Examples:
        >>> from dedupe_news.records import Block
        >>> blocks = (Block("Titel", Role.TITLE, "h1"),
        ...     Block("PARIJS (ANP) - Het nieuws.", Role.PARAGRAPH, "p"),
        ...     Block("Meer", Role.SECTION_HEADING, "h2"),
        ...     Block("BERN (ANP/AFP) - Een teaser. 3 uur geleden", Role.TEASER, "li",
        ...           "3 uur geleden"))
        >>> page = Page("p", "\n".join(b.text for b in blocks), blocks=blocks)
        >>> [(s.line, s.role.value, s.place, s.age) for s in segment_blocks(page)]
        [(1, 'title', None, None), (2, 'lede', 'PARIJS', None), (3, 'section_heading', None, None), (4, 'teaser', 'BERN', '3 uur geleden')]
    """  # noqa: E501 - a doctest line cannot wrap
    segments: list[Segment] = []
    for segment in _segments(page):
        if segment.role is Role.TEASER and not segment.text:
            _give_age(segments, segment)
        else:
            segments.append(segment)
    return tuple(segments)


def _segments(page: Page) -> Iterator[Segment]:
    has_title = has_lede = False
    for line, block in enumerate(page.blocks, start=1):
        role = block.role
        if role is Role.TEASER:
            yield _teaser(page, line, block)
            continue
        if role is Role.TITLE:
            role = Role.SUBHEADING if has_title else Role.TITLE
            has_title = True
        elif role is None or role is Role.PARAGRAPH:
            dateline = parse_dateline(block.text)
            if not has_lede and (role is Role.PARAGRAPH or dateline is not None):
                has_lede = True
                if dateline is None:
                    yield Segment(page.id, line, Role.LEDE, block.text)
                else:
                    body, place, agencies = dateline.body, dateline.place, dateline.agencies
                    yield Segment(page.id, line, Role.LEDE, body, place, agencies)
                continue
            role = Role.SUBHEADING if block.hint in _HEADING_HINTS else Role.PARAGRAPH
        yield Segment(page.id, line, role, block.text)


def _teaser(page: Page, line: int, block: Block) -> Segment:
    """A teaser without its age (from `<time>` or its start) and without its dateline."""
    text, age = block.text, None
    parsed = parse_age(block.time) if block.time else None
    if parsed is not None and block.time is not None:
        age = parsed[0]
        text = _without(text, block.time)
    else:
        age, text = _age_at_either_end(text)
    dateline = parse_dateline(text)
    if dateline is None:
        return _with_age(Segment(page.id, line, Role.TEASER, text), age)
    teaser = Segment(page.id, line, Role.TEASER, dateline.body, dateline.place, dateline.agencies)
    return _with_age(teaser, age)


def _age_at_either_end(text: str) -> tuple[Age | None, str]:
    """Split an age off the start of a teaser's text, or off its end (`... 4 uur geleden`)."""
    at_start = parse_age(text)
    if at_start is not None:
        return at_start
    words = text.rsplit(" ", _AGE_MAX_WORDS)
    for count in range(1, len(words)):  # the shortest tail first: "gisteren", "4 uur geleden"
        tail = " ".join(words[-count:])
        parsed = parse_age(tail)
        if parsed is not None and not parsed[1]:
            return parsed[0], " ".join(words[:-count])
    return None, text


def _without(text: str, part: str) -> str:
    if text.endswith(part):
        return text[: -len(part)].strip()
    if text.startswith(part):
        return text[len(part) :].strip()
    before, _, after = text.partition(part)
    return f"{before.rstrip()} {after.lstrip()}".strip()


def _with_age(segment: Segment, age: Age | None) -> Segment:
    if age is None:
        return segment
    return replace(segment, age=age.text, age_minutes=age.minutes)


def _give_age(segments: list[Segment], bare: Segment) -> None:
    """Give an age-only block's age to the teaser right before it, if it has none."""
    if segments and segments[-1].role is Role.TEASER and segments[-1].age is None:
        segments[-1] = replace(segments[-1], age=bare.age, age_minutes=bare.age_minutes)
