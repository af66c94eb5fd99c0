"""Config: every tunable of a run, validated once where it enters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from dedupe_news.errors import ConfigError

Scheme = Literal["affine32"]


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one run; immutable, validated in `__post_init__`.

    The defaults were chosen by measurement on labelled cases (docs/tuning.md).

    Attributes:
        shingle_size: Words per shingle (k of the word k-grams).
        num_perm: MinHash permutations: columns of the signature matrix.
        seed: Seed of the MinHash permutations (datasketch's `seed`).
        scheme: MinHash permutation scheme, datasketch's `scheme`.
        threshold: LSH Jaccard threshold: pairs above it are likely candidates.
        min_score: Verification cutoff in [0, 1]: a candidate becomes a match at or above it.
        anchor_words: Words in a head or tail anchor: segments that open or close with the
            same this many words are candidates whatever their Jaccard, which catches
            truncated and extended copies.
        min_containment_words: The shorter text of a pair needs this many words before its
            containment in the longer one counts as a match.
        fold_diacritics: Fold "é" to "e" in normalization (off: Dutch needs its diacritics).
        boilerplate_min_pages: Repeated article text on at least this many unrelated stories
            is template (boilerplate), not a syndicated copy (duplicate).
        article_min_shared: Two pages are copies of one article when this fraction of the
            smaller page's article segments recur on the other.
    """

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    scheme: Scheme = "affine32"
    threshold: float = 0.5
    min_score: float = 0.8
    anchor_words: int = 8
    min_containment_words: int = 8
    fold_diacritics: bool = False
    boilerplate_min_pages: int = 3
    article_min_shared: float = 0.5

    def __post_init__(self) -> None:
        """Reject values no run can use."""
        _check_int("shingle_size", self.shingle_size, 1, 16)
        _check_int("num_perm", self.num_perm, 2, 4096)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        if self.scheme != "affine32":
            msg = f"scheme must be 'affine32', got {self.scheme!r}"
            raise ConfigError(msg)
        _check_fraction("threshold", self.threshold, open_low=True)
        _check_fraction("min_score", self.min_score, open_low=False)
        _check_fraction("article_min_shared", self.article_min_shared, open_low=True)
        _check_int("anchor_words", self.anchor_words, 2, 64)
        _check_int("min_containment_words", self.min_containment_words, 1, 1000)
        _check_int("boilerplate_min_pages", self.boilerplate_min_pages, 2, 1_000_000)
        if not isinstance(self.fold_diacritics, bool):
            msg = f"fold_diacritics must be a bool, got {self.fold_diacritics!r}"
            raise ConfigError(msg)
        bands, _ = self.bands_rows()
        if bands < 2:
            msg = (
                f"threshold and num_perm must allow at least 2 LSH bands, got threshold="
                f"{self.threshold!r} with num_perm={self.num_perm!r}: lower threshold or raise "
                "num_perm"
            )
            raise ConfigError(msg)

    def bands_rows(self) -> tuple[int, int]:
        """Return the LSH (bands, rows) for `threshold` and `num_perm` (`optimal_bands_rows`)."""
        return optimal_bands_rows(self.threshold, self.num_perm)

    def as_dict(self) -> dict[str, object]:
        """Return the fields as a plain dict, in declaration order."""
        return asdict(self)


@lru_cache(maxsize=32)
def optimal_bands_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return the (bands, rows) that datasketch's `MinHashLSH` picks for this threshold.

    For b bands of r rows, texts of Jaccard similarity s become candidates with probability
    `P(s) = 1 - (1 - s**r)**b` (stages/lsh.py). Like datasketch, pick the (b, r) with
    b * r <= num_perm that minimizes the mean of the false-positive area (the integral of P
    over [0, threshold]) and the false-negative area (of 1 - P over [threshold, 1]), the first
    minimum in (b, r) order. The integrals are 64-point Gauss-Legendre sums, exact for
    polynomials up to degree 127 and checked against datasketch's choice in tests/test_config.py;
    computed here so a run never imports datasketch and scipy (0.3 s).

    Examples:
        >>> optimal_bands_rows(0.5, 128)
        (25, 5)
    """
    nodes, weights = np.polynomial.legendre.leggauss(64)
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands, rows = (
        np.array(column, dtype=np.float64)[:, None] for column in zip(*pairs, strict=True)
    )
    below = (nodes + 1.0) * threshold / 2.0
    above = threshold + (nodes + 1.0) * (1.0 - threshold) / 2.0
    false_positive = (1.0 - (1.0 - below**rows) ** bands) @ (weights * threshold / 2.0)
    false_negative = ((1.0 - above**rows) ** bands) @ (weights * (1.0 - threshold) / 2.0)
    return pairs[int(np.argmin(0.5 * false_positive + 0.5 * false_negative))]


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        msg = f"{name} must be an integer in [{low}, {high}], got {value!r}"
        raise ConfigError(msg)


def _check_fraction(name: str, value: object, *, open_low: bool) -> None:
    ok = False
    if isinstance(value, int | float) and not isinstance(value, bool):
        ok = (value > 0.0 if open_low else value >= 0.0) and value <= 1.0
    if not ok:
        bounds = "(0, 1]" if open_low else "[0, 1]"
        msg = f"{name} must be a number in {bounds}, got {value!r}"
        raise ConfigError(msg)


DEFAULT = Config()
