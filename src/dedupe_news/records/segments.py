"""Segments: a batch's segments as columns, a `Sequence[Segment]` made on access."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np

from dedupe_news.records.vocabulary import Page, PageId, Role, Segment, SegmentId

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

ROLES: tuple[Role, ...] = tuple(Role)
"""The roles in code order: `Segments.roles` holds each segment's index into this."""


_ROLE_VALUES = np.array([role.value for role in ROLES], dtype=object)
_ROLE_CODES = {role: code for code, role in enumerate(ROLES)}


@dataclass(frozen=True, slots=True, eq=False)
class Segments(Sequence[Segment]):
    """All segments of a batch as columns: a `Sequence[Segment]`, each made on access.

    One `Segment` object per segment costs about 100 bytes beside its text; here a segment
    is 9 bytes of numpy columns and a pointer to its text. Only ledes and teasers have a
    dateline or an age, so those fields are held for them alone (`dated`). Equal to any
    sequence of the same segments. `Segments.of` builds one from segment objects.

    Attributes:
        page_ids: The ids of the batch's pages, in the order `pages` indexes them.
        pages: Each segment's page, an index into `page_ids`.
        lines: Each segment's `Segment.line`.
        roles: Each segment's role, an index into `ROLES`.
        texts: Each segment's `Segment.text`.
        dated: Ascending positions of the segments with a place, agencies or an age.
        places: `Segment.place` of each dated segment (aligned with `dated`).
        agencies: `Segment.agencies` of each dated segment.
        ages: `Segment.age` of each dated segment.
        age_minutes: `Segment.age_minutes` of each dated segment.
    """

    page_ids: tuple[PageId, ...]
    pages: NDArray[np.int32]
    lines: NDArray[np.int32]
    roles: NDArray[np.uint8]
    texts: Sequence[str]
    dated: NDArray[np.int64]
    places: Sequence[str | None]
    agencies: Sequence[tuple[str, ...]]
    ages: Sequence[str | None]
    age_minutes: Sequence[int | None]

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> Segments:
        """Return segments as columns (the same object when they already are).

        Examples:
            >>> found = Segments.of([Segment("a", 2, Role.LEDE, "Nieuws.", "OSLO", ("ANP",))])
            >>> found[0].place, found == [Segment("a", 2, Role.LEDE, "Nieuws.", "OSLO", ("ANP",))]
            ('OSLO', True)
        """
        if isinstance(segments, Segments):
            return segments
        index: dict[PageId, int] = {}
        pages = [index.setdefault(s.page_id, len(index)) for s in segments]
        dated = [
            i for i, s in enumerate(segments) if s != Segment(s.page_id, s.line, s.role, s.text)
        ]
        chosen = [segments[i] for i in dated]
        return cls(
            page_ids=tuple(index),
            pages=np.array(pages, np.int32),
            lines=np.array([s.line for s in segments], np.int32),
            roles=np.array([_ROLE_CODES[s.role] for s in segments], np.uint8),
            texts=[s.text for s in segments],
            dated=np.array(dated, np.int64),
            places=[s.place for s in chosen],
            agencies=[s.agencies for s in chosen],
            ages=[s.age for s in chosen],
            age_minutes=[s.age_minutes for s in chosen],
        )

    def __len__(self) -> int:
        """Return the number of segments."""
        return len(self.texts)

    @overload
    def __getitem__(self, at: int) -> Segment: ...
    @overload
    def __getitem__(self, at: slice) -> Segments: ...
    def __getitem__(self, at: int | slice) -> Segment | Segments:
        """Return the segment at a position (made now), or a slice as columns."""
        if isinstance(at, slice):
            start, stop, step = at.indices(len(self))
            if step != 1:
                return self.take(np.arange(start, stop, step, dtype=np.int64))
            stop = max(start, stop)
            first, last = self.dated.searchsorted([start, stop]).tolist()
            return Segments(
                self.page_ids,
                self.pages[start:stop],
                self.lines[start:stop],
                self.roles[start:stop],
                self.texts[start:stop],
                self.dated[first:last] - start,
                self.places[first:last],
                self.agencies[first:last],
                self.ages[first:last],
                self.age_minutes[first:last],
            )
        at = range(len(self))[at]  # a negative index counts from the end; IndexError past it
        extra = int(self.dated.searchsorted(at))
        role, page = ROLES[self.roles[at]], self.page_ids[self.pages[at]]
        line, text = int(self.lines[at]), self.texts[at]
        if extra == len(self.dated) or self.dated[extra] != at:
            return Segment(page, line, role, text)
        return Segment(
            page,
            line,
            role,
            text,
            self.places[extra],
            self.agencies[extra],
            self.ages[extra],
            self.age_minutes[extra],
        )

    def __iter__(self) -> Iterator[Segment]:
        """Yield each segment, made as it is reached."""
        page_ids, texts = self.page_ids, self.texts
        dated = [*self.dated.tolist(), -1]  # the next dated position; -1 after the last
        sparse = zip(self.places, self.agencies, self.ages, self.age_minutes, strict=True)
        rows = zip(self.pages.tolist(), self.lines.tolist(), self.roles.tolist(), strict=True)
        following = 0
        for at, (page, line, role) in enumerate(rows):
            if at == dated[following]:
                following += 1
                yield Segment(page_ids[page], line, ROLES[role], texts[at], *next(sparse))
            else:
                yield Segment(page_ids[page], line, ROLES[role], texts[at])

    def __eq__(self, other: object) -> bool:
        """Return whether another sequence holds equal segments in the same order."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        """Return the hash of the tuple of these segments, which compares equal to them."""
        return hash(tuple(self))

    def take(self, positions: NDArray[np.int64]) -> Segments:
        """Return the segments at these positions (ascending where `dated` must stay so)."""
        keep = np.isin(self.dated, positions)
        chosen = np.flatnonzero(keep).tolist()
        where = np.full(len(self), -1, np.int64)
        where[positions] = np.arange(len(positions))
        moved = where[self.dated[keep]]
        order = np.argsort(moved, kind="stable")
        picked = [chosen[i] for i in order.tolist()]
        texts = self.texts
        return Segments(
            self.page_ids,
            self.pages[positions],
            self.lines[positions],
            self.roles[positions],
            [texts[i] for i in positions.tolist()],
            moved[order],
            [self.places[i] for i in picked],
            [self.agencies[i] for i in picked],
            [self.ages[i] for i in picked],
            [self.age_minutes[i] for i in picked],
        )

    def page_id_column(self) -> list[PageId]:
        """Return each segment's page id."""
        return np.array(self.page_ids, dtype=object)[self.pages].tolist()  # type: ignore[no-any-return]  # a list of str

    def ids(self) -> list[SegmentId]:
        """Return each segment's `Segment.id`."""
        return [
            SegmentId(f"{page}:{line}")
            for page, line in zip(self.page_id_column(), self.lines.tolist(), strict=True)
        ]

    def role_column(self) -> list[str]:
        """Return each segment's role as its output string (`Role.value`)."""
        return _ROLE_VALUES[self.roles].tolist()  # type: ignore[no-any-return]  # a list of str

    def sparse(self, values: Sequence[object], default: object) -> list[object]:
        """Return a dated field (`places`, ...) as one value per segment, `default` elsewhere."""
        column = [default] * len(self)
        for at, value in zip(self.dated.tolist(), values, strict=True):
            column[at] = value
        return column

    def page_index(self, pages: Sequence[Page]) -> NDArray[np.int64]:
        """Return each segment's page as an index into `pages` (KeyError: a page not there)."""
        if tuple(page.id for page in pages) == self.page_ids:
            return self.pages.astype(np.int64)
        where = {page.id: i for i, page in enumerate(pages)}
        return np.array([where[p] for p in self.page_ids], np.int64)[self.pages]

    def role_in(self, roles: Collection[Role]) -> NDArray[np.bool_]:
        """Return which segments have one of these roles."""
        return np.isin(self.roles, [_ROLE_CODES[role] for role in roles])
