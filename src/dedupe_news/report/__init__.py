"""Report outputs: a run's Report -> the JSON document, a text summary; written atomically."""

from __future__ import annotations

from dedupe_news.report.document import FORMAT_VERSION, schema_path, to_dict, to_json
from dedupe_news.report.summary import to_text
from dedupe_news.report.write import write_atomically

__all__ = ["FORMAT_VERSION", "schema_path", "to_dict", "to_json", "to_text", "write_atomically"]
