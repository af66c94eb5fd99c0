"""Summary: a run's Report -> a text for people: counts, clusters, how copies differ, links."""

from __future__ import annotations

import difflib
from collections import Counter
from typing import TYPE_CHECKING

from dedupe_news.records import Label
from dedupe_news.stages.normalize import normalize

if TYPE_CHECKING:
    from dedupe_news.records import Cluster, Report, Segment, SegmentId

_DIFF_WORDS = 12  # words of a near-duplicate diff shown per side
_PREVIEW_CHARS = 70


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
    if report.links:
        lines.append("")
        lines.append(f"{len(report.links)} links (teaser -> the article it summarises):")
        lines.extend(
            f"  {link.teaser} -> {link.page}  ({link.target}, score {link.score:.3f})"
            for link in report.links
        )
    if report.skipped:
        lines.append("")
        lines.append(f"skipped {len(report.skipped)} inputs:")
        lines.extend(f"  {s.path}: {s.reason}" for s in report.skipped)
    return "\n".join(lines) + "\n"


def _cluster_lines(report: Report, cluster: Cluster[SegmentId]) -> list[str]:
    representative = report.segment(cluster.representative)
    size, lowest = len(cluster.members), cluster.lowest_score
    lines = [
        "",
        f"{cluster.id}  {cluster.kind.value}  {size} members  lowest score {lowest:.3f}",
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
