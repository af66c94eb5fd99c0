"""HTML: a run's Report -> one self-contained HTML file to look at (docs/output.md).

The file holds its styles, its script and its data: no server, no network. The overview is
written as HTML here; pages and clusters are rendered on demand by a small script
(`data/report.js`) from JSON blocks, pages in chunks that are parsed only when needed, so a
20k-page crawl opens as fast as its overview.
"""

from __future__ import annotations

import io
import json
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import numpy as np
import orjson

from dedupe_news.records import ROLES, Label, Role
from dedupe_news.report.html_overview import overview

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dedupe_news.records import Report, SegmentId

CHUNK_PAGES = 500
"""Pages per JSON block: the script parses a block the first time one of its pages is shown."""

_DATA = Path(__file__).parent.parent / "data"
_ROLES = ROLES
_LABELS = tuple(Label)


def to_html(report: Report) -> str:
    r"""Return the report as one self-contained HTML document.

    Examples:
        >>> import dedupe_news as dn
        >>> page = to_html(dn.dedupe([dn.Page("a", "Titel\\nTekst van de pagina.\\n")]))
        >>> page.startswith("<!DOCTYPE html>"), "<script src" in page
        (True, False)
    """
    buffer = io.BytesIO()
    write_html(report, buffer)
    return buffer.getvalue().decode("utf-8")


def write_html(report: Report, out: IO[bytes]) -> None:
    r"""Write the report as one self-contained UTF-8 HTML file to a binary stream.

    Page text reaches the file only inside JSON blocks, with every `<` written as `\u003c`
    so no text can end a block or open markup; the script shows it with `textContent`.
    """
    generator = f"dedupe_news {version('dedupe-news')}"
    out.write(_head(generator).encode("utf-8"))
    # A lone surrogate (a str built in code) cannot be UTF-8: shown as its `\\udXXX` escape.
    out.write(overview(report).encode("utf-8", "backslashreplace"))
    out.write(_VIEW.encode("utf-8"))
    out.write(_block("dn-index", _index(report)))
    for number, chunk in enumerate(_chunks(report)):
        out.write(_block(f"dn-pages-{number}", chunk))
    script = (_DATA / "report.js").read_text(encoding="utf-8")
    out.write(f"<script>\n{script}</script>\n</body>\n</html>\n".encode())


def _head(generator: str) -> str:
    style = (_DATA / "report.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{escape(generator)}">\n'
        "<title>dedupe_news report</title>\n"
        f"<style>\n{style}</style>\n</head>\n<body>\n"
        '<header><a class="home" href="#">dedupe_news report</a>\n'
        '<form id="search" role="search"><label for="q">Search text or id</label>\n'
        '<input id="q" type="search" placeholder="text, page id, segment id, cluster id'
        ' (press /)" autocomplete="off">\n<button type="submit">Search</button></form>\n'
        '<nav><a href="#">Overview</a> <a href="#/pages/1">Pages</a>'
        ' <a href="#/clusters/1">Clusters</a></nav></header>\n'
    )


_VIEW = '<main id="view" hidden tabindex="-1"></main>\n'


def _block(element_id: str, value: object) -> bytes:
    """Return a JSON data block whose text cannot end the block: `<` is always escaped."""
    data = _encode(value).replace(b"<", b"\\u003c")
    return (
        b'<script type="application/json" id="'
        + element_id.encode()
        + b'">'
        + data
        + (b"</script>\n")
    )


def _encode(value: object) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        # A lone surrogate (possible in a str built in code) is not UTF-8: the standard
        # library writes it as a `\uXXXX` escape, which JSON.parse reads back.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "backslashreplace"
        )


def _index(report: Report) -> dict[str, object]:
    """Return what every view needs: pages without their segments, clusters, links."""
    position = {page.id: index for index, page in enumerate(report.pages)}
    columns = report.columns
    owner, lines = columns.page_id_column(), columns.lines.tolist()

    def member(segment_id: SegmentId) -> list[object]:
        at = report.position(segment_id)
        return [position[owner[at]], lines[at]]

    clusters = []
    for cluster in report.clusters:
        order = {m: i for i, m in enumerate(cluster.members)}
        matches = [[order[m.a], order[m.b], m.score, m.jaccard] for m in cluster.matches]
        members = [member(m) for m in cluster.members]
        clusters.append(
            [cluster.id, cluster.kind.value, members, order[cluster.representative], matches]
        )
    titled = np.flatnonzero(columns.role_in((Role.TITLE,))).tolist()
    titles = {owner[at]: columns.texts[at] for at in titled}  # a page's last title
    pages = [
        [
            page.id,
            titles.get(page.id),
            page.site,
            page.url,
            page.published,
            None if article is None else position[article],
        ]
        for page, article in zip(report.pages, report.article_clusters, strict=True)
    ]
    links = [[*member(link.teaser), *member(link.target), link.score] for link in report.links]
    return {
        "roles": [role.value for role in _ROLES],
        "labels": [label.value for label in _LABELS],
        "chunk": CHUNK_PAGES,
        "pages": pages,
        "clusters": clusters,
        "links": links,
    }


def _chunks(report: Report) -> Iterator[list[list[list[object]]]]:
    """Yield the pages' segments, `CHUNK_PAGES` pages at a time, as compact rows."""
    number = {cluster.id: index for index, cluster in enumerate(report.clusters)}
    label = {lab: i for i, lab in enumerate(_LABELS)}
    columns = report.columns
    lines, roles, texts = columns.lines.tolist(), columns.roles.tolist(), columns.texts
    places = columns.sparse(columns.places, None)
    agencies = columns.sparse(columns.agencies, ())
    ages = columns.sparse(columns.ages, None)
    clusters = [None if c is None else number[c] for c in report.segment_clusters]
    labels = [label[x] for x in report.labels]

    def rows(page_id: str) -> list[list[object]]:
        return [
            [
                lines[at],
                roles[at],  # records.ROLES is this module's _ROLES
                labels[at],
                clusters[at],
                texts[at],
                places[at],
                list(cast("tuple[str, ...]", agencies[at])),
                ages[at],
            ]
            for at in report.span_of(page_id)
        ]

    for start in range(0, len(report.pages), CHUNK_PAGES):
        yield [rows(page.id) for page in report.pages[start : start + CHUNK_PAGES]]
