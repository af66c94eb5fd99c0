"""HTML overview: a run's Report -> the counts, shares, largest clusters and histograms.

Written as static HTML (inline SVG for the histograms) so the overview shows before the
script has read any page data. Every text from pages passes through `html.escape`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import TYPE_CHECKING

from dedupe_news.records import Label, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dedupe_news.records import Report

TOP_ROWS = 25
"""Rows shown in each overview table: the largest sites, agencies and clusters."""

_PREVIEW_CHARS = 90
_SIZE_BINS = ((2, 2), (3, 3), (4, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None))
_SCORE_BINS = 10  # equal bins over [min_score, 1]
_NO_SITE = "(no site)"


def overview(report: Report) -> str:
    """Return the overview section: counts, shares per site and agency, clusters, histograms."""
    labels = Counter(report.labels)
    kinds = Counter(cluster.kind.value for cluster in report.clusters)
    counts = [
        ("pages", len(report.pages)),
        ("segments", len(report.segments)),
        *((f"{label.value} segments", labels[label]) for label in Label),
        ("clusters", len(report.clusters)),
        *((f"{kind} clusters", kinds[kind]) for kind in sorted(kinds)),
        ("teaser links", len(report.links)),
        ("skipped inputs", len(report.skipped)),
    ]
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{v:,}</dd></div>" for k, v in counts)
    return (
        '<section id="overview" aria-labelledby="overview-title">\n'
        '<h1 id="overview-title">Overview</h1>\n'
        f'<dl class="counts">{items}</dl>\n'
        + _shares("Per site", "site", _per_site(report))
        + _shares("Per agency credit", "agency", _per_agency(report))
        + _largest(report)
        + '<div class="charts">'
        + _histogram("Cluster sizes", "members", _sizes(report))
        + _histogram("Match scores", "score", _scores(report))
        + "</div>\n</section>\n"
    )


def _per_site(report: Report) -> dict[str, Counter[Label]]:
    site = {page.id: page.site or _NO_SITE for page in report.pages}
    groups: dict[str, Counter[Label]] = defaultdict(Counter)
    for segment, label in zip(report.segments, report.labels, strict=True):
        groups[site[segment.page_id]][label] += 1
    return groups


def _per_agency(report: Report) -> dict[str, Counter[Label]]:
    """Count labels over the segments of the pages whose own dateline credits each agency.

    A teaser's credit belongs to the article it points to, so only titles, ledes and
    paragraphs credit their page.
    """
    credited: dict[str, set[str]] = defaultdict(set)
    for segment in report.segments:
        if segment.role is not Role.TEASER:
            credited[segment.page_id].update(segment.agencies)
    groups: dict[str, Counter[Label]] = defaultdict(Counter)
    for segment, label in zip(report.segments, report.labels, strict=True):
        for agency in credited.get(segment.page_id, ()):
            groups[agency][label] += 1
    return groups


def _shares(title: str, column: str, groups: dict[str, Counter[Label]]) -> str:
    rows = sorted(groups.items(), key=lambda item: (-item[1].total(), item[0]))
    if not rows:
        return f"<h2>{escape(title)}</h2>\n<p>No {escape(column)} credits in this run.</p>\n"
    body = "".join(
        f"<tr><th scope=row>{escape(name)}</th><td>{counts.total():,}</td>"
        + "".join(_share(counts[label], counts.total(), label) for label in Label)
        + "</tr>"
        for name, counts in rows[:TOP_ROWS]
    )
    heads = "".join(f"<th scope=col>{label.value}</th>" for label in Label)
    more = _more(len(rows), column)
    return (
        f"<h2>{escape(title)}</h2>\n<table class=shares><thead><tr><th scope=col>{column}</th>"
        f"<th scope=col>segments</th>{heads}</tr></thead><tbody>{body}</tbody></table>{more}\n"
    )


def _share(part: int, whole: int, label: Label) -> str:
    percent = 100 * part / whole if whole else 0.0
    bar = f'<span class="bar {label.value}" style="width:{percent:.0f}%"></span>'
    return f"<td><span class=num>{percent:.1f}%</span>{bar}</td>"


def _more(total: int, what: str) -> str:
    return f"<p class=note>{TOP_ROWS} of {total:,} shown ({what}).</p>" if total > TOP_ROWS else ""


def _largest(report: Report) -> str:
    order = sorted(report.clusters, key=lambda c: (-len(c.members), c.id))[:TOP_ROWS]
    if not order:
        return "<h2>Largest clusters</h2>\n<p>No repeated text in this run.</p>\n"
    rows = "".join(
        f'<tr><td><a href="#/cluster/{escape(c.id)}">{escape(c.id)}</a></td>'
        f"<td>{c.kind.value}</td><td>{len(c.members):,}</td>"
        f"<td>{report.label_of(c.representative).value}</td>"
        f"<td>{escape(_preview(report.segment(c.representative).text))}</td></tr>"
        for c in order
    )
    return (
        "<h2>Largest clusters</h2>\n<table class=clusters><thead><tr><th scope=col>cluster</th>"
        "<th scope=col>kind</th><th scope=col>members</th><th scope=col>label</th>"
        f"<th scope=col>representative text</th></tr></thead><tbody>{rows}</tbody></table>"
        f"{_more(len(report.clusters), 'clusters')}\n"
    )


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"


def _sizes(report: Report) -> list[tuple[str, int]]:
    sizes = [len(cluster.members) for cluster in report.clusters]
    return [(_bin_name(low, high), _count(sizes, low, high)) for low, high in _SIZE_BINS]


def _bin_name(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def _count(values: Iterable[int], low: int, high: int | None) -> int:
    return sum(1 for v in values if v >= low and (high is None or v <= high))


def _scores(report: Report) -> list[tuple[str, int]]:
    low = report.config.min_score
    width = (1.0 - low) / _SCORE_BINS
    bins = [0] * _SCORE_BINS
    for cluster in report.clusters:
        for match in cluster.matches:
            bins[min(_SCORE_BINS - 1, max(0, int((match.score - low) / width)))] += 1
    return [(f"{low + i * width:.2f}", count) for i, count in enumerate(bins)]


def _histogram(title: str, unit: str, bins: Sequence[tuple[str, int]]) -> str:
    """Return a bar chart as inline SVG, with each count also written as text."""
    width, height, bar = 360, 150, 360 // len(bins)
    top = max((count for _, count in bins), default=0) or 1
    bars = []
    for i, (name, count) in enumerate(bins):
        tall = round((height - 40) * count / top)
        x, y = i * bar, height - 20 - tall
        bars.append(
            f"<g><title>{escape(unit)} {escape(name)}: {count:,}</title>"
            f'<rect x="{x + 2}" y="{y}" width="{bar - 4}" height="{tall}"></rect>'
            f'<text x="{x + bar // 2}" y="{y - 4}">{count:,}</text>'
            f'<text x="{x + bar // 2}" y="{height - 6}">{escape(name)}</text></g>'
        )
    empty = "" if any(count for _, count in bins) else "<p class=note>None in this run.</p>"
    return (
        f"<figure><figcaption>{escape(title)}</figcaption>{empty}"
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">{"".join(bars)}</svg></figure>'
    )
