"""Cluster: matches -> clusters, by union-find.

Texts equal once normalized form an exact group without any comparison; matches join groups
into near-duplicate clusters. The representative of a cluster is the member with the longest
normalized text (the fullest copy: truncations are contained in it), ties broken by the
first member. A cluster's key is the xxh3-64 digest of its representative's normalized text,
and in a batch run its id is `"c" + key`: it depends on that text only, not on input order,
partitioning or the other pages of the run, unless the run holds a longer copy, which
becomes the representative. An index gives clusters ids that persist instead.

The clusters are built as columns (`cluster_parts.table`); the records come last, made
from those columns with no Python step per member beyond naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

import numpy as np
import xxhash

from dedupe_news.records import Cluster, ClusterId, ClusterKind, Match, SegmentId, Segments
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.cluster_parts import MatchColumns, Table, joining, table
from dedupe_news.stages.exact import Distinct, norm_chars
from dedupe_news.stages.link import Sides

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Segment
    from dedupe_news.stages.tokenize import Tokens

T = TypeVar("T")


class Groups(Protocol):
    """The distinct texts of a batch, as clustering reads them (`stages.exact.Distinct`)."""

    @property
    def group_of(self) -> NDArray[np.int64]:
        """Each item's distinct text, -1 for an item without words."""

    @property
    def firsts(self) -> NDArray[np.int64]:
        """Each distinct text's first item, ascending."""

    def norm(self, group: int) -> str:
        """Return the normalized text of a distinct text."""

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of every distinct text's normalized text."""


@dataclass(frozen=True, slots=True)
class Clustering:
    """Clusters of a batch and, for each segment, its cluster id or None.

    Attributes:
        clusters: The clusters, sorted by their first member.
        segment_clusters: Each segment's cluster id, or None.
        codes: Each segment's cluster as a position in `clusters`, -1 for none, when the
            maker gave them (`build_clusters` does); `cluster_codes` makes them otherwise.
    """

    clusters: tuple[Cluster[SegmentId], ...]
    segment_clusters: tuple[ClusterId | None, ...]
    codes: NDArray[np.int64] | None = field(default=None, compare=False)


def components(size: int, edges: Sequence[tuple[int, int]]) -> NDArray[np.int64]:
    """Return each node's component root: the smallest node of its component.

    One compiled pass over the edges, then one over the nodes (`_kernels.component_roots`).

    Raises:
        IndexError: An edge names a node outside 0 to size - 1.

    Examples:
        >>> components(5, [(3, 1), (4, 3)]).tolist()
        [0, 1, 2, 1, 1]
    """
    ends = np.fromiter(chain.from_iterable(edges), np.int64, 2 * len(edges))
    if len(ends) and (int(ends.min()) < 0 or int(ends.max()) >= size):
        msg = f"edges must name nodes 0 to {size - 1}, got {int(ends.min())}..{int(ends.max())}"
        raise IndexError(msg)
    return kernels.component_roots(size, ends[0::2].copy(), ends[1::2].copy())


def content_key(norm: str) -> str:
    """Return the content key of a representative's normalized text.

    Examples:
        >>> content_key("meer uit buitenland")
        '995f360b8687085b'
    """
    return xxhash.xxh3_64_hexdigest(norm.encode())


def cluster_codes(segment_clusters: Sequence[ClusterId | None]) -> NDArray[np.int64]:
    """Return each segment's cluster as a number (in order of first appearance), -1 for none.

    Examples:
        >>> cluster_codes([None, ClusterId("c2"), ClusterId("c1"), ClusterId("c2")]).tolist()
        [-1, 0, 1, 0]
    """
    code: dict[ClusterId | None, int] = {None: -1}
    return np.fromiter(
        (code.setdefault(c, len(code) - 1) for c in segment_clusters),
        np.int64,
        len(segment_clusters),
    )


def cluster_texts(
    distinct: Groups, matches: Sequence[Match[int]], contained: Sequence[bool] = ()
) -> tuple[Cluster[int], ...]:
    """Group a batch's texts into clusters, sorted by their first member.

    Similarity matches join texts by union-find. A containment match (`contained`: the
    shorter text lies inside the longer one, the two are not similar as wholes) never chains
    long texts together: a short text contained in several long ones that are not matched to
    each other is template or a quote. So, from the longest texts down, a component joined to
    others only by containment moves into its containers' cluster when all of them lie in one
    cluster; otherwise it stays apart, and those containment matches join nothing and are
    left out of every cluster's `matches`.

    Args:
        distinct: The batch's distinct texts (texts without words are never clustered).
        matches: Verified matches between distinct texts.
        contained: Per match, whether it is a containment match (default: none is).

    Examples:
        >>> from dedupe_news.stages.exact import exact_groups
        >>> from dedupe_news.stages.tokenize import tokenize
        >>> texts = ["a", "b b", "b", "A", ""]
        >>> found = cluster_texts(exact_groups(texts, tokenize(texts)), [Match(1, 2, 0.9, 0.7)])
        >>> [(c.kind.value, c.members, c.representative, c.lowest_score) for c in found]
        [('exact', (0, 3), 0, 1.0), ('near', (1, 2), 1, 0.9)]
        >>> found[1].matches
        (Match(a=1, b=2, score=0.9, jaccard=0.7),)
    """
    columns, keys = _clustered(distinct, MatchColumns.of(matches, contained))
    items: tuple[int, ...] = tuple(columns.items.tolist())
    return tuple(_records(columns, keys, items))


