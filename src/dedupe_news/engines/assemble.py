"""Assembly: the partitions' rows in the embedded order, verify's replay, and the report.

The Dask driver gathers each partition's segments and tokens and puts them in the embedded
order (pages sorted by id, lines in order); replays verify's skip rule over the matches in
rank order; then separates, clusters, finds article clusters and labels through the stages'
own functions, as `dedupe` does.
"""

from __future__ import annotations

from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

import numpy as np

from dedupe_news.config import DEFAULT, Config
from dedupe_news.engines.components import cluster_components
from dedupe_news.engines.texts import concat_tokens, take_tokens
from dedupe_news.records import Match, Report
from dedupe_news.stages.article import article_clusters, whole_story_copies
from dedupe_news.stages.cluster import Clustering, build_clusters
from dedupe_news.stages.exact import Distinct
from dedupe_news.stages.label import label_segments
from dedupe_news.stages.link import Separated, separate
from dedupe_news.stages.verify import CHUNK_PAIRS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from dedupe_news.engines.partition import Part
    from dedupe_news.engines.shuffle import Frame
    from dedupe_news.records import Skipped

Components = Literal["auto", "client", "distributed"]


def assemble(
    parts: Sequence[Part],
    pos: Sequence[NDArray[np.int64]],
    ids: Sequence[tuple[NDArray[np.int64], NDArray[np.int64]]],
    duplicates: Sequence[Skipped],
) -> tuple[Report, Distinct]:
    """Put the partitions' pages, segments and tokens in the embedded order."""
    order = np.argsort(np.concatenate(pos), kind="stable")
    segments_all = [s for p in parts for s in p.segments]
    segments = tuple(segments_all[i] for i in order.tolist())
    tokens = take_tokens(concat_tokens([p.tokens for p in parts]), order)
    group_of = np.concatenate([i[0] for i in ids])[order]
    firsts = np.flatnonzero(
        np.r_[group_of >= 0] & (np.concatenate([i[1] for i in ids])[order] == np.arange(len(order)))
    )
    distinct = Distinct([s.text for s in segments], tokens, group_of, firsts.astype(np.int64))
    pages = tuple(sorted((p for part in parts for p in part.pages), key=attrgetter("id")))
    skipped = tuple(s for p in parts for s in p.skipped) + tuple(duplicates)
    shell = Report(
        config=DEFAULT,
        pages=pages,
        segments=segments,
        labels=(),
        segment_clusters=(),
        clusters=(),
        article_clusters=(),
        skipped=skipped,
    )
    return shell, distinct


def replay(found: Frame) -> tuple[tuple[Match[int], ...], tuple[bool, ...]]:
    """Replay verify's order: a pair joined by matches of earlier chunks is no match."""
    order = np.argsort(found["rank"], kind="stable")
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    matches: list[Match[int]] = []
    contained: list[bool] = []
    chunks = found["rank"][order] // CHUNK_PAIRS
    cuts = np.flatnonzero(np.r_[True, chunks[1:] != chunks[:-1], True]).tolist()
    for low, high in pairwise(cuts):
        rows = order[low:high].tolist()
        open_rows = [r for r in rows if root(int(found["a"][r])) != root(int(found["b"][r]))]
        for r in open_rows:
            a, b = int(found["a"][r]), int(found["b"][r])
            matches.append(Match(a, b, float(found["score"][r]), float(found["jaccard"][r])))
            inside = bool(found["contained"][r])
            contained.append(inside)
            if not inside:
                low_root, high_root = sorted((root(a), root(b)))
                parent[high_root] = low_root
    return tuple(matches), tuple(contained)


def clustered(
    assembled: tuple[Report, Distinct],
    found: Frame,
    components: Components,
    client_edges: int,
) -> tuple[Separated, Clustering]:
    """Replay verify, separate and cluster (on the client or the cluster), as `dedupe` does."""
    shell, distinct = assembled
    matches, contained = replay(found)
    segments = shell.segments
    separated = separate(distinct, matches, segments, contained)
    on_cluster = components == "distributed" or (
        components == "auto" and len(separated.matches) > client_edges
    )
    if on_cluster:
        return separated, cluster_components(separated, segments)
    clustering = build_clusters(separated.sides, separated.matches, segments, separated.contained)
    return separated, clustering


def finish(
    assembled: tuple[Report, Distinct],
    found: Frame,
    config: Config,
    components: Components,
    client_edges: int,
) -> Report:
    """Separate, cluster, find article clusters and label, as `dedupe` does."""
    shell, distinct = assembled
    separated, clustering = clustered(assembled, found, components, client_edges)
    segments = shell.segments
    whole_story = whole_story_copies(shell.pages, segments, distinct.tokens, config)
    articles = article_clusters(
        shell.pages, segments, clustering.segment_clusters, config, whole_story=whole_story
    )
    labels = label_segments(shell.pages, articles, segments, clustering.segment_clusters, config)
    return Report(
        config=config,
        pages=shell.pages,
        segments=segments,
        labels=labels,
        segment_clusters=clustering.segment_clusters,
        clusters=clustering.clusters,
        article_clusters=articles,
        skipped=shell.skipped,
        links=separated.links,
    )
