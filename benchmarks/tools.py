"""The peers, each at its fastest documented path: texts in, one cluster label per text out.

Every path is complete, so the comparison is of complete results: shingles -> signatures ->
LSH candidates -> verification of every candidate -> clusters (union-find). Verification is
each peer's own: a candidate pair is kept when its estimated Jaccard (from the two
signatures, in the peer's own call) reaches the threshold, as both peers' documentation does.

- datasketch: `MinHash.bulk(shingles, num_perm, hashfunc=xxhash.xxh32_intdigest)` (the
  hash function unwrapped: no Python shim per shingle), `MinHashLSH(threshold, num_perm)`
  filled in an `insertion_session`, every text queried, `MinHash.jaccard` per candidate.
- rensa: `RMinHash.digest_matrix_from_token_sets` (one Rust call, one compact matrix, no
  object per text), `RMinHashLSH.insert_matrix_and_query_duplicate_flags` (one call: which
  texts share a band with any other), then sketch objects only for the flagged texts
  (`RMinHash.from_token_sets`, one call) and `query_all` over them, `RMinHash.jaccard` per
  candidate. A text that shares no band has no candidate, so skipping it loses nothing;
  this was faster than `from_token_sets` + `insert_many` + `query_all` over every text
  (0.9 s against 1.9 s for 100k paragraphs).

Each runs at two settings: its usual one (word 5-grams, threshold 0.7) and dedupe_news's
(word 3-grams, threshold 0.5), both with 128 permutations. This module must not import
dedupe_news (its processes' memory and start-up are the peers' own).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from benchmarks.shingle import bytes_shingles, str_shingles

Stages = dict[str, float]


@dataclass(frozen=True, slots=True)
class Settings:
    """One peer configuration: words per shingle, LSH threshold, permutations, rensa bands."""

    shingle_size: int
    threshold: float
    num_perm: int
    rensa_bands: int  # must divide num_perm (rensa's rule); S-curve midpoint (1/b)**(b/n)


SETTINGS = {
    # 16 bands x 8 rows: midpoint (1/16)**(1/8) ~ 0.71.
    "usual": Settings(shingle_size=5, threshold=0.7, num_perm=128, rensa_bands=16),
    # dedupe_news's Config defaults; 32 x 4 (midpoint 0.42) is rensa's nearest divisor of 128
    # below datasketch's own optimum for 0.5 (25 x 5, midpoint 0.53): more recall, not less.
    "matched": Settings(shingle_size=3, threshold=0.5, num_perm=128, rensa_bands=32),
}


@contextmanager
def _timed(stages: Stages, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - start


def components(n: int, pairs: Sequence[tuple[int, int]]) -> NDArray[np.int64]:
    """Return a cluster label per item: the smallest member of its connected component.

    Examples:
        >>> components(5, [(3, 1), (1, 4)]).tolist()
        [0, 1, 2, 1, 1]
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.asarray([find(i) for i in range(n)], dtype=np.int64)


def datasketch(texts: Sequence[str], settings: Settings, stages: Stages) -> NDArray[np.int64]:
    """Run datasketch's fastest documented path; record its stage times."""
    import xxhash  # noqa: PLC0415 - imported by the tool's own process only
    from datasketch import MinHash, MinHashLSH  # noqa: PLC0415

    with _timed(stages, "shingle"):
        shingles = bytes_shingles(texts, settings.shingle_size)
    with _timed(stages, "signatures"):
        sketches = MinHash.bulk(
            shingles, num_perm=settings.num_perm, hashfunc=xxhash.xxh32_intdigest
        )
    del shingles
    with _timed(stages, "candidates"):
        lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
        with lsh.insertion_session() as session:
            for key, sketch in enumerate(sketches):
                session.insert(key, sketch)
        found = [cast("list[int]", lsh.query(sketch)) for sketch in sketches]
    with _timed(stages, "verify"):
        pairs = [
            (key, other)
            for key, others in enumerate(found)
            for other in others
            if other > key and sketches[key].jaccard(sketches[other]) >= settings.threshold
        ]
    with _timed(stages, "cluster"):
        return components(len(texts), pairs)


def rensa(texts: Sequence[str], settings: Settings, stages: Stages) -> NDArray[np.int64]:
    """Run rensa's fastest complete path (bulk matrix, band flags, then candidates)."""
    library: Any = importlib.import_module("rensa")  # untyped Rust extension

    num_perm, seed = settings.num_perm, 42
    with _timed(stages, "shingle"):
        shingles = str_shingles(texts, settings.shingle_size)
    with _timed(stages, "signatures"):
        matrix = library.RMinHash.digest_matrix_from_token_sets(shingles, num_perm, seed)
    with _timed(stages, "candidates"):
        lsh = library.RMinHashLSH(settings.threshold, num_perm, settings.rensa_bands)
        flags = lsh.insert_matrix_and_query_duplicate_flags(matrix)
        del matrix
        flagged = [key for key, flag in enumerate(flags) if flag]
        sketches = library.RMinHash.from_token_sets([shingles[k] for k in flagged], num_perm, seed)
        found = lsh.query_all(sketches)
    del shingles
    with _timed(stages, "verify"):
        position = {key: i for i, key in enumerate(flagged)}
        pairs: list[tuple[int, int]] = []
        for i, others in enumerate(found):
            key, sketch = flagged[i], sketches[i]
            pairs.extend(
                (key, other)
                for other in others
                if other > key and sketch.jaccard(sketches[position[other]]) >= settings.threshold
            )
    with _timed(stages, "cluster"):
        return components(len(texts), pairs)


Tool = Callable[[Sequence[str], Stages], NDArray[np.int64]]


def _bound(run: Callable[[Sequence[str], Settings, Stages], NDArray[np.int64]], name: str) -> Tool:
    settings = SETTINGS[name]
    return lambda texts, stages: run(texts, settings, stages)


PEERS: dict[str, Tool] = {
    f"{peer.__name__}@{name}": _bound(peer, name)
    for peer in (datasketch, rensa)
    for name in SETTINGS
}
"""The peer rows, `datasketch@usual`, `datasketch@matched`, `rensa@usual`, `rensa@matched`."""

TOOLS = ("dedupe_news", *PEERS)
"""Every row of the comparison, dedupe_news first (its defaults are the `matched` settings)."""
