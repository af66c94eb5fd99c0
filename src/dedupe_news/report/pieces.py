"""Pieces: what the bulk writers (JSON pages, JSONL and CSV rows) spell alike.

Each of them writes a chunk of segments as a flat array of pieces, `stride` pieces a segment,
interleaved by slice assignment and joined once (`report.pages`, `rows_json`, `rows_csv`).
Two parts are the same in all three: a segment's line, role and label, spelled once per
distinct triple (`segment_kinds`), and its four dateline fields, put in from the dated
segments alone (`put_dated`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe_news.records import Label
from dedupe_news.records.segments import ROLES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from numpy.typing import NDArray

    from dedupe_news.records import Report, Segments

_LABELS = tuple(Label)
_LABEL_CODES = {label: code for code, label in enumerate(_LABELS)}


def segment_kinds(report: Report) -> tuple[list[tuple[int, str, str]], NDArray[np.intp]]:
    """Return the distinct (line, role, label) of the segments, and each segment's among them.

    Examples:
        >>> from dedupe_news import dedupe, read_pages
        >>> from dedupe_news.demo import seed_folder
        >>> kinds, kind = segment_kinds(dedupe(read_pages(seed_folder())))
        >>> kinds[kind[0]]
        (1, 'title', 'unique')
    """
    columns = report.columns
    labels = np.fromiter(map(_LABEL_CODES.__getitem__, report.labels), np.intp, len(columns))
    keys = (columns.lines.astype(np.intp) * len(ROLES) + columns.roles) * len(_LABELS) + labels
    distinct, kind = np.unique(keys, return_inverse=True)
    lines, codes = np.divmod(distinct, len(ROLES) * len(_LABELS))
    roles, labels = np.divmod(codes, len(_LABELS))
    kinds = [
        (line, ROLES[role].value, _LABELS[label].value)
        for line, role, label in zip(lines.tolist(), roles.tolist(), labels.tolist(), strict=True)
    ]
    return kinds, kind.reshape(-1)


def put_dated(  # noqa: PLR0913 - the pieces, where they start, and what to put
    pieces: NDArray[np.object_],
    columns: Segments,
    spelled: Sequence[Mapping[Any, object]],
    start: int,
    stop: int,
    *,
    stride: int,
    first: int,
) -> None:
    """Put segments start..stop's `place`, `agencies`, `age` and `age_minutes` in their pieces.

    `spelled` holds, per field, each value's piece and None's (a segment without a
    dateline); segment k's fields go to pieces[(k - start) * stride + first + f].
    """
    low, high = columns.dated.searchsorted([start, stop]).tolist()
    at = (columns.dated[low:high] - start) * stride
    fields = (columns.places, columns.agencies, columns.ages, columns.age_minutes)
    for number, (field, values) in enumerate(zip(spelled, fields, strict=True), first):
        pieces[number::stride] = field[None]  # the field of a segment without a dateline
        pieces[at + number] = list(map(field.__getitem__, values[low:high]))
