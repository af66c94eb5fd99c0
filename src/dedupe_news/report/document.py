"""Document: a run's Report -> the JSON report, the complete documented format (docs/report.md)."""

from __future__ import annotations

import io
import json
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import numpy as np
import orjson

from dedupe_news.memory import collector_paused
from dedupe_news.records import ClusterKind, Label
from dedupe_news.report.rows import label_column

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from dedupe_news.records import Cluster, Report, SegmentId, Segments

FORMAT_VERSION = "2"
"""Version of the JSON report format (docs/report.md); bumped on any incompatible change."""


def to_dict(report: Report) -> dict[str, object]:
    """Return the report as plain JSON data, in the documented shape and order."""
    return {
        key: list(cast("Iterable[object]", value)) if key in _STREAMED else value
        for key, value in _parts(report)
    }


def to_json(report: Report) -> str:
    """Return the report as JSON text: UTF-8 friendly, indented, ending in a newline."""
    buffer = io.BytesIO()
    write_json(report, buffer)
    return buffer.getvalue().decode("utf-8")


def write_json(report: Report, out: IO[bytes]) -> None:
    """Write the report as UTF-8 JSON to a binary stream, one page at a time.

    The bytes are those of `json.dumps(to_dict(report), ensure_ascii=False, indent=2)` plus
    a newline, but the whole text is never held in memory: pages and clusters are encoded
    one by one (with orjson: 20k pages in 0.6 s instead of 4.5 s, docs/benchmarks.md).
    """
    with collector_paused():
        _write_parts(report, out)


def _write_parts(report: Report, out: IO[bytes]) -> None:
    out.write(b"{")
    for number, (key, value) in enumerate(_parts(report)):
        out.write(b"," if number else b"")
        out.write(b"\n  " + _encode(key) + b": ")
        if key not in _STREAMED:
            out.write(_encode(value).replace(b"\n", b"\n  "))
            continue
        empty = True
        for item in cast("Iterable[object]", value):
            out.write(b"[\n    " if empty else b",\n    ")
            out.write(_encode(item).replace(b"\n", b"\n    "))
            empty = False
        out.write(b"[]" if empty else b"\n  ]")
    out.write(b"\n}\n")


_STREAMED = frozenset({"pages", "clusters", "links", "skipped"})


def _runs(columns: Segments) -> list[tuple[str, int]]:
    """Return each run of consecutive segments of one page: its page id and where it ends."""
    pages = columns.pages
    if len(pages) == 0:
        return []
    ends = [*(np.flatnonzero(pages[1:] != pages[:-1]) + 1).tolist(), len(pages)]
    owners = [columns.page_ids[page] for page in pages[np.array(ends) - 1].tolist()]
    return list(zip(owners, ends, strict=True))


def _encode(value: object) -> bytes:
    """Encode like `json.dumps(value, ensure_ascii=False, indent=2)`, as UTF-8."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        # orjson refuses what is not valid UTF-8 (a lone surrogate, possible in a str built
        # in code); the standard library writes it as its `\uXXXX` escape, which is valid
        # UTF-8 JSON and reads back to the same string.
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace")


def _parts(report: Report) -> Iterator[tuple[str, object]]:
    """Yield the report's top-level keys in order; pages and clusters as lazy iterables."""
    yield "version", FORMAT_VERSION
    yield "generator", f"dedupe_news {version('dedupe-news')}"
    yield "config", report.config.as_dict()
    yield "summary", _summary(report)
    yield "pages", _pages(report)
    yield "clusters", (_cluster_dict(cluster) for cluster in report.clusters)
    yield (
        "links",
        (
            {"teaser": link.teaser, "page": link.page, "target": link.target, "score": link.score}
            for link in report.links
        ),
    )
    yield (
        "skipped",
        ({"path": s.path, "reason": s.reason, "kind": s.kind.value} for s in report.skipped),
    )


def _pages(report: Report) -> Iterable[dict[str, object]]:
    """Yield each page with its segments' fields (`rows.segment_fields`), from the columns."""
    columns = report.columns
    runs = iter(_runs(columns))
    run = next(runs, None)
    lines = columns.lines.tolist()
    roles = columns.role_column()
    labels = label_column(report)
    places = columns.sparse(columns.places, None)
    agencies = cast("list[tuple[str, ...]]", columns.sparse(columns.agencies, ()))
    ages = columns.sparse(columns.ages, None)
    minutes = columns.sparse(columns.age_minutes, None)
    texts, clusters = columns.texts, report.segment_clusters
    start = 0
    for page, article in zip(report.pages, report.article_clusters, strict=True):
        end = start
        if run is not None and run[0] == page.id:  # the page's segments are the next run
            end = run[1]
            run = next(runs, None)
        rows = zip(
            lines[start:end],
            roles[start:end],
            labels[start:end],
            clusters[start:end],
            texts[start:end],
            places[start:end],
            agencies[start:end],
            ages[start:end],
            minutes[start:end],
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
        start = end
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


def _cluster_dict(cluster: Cluster[SegmentId]) -> dict[str, object]:
    return {
        "id": cluster.id,
        "key": cluster.key,
        "kind": cluster.kind.value,
        "members": list(cluster.members),
        "representative": cluster.representative,
        "lowest_score": cluster.lowest_score,
        "matches": [
            {"a": m.a, "b": m.b, "score": m.score, "jaccard": m.jaccard} for m in cluster.matches
        ],
    }


def _summary(report: Report) -> dict[str, object]:
    labels = Counter(report.labels)
    kinds = Counter(cluster.kind for cluster in report.clusters)
    return {
        "pages": len(report.pages),
        "segments": len(report.segments),
        "labels": {label.value: labels[label] for label in Label},
        "clusters": {kind.value: kinds[kind] for kind in ClusterKind},
        "skipped": len(report.skipped),
    }


def schema_path() -> Path:
    """Return the path of the JSON Schema of the report, shipped in the package."""
    return Path(__file__).parent.parent / "data" / "report.schema.json"
