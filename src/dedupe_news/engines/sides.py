"""Sides on the workers: every segment's cluster, found without gathering the segments.

The Parquet path's clustering. Each partition makes a row per segment with words: its
position, distinct text, furniture flag, page and segment id, and, where the partition holds
the distinct text's first occurrence, the text's normalized length and content key. A shuffle
on the distinct text brings each text's rows together; there every side (the story or the
furniture occurrences of one distinct text, `stages.link`) gets its first position and size.

The client reads the sides of matched texts only (O(matches)), numbers them by first position
(the order of the embedded run's side numbers) and clusters them with the stage's own
`side_matches`, `join_matches`, `components` and `representative`: the clusters the matches
make, their keys, representatives and matches, by first position. Every other side with two
segments or more is an exact cluster of its own, named on the worker by its own key. A
cluster is known on the workers by its first member's position (`cid`) and its content key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.engines.assemble import replay
from dedupe_news.engines.components import roots as star_roots
from dedupe_news.records import Match
from dedupe_news.stages.cluster import components, content_key, join_matches, representative
from dedupe_news.stages.exact import norm_chars
from dedupe_news.stages.link import FURNITURE_ROLES, side_matches
from dedupe_news.stages.story import STORY_ROLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.engines.partition import Part
    from dedupe_news.engines.shuffle import Frame


def segment_rows(
    part: Part,
    pos: NDArray[np.int64],
    ids: tuple[NDArray[np.int64], NDArray[np.int64]],
    numbers: NDArray[np.int64],
    home: int,
) -> Frame:
    """Return a row per segment with words: what clustering and article evidence read."""
    did, first = ids
    n = len(part.segments)
    furniture = np.fromiter((s.role in FURNITURE_ROLES for s in part.segments), np.bool_, n)
    story = np.fromiter((s.role in STORY_ROLES for s in part.segments), np.bool_, n)
    _, counts = part.page_ids()
    local_page = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    story_count = np.bincount(local_page[story], minlength=len(counts))[local_page]
    rows = np.flatnonzero(did >= 0)
    owner = pos[rows] == first[rows]
    owned = rows[owner]
    length = np.zeros(len(rows), dtype=np.int64)
    length[owner] = norm_chars(part.tokens, owned)
    key = np.zeros(len(rows), dtype=np.uint64)
    key[owner] = np.array(
        [int(content_key(part.tokens.norm(int(r))), 16) for r in owned.tolist()], np.uint64
    )
    segments = part.segments
    segment_ids = np.array(
        [f"{segments[r].page_id}:{segments[r].line}" for r in rows.tolist()], object
    )
    return {
        "pos": pos[rows],
        "home": np.full(len(rows), home, dtype=np.int64),
        "did": did[rows],
        "furniture": furniture[rows].astype(np.int64),
        "page": numbers[local_page[rows]],
        "story": story[rows],
        "story_count": story_count[rows].astype(np.int64),
        "segment": segment_ids,
        "owner": owner,
        "length": length,
        "key": key,
    }


def side_reduce(frame: Frame) -> Frame:
    """Group the rows of whole distinct texts by side: first position, size, text's key."""
    side = frame["did"] * 2 + frame["furniture"]
    order = np.lexsort((frame["pos"], side))
    out = {name: column[order] for name, column in frame.items()}
    out["side"] = side[order]
    starts = np.flatnonzero(np.r_[True, out["side"][1:] != out["side"][:-1]])[: len(order)]
    sizes = np.diff(np.r_[starts, len(order)])
    out["first"] = np.repeat(out["pos"][starts], sizes)
    out["count"] = np.repeat(sizes, sizes)
    owners = np.flatnonzero(out["owner"])  # one per distinct text, ascending by text
    owner_of = owners[np.argsort(out["did"][owners], kind="stable")]
    at = np.searchsorted(out["did"][owner_of], out["did"])
    out["key"] = out["key"][owner_of][at] if len(owners) else out["key"]
    out["length"] = out["length"][owner_of][at] if len(owners) else out["length"]
    return out


def matched_sides(frame: Frame, dids: NDArray[np.int64]) -> Frame:
    """Return one row per side of the distinct texts `dids` (the matched ones)."""
    starts = np.flatnonzero(np.r_[True, frame["side"][1:] != frame["side"][:-1]])
    starts = starts[: len(frame["side"])]
    chosen = starts[np.isin(frame["did"][starts], dids)]
    return {name: frame[name][chosen] for name in ("did", "furniture", "first", "length", "key")}


