"""Pages: the JSON report's `pages`, as dicts (`to_dict`) and as bytes encoded in bulk.

`page_items` gives `write_json` the same bytes as orjson's indented encoding of each page
dict (`page_dicts`), without a dict per segment: each field of a chunk of segments is
encoded by one orjson call (an indented list splits at its newlines, which a JSON string
never holds raw), the pieces are interleaved by list slice assignment and joined once.
A chunk that orjson refuses (a lone surrogate) is encoded page by page from the dicts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import orjson

from dedupe_news.records import Role
from dedupe_news.records.segments import ROLES
from dedupe_news.report.pieces import put_dated, segment_kinds
from dedupe_news.report.rows import label_column

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Report

PAGES_PER_CHUNK = 128
"""Pages encoded and written at once: about 10 MB of JSON on generated news pages."""

# A segment of a page in `pages`, cut where its values go (keys 10 spaces in).
_OPEN = b'\n        {\n          "id": '
_MIDDLE = (
    b':%d",\n          "line": %d,\n          "role": "%s",\n          "label": "%s",'
    b'\n          "cluster": '
)
_TEXT = b',\n          "text": '
_PLACE = b',\n          "place": '
_AGENCIES = b',\n          "agencies": '
_AGE = b',\n          "age": '
_MINUTES = b',\n          "age_minutes": '
_END = b"\n        }"
_CLOSE = b"\n      ]\n    }"  # after a page's last segment
_EMPTY = b"]\n    }"  # a page without segments: "segments": []
_PIECES = 8  # per segment: page id, line to cluster key, cluster, text, 4 dated fields
_TITLE = ROLES.index(Role.TITLE)


def encode(value: object) -> bytes:
    """Encode like `json.dumps(value, ensure_ascii=False, indent=2)`, as UTF-8."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        # orjson refuses what is not valid UTF-8 (a lone surrogate, possible in a str built
        # in code); the standard library writes it as its `\uXXXX` escape, which is valid
        # UTF-8 JSON and reads back to the same string.
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace")


def page_bounds(report: Report) -> list[tuple[int, int]]:
    """Return where each page's segments start and end in the columns (a run, or none)."""
    columns = report.columns
    pages = columns.pages
    runs: Iterator[tuple[str, int]] = iter(())
    if len(pages):
        ends = [*(np.flatnonzero(pages[1:] != pages[:-1]) + 1).tolist(), len(pages)]
        owners = [columns.page_ids[page] for page in pages[np.array(ends) - 1].tolist()]
        runs = zip(owners, ends, strict=True)
    run, start, bounds = next(runs, None), 0, []
    for page in report.pages:
        end = start
        if run is not None and run[0] == page.id:  # the page's segments are the next run
            end = run[1]
            run = next(runs, None)
        bounds.append((start, end))
        start = end
    return bounds


def page_items(report: Report) -> Iterator[bytes]:
    r"""Yield the items of `pages` as the JSON report writes them, many pages per chunk.

    Each page is `\n    ` and its indented JSON; pages and chunks are joined by `,`.
    """
    bounds = page_bounds(report)
    try:
        shared: _Shared | None = _Shared.of(report, bounds)
    except orjson.JSONEncodeError:  # a lone surrogate in a cluster id or a dateline field
        shared = None
    for first in range(0, len(bounds), PAGES_PER_CHUNK):
        last = min(first + PAGES_PER_CHUNK, len(bounds))
        chunk = None if shared is None else _chunk_or_none(report, shared, first, last)
        if chunk is None:  # orjson refused a value: each page as `json.dumps` writes it
            pages = page_dicts(report, bounds[first:last], first)
            chunk = b",".join(b"\n    " + encode(page).replace(b"\n", b"\n    ") for page in pages)
        yield chunk


def _chunk_or_none(report: Report, shared: _Shared, first: int, last: int) -> bytes | None:
    """Return `_chunk`, or None when orjson refuses one of its strings (a lone surrogate)."""
    try:
        return _chunk(report, shared, first, last)
    except orjson.JSONEncodeError:
        return None


