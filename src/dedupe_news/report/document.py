"""Document: a run's Report -> the JSON report, the complete documented format (docs/report.md)."""

from __future__ import annotations

import io
from collections import Counter
from importlib.metadata import version
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import orjson

from dedupe_news.memory import collector_paused
from dedupe_news.records import ClusterKind, Label
from dedupe_news.report.pages import encode, page_bounds, page_dicts, page_items

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from dedupe_news.records import Cluster, Report, SegmentId

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
    a chunk at a time by orjson, the pages straight from the segment columns
    (`report.pages.page_items`; docs/benchmarks.md).
    """
    with collector_paused():
        _write_parts(report, out)


def _write_parts(report: Report, out: IO[bytes]) -> None:
    out.write(b"{")
    for number, (key, value) in enumerate(_parts(report)):
        out.write(b"," if number else b"")
        out.write(b"\n  " + encode(key) + b": ")
        if key == "pages":
            _write_items(page_items(report), out)
        elif key in _STREAMED:
            _write_items(_items(cast("Iterable[object]", value)), out)
        else:
            out.write(encode(value).replace(b"\n", b"\n  "))
    out.write(b"\n}\n")


_STREAMED = frozenset({"pages", "clusters", "links", "skipped"})
_ITEMS_PER_CHUNK = 4096  # clusters, links or skipped inputs encoded by one orjson call


def _write_items(chunks: Iterable[bytes], out: IO[bytes]) -> None:
    r"""Write a top-level array from chunks of its items, each item `\n    ` and its JSON."""
    empty = True
    for chunk in chunks:
        out.write(b"[" if empty else b",")
        out.write(chunk)
        empty = False
    out.write(b"[]" if empty else b"\n  ]")


def _items(values: Iterable[object]) -> Iterator[bytes]:
    """Yield the items of a top-level array encoded many at a time, as `_write_items` takes."""
    values = iter(values)
    while batch := list(islice(values, _ITEMS_PER_CHUNK)):
        try:
            encoded = orjson.dumps(batch, option=orjson.OPT_INDENT_2)
        except orjson.JSONEncodeError:  # each item as it would be alone (a lone surrogate)
            yield b",".join(b"\n    " + encode(item).replace(b"\n", b"\n    ") for item in batch)
        else:  # `[` ... `\n]`: indented one level more, without the brackets
            yield encoded[1:-2].replace(b"\n", b"\n  ")


def _parts(report: Report) -> Iterator[tuple[str, object]]:
    """Yield the report's top-level keys in order; pages and clusters as lazy iterables."""
    yield "version", FORMAT_VERSION
    yield "generator", f"dedupe_news {version('dedupe-news')}"
    yield "config", report.config.as_dict()
    yield "summary", _summary(report)
    yield "pages", _page_dicts(report)
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


def _page_dicts(report: Report) -> Iterator[dict[str, object]]:
    """Yield each page with its segments' fields (`rows.segment_fields`), from the columns."""
    yield from page_dicts(report, page_bounds(report))


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
