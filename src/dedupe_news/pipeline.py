"""Pipeline: the stages in order, and nothing else.

pages -> segments -> norms -> exact groups -> signatures -> candidates -> matches ->
clusters -> article clusters -> labels -> report. Every stage is a pure function of its
batch and the config: no global state, so a batch can be a whole crawl, one partition of a
distributed run, or a new crawl checked against an index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from itertools import pairwise
from typing import TYPE_CHECKING

from dedupe_news.article import article_clusters
from dedupe_news.cluster import build_clusters, cluster_texts
from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import InputError
from dedupe_news.label import label_segments
from dedupe_news.lsh import candidates
from dedupe_news.normalize import normalize
from dedupe_news.read import Corpus
from dedupe_news.records import Match, Page, Report, TextCluster
from dedupe_news.segment import segment_page
from dedupe_news.signature import sketch
from dedupe_news.verify import verify

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

logger = logging.getLogger(__name__)

StageTimer = Callable[[str, float], None]
"""Called with a stage name and its wall time in seconds, after each stage."""


def dedupe(
    pages: Corpus | Iterable[Page],
    config: Config = DEFAULT,
    *,
    on_stage: StageTimer | None = None,
) -> Report:
    """Find the repeated text in a batch of pages and label every segment.

    Args:
        pages: A `Corpus` from `read_pages` (its skipped inputs go into the report) or any
            iterable of pages; the order does not matter.
        config: The run's settings.
        on_stage: Optional callback receiving each stage's name and wall time.

    Raises:
        InputError: Two pages have the same id.

    Examples:
        >>> from dedupe_news import read_pages
        >>> from dedupe_news.demo import seed_folder
        >>> report = dedupe(read_pages(seed_folder()))
        >>> [len(c.members) for c in report.clusters]
        [5, 2]
        >>> report.label_of("001_102a09e7432f2aef:10")
        <Label.BOILERPLATE: 'boilerplate'>
    """
    timer = _Timer(on_stage)
    skipped = pages.skipped if isinstance(pages, Corpus) else ()
    batch = _sorted_pages(pages.pages if isinstance(pages, Corpus) else pages)
    with timer("segment"):
        segments = tuple(s for page in batch for s in segment_page(page))
    groups, matches = _match([s.text for s in segments], config, timer)
    with timer("cluster"):
        norms = list(groups)
        clustering = build_clusters(list(groups.values()), matches, segments, norms)
    with timer("label"):
        articles = article_clusters(batch, segments, clustering.segment_clusters, config)
        labels = label_segments(batch, articles, segments, clustering.segment_clusters, config)
    logger.info(
        "%d pages, %d segments, %d clusters", len(batch), len(segments), len(clustering.clusters)
    )
    return Report(
        config=config,
        pages=batch,
        segments=segments,
        labels=labels,
        segment_clusters=clustering.segment_clusters,
        clusters=clustering.clusters,
        article_clusters=articles,
        skipped=skipped,
    )


def find_duplicates(
    texts: Sequence[str], config: Config = DEFAULT, *, on_stage: StageTimer | None = None
) -> tuple[TextCluster, ...]:
    """Find exact and near-duplicate groups among plain texts (no page structure).

    Args:
        texts: The texts; a cluster's members are their indices.
        config: The run's settings (the label settings are not used).
        on_stage: Optional callback receiving each stage's name and wall time.

    Examples:
        >>> texts = ["De trein is in Moskou aangekomen, meldt RIA.", "Iets anders.",
        ...          "de trein is in Moskou aangekomen - meldt RIA"]
        >>> [(c.kind.value, c.members) for c in find_duplicates(texts)]
        [('exact', (0, 2))]
    """
    timer = _Timer(on_stage)
    groups, matches = _match(texts, config, timer)
    with timer("cluster"):
        return cluster_texts(list(groups.values()), matches, list(groups))


def _match(
    texts: Sequence[str], config: Config, timer: _Timer
) -> tuple[dict[str, list[int]], tuple[Match, ...]]:
    """Normalize, group exact copies, sign, band and verify: the shared core of both entries."""
    with timer("normalize"):
        norms = [normalize(text, fold_diacritics=config.fold_diacritics) for text in texts]
        groups = exact_groups(norms)
        distinct = list(groups)
        originals = [texts[members[0]] for members in groups.values()]
    with timer("signatures"):
        found = sketch(distinct, config)
    with timer("candidates"):
        pairs = candidates(found, config)
    with timer("verify"):
        matches = verify(pairs, distinct, originals, found.signatures, config)
    return groups, matches


def exact_groups(norms: Sequence[str]) -> dict[str, list[int]]:
    """Group indices by normalized text, in first-appearance order; empty texts stay out.

    This is the exact-duplicate fast path: equal texts are one entry, never compared.

    Examples:
        >>> exact_groups(["a b", "", "c", "a b"])
        {'a b': [0, 3], 'c': [2]}
    """
    groups: dict[str, list[int]] = {}
    for index, norm in enumerate(norms):
        if norm:
            groups.setdefault(norm, []).append(index)
    return groups


def _sorted_pages(pages: Iterable[Page]) -> tuple[Page, ...]:
    batch = tuple(sorted(pages, key=lambda page: page.id))
    for previous, page in pairwise(batch):
        if previous.id == page.id:
            raise InputError(page.path or page.id, 0, f"duplicate page id {page.id!r}")
    return batch


class _Timer:
    """Measure each stage's wall time and hand it to the callback."""

    def __init__(self, callback: StageTimer | None) -> None:
        self._callback = callback

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        if self._callback is not None:
            self._callback(stage, time.perf_counter() - start)
