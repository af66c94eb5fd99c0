"""Pipeline: the stages in order, and nothing else.

pages -> segments -> word hashes -> exact groups -> signatures -> candidates -> matches ->
story and furniture sides, teaser links -> clusters -> article clusters -> labels -> report.
Every stage is a pure function of its batch and the config: no global state, so a batch can
be a whole crawl, one partition of a distributed run, or a new crawl checked against an index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from contextlib import contextmanager
from dataclasses import replace
from itertools import pairwise
from operator import length_hint
from typing import TYPE_CHECKING

from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import ConfigError, InputError
from dedupe_news.memory import collector_paused, heap_kept, release_freed
from dedupe_news.records import Cluster, Corpus, Page, Report, Segments, Skipped
from dedupe_news.stages._kernels import thread_cap
from dedupe_news.stages.article import article_clusters, whole_story_copies
from dedupe_news.stages.cluster import cluster_segments, cluster_texts
from dedupe_news.stages.exact import Distinct, Words, distinct_texts
from dedupe_news.stages.label import label_segments
from dedupe_news.stages.link import separate
from dedupe_news.stages.lsh import candidates, pairs_within
from dedupe_news.stages.segment import Cutter
from dedupe_news.stages.signature import Sketch, lean_sketch, sketch_bucket_keys
from dedupe_news.stages.verify import Verified, verify

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import numpy as np
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

StageTimer = Callable[[str, float], None]
"""Called with a stage name and its wall time in seconds, after each stage."""
StageStart = Callable[[str, int], None]
"""Called with a stage name and the number of items it will process, before each stage."""

STAGES = ("segment", "tokenize", "signatures", "candidates", "verify", "cluster", "label")
"""The stages of `dedupe`, in order (`find_duplicates` runs the middle five)."""


@collector_paused()  # the batch makes no cycles; each collection would walk all of it
def dedupe(  # noqa: PLR0913 - the documented keyword options of a run, one per concept
    pages: Corpus | Iterable[Page],
    config: Config = DEFAULT,
    *,
    on_stage: StageTimer | None = None,
    on_start: StageStart | None = None,
    threads: int | None = None,
    keep_page_text: bool = True,
) -> Report:
    """Find the repeated text in a batch of pages and label every segment.

    Args:
        pages: A `Corpus` from `read_pages` (its skipped inputs go into the report) or any
            iterable of pages; the order does not matter.
        config: The run's settings.
        on_stage: Optional callback receiving each stage's name and wall time.
        on_start: Optional callback receiving each stage's name and item count, before it.
        threads: Cap on the threads of every pool (numba, rapidfuzz); None uses all cores.
            The output does not depend on it.
        keep_page_text: False gives the report's pages without their text and blocks
            (`Page.text == ""`; the segments hold the text): pages are taken from `pages`
            one at a time, so a caller handing its only references over (the CLI) frees
            each page's text once it is segmented. Nothing a report writes reads it.

    Raises:
        ConfigError: `threads` is not a positive integer.
        InputError: Two pages have the same id.
        TypeError: `pages` holds something that is not a `Page`.

    Examples:
        >>> from dedupe_news import read_pages
        >>> from dedupe_news.demo import seed_folder
        >>> report = dedupe(read_pages(seed_folder()))
        >>> [len(c.members) for c in report.clusters]
        [5, 2]
        >>> report.label_of("001_102a09e7432f2aef:10")
        <Label.BOILERPLATE: 'boilerplate'>
    """
    timer = _Timer(on_stage, on_start, _threads(threads))
    skipped = pages.skipped if isinstance(pages, Corpus) else ()
    given, count = _sized(pages.pages if isinstance(pages, Corpus) else pages)
    with timer("segment", count):
        cutter = Cutter()
        kept = cut_pages(given, cutter, keep_page_text=keep_page_text)
        del given, pages  # a handed-over iterable is drained: its pages live in `kept` alone
        batch, segments = _ordered(cutter, kept)
    del cutter, kept
    return _deduped(batch, segments, config, timer, skipped)


@collector_paused()
def dedupe_cut(  # noqa: PLR0913 - `dedupe`'s options, on pages cut already
    cutter: Cutter,
    kept: list[Page],
    config: Config = DEFAULT,
    *,
    skipped: tuple[Skipped, ...] = (),
    on_stage: StageTimer | None = None,
    on_start: StageStart | None = None,
    threads: int | None = None,
) -> Report:
    """Run `dedupe` on pages cut already: `kept` holds them, as `cut_pages` returned them.

    For a reader that cuts pages as it reads them, in other processes too (the CLI's split
    reading, `cli/split.py`): `cutter` holds their segments.

    Raises:
        ConfigError: `threads` is not a positive integer.
        InputError: Two pages have the same id.
    """
    timer = _Timer(on_stage, on_start, _threads(threads))
    with timer("segment", len(kept)):
        batch, segments = _ordered(cutter, kept)
    del kept
    return _deduped(batch, segments, config, timer, skipped)


def _deduped(
    batch: tuple[Page, ...],
    segments: Segments,
    config: Config,
    timer: _Timer,
    skipped: tuple[Skipped, ...],
) -> Report:
    """Run the stages after `segment` on a batch and its segments."""
    texts = segments.texts
    with timer("tokenize", len(texts)):
        distinct, handed = _distinct(texts, config)
        # Each segment's words are its distinct text's: only the distinct texts are hashed.
        rows = handed[0].of(distinct.group_of)
        whole_story = whole_story_copies(batch, segments, handed[0].tokens, config, rows=rows)
        del rows
    found, banded = _signed(handed, config, timer)
    verified = _verified(distinct, found, banded, config, timer)
    del found, banded
    with timer("cluster", len(verified.matches)):
        separated = separate(  # teasers link, never cluster, to story
            distinct, verified.matches, segments, verified.contained
        )
        clustering = cluster_segments(separated.sides, separated.columns, segments)
    with timer("label", len(segments)):
        codes = clustering.codes  # each segment's cluster as a number: no id is read again
        articles = article_clusters(
            batch,
            segments,
            clustering.segment_clusters,
            config,
            whole_story=whole_story,
            codes=codes,
        )
        labels = label_segments(
            batch, articles, segments, clustering.segment_clusters, config, codes=codes
        )
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
        links=separated.links,
    )


def find_duplicates(
    texts: Iterable[str],
    config: Config = DEFAULT,
    *,
    on_stage: StageTimer | None = None,
    threads: int | None = None,
) -> tuple[Cluster[int], ...]:
    """Find exact and near-duplicate groups among plain texts (no page structure).

    Args:
        texts: The texts, any iterable of strings (a list, a generator, a pandas Series);
            a cluster's members are their positions in iteration order, from 0.
        config: The run's settings (the label settings are not used).
        on_stage: Optional callback receiving each stage's name and wall time.
        threads: Cap on the threads of every pool (numba, rapidfuzz); None uses all cores.

    Raises:
        ConfigError: `threads` is not a positive integer.
        TypeError: `texts` is a single string, or holds something that is not a string.

    Examples:
        >>> texts = ["De trein is in Moskou aangekomen, meldt RIA.", "Iets anders.",
        ...          "de trein is in Moskou aangekomen - meldt RIA"]
        >>> [(c.kind.value, c.members) for c in find_duplicates(texts)]
        [('exact', (0, 2))]
    """
    batch = _strings(texts)
    timer = _Timer(on_stage, None, _threads(threads))
    with heap_kept():  # the trims cost 8% here, for a few MiB (`memory.heap_kept`)
        with timer("tokenize", len(batch)):
            distinct, handed = _distinct(batch, config)
        found, banded = _signed(handed, config, timer)
        verified = _verified(distinct, found, banded, config, timer)
        del found, banded
        with timer("cluster", len(verified.matches)), collector_paused():
            return cluster_texts(distinct, verified.matches, verified.contained)


def _distinct(texts: Sequence[str], config: Config) -> tuple[Distinct, list[Words]]:
    """Group exact copies, each distinct string tokenized once; hand over their words.

    The distinct texts come without word hashes: only the signatures read those, from the
    words of each distinct text, which come in a one-item list for `_signed` to empty. The
    caller keeps no other reference to them, so they go as soon as the texts are signed.
    """
    distinct, words = distinct_texts(texts, fold_diacritics=config.fold_diacritics)
    release_freed()  # the chunks' strings and buffers (85 MiB of heap on 65k pages)
    return distinct, [words]


def _signed(handed: list[Words], config: Config, timer: _Timer) -> tuple[Sketch, NDArray[np.int64]]:
    """Sign the distinct texts, given their words handed over by `_distinct`.

    Returns their sketch, without the signature matrix (`lean_sketch`), and the pairs its
    band keys give (`lsh.pairs_within`). The words go once the shingle sets are made,
    before the keys (`sketch_bucket_keys`), and the keys when this returns: neither the
    words and the keys, nor the matrix, nor the keys and the candidates' index are held
    at once.
    """
    words = handed.pop()
    with timer("signatures", len(words.rows)):
        found = lean_sketch(words.tokens, words.rows, config, over_words=True)
        del words  # spent: its hashes hold the shingle sets, from which the keys are made
        return found, pairs_within(sketch_bucket_keys(found, config))


def _verified(
    distinct: Distinct, found: Sketch, banded: NDArray[np.int64], config: Config, timer: _Timer
) -> Verified:
    """Band and verify: the candidates and matches of both entries."""
    with timer("candidates", len(distinct.firsts)):
        pairs = candidates(found, config, banded=banded)
    with timer("verify", len(pairs)), collector_paused():  # word tuples, facts, matches
        workers = -1 if timer.threads is None else timer.threads
        return verify(pairs, distinct, found, config, workers=workers)


def _strings(texts: Iterable[str]) -> tuple[str, ...]:
    if isinstance(texts, str | bytes):
        msg = f"texts must be an iterable of str, got a single {type(texts).__name__}"
        raise TypeError(msg)
    batch = tuple(texts)
    if set(map(type, batch)) <= {str}:  # the usual batch, checked in C (a third of the loop's time)
        return batch
    for position, text in enumerate(batch):
        if not isinstance(text, str):
            msg = f"texts must hold only str, got {type(text).__name__} at position {position}"
            raise TypeError(msg)
    return batch


def _sized(pages: Iterable[Page]) -> tuple[Iterable[Page], int]:
    """Return the pages and their number, without holding them when the iterable says it.

    An iterator that knows its length (`__length_hint__`, as the CLI's hand-over does) is
    taken one page at a time; any other iterator is gathered first, to be counted.
    """
    if isinstance(pages, str | bytes):
        msg = "pages must be an iterable of Page or a Corpus, got a single str"
        raise TypeError(msg)
    if isinstance(pages, Collection):
        return pages, len(pages)
    hint = length_hint(pages, -1)  # only the progress display reads the number
    if hint >= 0:
        return pages, hint
    gathered = tuple(pages)
    return gathered, len(gathered)


def cut_pages(given: Iterable[Page], cutter: Cutter, *, keep_page_text: bool) -> list[Page]:
    """Cut the pages as they come into `cutter`; return them, without text unless kept.

    Without `keep_page_text`, each page is kept without its text as soon as it is cut.

    Raises:
        TypeError: `given` holds something that is not a `Page`.
    """
    kept: list[Page] = []
    for position, page in enumerate(given):
        if not isinstance(page, Page):
            msg = (
                f"pages must hold only Page, got {type(page).__name__} at position {position}"
                " (for plain texts, use find_duplicates)"
            )
            raise TypeError(msg)
        cutter.cut(page)
        kept.append(page if keep_page_text else _without_text(page))
    return kept


def _ordered(cutter: Cutter, kept: list[Page]) -> tuple[tuple[Page, ...], Segments]:
    """Return the pages cut, and their segments, sorted by page id; refuse a repeated id."""
    ids = [page.id for page in kept]
    order = sorted(range(len(kept)), key=ids.__getitem__)
    batch = tuple(kept[at] for at in order)
    for previous, page in pairwise(batch):
        if previous.id == page.id:
            raise InputError(page.path or page.id, 0, f"duplicate page id {page.id!r}")
    return batch, cutter.segments(order)


def _without_text(page: Page) -> Page:
    """Return the page without its text and blocks (half the time of `dataclasses.replace`)."""
    if type(page) is not Page:  # a subclass keeps its type and its own fields
        return replace(page, text="", blocks=())
    return Page(page.id, "", page.path, page.url, page.site, page.published, titled=page.titled)


def _threads(threads: int | None) -> int | None:
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        msg = f"threads must be a positive integer or None, got {threads!r}"
        raise ConfigError(msg)
    return threads


class _Timer:
    """Run each stage under the thread cap; announce it, measure its wall time, report it.

    Around each stage the heap's free pages go back to the system (`memory.release_freed`).
    """

    def __init__(
        self, callback: StageTimer | None, on_start: StageStart | None, threads: int | None
    ) -> None:
        self._callback = callback
        self._on_start = on_start
        self.threads = threads

    @contextmanager
    def __call__(self, stage: str, items: int) -> Iterator[None]:
        if self._on_start is not None:
            self._on_start(stage, items)
        start = time.perf_counter()
        release_freed()  # what the last stage dropped, before this one maps its arrays
        with thread_cap(self.threads):
            yield
        release_freed()  # this stage's temporaries: the peak is the largest stage's alone
        if self._callback is not None:
            self._callback(stage, time.perf_counter() - start)
