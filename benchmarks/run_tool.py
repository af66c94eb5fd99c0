"""Run one tool on one data file in this process and print its timing as JSON.

`python -m benchmarks.run_tool TOOL DATA.jsonl LABELS.npy` loads the texts, times the
tool alone, saves its cluster labels and prints `{"seconds", "peak_rss_mb", "stages"}`.
Each tool runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

import dedupe_news as dn
from benchmarks import tools


def load_texts(path: Path) -> list[str]:
    """Return the `text` of every JSONL line, in order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def main(argv: list[str]) -> int:
    """Run the tool named in argv on the data file; print the measurement."""
    name, data, out = argv
    texts = load_texts(Path(data))
    stages: dict[str, float] = {}
    start = time.perf_counter()
    if name == "dedupe_news":  # the same call as tools.dedupe_news, with stage timings
        labels = np.arange(len(texts), dtype=np.int64)
        for cluster in dn.find_duplicates(texts, on_stage=stages.__setitem__):
            labels[list(cluster.members)] = cluster.members[0]
    else:
        labels = tools.TOOLS[name](texts)
    seconds = time.perf_counter() - start
    np.save(out, labels)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "stages": stages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
