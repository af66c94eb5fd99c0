"""Accuracy of a clustering against ground-truth groups: pairwise precision/recall/F1, ARI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Pairwise scores: a pair is positive when both items are in one cluster (or group)."""

    precision: float
    recall: float
    f1: float
    ari: float


def _pairs(counts: NDArray[np.int64]) -> float:
    return float((counts * (counts - 1) // 2).sum())


def accuracy(predicted: NDArray[np.int64], truth: NDArray[np.int64]) -> Accuracy:
    """Score predicted cluster labels against true group labels (one label per item).

    Singletons carry labels of their own; only equality of labels matters.

    Examples:
        >>> a = accuracy(np.array([0, 0, 1, 2]), np.array([5, 5, 5, 6]))
        >>> round(a.precision, 3), round(a.recall, 3), round(a.f1, 3)
        (1.0, 0.333, 0.5)
    """
    _, predicted = np.unique(predicted, return_inverse=True)
    _, truth = np.unique(truth, return_inverse=True)
    joint = predicted.astype(np.int64) * (int(truth.max()) + 1) + truth
    both = _pairs(np.unique(joint, return_counts=True)[1])
    said = _pairs(np.bincount(predicted))
    true = _pairs(np.bincount(truth))
    precision = both / said if said else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = len(predicted) * (len(predicted) - 1) / 2
    expected = said * true / total if total else 0.0
    ceiling = (said + true) / 2
    ari = (both - expected) / (ceiling - expected) if ceiling != expected else 1.0
    return Accuracy(precision, recall, f1, ari)
