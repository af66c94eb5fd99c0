"""Run one tool on one data file in this process and print its measurement as one JSON line.

`python -m benchmarks.run_tool TOOL DATA.jsonl LABELS.npy` loads the texts, times the tool
alone (texts in, cluster labels out), saves the labels and prints `{"seconds", "stages",
"loaded_rss_mb", "peak_rss_mb", "imports_dedupe_news"}`. Each tool runs in a fresh process,
so its peak memory is its own; only the dedupe_news row imports dedupe_news, and
`imports_dedupe_news` proves it for every row.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.memory import peak_rss_mb

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from benchmarks.tools import Stages, Tool


WARM_UP = (
    "De trein naar Moskou vertrok maandag om negen uur met 300 reizigers aan boord, meldt RIA.",
    "De trein naar Moskou vertrok maandag om negen uur met 310 reizigers aan boord, meldt RIA.",
    "De trein naar Moskou vertrok maandag om negen uur met 300 reizigers aan boord.",
    "Iets heel anders over het weer in Utrecht.",
)
"""The untimed first run of every tool: near copies (a number changed, a sentence cut) and
another text, so every stage runs once. A single text left 8 of dedupe_news's cached kernels
(the veto's) to load inside the timed run, 0.04 s at 100k paragraphs."""


def load_texts(path: Path) -> list[str]:
    """Return the `text` of every JSONL line, in order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def dedupe_news(texts: Sequence[str], stages: Stages) -> NDArray[np.int64]:
    """Run `find_duplicates(texts)` with its defaults; record its stage times."""
    library: Any = importlib.import_module("dedupe_news")  # only this row imports it
    labels = np.arange(len(texts), dtype=np.int64)
    for cluster in library.find_duplicates(texts, on_stage=stages.__setitem__):
        labels[list(cluster.members)] = cluster.members[0]
    return labels


def main(argv: list[str]) -> int:
    """Run the tool named in argv on the data file; print the measurement."""
    name, data, out = argv
    texts = load_texts(Path(data))
    loaded = peak_rss_mb()
    run: Tool
    if name == "dedupe_news":
        run = dedupe_news
    else:
        from benchmarks.tools import PEERS  # noqa: PLC0415 - after the texts: RSS baseline

        run = PEERS[name]
    # Not timed, for every tool alike: imports, numba's cached kernels, one-off set-up.
    run(list(WARM_UP), {})
    stages: Stages = {}
    start = time.perf_counter()
    labels = run(texts, stages)
    seconds = time.perf_counter() - start
    np.save(out, labels)
    measurement = {
        "seconds": seconds,
        "stages": stages,
        "loaded_rss_mb": loaded,
        "peak_rss_mb": peak_rss_mb(),
        "imports_dedupe_news": "dedupe_news" in sys.modules,
    }
    print(json.dumps(measurement))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
