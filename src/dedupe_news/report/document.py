"""Document: a run's Report -> the JSON report, the complete documented format (docs/report.md)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from dedupe_news.memory import collector_paused
from dedupe_news.records import ClusterKind, Label
from dedupe_news.report.pages import encode, page_bounds, page_dicts, page_items

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dedupe_news.records import Cluster, Link, Report, SegmentId, Skipped

FORMAT_VERSION = "2"
"""Version of the JSON report format (docs/report.md); bumped on any incompatible change."""


def to_dict(report: Report) -> dict[str, object]:
    """Return the report as plain JSON data, in the documented shape and order."""
    return {
        key: list(value) if isinstance(value, Iterator) else value  # pages, clusters, ...
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
            items, fast, plain = _STREAMED[key](report)
            _write_items(_items(items, fast, plain), out)
        else:
            out.write(encode(value).replace(b"\n", b"\n  "))
    out.write(b"\n}\n")


_ITEMS_PER_CHUNK = 4096  # clusters, links or skipped inputs encoded by one orjson call


def _write_items(chunks: Iterable[bytes], out: IO[bytes]) -> None:
    r"""Write a top-level array from chunks of its items, each item `\n    ` and its JSON."""
    empty = True
    for chunk in chunks:
        out.write(b"[" if empty else b",")
        out.write(chunk)
        empty = False
    out.write(b"[]" if empty else b"\n  ]")


def _items(
    values: Sequence[Any], fast: Callable[[Any], object], plain: Callable[[Any], object]
) -> Iterator[bytes]:
    """Yield the items of a top-level array encoded many at a time, as `_write_items` takes.

    orjson encodes `fast(value)` (records as dataclasses, tuples as arrays) to the bytes
    `json.dumps` writes for `plain(value)`, which a batch orjson refuses falls back to.
    """
    for start in range(0, len(values), _ITEMS_PER_CHUNK):
        batch = values[start : start + _ITEMS_PER_CHUNK]
        try:
            encoded = orjson.dumps(list(map(fast, batch)), option=orjson.OPT_INDENT_2)
        except orjson.JSONEncodeError:  # each item as it would be alone (a lone surrogate)
            items = (encode(plain(item)).replace(b"\n", b"\n    ") for item in batch)
            yield b",".join(b"\n    " + item for item in items)
        else:  # `[` ... `\n]`: indented one level more, without the brackets
            yield encoded[1:-2].replace(b"\n", b"\n  ")


def _parts(report: Report) -> Iterator[tuple[str, object]]:
    """Yield the report's top-level keys in order; pages and clusters as lazy iterables."""
    yield "version", FORMAT_VERSION
    yield "generator", f"dedupe_news {version('dedupe-news')}"
    yield "config", report.config.as_dict()
    yield "summary", _summary(report)
    yield "pages", _page_dicts(report)
    for key, (items, _, plain) in ((key, get(report)) for key, get in _STREAMED.items()):
        yield key, map(plain, items)


def _page_dicts(report: Report) -> Iterator[dict[str, object]]:
    """Yield each page with its segments' fields (`rows.segment_fields`), from the columns."""
    yield from page_dicts(report, page_bounds(report))


def _cluster_record(cluster: Cluster[SegmentId]) -> dict[str, object]:
    """Return what orjson encodes as `_cluster_dict`: matches as their dataclasses."""
    return {
        "id": cluster.id,
        "key": cluster.key,
        "kind": cluster.kind,
        "members": cluster.members,
        "representative": cluster.representative,
        "lowest_score": cluster.lowest_score,
        "matches": cluster.matches,
    }


def _same(record: object) -> object:
    """Return a record orjson encodes as its fields, in order (a `Link`, a `Skipped`)."""
    return record


def _link_dict(link: Link) -> dict[str, object]:
    return {"teaser": link.teaser, "page": link.page, "target": link.target, "score": link.score}


def _skipped_dict(skipped: Skipped) -> dict[str, object]:
    return {"path": skipped.path, "reason": skipped.reason, "kind": skipped.kind.value}


_Streamed = tuple[Sequence[Any], Callable[[Any], object], Callable[[Any], object]]
_STREAMED: dict[str, Callable[[Report], _Streamed]] = {
    "clusters": lambda report: (report.clusters, _cluster_record, _cluster_dict),
    "links": lambda report: (report.links, _same, _link_dict),
    "skipped": lambda report: (report.skipped, _same, _skipped_dict),
}
"""The arrays after `pages`: each one's items, what orjson encodes, what json.dumps would."""


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
