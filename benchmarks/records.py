"""Records: the generated items and pages with their ground truth, and their JSON lines.

A group (`g0000001`) is a set of texts that are duplicates of each other, every pair of them;
a text that has no duplicate has a group of its own. A story (`s000001`) is the article that a
page carries: syndicated copies of a page share its story, a template page has a new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from json.encoder import encode_basestring

from dedupe_news.records import Role  # the generator speaks the library's roles


class Variant(StrEnum):
    """How a paragraph item was made from its original."""

    ORIGINAL = "original"
    CREDIT = "credit"
    EXACT = "exact"
    WORD_EDIT = "word_edit"
    SENTENCE_DROPPED = "sentence_dropped"
    SENTENCE_ADDED = "sentence_added"
    TRUNCATED_FIRST_SENTENCE = "truncated_first_sentence"
    CUT_SHORT = "cut_short"
    SYNDICATED_EDIT = "syndicated_edit"
    TEMPLATE = "template"  # same structure, other facts: a hard negative, not a duplicate


@dataclass(frozen=True, slots=True)
class Item:
    """One paragraph with its duplicate group and the variant kind that made it."""

    id: str
    text: str
    group: str
    variant: Variant

    def to_json(self) -> str:
        """Return the item as one JSON line (no newline), keys in a fixed order."""
        # Only the text needs escaping: ids, groups and variants are plain ASCII. Three times
        # faster than json.dumps of a dict, on the hot path of a 10M-item run.
        text = encode_basestring(self.text)
        return (
            f'{{"id": "{self.id}", "text": {text}, '
            f'"group": "{self.group}", "variant": "{self.variant}"}}'
        )


@dataclass(frozen=True, slots=True)
class Dateline:
    """The `PLACE (AGENCY/AGENCY) - ` that opens a lede or a teaser."""

    place: str
    agencies: tuple[str, ...]

    def __str__(self) -> str:
        """Return the dateline as printed, up to and including the dash and its space."""
        return f"{self.place} ({'/'.join(self.agencies)}) - "


@dataclass(frozen=True, slots=True)
class TruthSegment:
    """The truth about one non-empty line of a page.

    Attributes:
        line: 1-based line number in the page text.
        role: What the line is.
        group: Its duplicate group.
        dateline: Place and credits of a lede or teaser, else None.
        age: The age printed after a teaser (at the start of the next line), else None.
    """

    line: int
    role: Role
    group: str
    dateline: Dateline | None = None
    age: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the segment as JSON-ready values, keys in a fixed order.

        Ledes and teasers also get `place` and `agencies`, and teasers `age`, as in the
        annotations of the seed pages (`gold.json`).
        """
        record: dict[str, object] = {"line": self.line, "role": self.role, "group": self.group}
        if self.dateline is not None:
            record["place"] = self.dateline.place
            record["agencies"] = list(self.dateline.agencies)
        if self.age is not None:
            record["age"] = self.age
        return record


@dataclass(frozen=True, slots=True)
class PageItem:
    """One page dump in the seed layout, with its metadata and ground truth."""

    id: str
    text: str
    site: str
    url: str
    published: str
    story: str
    segments: tuple[TruthSegment, ...]

    def to_json(self) -> str:
        """Return the page as one JSON line (no newline), keys in a fixed order."""
        truth = {"story": self.story, "segments": [s.to_dict() for s in self.segments]}
        record = {
            "id": self.id,
            "text": self.text,
            "site": self.site,
            "url": self.url,
            "published": self.published,
            "truth": truth,
        }
        return json.dumps(record, ensure_ascii=False)
