"""Partition work of the Dask driver: the stage functions applied to one partition's rows.

Every function here is a pure function of its arguments, run by Dask on a worker: the same
stage calls as `pipeline.py` (segment_page, tokenize, sketch, bucket_keys, index_keys,
pairs_sharing_key, shared_key_counts, verify), on a partition's pages or on the rows a
shuffle brought together. Global ids come from the driver: a segment's position in the
embedded order (pages sorted by id, lines in order) and a distinct text's rank by its first
position, so every id is independent of partitioning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.engines.texts import TextRows, concat_rows, take_tokens
from dedupe_news.records import Corpus, Page, Skipped
from dedupe_news.stages import lsh
from dedupe_news.stages._kernels import thread_cap
from dedupe_news.stages.segment import segment_page
from dedupe_news.stages.signature import sketch
from dedupe_news.stages.tokenize import Tokens, text_keys, tokenize
from dedupe_news.stages.verify import CHUNK_PAIRS, verify

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from numpy.typing import NDArray

    from dedupe_news.config import Config
    from dedupe_news.engines.shuffle import Frame
    from dedupe_news.records import Segment


@dataclass(frozen=True, slots=True)
class Part:
    """One partition's pages (sorted by id), their segments, tokens and exact keys."""

    pages: tuple[Page, ...]
    skipped: tuple[Skipped, ...]
    segments: tuple[Segment, ...]
    tokens: Tokens
    keys: NDArray[np.uint64]

    def page_ids(self) -> tuple[tuple[str, ...], NDArray[np.int64]]:
        """Return the page ids and each page's number of segments."""
        counts: dict[str, int] = {}
        for segment in self.segments:
            counts[segment.page_id] = counts.get(segment.page_id, 0) + 1
        ids = tuple(p.id for p in self.pages)
        return ids, np.array([counts.get(i, 0) for i in ids], dtype=np.int64)


def prepare(pages: Corpus | Iterable[Page], config: Config, threads: int) -> Part:
    """Segment and tokenize a partition's pages (sorted by id) and key their texts."""
    skipped = pages.skipped if isinstance(pages, Corpus) else ()
    batch = tuple(pages.pages if isinstance(pages, Corpus) else pages)
    for position, page in enumerate(batch):
        if not isinstance(page, Page):
            msg = f"pages must hold only Page, got {type(page).__name__} at position {position}"
            raise TypeError(msg)
    batch = tuple(sorted(batch, key=lambda page: page.id))
    segments = tuple(s for page in batch for s in segment_page(page))
    with thread_cap(threads):
        tokens = tokenize([s.text for s in segments], fold_diacritics=config.fold_diacritics)
        keys = text_keys(tokens)
    return Part(batch, skipped, segments, tokens, keys)


def drop_pages(part: Part, dropped: frozenset[int]) -> Part:
    """Return a partition without some of its pages (duplicates of pages read earlier)."""
    if not dropped:
        return part
    gone = {part.pages[i].id for i in dropped}
    rows = np.array([i for i, s in enumerate(part.segments) if s.page_id not in gone], np.int64)
    return Part(
        tuple(p for i, p in enumerate(part.pages) if i not in dropped),
        part.skipped,
        tuple(part.segments[i] for i in rows.tolist()),
        take_tokens(part.tokens, rows),
        part.keys[rows],
    )