@dataclass(frozen=True, slots=True)
class _Shared:
    """What every chunk of pages reads, made once for the whole report.

    Attributes:
        bounds: Each page's segments (`page_bounds`).
        middles: The distinct JSON of a segment from `:<line>` to its cluster's key.
        middle: Each segment's index into `middles`.
        titles: The positions of the title segments.
        clusters: Each cluster id's JSON (and None's), up to the text's value.
        dated: For `place`, `agencies`, `age` and `age_minutes` (the dated segments' fields),
            the JSON of each value held, with its key; under None, an undated segment's.
    """

    bounds: list[tuple[int, int]]
    middles: NDArray[np.object_]
    middle: NDArray[np.intp]
    titles: NDArray[np.intp]
    clusters: dict[object, bytes]
    dated: tuple[dict[Any, bytes], ...]

    @classmethod
    def of(cls, report: Report, bounds: list[tuple[int, int]]) -> _Shared:
        """Encode what repeats: lines with roles and labels, cluster ids, dateline fields."""
        columns = report.columns
        kinds, middle = segment_kinds(report)
        middles = [
            _MIDDLE % (line, line, role.encode(), label.encode()) for line, role, label in kinds
        ]
        indented: dict[Any, bytes] = {None: _AGENCIES + b"[]"}
        indented |= {
            agencies: _AGENCIES
            + orjson.dumps(agencies, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n          ")
            for agencies in dict.fromkeys(columns.agencies)
        }
        return cls(
            bounds,
            np.array(middles, dtype=object),
            middle,
            np.flatnonzero(columns.roles == _TITLE),
            _encoded(report.segment_clusters, b"", _TEXT),
            (
                _encoded(columns.places, _PLACE, b""),
                indented,
                _encoded(columns.ages, _AGE, b""),
                _encoded(columns.age_minutes, _MINUTES, _END),
            ),
        )


def _encoded(values: Iterable[object], key: bytes, end: bytes) -> dict[object, bytes]:
    """Return the JSON of each distinct value and of None, after `key` and before `end`."""
    return {value: key + orjson.dumps(value) + end for value in dict.fromkeys([None, *values])}


def _chunk(report: Report, shared: _Shared, first: int, last: int) -> bytes:
    """Return the JSON of the pages from `first` to `last`, their segments from the columns."""
    bounds = shared.bounds[first:last]
    columns, start, end = report.columns, bounds[0][0], bounds[-1][1]
    size = end - start
    opens = [b"," + _OPEN + orjson.dumps(page.id)[:-1] for page in report.pages[first:last]]
    owner = np.repeat(np.arange(len(bounds)), [stop - begin for begin, stop in bounds])
    pieces = np.empty(_PIECES * size, dtype=object)
    pieces[0::_PIECES] = np.array(opens, dtype=object)[owner]
    pieces[1::_PIECES] = shared.middles[shared.middle[start:end]]
    pieces[2::_PIECES] = list(map(shared.clusters.__getitem__, report.segment_clusters[start:end]))
    pieces[3::_PIECES] = list(map(orjson.dumps, columns.texts[start:end]))
    put_dated(pieces, columns, shared.dated, start, end, stride=_PIECES, first=4)
    parts: list[bytes] = pieces.tolist()  # a list: its items are set faster than an array's
    waiting: list[bytes] = []  # pages without segments, written before the next page's lead
    heads = _heads(report, shared, first, last)
    for number, ((begin, stop), head, opened) in enumerate(zip(bounds, heads, opens, strict=True)):
        lead = (b",\n    " if number else b"\n    ") + head
        if begin == stop:
            waiting.append(lead + _EMPTY)
            continue
        parts[(begin - start) * _PIECES] = b"".join(waiting) + lead + opened[1:]
        parts[(stop - start) * _PIECES - 1] += _CLOSE
        waiting.clear()
    parts.extend(waiting)
    return b"".join(parts)


def _heads(report: Report, shared: _Shared, first: int, last: int) -> list[bytes]:
    """Return each page's JSON up to its segments' opening bracket."""
    bounds, texts = shared.bounds[first:last], report.columns.texts
    low, high = shared.titles.searchsorted([bounds[0][0], bounds[-1][1]]).tolist()
    titles = shared.titles[low:high]  # the chunk's, as Python ints: no numpy scalar per page
    found = titles.searchsorted([begin for begin, _ in bounds]).tolist()
    held = [*titles.tolist(), -1]  # -1: past the chunk's last title
    rows = []
    pages = zip(found, report.pages[first:], report.article_clusters[first:], bounds, strict=False)
    for at, page, article, (_, stop) in pages:
        title = texts[held[at]] if 0 <= held[at] < stop else None
        rows.append(
            {
                "id": page.id,
                "path": page.path,
                "url": page.url,
                "site": page.site,
                "published": page.published,
                "title": title,
                "article_cluster": article,
                "segments": None,
            }
        )
    encoded = orjson.dumps(rows, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
    # `[\n    {` ... `: null\n    }\n  ]`: each page ends in `"segments": null`.
    heads = encoded[len(b"[\n    ") : -len(b"null\n    }\n  ]")].split(b"null\n    },\n    ")
    return [head + b"[" for head in heads]


def page_dicts(
    report: Report, bounds: Sequence[tuple[int, int]], first: int = 0
) -> Iterator[dict[str, object]]:
    """Yield the pages from `first` on (one per bound) with their segments' fields, as dicts."""
    columns = report.columns
    start, end = (bounds[0][0], bounds[-1][1]) if bounds else (0, 0)
    part = columns[start:end]
    lines = part.lines.tolist()
    roles = part.role_column()
    labels = label_column(report)[start:end]
    places = part.sparse(part.places, None)
    agencies = cast("list[tuple[str, ...]]", part.sparse(part.agencies, ()))
    ages = part.sparse(part.ages, None)
    minutes = part.sparse(part.age_minutes, None)
    texts, clusters = part.texts, report.segment_clusters[start:end]
    pages = zip(report.pages[first:], report.article_clusters[first:], bounds, strict=False)
    for page, article, (begin, stop) in pages:
        rows = zip(
            lines[begin - start : stop - start],
            roles[begin - start : stop - start],
            labels[begin - start : stop - start],
            clusters[begin - start : stop - start],
            texts[begin - start : stop - start],
            places[begin - start : stop - start],
            agencies[begin - start : stop - start],
            ages[begin - start : stop - start],
            minutes[begin - start : stop - start],
            strict=True,
        )
        segments = [
            {
                "id": f"{page.id}:{line}",  # Segment.id
                "line": line,
                "role": role,
                "label": label,
                "cluster": cluster,
                "text": text,
                "place": place,
                "agencies": list(agency),
                "age": age,
                "age_minutes": age_minutes,
            }
            for line, role, label, cluster, text, place, agency, age, age_minutes in rows
        ]
        yield {
            "id": page.id,
            "path": page.path,
            "url": page.url,
            "site": page.site,
            "published": page.published,
            "title": next((s["text"] for s in segments if s["role"] == "title"), None),
            "article_cluster": article,
            "segments": segments,
        }
