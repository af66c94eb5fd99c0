"""Groups: duplicate-group ids, handed out in order of first use."""

from __future__ import annotations

import itertools


class Groups:
    """Hands out `g0000001`, `g0000002`, ...; short texts get one group per distinct text.

    A subheading is one to three words: two unrelated stories can print the same one, and
    then the two lines are duplicates, so short texts are grouped by their text. Longer texts
    are grouped by how they were made and collide only where the generator copied them.
    """

    __slots__ = ("_count", "_short")

    def __init__(self) -> None:
        """Start at `g0000001`."""
        self._count = itertools.count(1)
        self._short: dict[str, str] = {}

    def new(self) -> str:
        """Open a new group."""
        return f"g{next(self._count):07d}"

    def of_text(self, text: str) -> str:
        """Return the group of a short text: the same for the same text, on every page."""
        group = self._short.get(text)
        if group is None:
            group = self._short[text] = self.new()
        return group
