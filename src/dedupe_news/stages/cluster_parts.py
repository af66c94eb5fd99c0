"""Cluster parts: what `stages.cluster` reads of each component, for all components at once."""

from __future__ import annotations

from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Match

by_pair = attrgetter("a", "b")
"""A match's (a, b): the key matches are sorted by."""
_first = attrgetter("a")


def representatives(
    roots: NDArray[np.int64], matches: Sequence[Match[int]], length: Sequence[int]
) -> tuple[dict[int, int], set[int]]:
    """Return each matched component's representative, and the components of 2+ matched texts.

    The representative is `stages.cluster.representative` of the component's matched
    texts, picked for every component by one sort: by root, then longest, then smallest text.

    Examples:
        >>> from dedupe_news.records import Match
        >>> roots = np.array([0, 1, 1, 1, 4])
        >>> representatives(roots, [Match(1, 2, 0.9, 0.8), Match(2, 3, 0.9, 0.8)], [0, 5, 7, 7, 0])
        ({1: 2}, {1})
    """
    ends = np.fromiter(chain.from_iterable(map(by_pair, matches)), np.int64, 2 * len(matches))
    texts = np.unique(ends)
    text_roots = roots[texts]
    sizes = np.fromiter(map(length.__getitem__, texts.tolist()), np.int64, len(texts))
    order = np.lexsort((texts, -sizes, text_roots))
    texts, text_roots = texts[order], text_roots[order]
    starts = np.flatnonzero(np.r_[True, text_roots[1:] != text_roots[:-1]][: len(texts)])
    counts = np.diff(np.r_[starts, len(texts)])
    best_of = dict(zip(text_roots[starts].tolist(), texts[starts].tolist(), strict=True))
    return best_of, set(text_roots[starts[counts >= 2]].tolist())


def matches_by_component(
    roots: NDArray[np.int64], matches: Sequence[Match[int]], firsts: list[int]
) -> dict[int, tuple[list[tuple[int, int, float, float]], float]]:
    """Return each component's matches, sorted and named by item, and their lowest score."""
    ordered = sorted(matches, key=by_pair)  # firsts ascend with groups
    component = roots[np.fromiter(map(_first, ordered), np.int64, len(ordered))].tolist()
    found: dict[int, tuple[list[tuple[int, int, float, float]], float]] = {}
    for root, match in zip(component, ordered, strict=True):
        held = found.get(root)
        row = (firsts[match.a], firsts[match.b], match.score, match.jaccard)
        if held is None:
            found[root] = ([row], match.score)
        else:
            held[0].append(row)
            if match.score < held[1]:
                found[root] = (held[0], match.score)
    return found
