"""Candidates: signature matrix and anchors -> candidate pairs, by LSH banding.

The signature's first b * r columns are cut into b bands of r rows; two texts are a
candidate when any band is equal in both. For texts of Jaccard similarity s, one band agrees
with probability s**r, so

    P(candidate) = 1 - (1 - s**r)**b

an S-curve that rises steeply around s ~ (1/b)**(1/r). datasketch's optimizer picks (b, r)
for the configured `threshold` by minimizing the area of false positives below it plus false
negatives above it (docs/tuning.md plots the curve for the defaults).

Banding alone misses the copies that matter most in news and have a low Jaccard: a teaser
truncated to its first sentence, a paragraph with a sentence added. Anchors catch them: texts
that open (head) or close (tail) with the same `anchor_words` words are candidates too.
Verification decides; candidates only need recall.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHashLSH

from dedupe_news import kernels
from dedupe_news.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.signature import Sketch

# In a bucket of more than this many distinct texts, each pairs only with its nearest
# neighbours in a fixed order: the candidate count stays linear in the batch size.
_MAX_NEIGHBOURS = 64


@lru_cache(maxsize=32)
def bands_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return datasketch's optimal (bands, rows) for this threshold and signature width.

    Raises:
        ConfigError: The optimum has fewer than two bands (a threshold near 1, or a small
            `num_perm`): banding cannot work there.

    Examples:
        >>> bands_rows(0.5, 128)
        (25, 5)
    """
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError as error:  # datasketch refuses an optimum of fewer than 2 bands
        msg = (
            f"threshold and num_perm must allow at least 2 LSH bands, got threshold="
            f"{threshold!r} with num_perm={num_perm!r}: lower threshold or raise num_perm"
        )
        raise ConfigError(msg) from error
    return int(lsh.b), int(lsh.r)


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the chance that texts of this Jaccard similarity become candidates.

    Examples:
        >>> round(candidate_probability(0.5, 25, 5), 4), round(candidate_probability(0.8, 25, 5), 4)
        (0.5478, 1.0)
    """
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def pairs_sharing_key(keys: NDArray[np.uint64], owners: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the pairs (i < j) of owners that share a key, unsorted, possibly repeated.

    Examples:
        >>> keys = np.array([7, 3, 7, 7, 3], dtype=np.uint64)
        >>> np.unique(pairs_sharing_key(keys, np.array([0, 1, 2, 3, 4])), axis=0).tolist()
        [[0, 2], [0, 3], [1, 4], [2, 3]]
    """
    order = np.argsort(keys)
    sorted_keys = keys[order]
    equal_next = sorted_keys[1:] == sorted_keys[:-1]
    shared = np.zeros(len(order), dtype=bool)
    shared[1:] |= equal_next
    shared[:-1] |= equal_next
    # Only keys held more than once matter; ordering them by (key, owner) makes the
    # neighbour windows of large buckets independent of the sort's tie order.
    subset = order[shared]
    subset = subset[np.lexsort((owners[subset], keys[subset]))]
    sorted_keys, sorted_owners = keys[subset], owners[subset]
    found = [np.empty((0, 2), dtype=np.int64)]
    for step in range(1, _MAX_NEIGHBOURS + 1):
        # Keys are sorted: equal keys `step` apart lie in one bucket.
        same = np.flatnonzero(sorted_keys[step:] == sorted_keys[:-step])
        if same.size == 0:
            break
        first, second = sorted_owners[same], sorted_owners[same + step]
        found.append(np.column_stack((np.minimum(first, second), np.maximum(first, second))))
    return np.concatenate(found)


def candidates(found: Sketch, config: Config) -> NDArray[np.int64]:
    """Return candidate pairs (i < j) of a batch of distinct texts, sorted.

    Examples:
        >>> from dedupe_news.config import DEFAULT
        >>> from dedupe_news.signature import sketch, tokenize
        >>> tokens = tokenize(["een twee drie vier vijf zes zeven acht negen tien elf",
        ...     "een twee drie", "een twee drie vier vijf zes zeven acht negen"])
        >>> candidates(sketch(tokens, np.arange(3), DEFAULT), DEFAULT).tolist()
        [[0, 2]]
    """
    bands, rows = bands_rows(config.threshold, config.num_perm)
    n = len(found.signatures)
    with kernels.threads_for(n * bands * rows):
        keys = kernels.band_keys(found.signatures, bands, rows)
    columns = np.concatenate((keys, found.anchors), axis=1)
    everyone = np.arange(n, dtype=np.int64)
    found_pairs = [np.empty((0, 2), dtype=np.int64)]
    # One band at a time: sorting n keys that fit in cache beats one sort of n * bands.
    for column in columns.T:
        owners = everyone[column != 0]  # an anchor of 0: the text has none
        found_pairs.append(pairs_sharing_key(np.ascontiguousarray(column[owners]), owners))
    pairs = np.concatenate(found_pairs)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((codes // max(n, 1), codes % max(n, 1))).astype(np.int64)
