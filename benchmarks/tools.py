"""The pipelines compared, each in its own best use: texts in, one cluster label per text out.

- dedupe_news: `find_duplicates(texts)` with its defaults (exact fast path, compiled
  signatures, LSH + anchors, rapidfuzz verification).
- datasketch: word 5-gram shingles, `MinHash.bulk` with an xxhash `hashfunc`, `MinHashLSH`
  filled in an `insertion_session`, every text queried, candidates kept when their
  estimated Jaccard reaches the threshold, union-find.
- rensa: the same shingles, `RMinHash.from_token_sets` (one Rust call for the batch),
  `RMinHashLSH.insert_many` and `query_all`, the same Jaccard filter, union-find.

The peers get the texts normalized by `dedupe_news.stages.normalize` (their time includes it), so
all three see the same tokens.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

import numpy as np
import xxhash

import dedupe_news as dn
from dedupe_news.stages.cluster import components

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from numpy.typing import NDArray

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.7
RENSA_BANDS = 16  # 16 bands x 8 rows: the S-curve's midpoint (1/16)**(1/8) ~ 0.71


def _shingles(texts: Sequence[str]) -> Iterator[list[bytes]]:
    """Yield each text's word 5-gram shingles, one text at a time (no batch-wide list)."""
    for text in texts:
        words = dn.normalize(text).encode().split()
        k = min(SHINGLE, len(words))
        yield [b" ".join(words[i : i + k]) for i in range(len(words) - k + 1)] if k else []


def _labels(n: int, pairs: list[tuple[int, int]]) -> NDArray[np.int64]:
    return np.asarray(components(n, pairs), dtype=np.int64)


def dedupe_news(texts: Sequence[str]) -> NDArray[np.int64]:
    """dedupe_news with its defaults."""
    labels = np.arange(len(texts), dtype=np.int64)
    for cluster in dn.find_duplicates(texts):
        labels[list(cluster.members)] = cluster.members[0]
    return labels


def _xxh32(data: bytes) -> int:
    return xxhash.xxh32_intdigest(data)


def datasketch(texts: Sequence[str]) -> NDArray[np.int64]:
    """Run datasketch's fastest documented path."""
    from datasketch import MinHash, MinHashLSH  # noqa: PLC0415 - only this tool needs them

    sketches = MinHash.bulk(_shingles(texts), num_perm=NUM_PERM, hashfunc=_xxh32)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for key, sketch in enumerate(sketches):
            session.insert(key, sketch)
    pairs: list[tuple[int, int]] = []
    for key, sketch in enumerate(sketches):
        others = sorted(cast("list[int]", lsh.query(sketch)))  # the int keys inserted above
        pairs.extend(
            (key, other)
            for other in others
            if other > key and sketch.jaccard(sketches[other]) >= THRESHOLD
        )
    return _labels(len(texts), pairs)


def rensa(texts: Sequence[str]) -> NDArray[np.int64]:
    """Run rensa's bulk Rust path."""
    library = importlib.import_module("rensa")  # benchmark-only dependency, untyped

    sketches = library.RMinHash.from_token_sets(_shingles(texts), NUM_PERM, 42)
    lsh = library.RMinHashLSH(THRESHOLD, NUM_PERM, RENSA_BANDS)
    lsh.insert_many(sketches)
    digests = np.asarray([sketch.digest() for sketch in sketches], dtype=np.uint32)
    pairs: list[tuple[int, int]] = []
    for key, found in enumerate(lsh.query_all(sketches)):
        others = np.asarray([o for o in found if o > key], dtype=np.int64)
        if len(others):
            similar = (digests[others] == digests[key]).mean(axis=1) >= THRESHOLD
            pairs.extend((key, int(o)) for o in others[similar])
    return _labels(len(texts), pairs)


TOOLS: dict[str, Callable[[Sequence[str]], NDArray[np.int64]]] = {
    "dedupe_news": dedupe_news,
    "datasketch": datasketch,
    "rensa": rensa,
}
