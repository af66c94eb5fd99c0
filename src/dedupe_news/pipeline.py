"""Pipeline: the stages in order, and nothing else.

pages -> segments -> word hashes -> exact groups -> signatures -> candidates -> matches ->
clusters -> article clusters -> labels -> report. Every stage is a pure function of its
batch and the config: no global state, so a batch can be a whole crawl, one partition of a
distributed run, or a new crawl checked against an index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from dedupe_news.article import article_clusters
from dedupe_news.cluster import build_clusters, cluster_texts
from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import InputError
from dedupe_news.label import label_segments
from dedupe_news.lsh import candidates
from dedupe_news.read import Corpus
from dedupe_news.records import Match, Page, Report, TextCluster
from dedupe_news.segment import segment_page
from dedupe_news.signature import sketch, text_keys, tokenize
from dedupe_news.verify import verify

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

StageTimer = Callable[[str, float], None]
"""Called with a stage name and its wall time in seconds, after each stage."""

STAGES = ("segment", "tokenize", "signatures", "candidates", "verify", "cluster", "label")
"""The stages of `dedupe`, in order (`find_duplicates` runs the middle five)."""


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
    group_of, norms, matches = _match([s.text for s in segments], config, timer)
    with timer("cluster"):
        clustering = build_clusters(group_of, matches, segments, norms)
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
    group_of, norms, matches = _match(texts, config, timer)
    with timer("cluster"):
        return cluster_texts(group_of, matches, norms)


def _match(
    texts: Sequence[str], config: Config, timer: _Timer
) -> tuple[NDArray[np.int64], _PerGroup, tuple[Match, ...]]:
    """Tokenize, group exact copies, sign, band and verify: the core of both entries."""
    with timer("tokenize"):
        tokens = tokenize(texts, fold_diacritics=config.fold_diacritics)
        group_of, firsts = exact_groups(text_keys(tokens), tokens.counts())
        distinct = _PerGroup(tokens.norm, firsts)
    with timer("signatures"):
        found = sketch(tokens, firsts, config)
    with timer("candidates"):
        pairs = candidates(found, config)
    with timer("verify"):
        words = tokens.counts()[firsts]
        originals = _PerGroup(texts.__getitem__, firsts)
        matches = verify(
            pairs,
            norms=distinct,
            texts=originals,
            words=words,
            matrix=found.signatures,
            config=config,
        )
    return group_of, distinct, matches


def exact_groups(
    keys: NDArray[np.uint64], counts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Group texts by their word keys: the exact-duplicate fast path, never compared.

    Returns (group_of, firsts): each text's group (-1 for a text without words) and each
    group's first text; groups are numbered in order of first appearance.

    Examples:
        >>> keys = np.array([[5, 5], [0, 0], [7, 1], [5, 5]], dtype=np.uint64)
        >>> group_of, firsts = exact_groups(keys, np.array([2, 0, 1, 2]))
        >>> group_of.tolist(), firsts.tolist()
        ([0, -1, 1, 0], [0, 2])
    """
    group_of = np.full(len(keys), -1, dtype=np.int64)
    texts = np.flatnonzero(counts > 0)
    if len(texts) == 0:
        return group_of, texts.astype(np.int64)
    order = texts[np.lexsort((keys[texts, 1], keys[texts, 0]))]  # stable: ascending in a group
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)])
    firsts = order[starts]  # each group's smallest index
    rank = np.empty(len(starts), dtype=np.int64)
    rank[np.argsort(firsts)] = np.arange(len(starts))  # number groups by first appearance
    group_of[order] = np.repeat(rank, np.diff(np.r_[starts, len(order)]))
    return group_of, np.sort(firsts).astype(np.int64)


class _PerGroup(Sequence[str]):
    """A string per distinct text, read through its group's first text only when asked.

    `_PerGroup(tokens.norm, firsts)` gives normalized texts (decoded from the tokenizer's
    buffer), `_PerGroup(texts.__getitem__, firsts)` the original ones.
    """

    def __init__(self, read: Callable[[int], str], firsts: NDArray[np.int64]) -> None:
        self._read, self._firsts = read, firsts

    def __len__(self) -> int:
        return len(self._firsts)

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._read(int(self._firsts[int(index)]))


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
