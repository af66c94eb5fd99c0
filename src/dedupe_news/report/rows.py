"""Rows: a run's Report -> flat rows, one per segment and one per cluster (docs/output.md).

The tabular formats (JSONL, CSV, Parquet, pandas) all write these rows, so they hold the same
columns in the same order; only how a list is spelled differs per format.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

import orjson

from dedupe_news.records import Label

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dedupe_news.records import Cluster, Report, Segment, SegmentId

SEGMENT_COLUMNS = (
    "page_id",
    "segment_id",
    "line",
    "role",
    "label",
    "cluster",
    "text",
    "place",
    "agencies",
    "age",
    "age_minutes",
    "url",
    "site",
    "published",
    "article_cluster",
)
"""Columns of a segment row, in order (docs/output.md)."""

CLUSTER_COLUMNS = (
    "cluster",
    "key",
    "kind",
    "size",
    "representative",
    "lowest_score",
    "members",
    "matches",
)
"""Columns of a cluster row, in order (docs/output.md)."""

MATCH_FIELDS = ("a", "b", "score", "jaccard")
"""Fields of each entry of a cluster row's `matches`."""


def segment_rows(report: Report) -> Iterator[dict[str, object]]:
    """Yield one row per segment, page by page in line order, with its page's metadata.

    `agencies` is a list here; CSV joins it with "/".

    Examples:
        >>> import dedupe_news as dn
        >>> from dedupe_news.demo import seed_folder
        >>> row = next(segment_rows(dn.dedupe(dn.read_pages(seed_folder()))))
        >>> row["segment_id"], row["role"], row["label"]
        ('000_06e2ff613e5638d5:1', 'title', 'unique')
    """
    columns = segment_table(report)
    for (
        page_id,
        segment_id,
        line,
        role,
        label,
        cluster,
        text,
        place,
        agencies,
        age,
        age_minutes,
        url,
        site,
        published,
        article_cluster,
    ) in zip(*(columns[name] for name in SEGMENT_COLUMNS), strict=True):
        yield {
            "page_id": page_id,
            "segment_id": segment_id,
            "line": line,
            "role": role,
            "label": label,
            "cluster": cluster,
            "text": text,
            "place": place,
            "agencies": list(cast("tuple[str, ...]", agencies)),
            "age": age,
            "age_minutes": age_minutes,
            "url": url,
            "site": site,
            "published": published,
            "article_cluster": article_cluster,
        }


def segment_fields(segment: Segment, label: Label, cluster: str | None) -> dict[str, object]:
    """Return a segment's own fields, as the JSON report writes them (`id` first).

    Examples:
        >>> from dedupe_news.records import Label, Role, Segment
        >>> segment_fields(Segment("p", 2, Role.LEDE, "Nieuws.", "PARIJS", ("ANP",)),
        ...     Label.UNIQUE, None)["agencies"]
        ['ANP']
    """
    return {
        "id": f"{segment.page_id}:{segment.line}",  # Segment.id, without a call
        "line": segment.line,
        "role": str(segment.role),  # a StrEnum's str is its value, without a descriptor
        "label": str(label),
        "cluster": cluster,
        "text": segment.text,
        "place": segment.place,
        "agencies": list(segment.agencies),
        "age": segment.age,
        "age_minutes": segment.age_minutes,
    }


def segment_columns(report: Report) -> dict[str, list[object]]:
    """Return the segment rows column by column: the same values as `segment_rows`."""
    columns = segment_table(report)
    columns["agencies"] = [list(agencies) for agencies in columns["agencies"]]  # type: ignore[call-overload]  # tuples of str
    return columns


def segment_table(report: Report) -> dict[str, list[object]]:
    """Return the segment rows column by column, `agencies` as the segments' own tuples.

    Every writer starts here (or at `segment_table_columns`). Built column by column from
    the report's aligned tuples, with no container per segment: a list or dict per segment
    that lives until the table is done wakes the cyclic garbage collector again and again
    over the whole report (0.8 s for the agencies lists alone on 300k segments), and a row
    dict per segment costs more still.
    """
    return dict(segment_table_columns(report))


def segment_table_columns(report: Report) -> Iterator[tuple[str, list[object]]]:
    """Yield `segment_table`'s columns one at a time, named, in `SEGMENT_COLUMNS` order.

    Each column is made when it is asked for: a writer that converts each one before taking
    the next holds one column of Python objects at a time, not fifteen.

    Examples:
        >>> import dedupe_news as dn
        >>> from dedupe_news.demo import seed_folder
        >>> names = [n for n, _ in segment_table_columns(dn.dedupe(dn.read_pages(seed_folder())))]
        >>> tuple(names) == SEGMENT_COLUMNS
        True
    """
    segments = report.columns
    owner = segments.page_index(report.pages).tolist()

    def of_page(values: list[object]) -> list[object]:
        return [values[index] for index in owner]

    yield "page_id", cast("list[object]", segments.page_id_column())
    yield "segment_id", cast("list[object]", segments.ids())
    yield "line", segments.lines.tolist()
    yield "role", cast("list[object]", segments.role_column())
    yield "label", label_column(report)
    yield "cluster", list(report.segment_clusters)
    yield "text", list(segments.texts)
    yield "place", segments.sparse(segments.places, None)
    yield "agencies", segments.sparse(segments.agencies, ())
    yield "age", segments.sparse(segments.ages, None)
    yield "age_minutes", segments.sparse(segments.age_minutes, None)
    yield "url", of_page([page.url for page in report.pages])
    yield "site", of_page([page.site for page in report.pages])
    yield "published", of_page([page.published for page in report.pages])
    yield "article_cluster", of_page(list(report.article_clusters))


def label_column(report: Report) -> list[object]:
    """Return each segment's label as its output string (`Label.value`)."""
    return list(map(_LABEL_VALUES.__getitem__, report.labels))


_LABEL_VALUES = {label: label.value for label in Label}  # no enum descriptor per segment


def cluster_rows(report: Report) -> Iterator[dict[str, object]]:
    """Yield one row per cluster, in the report's order, with its members and matches."""
    for cluster in report.clusters:
        yield cluster_row(cluster)


def cluster_row(cluster: Cluster[SegmentId]) -> dict[str, object]:
    """Return the row of one cluster: `members` a list of ids, `matches` a list of dicts."""
    return {
        "cluster": cluster.id,
        "key": cluster.key,
        "kind": cluster.kind.value,
        "size": len(cluster.members),
        "representative": cluster.representative,
        "lowest_score": cluster.lowest_score,
        "members": list(cluster.members),
        "matches": [
            {"a": m.a, "b": m.b, "score": m.score, "jaccard": m.jaccard} for m in cluster.matches
        ],
    }


def json_line(row: dict[str, str | None] | dict[str, object]) -> bytes:
    r"""Return a row as one line of compact UTF-8 JSON, keys in order, ending in a newline.

    Examples:
        >>> json_line({"id": "a", "text": "é"})
        b'{"id":"a","text":"\xc3\xa9"}\n'
    """
    try:
        return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        # Not valid UTF-8 (a lone surrogate): the standard library names the character.
        return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