def wanted_texts(found: Frame) -> NDArray[np.int64]:
    """Return the distinct texts that verified matches name (what the client asks about)."""
    return np.unique(np.r_[found["a"], found["b"]]).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Joined:
    """The clusters matches make, keyed by first member position (`cid`): O(matches).

    Attributes:
        sides: Each joined side's code (distinct text * 2 + furniture), ascending.
        cids: Its cluster's first member position.
        keys: Its cluster's content key (the representative's).
        clusters: Per cid: the representative's position, the lowest score, and the
            matches (first positions and scores) sorted as `build_clusters` sorts them.
    """

    sides: NDArray[np.int64]
    cids: NDArray[np.int64]
    keys: NDArray[np.uint64]
    clusters: dict[int, tuple[int, float, tuple[tuple[int, int, float, float], ...]]]


def join_sides(found: Frame, sides: Sequence[Frame], *, distributed: bool) -> Joined:
    """Replay verify and cluster the matched sides as `separate` and `build_clusters` do."""
    matches, contained = replay(found)
    dids = np.unique([t for m in matches for t in (m.a, m.b)]).astype(np.int64)
    rows = {k: np.concatenate([s[k] for s in sides]) for k in sides[0]}
    kept = np.flatnonzero(np.isin(rows["did"], dids))  # the sides of replayed matches
    kept = kept[np.argsort(rows["first"][kept], kind="stable")]
    rows = {k: v[kept] for k, v in rows.items()}
    side_of = np.full(2 * len(dids), -1, dtype=np.int64)
    text = np.searchsorted(dids, rows["did"])
    side_of[2 * text + rows["furniture"]] = np.arange(len(text))
    local = [
        Match(int(np.searchsorted(dids, m.a)), int(np.searchsorted(dids, m.b)), m.score, m.jaccard)
        for m in matches
    ]
    within, _ = side_matches(side_of, local, contained)
    lengths = rows["length"].tolist()
    joined = join_matches(len(text), [m for m, _ in within], [c for _, c in within], lengths)
    edges = [(m.a, m.b) for m in joined]
    if distributed and edges:
        found_roots = star_roots(np.array(edges, dtype=np.int64))
        root = np.array([found_roots.get(t, t) for t in range(len(text))], dtype=np.int64)
    else:
        root = components(len(text), edges)
    return _named(rows, root, joined)


def _named(rows: Frame, root: NDArray[np.int64], joined: Sequence[Match[int]]) -> Joined:
    """Name the clusters of the joined sides: cid, key, representative and matches."""
    firsts = rows["first"].tolist()
    lengths = rows["length"].tolist()
    texts_of: dict[int, list[int]] = {}
    for side in sorted({t for m in joined for t in (m.a, m.b)}):
        texts_of.setdefault(int(root[side]), []).append(side)
    matches_of: dict[int, list[tuple[int, int, float, float]]] = {}
    for match in sorted(joined, key=lambda m: (m.a, m.b)):
        matches_of.setdefault(int(root[match.a]), []).append(
            (firsts[match.a], firsts[match.b], match.score, match.jaccard)
        )
    codes, cids, keys = [], [], []
    clusters = {}
    for top, texts in texts_of.items():
        best = representative(texts, lengths)
        cid = firsts[top]
        made = tuple(matches_of.get(top, ()))
        clusters[cid] = (firsts[best], min((m[2] for m in made), default=1.0), made)
        for side in texts:
            codes.append(int(rows["did"][side]) * 2 + int(rows["furniture"][side]))
            cids.append(cid)
            keys.append(rows["key"][best])
    order = np.argsort(np.array(codes, dtype=np.int64), kind="stable")
    return Joined(
        np.array(codes, dtype=np.int64)[order],
        np.array(cids, dtype=np.int64)[order],
        np.array(keys, dtype=np.uint64)[order],
        clusters,
    )


def clustered_rows(frame: Frame, joined: Joined) -> Frame:
    """Give each row its cluster (cid, key), keeping the clustered rows only.

    A joined side takes its cluster from the client's table; any other side of two
    segments or more is an exact cluster named by its own first position and key.
    """
    at = np.searchsorted(joined.sides, frame["side"])
    at = np.minimum(at, max(len(joined.sides) - 1, 0))
    hit = joined.sides[at] == frame["side"] if len(joined.sides) else np.zeros(len(at), np.bool_)
    cid = np.where(hit, joined.cids[at] if len(joined.sides) else -1, frame["first"])
    cid = np.where(hit | (frame["count"] >= 2), cid, -1)
    key = np.where(hit, joined.keys[at] if len(joined.sides) else 0, frame["key"])
    keep = cid >= 0
    out = {n: frame[n][keep] for n in ("pos", "home", "page", "story", "story_count", "segment")}
    out["cid"] = cid[keep].astype(np.int64)
    out["ckey"] = key[keep].astype(np.uint64)
    return out
