"""Summary: a run's Report -> a text for people: counts, clusters, how copies differ, links."""

from __future__ import annotations

import difflib
import io
from collections import Counter
from typing import IO, TYPE_CHECKING

from dedupe_news.records import ClusterKind, Label
from dedupe_news.report.rows import label_column
from dedupe_news.stages.normalize import normalize

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dedupe_news.records import Cluster, Report, SegmentId

_DIFF_WORDS = 12  # words of a near-duplicate diff shown per side
# difflib is quadratic in the words it compares: after the common opening and ending are cut
# (linear), at most this many words per side are diffed, so two near-identical 1 MB texts
# summarize in well under a second (issue 9; docs/benchmarks.md).
_DIFF_MAX_WORDS = 400
_PREVIEW_CHARS = 70


def to_text(report: Report) -> str:
    """Return a human summary: counts, then each cluster with its members and their diffs."""
    buffer = io.BytesIO()
    write_text(report, buffer)
    return buffer.getvalue().decode("utf-8")


def write_text(report: Report, out: IO[bytes]) -> None:
    """Write the text summary as UTF-8 to a binary stream, one cluster at a time."""
    for line in _lines(report):
        out.write(line.encode("utf-8") + b"\n")


def _lines(report: Report) -> Iterator[str]:
    counts = Counter(report.labels)
    labels = ", ".join(f"{label.value} {counts[label]}" for label in Label)
    yield f"{len(report.pages)} pages, {len(report.segments)} segments: {labels}"
    yield f"{len(report.clusters)} clusters"
    members = _Members(report)
    for cluster in report.clusters:
        yield from _cluster_lines(report, members, cluster)
    if report.links:
        yield ""
        yield f"{len(report.links)} links (teaser -> the article it summarises):"
        yield from (
            f"  {link.teaser} -> {link.page}  ({link.target}, score {link.score:.3f})"
            for link in report.links
        )
    if report.skipped:
        yield ""
        yield f"skipped {len(report.skipped)} inputs:"
        yield from (f"  {s.path}: {s.reason}" for s in report.skipped)


class _Members:
    """What a cluster's member line shows, read from the report's columns by position."""

    __slots__ = ("credits", "labels", "roles", "texts")

    def __init__(self, report: Report) -> None:
        columns = report.columns
        self.texts = columns.texts
        self.roles = columns.role_column()
        self.labels = label_column(report)
        self.credits = columns.sparse(
            [
                _credit(place, agencies, age)
                for place, agencies, age in zip(
                    columns.places, columns.agencies, columns.ages, strict=True
                )
            ],
            "",
        )


def _cluster_lines(report: Report, members: _Members, cluster: Cluster[SegmentId]) -> list[str]:
    representative = members.texts[report.position(cluster.representative)]
    size, lowest = len(cluster.members), cluster.lowest_score
    lines = [
        "",
        f"{cluster.id}  {cluster.kind.value}  {size} members  lowest score {lowest:.3f}",
        f"  {_preview(representative)!r}",
    ]
    fold = report.config.fold_diacritics
    # Members of an exact cluster are equal once normalized: nothing to diff.
    base = (
        None
        if cluster.kind is ClusterKind.EXACT
        else normalize(representative, fold_diacritics=fold)
    )
    for member_id in cluster.members:
        at = report.position(member_id)
        line = f"  {member_id}  {members.roles[at]}  {members.labels[at]}{members.credits[at]}"
        if member_id == cluster.representative:
            line += "  (representative)"
        elif base is not None:
            line += _diff(base, normalize(members.texts[at], fold_diacritics=fold))
        lines.append(line)
    return lines


def _credit(place: str | None, agencies: tuple[str, ...], age: str | None) -> str:
    """Return a member's dateline and age as the summary prints them after its label."""
    parts = []
    if place is not None:
        parts.append(f"{place} ({'/'.join(agencies)})")
    if age is not None:
        parts.append(age)
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
    a, b = _differing(base.split(), other.split())
    parts = []
    matcher = difflib.SequenceMatcher(
        None, a[:_DIFF_MAX_WORDS], b[:_DIFF_MAX_WORDS], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in {"delete", "replace"}:
            parts.append(f"- [{_words(a[i1:i2])}]")
        if tag in {"insert", "replace"}:
            parts.append(f"+ [{_words(b[j1:j2])}]")
    more = len(parts) > 4 or max(len(a), len(b)) > _DIFF_MAX_WORDS
    return ("  " + " ".join(parts[:4]) + (" …" if more else "")) if parts else ""


def _differing(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """Cut the words both lists open and end with, in linear time.

    Examples:
        >>> _differing("a b c d".split(), "a x d".split())
        (['b', 'c'], ['x'])
    """
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def _words(words: list[str]) -> str:
    shown = " ".join(words[:_DIFF_WORDS])
    return shown + (" …" if len(words) > _DIFF_WORDS else "")