def positions(part: Part, page_starts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return each segment's global position from its page's first position."""
    _, counts = part.page_ids()
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(page_starts, counts) + within


def exact_rows(part: Part, pos: NDArray[np.int64], home: int) -> Frame:
    """Return the exact keys of the segments with words, with position and home partition."""
    rows = np.flatnonzero(part.tokens.counts() > 0)
    return {
        "k0": part.keys[rows, 0],
        "k1": part.keys[rows, 1],
        "pos": pos[rows],
        "home": np.full(len(rows), home, dtype=np.int64),
    }


def exact_reduce(frame: Frame) -> Frame:
    """Group rows with equal keys: each row gets its group's first (smallest) position."""
    order = np.lexsort((frame["pos"], frame["k1"], frame["k0"]))
    k0, k1 = frame["k0"][order], frame["k1"][order]
    starts = np.flatnonzero(np.r_[True, (k0[1:] != k0[:-1]) | (k1[1:] != k1[:-1])])[: len(k0)]
    sizes = np.diff(np.r_[starts, len(order)])
    return {
        "pos": frame["pos"][order],
        "first": np.repeat(frame["pos"][order][starts], sizes).astype(np.int64),
        "home": frame["home"][order],
    }


def firsts_only(frame: Frame) -> Frame:
    """Return the rows that are their group's first occurrence."""
    keep = frame["pos"] == frame["first"]
    return {"first": frame["first"][keep]}


def rank_firsts(frame: Frame) -> Frame:
    """Sort a range of first positions (their local rank is their order)."""
    return {"first": np.sort(frame["first"])}


def attach_ids(rows: Frame, firsts: Frame, offset: int) -> Frame:
    """Give each row its distinct text id: the rank of its group's first position."""
    ids = offset + np.searchsorted(firsts["first"], rows["first"])
    return {
        "pos": rows["pos"],
        "first": rows["first"],
        "did": ids.astype(np.int64),
        "home": rows["home"],
    }


def local_ids(pos: NDArray[np.int64], rows: Frame) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return each local segment's distinct id (-1 without words) and its group's first position."""
    did = np.full(len(pos), -1, dtype=np.int64)
    first = np.full(len(pos), -1, dtype=np.int64)
    at = np.searchsorted(pos, rows["pos"])  # local positions ascend with the local order
    did[at] = rows["did"]
    first[at] = rows["first"]
    return did, first


@dataclass(frozen=True, slots=True)
class Signed:
    """A partition's distinct texts (those whose first occurrence it holds): keys and data."""

    bands: Frame
    index: Frame
    texts: TextRows


def sign(
    part: Part,
    pos: NDArray[np.int64],
    ids: tuple[NDArray[np.int64], NDArray[np.int64]],
    config: Config,
    threads: int,
) -> Signed:
    """Sketch the distinct texts first seen here; return their bucket keys, index keys, data."""
    did, first = ids
    owned = np.flatnonzero((did >= 0) & (pos == first))
    owned_ids = did[owned]
    with thread_cap(threads):
        found = sketch(part.tokens, owned, config)
        keys = lsh.bucket_keys(found, config)
    columns = np.repeat(np.arange(keys.shape[1], dtype=np.int64)[None, :], len(owned), axis=0)
    nonzero = keys != 0
    bands = {
        "key": keys[nonzero],
        "col": columns[nonzero],
        "did": np.repeat(owned_ids[:, None], keys.shape[1], axis=1)[nonzero],
    }
    index_keys, owners = lsh.index_keys(found)
    held = np.bincount(owners, minlength=len(owned)).astype(np.int64)
    index = {"key": index_keys, "did": owned_ids[owners], "held": held[owners]}
    texts = TextRows(
        owned_ids,
        found.signatures,
        found.shingles,
        found.shingle_offsets,
        part.tokens.counts()[owned],
        tuple(part.tokens.norm(int(r)) for r in owned.tolist()),
        tuple(part.segments[int(r)].text for r in owned.tolist()),
    )
    return Signed(bands, index, texts)


def band_pairs(frame: Frame, size: int) -> Frame:
    """Return the band and anchor candidate pairs of whole buckets, column by column."""
    found = [np.empty(0, dtype=np.int64)]
    for column in np.unique(frame["col"]).tolist():
        rows = np.flatnonzero(frame["col"] == column)
        order = rows[np.argsort(frame["did"][rows], kind="stable")]  # owners ascend, as embedded
        pairs = lsh.pairs_sharing_key(
            np.ascontiguousarray(frame["key"][order]), frame["did"][order]
        )
        found.append(pairs[:, 0] * size + pairs[:, 1])
    codes = np.unique(np.concatenate(found))
    return {"a": codes // max(size, 1), "b": codes % max(size, 1)}


def index_counts(frame: Frame, size: int) -> Frame:
    """Count the shared rare keys of pairs, for keys whose every holder is here."""
    codes, shared = lsh.shared_key_counts(frame["key"], frame["did"], size)
    holders, at = np.unique(frame["did"], return_index=True)
    held = frame["held"][at]
    a, b = codes // max(size, 1), codes % max(size, 1)
    fewer = np.minimum(held[np.searchsorted(holders, a)], held[np.searchsorted(holders, b)])
    return {"code": codes, "shared": shared, "fewer": fewer}


def index_pairs(frame: Frame, size: int) -> Frame:
    """Sum the shared counts of each pair and keep the pairs that share enough keys."""
    order = np.argsort(frame["code"], kind="stable")
    codes = frame["code"][order]
    if len(codes) == 0:
        return {"a": codes, "b": codes}
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    shared = np.add.reduceat(frame["shared"][order], starts)
    enough = lsh.enough_shared(shared, frame["fewer"][order][starts])
    kept = codes[starts][enough]
    return {"a": kept // max(size, 1), "b": kept % max(size, 1)}


def sorted_pairs(frame: Frame, size: int) -> Frame:
    """Return a range's candidate pairs, distinct and sorted."""
    codes = np.unique(frame["a"] * size + frame["b"])
    return {"a": codes // max(size, 1), "b": codes % max(size, 1)}


def wanted(pairs: Frame) -> NDArray[np.int64]:
    """Return the distinct text ids a range of pairs reads."""
    return np.unique(np.concatenate((pairs["a"], pairs["b"])))


def verify_pairs(
    pairs: Frame, first_rank: int, shipped: Sequence[TextRows], config: Config, threads: int
) -> Frame:
    """Score every pair (no skipping: the driver replays verify's order) in bounded chunks."""
    if len(pairs["a"]) == 0:
        return _no_matches()
    texts = concat_rows([s for s in shipped if len(s.ids)])
    out: dict[str, list[NDArray[np.generic]]] = {
        k: [] for k in ("a", "b", "score", "jaccard", "contained", "rank")
    }
    for start in range(0, len(pairs["a"]), CHUNK_PAIRS):
        a, b = pairs["a"][start : start + CHUNK_PAIRS], pairs["b"][start : start + CHUNK_PAIRS]
        ids = np.unique(np.concatenate((a, b)))
        chunk = texts.select(ids)
        local = np.column_stack((np.searchsorted(chunk.ids, a), np.searchsorted(chunk.ids, b)))
        with thread_cap(threads):
            verified = verify(
                local, chunk, chunk.sketch(), config, chunk=len(local), workers=threads
            )
        codes = local[:, 0] * len(chunk.ids) + local[:, 1]
        made = np.array([m.a * len(chunk.ids) + m.b for m in verified.matches], dtype=np.int64)
        out["a"].append(chunk.ids[made // max(len(chunk.ids), 1)])
        out["b"].append(chunk.ids[made % max(len(chunk.ids), 1)])
        out["score"].append(np.array([m.score for m in verified.matches], dtype=np.float64))
        out["jaccard"].append(np.array([m.jaccard for m in verified.matches], dtype=np.float64))
        out["contained"].append(np.array(verified.contained, dtype=np.bool_))
        out["rank"].append(first_rank + start + np.searchsorted(codes, made))
    return {k: np.concatenate(v) for k, v in out.items()}


def _no_matches() -> Frame:
    return {
        "a": np.empty(0, np.int64),
        "b": np.empty(0, np.int64),
        "score": np.empty(0, np.float64),
        "jaccard": np.empty(0, np.float64),
        "contained": np.empty(0, np.bool_),
        "rank": np.empty(0, np.int64),
    }
