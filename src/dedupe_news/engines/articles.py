"""Article clusters on the workers: page pairs by shuffles, their union on the client.

`stages.article` joins two pages on two kinds of evidence, and both are counted here where
the data lives, through the stage's own kernels:

- segment evidence: the rows of each cluster meet in one partition (a shuffle on the cluster
  key), where `cluster_page_pairs` pairs its pages; a shuffle on the pair code adds up the
  clusters each pair shares, and `segment_copies_enough` keeps the copies;
- whole-story evidence: each partition makes its pages' story shingles (`story_shingles`,
  global page numbers); a shuffle on the shingle brings every holder of a shingle together
  for `shingle_pairs`; a shuffle on the pair code adds up the shared shingles, and
  `contains_enough` keeps the candidates; the partition holding a candidate's first page
  sends its number places (`story_places`) to the one holding the second, which makes the
  `replaced_numbers` check.

The client gets page pairs only (O(copies)) and sends each page's partition (O(pages)
integers); it unites the pairs with the stage's `components` and names each article by its
smallest page, as `article_clusters` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.stages.article import cluster_page_pairs, segment_copies_enough
from dedupe_news.stages.cluster import components
from dedupe_news.stages.story import (
    MAX_REPLACED_NUMBERS,
    STORY_ROLES,
    contains_enough,
    replaced_numbers,
    shingle_pairs,
    story_places,
    story_shingles,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.engines.partition import Part
    from dedupe_news.engines.shuffle import Frame

Places = dict[tuple[str, ...], frozenset[str]]


def _lookup(pages: NDArray[np.int64], values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return a sorted-lookup table's keys and values (each page once)."""
    order = np.argsort(pages, kind="stable")
    keys, at = np.unique(pages[order], return_index=True)
    table: NDArray[np.int64] = np.stack((keys, values[order][at]))
    return table


