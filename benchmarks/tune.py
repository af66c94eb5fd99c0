"""Tuning: measure shingle size, LSH threshold and min_score on labelled paragraphs.

`python -m benchmarks tune --size 50000 --seed 1` sweeps the grid below on a generated set
(seed 1: not the benchmark's seed 0) and prints pairwise precision, recall and F1 for every
setting, then the recall per variant kind for the best one. docs/tuning.md records a run.
Signatures, candidates and scores are computed once per (shingle size, threshold); each
min_score only filters them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from benchmarks.compare import dataset
from benchmarks.metrics import accuracy
from dedupe_news import Config
from dedupe_news.records import Match
from dedupe_news.stages.cluster import cluster_texts
from dedupe_news.stages.exact import Distinct, exact_groups
from dedupe_news.stages.facts import fact_text, facts_conflict
from dedupe_news.stages.lsh import candidates
from dedupe_news.stages.signature import sketch
from dedupe_news.stages.tokenize import tokenize
from dedupe_news.stages.verify import scores

SHINGLE_SIZES = (2, 3, 4, 5)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MIN_SCORES = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def _labels(
    distinct: Distinct, matches: list[Match[int]], contained: list[bool]
) -> NDArray[np.int64]:
    labels = np.arange(len(distinct.group_of), dtype=np.int64)
    for cluster in cluster_texts(distinct, matches, contained):
        labels[list(cluster.members)] = cluster.members[0]
    return labels


def sweep(
    texts: list[str], truth: NDArray[np.int64]
) -> list[tuple[Config, float, float, float, NDArray[np.int64]]]:
    """Return (config, precision, recall, F1, labels) for every setting of the grid."""
    tokens = tokenize(texts)
    distinct = exact_groups(texts, tokens)
    known = [fact_text(distinct.original(g)) for g in range(len(distinct))]
    results = []
    for k in SHINGLE_SIZES:
        for threshold in THRESHOLDS:
            config = Config(shingle_size=k, threshold=threshold, min_score=1.0)
            found = sketch(tokens, distinct.firsts, config)
            pairs = candidates(found, config)
            scored = scores(pairs, distinct, found, config)
            score, similarity = scored.score, scored.similarity
            conflict = np.array(
                [facts_conflict(known[a], known[b]) for a, b in pairs.tolist()], dtype=bool
            ).reshape(-1)
            for min_score in MIN_SCORES:
                keep = np.flatnonzero((score >= min_score) & ~conflict)
                matches = [
                    Match(int(pairs[i, 0]), int(pairs[i, 1]), float(score[i]), 0.0) for i in keep
                ]
                contained = [bool(similarity[i] < min_score) for i in keep]
                labels = _labels(distinct, matches, contained)
                a = accuracy(labels, truth)
                chosen = Config(shingle_size=k, threshold=threshold, min_score=min_score)
                results.append((chosen, a.precision, a.recall, a.f1, labels))
                print(
                    f"  k={k} t={threshold} s={min_score}: P {a.precision:.4f} R {a.recall:.4f}",
                    file=sys.stderr,
                )
    return results


def variant_recall(
    labels: NDArray[np.int64], truth: NDArray[np.int64], variants: list[str]
) -> dict[str, float]:
    """Fraction of copies of each variant kind found in their original's cluster."""
    original_of: dict[int, int] = {}
    for i, variant in enumerate(variants):
        if variant == "original":
            original_of[int(truth[i])] = i
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for i, variant in enumerate(variants):
        origin = original_of.get(int(truth[i]))
        if variant in {"original", "template"} or origin is None:
            continue
        total[variant] += 1
        found[variant] += int(labels[i] == labels[origin])
    return {v: found[v] / total[v] for v in sorted(total)}


def main(argv: list[str] | None = None) -> int:
    """Run the sweep and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks tune")
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path: Path = dataset(args.size, args.seed)
    with path.open(encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines]
    texts = [item["text"] for item in items]
    truth = np.unique(np.asarray([item["group"] for item in items]), return_inverse=True)[1]
    results = sweep(texts, truth.astype(np.int64))
    print("| shingle_size | threshold | min_score | precision | recall | F1 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for config, precision, recall, f1, _ in results:
        print(
            f"| {config.shingle_size} | {config.threshold} | {config.min_score} "
            f"| {precision:.4f} | {recall:.4f} | {f1:.4f} |"
        )
    best = max(results, key=lambda r: (r[3], -r[0].shingle_size))
    print(f"\nbest F1: {best[0]}")
    for variant, recall in variant_recall(
        best[4], truth, [item["variant"] for item in items]
    ).items():
        print(f"  {variant}: recall {recall:.3f}")
    return 0
