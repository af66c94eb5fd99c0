r"""Corpus: a run's Report -> the deduplicated text, one JSONL record per page (docs/output.md).

Each page keeps its own reporting, and each repeated article text is kept once:

- boilerplate (page furniture, template text) is dropped everywhere;
- a segment labelled `unique` is kept;
- a segment labelled `duplicate` is kept on one page only: its cluster's representative when
  the representative's page is not a copy, else the cluster's first member on a page that is
  not a copy (the representative when every member is on a copy);
- a page whose article is a copy (`article_cluster` set to another page's id) keeps only its
  unique segments;
- a page with no kept text is omitted.

`text` is the kept segments other than the title, in line order, joined with "\n"; `title`
is the page's title as in the JSON report, whether or not it is repeated elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from dedupe_news.records import ROLES, Label, Role
from dedupe_news.report.rows import json_line

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dedupe_news.records import Cluster, PageId, Report, SegmentId

CORPUS_FIELDS = ("id", "url", "site", "published", "title", "text")
"""Keys of a corpus record, in order."""


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    """What `write_corpus` wrote: pages written, and pages omitted with nothing left."""

    written: int
    omitted: int


def corpus_records(report: Report) -> Iterator[dict[str, str | None] | None]:
    """Yield each page's record in page order, or None for a page with nothing left.

    Examples:
        >>> import dedupe_news as dn
        >>> from dedupe_news.demo import seed_folder
        >>> records = list(corpus_records(dn.dedupe(dn.read_pages(seed_folder()))))
        >>> records[1]["title"], records[1]["text"].splitlines()[0][:40]
        ('Poetin dinsdag naar Noord-Korea', 'De Russische president Vladimir Poetin g')
    """
    copies = {
        page.id
        for page, article in zip(report.pages, report.article_clusters, strict=True)
        if article is not None and article != page.id
    }
    columns = report.columns
    owner = columns.page_id_column()
    keepers = {cluster.id: _keeper(cluster, copies, report, owner) for cluster in report.clusters}
    roles, texts = columns.roles.tolist(), columns.texts
    title_role = ROLES.index(Role.TITLE)
    for page in report.pages:
        title, kept = None, []
        for at in report.span_of(page.id):
            if roles[at] == title_role and title is None:
                title = texts[at]
                continue
            label = report.labels[at]
            cluster = report.segment_clusters[at]
            if label is Label.UNIQUE or (
                label is Label.DUPLICATE
                and page.id not in copies
                and cluster is not None
                and keepers[cluster] == at
            ):
                kept.append(texts[at])
        if not kept:
            yield None
            continue
        values = (page.id, page.url, page.site, page.published, title, "\n".join(kept))
        yield dict(zip(CORPUS_FIELDS, values, strict=True))


def write_corpus(report: Report, out: IO[bytes]) -> CorpusCounts:
    """Write the corpus as UTF-8 JSONL to a binary stream; return what was written."""
    written = omitted = 0
    for record in corpus_records(report):
        if record is None:
            omitted += 1
            continue
        out.write(json_line(record))
        written += 1
    return CorpusCounts(written, omitted)


def _keeper(
    cluster: Cluster[SegmentId], copies: set[PageId], report: Report, owner: list[PageId]
) -> int:
    """Return the position of the member of a cluster whose page keeps the text."""
    representative = report.position(cluster.representative)
    if owner[representative] not in copies:
        return representative
    for member in cluster.members:
        at = report.position(member)
        if owner[at] not in copies:
            return at
    return representative