def join_matches(
    texts: int,
    matches: Sequence[Match[int]],
    contained: Sequence[bool],
    length: Sequence[int],
) -> list[Match[int]]:
    """Return the matches that join clusters: all similarity ones, the containment ones kept.

    Args:
        texts: The number of texts (matches name texts 0 to texts - 1).
        matches: Verified matches between the texts.
        contained: Per match, whether it is a containment match.
        length: Each text's normalized characters.

    It reads the matched texts only (their lengths), so a driver holding just the matched
    texts, numbered in order of first appearance, joins them as a whole batch does.

    Examples:
        >>> join_matches(3, [Match(0, 1, 1.0, 0.3), Match(0, 2, 1.0, 0.3)], [True, True], [1, 9, 9])
        []
    """
    columns = MatchColumns.of(matches, contained)
    return [matches[at] for at in joining(texts, columns, np.asarray(length, np.int64)).tolist()]


def representative(texts: Sequence[int], length: Sequence[int]) -> int:
    """Return a cluster's representative text: the longest, ties to the first (smallest).

    Examples:
        >>> representative([2, 5, 7], [0, 0, 10, 0, 0, 12, 0, 12])
        5
    """
    return min(texts, key=lambda t: (-length[t], t))


def build_clusters(
    distinct: Groups,
    matches: Sequence[Match[int]],
    segments: Sequence[Segment],
    contained: Sequence[bool] = (),
) -> Clustering:
    """Group segments into clusters (`cluster_texts` over segments sorted by page and line)."""
    return cluster_segments(distinct, MatchColumns.of(matches, contained), segments)


def cluster_segments(
    distinct: Groups, matches: MatchColumns, segments: Sequence[Segment]
) -> Clustering:
    """Return `build_clusters` of matches given as columns (`link.Separated.columns`)."""
    columns, keys = _clustered(distinct, matches)
    held = Segments.of(segments)
    items = columns.items
    names = cast("tuple[SegmentId, ...]", tuple(_segment_ids(held, items)))
    clusters = _records(columns, keys, names)
    codes = np.full(len(held), -1, np.int64)
    codes[items] = columns.cluster_of
    ids = np.array([None, *(c.id for c in clusters)], dtype=object)
    return Clustering(tuple(clusters), tuple(ids[codes + 1].tolist()), codes)


def _segment_ids(segments: Segments, items: NDArray[np.int64]) -> list[str]:
    """Return `Segment.id` of the segments at `items`: "<page id>:" and the line, added.

    Both parts come from tables of strings (one per page, one per line number), added as
    numpy object arrays: a third faster than one f-string per segment. Lines spread wider
    than there are segments are spelled one by one instead.
    """
    pages, lines = segments.pages[items], segments.lines[items].astype(np.int64)
    heads = np.array([f"{page}:" for page in segments.page_ids], dtype=object)
    low, high = int(lines.min(initial=0)), int(lines.max(initial=0))
    if high - low <= len(lines):
        numbers = np.array(list(map(str, range(low, high + 1))), dtype=object)[lines - low]
    else:
        numbers = np.array(list(map(str, lines.tolist())), dtype=object)
    return (heads[pages] + numbers).tolist()  # type: ignore[no-any-return]  # a list of str


def _clustered(distinct: Groups, matches: MatchColumns) -> tuple[Table, list[str]]:
    """Return the clusters of a batch as columns, and each cluster's content key."""
    group_of, firsts = distinct.group_of, distinct.firsts
    held = _tokens(distinct)
    if held is None:  # any `Groups`: its own lengths and norms
        length = distinct.lengths()
        columns = table(group_of, firsts, matches, length)
        return columns, [content_key(distinct.norm(g)) for g in columns.best.tolist()]
    tokens, rows = held
    length = np.zeros(len(firsts), np.int64)
    matched = matches.texts()
    length[matched] = norm_chars(tokens, rows[matched])  # only matched texts compare lengths
    columns = table(group_of, firsts, matches, length)
    # The key hashes the norm's UTF-8 bytes in the tokens' buffer: none is decoded.
    starts = tokens.norm_starts[rows[columns.best]]
    ends = starts + tokens.norm_lengths[rows[columns.best]]
    buffer, digest = tokens.norms.data, xxhash.xxh3_64_hexdigest
    keys = [digest(buffer[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    return columns, keys


def _tokens(distinct: Groups) -> tuple[Tokens, NDArray[np.int64]] | None:
    """Return the tokens holding a batch's norms and each distinct text's row in them.

    Known for the stages' own groups, `exact.Distinct` and `link.Sides`; None for others.
    """
    if isinstance(distinct, Distinct):
        return distinct.tokens, distinct.firsts
    if isinstance(distinct, Sides):
        return distinct.distinct.tokens, distinct.firsts
    return None


def _records(columns: Table, keys: list[str], names: tuple[T, ...]) -> list[Cluster[T]]:
    """Make the cluster records, `names[k]` naming item `columns.items[k]`."""
    where = np.zeros(int(columns.items.max(initial=-1)) + 1, np.int64)
    where[columns.items] = np.arange(len(columns.items))
    named = np.array(names, dtype=object)
    matches = tuple(
        map(
            Match,
            named[where[columns.match_a]].tolist(),
            named[where[columns.match_b]].tolist(),
            columns.score.tolist(),
            columns.jaccard.tolist(),
        )
    )
    slices = zip(columns.match_starts.tolist(), columns.match_ends.tolist(), strict=True)
    kinds = np.array([ClusterKind.EXACT, ClusterKind.NEAR], dtype=object)[
        columns.near.view(np.uint8)
    ]
    return list(
        map(
            Cluster,
            ["c" + key for key in keys],
            keys,
            kinds.tolist(),
            [
                names[s:e]
                for s, e in zip(columns.starts.tolist(), columns.ends.tolist(), strict=True)
            ],
            named[where[columns.representative]].tolist(),
            [matches[s:e] for s, e in slices],
            columns.lowest.tolist(),
        )
    )
