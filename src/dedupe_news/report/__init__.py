"""Report outputs: a run's Report -> JSON, JSONL, CSV, Parquet, text, HTML, the export corpus."""

from __future__ import annotations

from dedupe_news.report.arrow import clusters_to_arrow, to_arrow, to_pandas, write_parquet
from dedupe_news.report.corpus import CorpusCounts, corpus_records, write_corpus
from dedupe_news.report.document import FORMAT_VERSION, schema_path, to_dict, to_json, write_json
from dedupe_news.report.html import to_html, write_html
from dedupe_news.report.output import FORMATS, Format, clusters_path, write_report
from dedupe_news.report.rows import CLUSTER_COLUMNS, SEGMENT_COLUMNS, cluster_rows, segment_rows
from dedupe_news.report.summary import to_text, write_text
from dedupe_news.report.tabular import (
    write_clusters_csv,
    write_clusters_jsonl,
    write_csv,
    write_jsonl,
)
from dedupe_news.report.write import open_atomically, open_binary_atomically, write_atomically

__all__ = [
    "CLUSTER_COLUMNS",
    "FORMATS",
    "FORMAT_VERSION",
    "SEGMENT_COLUMNS",
    "CorpusCounts",
    "Format",
    "cluster_rows",
    "clusters_path",
    "clusters_to_arrow",
    "corpus_records",
    "open_atomically",
    "open_binary_atomically",
    "schema_path",
    "segment_rows",
    "to_arrow",
    "to_dict",
    "to_html",
    "to_json",
    "to_pandas",
    "to_text",
    "write_atomically",
    "write_clusters_csv",
    "write_clusters_jsonl",
    "write_corpus",
    "write_csv",
    "write_html",
    "write_json",
    "write_jsonl",
    "write_parquet",
    "write_report",
    "write_text",
]
