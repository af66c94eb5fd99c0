"""Report: a run's Report -> JSON (the documented format) or a text summary for people."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from dedupe_news.normalize import normalize
from dedupe_news.records import ClusterKind, Label

if TYPE_CHECKING:
    from dedupe_news.records import Cluster, Report, Segment

FORMAT_VERSION = "1"
"""Version of the JSON report format (docs/report.md); bumped on any incompatible change."""

_DIFF_WORDS = 12  # words of a near-duplicate diff shown per side
_PREVIEW_CHARS = 70


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


def _cluster_dict(cluster: Cluster) -> dict[str, object]:
    return {
        "id": cluster.id,
        "kind": cluster.kind.value,
        "members": list(cluster.members),
        "representative": cluster.representative,
        "min_score": cluster.min_score,
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


def to_text(report: Report) -> str:
    """Return a human summary: counts, then each cluster with its members and their diffs."""
    counts = Counter(report.labels)
    labels = ", ".join(f"{label.value} {counts[label]}" for label in Label)
    lines = [
        f"{len(report.pages)} pages, {len(report.segments)} segments: {labels}",
        f"{len(report.clusters)} clusters",
    ]
    for cluster in report.clusters:
        lines.extend(_cluster_lines(report, cluster))
    if report.skipped:
        lines.append("")
        lines.append(f"skipped {len(report.skipped)} inputs:")
        lines.extend(f"  {s.path}: {s.reason}" for s in report.skipped)
    return "\n".join(lines) + "\n"


def _cluster_lines(report: Report, cluster: Cluster) -> list[str]:
    representative = report.segment(cluster.representative)
    size = len(cluster.members)
    lines = [
        "",
        f"{cluster.id}  {cluster.kind.value}  {size} members  min score {cluster.min_score:.3f}",
        f"  {_preview(representative.text)!r}",
    ]
    base = normalize(representative.text, fold_diacritics=report.config.fold_diacritics)
    for member_id in cluster.members:
        member = report.segment(member_id)
        label = report.label_of(member_id).value
        line = f"  {member_id}  {member.role.value}  {label}{_credit(member)}"
        if member_id == cluster.representative:
            line += "  (representative)"
        else:
            norm = normalize(member.text, fold_diacritics=report.config.fold_diacritics)
            line += _diff(base, norm)
        lines.append(line)
    return lines


def _credit(segment: Segment) -> str:
    parts = []
    if segment.place is not None:
        parts.append(f"{segment.place} ({'/'.join(segment.agencies)})")
    if segment.age is not None:
        parts.append(segment.age)
    return "  " + ", ".join(parts) if parts else ""


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"


def _diff(base: str, other: str) -> str:
    """Describe how `other` differs from `base`, word by word, briefly.

    Examples:
        >>> _diff("de trein is aangekomen in moskou", "de trein is aangekomen")
        '  - [in moskou]'
        >>> _diff("a b c", "a b c")
        ''
    """
    a, b = base.split(), other.split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in {"delete", "replace"}:
            parts.append(f"- [{_words(a[i1:i2])}]")
        if tag in {"insert", "replace"}:
            parts.append(f"+ [{_words(b[j1:j2])}]")
    return ("  " + " ".join(parts[:4]) + (" …" if len(parts) > 4 else "")) if parts else ""


def _words(words: list[str]) -> str:
    shown = " ".join(words[:_DIFF_WORDS])
    return shown + (" …" if len(words) > _DIFF_WORDS else "")


def schema_path() -> Path:
    """Return the path of the JSON Schema of the report, shipped in the package."""
    return Path(__file__).parent / "data" / "report.schema.json"
