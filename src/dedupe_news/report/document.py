"""Document: a run's Report -> the JSON report, the complete documented format (docs/report.md)."""

from __future__ import annotations

import json
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.records import ClusterKind, Label

if TYPE_CHECKING:
    from dedupe_news.records import Cluster, Report, Segment, SegmentId

FORMAT_VERSION = "2"
"""Version of the JSON report format (docs/report.md); bumped on any incompatible change."""


def to_dict(report: Report) -> dict[str, object]:
    """Return the report as plain JSON data, in the documented shape and order."""
    by_page: dict[str, list[dict[str, object]]] = {page.id: [] for page in report.pages}
    for segment, label, cluster in zip(
        report.segments, report.labels, report.segment_clusters, strict=True
    ):
        by_page[segment.page_id].append(_segment_dict(segment, label, cluster))
    return {
        "version": FORMAT_VERSION,
        "generator": f"dedupe_news {version('dedupe-news')}",
        "config": report.config.as_dict(),
        "summary": _summary(report),
        "pages": [
            {
                "id": page.id,
                "path": page.path,
                "url": page.url,
                "site": page.site,
                "published": page.published,
                "title": next((s["text"] for s in by_page[page.id] if s["role"] == "title"), None),
                "article_cluster": article,
                "segments": by_page[page.id],
            }
            for page, article in zip(report.pages, report.article_clusters, strict=True)
        ],
        "clusters": [_cluster_dict(cluster) for cluster in report.clusters],
        "links": [
            {"teaser": link.teaser, "page": link.page, "target": link.target, "score": link.score}
            for link in report.links
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
    }


def to_json(report: Report) -> str:
    """Return the report as JSON text: UTF-8 friendly, indented, ending in a newline."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


def _segment_dict(segment: Segment, label: Label, cluster: str | None) -> dict[str, object]:
    return {
        "id": segment.id,
        "line": segment.line,
        "role": segment.role.value,
        "label": label.value,
        "cluster": cluster,
        "text": segment.text,
        "place": segment.place,
        "agencies": list(segment.agencies),
        "age": segment.age,
        "age_minutes": segment.age_minutes,
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