def _smaller(codes: NDArray[np.int64], table: NDArray[np.int64], pages: int) -> NDArray[np.int64]:
    """Return the smaller of the two pages' sizes for each pair code."""
    first = table[1][np.searchsorted(table[0], codes // max(pages, 1))]
    second = table[1][np.searchsorted(table[0], codes % max(pages, 1))]
    smaller: NDArray[np.int64] = np.minimum(first, second).astype(np.int64)
    return smaller


def cluster_pairs(frame: Frame, pages: int) -> Frame:
    """Pair the pages of each whole cluster here (story rows): one code per shared cluster."""
    story = frame["story"]
    _, cluster = np.unique(frame["ckey"][story], return_inverse=True)
    codes = cluster_page_pairs(cluster.astype(np.int64).ravel(), frame["page"][story], pages)
    table = _lookup(frame["page"], frame["story_count"])
    return {"code": codes, "smaller": _smaller(codes, table, pages)}


def count_pairs(frame: Frame) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return the distinct pair codes here, how often each came, and their smaller size."""
    order = np.argsort(frame["code"], kind="stable")
    codes = frame["code"][order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])[: len(codes)]
    shared = np.diff(np.r_[starts, len(codes)]).astype(np.int64)
    return codes[starts], shared, frame["smaller"][order][starts]


def segment_copies(frame: Frame, config: Config) -> NDArray[np.int64]:
    """Return the pair codes that share enough story clusters (all their counts are here)."""
    codes, shared, smaller = count_pairs(frame)
    return codes[segment_copies_enough(shared, smaller, config)]


def shingle_rows(part: Part, numbers: NDArray[np.int64], pages: int) -> Frame:
    """Return the story shingles of a partition's pages, with each page's shingle count."""
    story = [s.role in STORY_ROLES for s in part.segments]
    _, counts = part.page_ids()
    page_of = np.repeat(numbers, counts)
    page, shingle = story_shingles(part.tokens, story, page_of.tolist(), pages)
    held, sizes = np.unique(page, return_counts=True)
    size = sizes[np.searchsorted(held, page)] if len(held) else page
    return {"shingle": shingle, "page": page, "size": size.astype(np.int64)}


def story_pairs(frame: Frame, pages: int) -> Frame:
    """Pair the holders of each whole shingle here: one code per shared rare shingle."""
    order = np.lexsort((frame["page"], frame["shingle"]))
    page, shingle = frame["page"][order], frame["shingle"][order]
    codes = shingle_pairs(page, shingle, pages)
    table = _lookup(frame["page"], frame["size"])
    return {"code": codes, "smaller": _smaller(codes, table, pages)}


def story_candidates(frame: Frame, minimum: float) -> NDArray[np.int64]:
    """Return the pair codes whose stories contain each other's enough (numbers unchecked)."""
    codes, shared, smaller = count_pairs(frame)
    return codes[contains_enough(shared, smaller, minimum)]


def _page_places(
    part: Part, numbers: NDArray[np.int64], wanted: NDArray[np.int64]
) -> dict[int, Places]:
    """Return the number places of the story text of this partition's pages in `wanted`."""
    _, counts = part.page_ids()
    ends = np.cumsum(counts)
    found: dict[int, Places] = {}
    for index in np.flatnonzero(np.isin(numbers, wanted)).tolist():
        rows = range(int(ends[index] - counts[index]), int(ends[index]))
        story = [i for i in rows if part.segments[i].role in STORY_ROLES]
        found[int(numbers[index])] = story_places(part.tokens, story)
    return found


def places_out(
    part: Part,
    numbers: NDArray[np.int64],
    candidates: NDArray[np.int64],
    home_of: NDArray[np.int64],
) -> Frame:
    """Return the candidates whose first page is here, with its number places, to send on."""
    pages = len(home_of)
    first = candidates // max(pages, 1)
    here = np.isin(first, numbers)
    places = _page_places(part, numbers, np.unique(first[here]))
    column = np.empty(int(here.sum()), dtype=object)
    column[:] = [places[p] for p in first[here].tolist()]
    return {
        "code": candidates[here],
        "home": home_of[candidates[here] % max(pages, 1)],
        "places": column,
    }


def places_checked(
    part: Part, numbers: NDArray[np.int64], frame: Frame, pages: int
) -> NDArray[np.int64]:
    """Return the candidates (second page here) that replace no more numbers than a copy may."""
    second = frame["code"] % max(pages, 1)
    places = _page_places(part, numbers, np.unique(second))
    keep = [
        replaced_numbers(first, places[q]) <= MAX_REPLACED_NUMBERS
        for first, q in zip(frame["places"].tolist(), second.tolist(), strict=True)
    ]
    return frame["code"][np.array(keep, dtype=np.bool_)]


def article_roots(copies: Sequence[tuple[int, int]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the pages that have a copy (ascending) and their article's smallest page."""
    held = np.unique(np.array(copies, dtype=np.int64).ravel())
    local = [(int(np.searchsorted(held, p)), int(np.searchsorted(held, q))) for p, q in copies]
    return held, held[components(len(held), local)]


def cluster_stories(frame: Frame, held: NDArray[np.int64], roots: NDArray[np.int64]) -> Frame:
    """Count each cluster key's stories as `label_segments` does; return them per row."""
    at = np.minimum(np.searchsorted(held, frame["page"]), max(len(held) - 1, 0))
    copy = held[at] == frame["page"] if len(held) else np.zeros(len(at), np.bool_)
    story_of = np.where(copy, roots[at] if len(held) else 0, frame["page"])
    _, key = np.unique(frame["ckey"], return_inverse=True)
    key = key.ravel().astype(np.int64)
    pages = _distinct_per(key, frame["page"])
    stories = _distinct_per(key, story_of)
    count = np.where(pages[key] == 1, 0, stories[key])
    return {
        "pos": frame["pos"],
        "home": frame["home"],
        "stories": count.astype(np.int64),
        "ckey": frame["ckey"],
    }


def _distinct_per(group: NDArray[np.int64], values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return, per group number, how many distinct values it holds."""
    pairs = np.unique(np.stack((group, values)), axis=1) if len(group) else np.zeros((2, 0))
    return np.bincount(pairs[0].astype(np.int64), minlength=int(group.max(initial=-1)) + 1)
