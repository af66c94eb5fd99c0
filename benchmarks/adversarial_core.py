"""Adversarial inputs for verification and candidates (issue 9): time one case in this process.

`python -m benchmarks adversarial-core CASE SIZE` builds the texts, runs `find_duplicates` and
prints the wall time, the clusters found and the lowest score; run it under
`/usr/bin/time -f "%e s %M KB"` for the peak RSS. Cases:

- `teasers N`: N template teasers `... vielen {k} doden ...`, each a different item;
- `opening N`: N paragraphs of 40 random words sharing a 10-word opening;
- `signoff KB`: two one-paragraph records of KB kilobytes sharing only a sign-off;
- `long218 1`: two 218 KB texts sharing only their first 22 KB.
"""

from __future__ import annotations

import argparse
import random
import time

import dedupe_news as dn

OPENING = "Het kabinet heeft dinsdag bekendgemaakt dat het plan voor de"
SIGN_OFF = "Heeft u een tip? Mail de redactie via tips."


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(5000)]


def texts_of(case: str, size: int) -> list[str]:
    """Return the texts of a case (seeded)."""
    rng = random.Random(1)
    vocabulary = _vocabulary(rng)

    def words(count: int) -> str:
        return " ".join(rng.choices(vocabulary, k=count))

    if case == "teasers":
        line = "Bij een aanval in het noorden van het land vielen {} doden, meldt de politie."
        return [line.format(k) for k in range(size)]
    if case == "opening":
        return [f"{OPENING} {words(40)}." for _ in range(size)]
    if case == "signoff":
        return [f"{words(size * 1024 // 7)} {SIGN_OFF}" for _ in range(2)]
    head = words(22 * 1024 // 7)
    return [f"{head} {words(196 * 1024 // 7)}" for _ in range(2)]


def main(argv: list[str] | None = None) -> int:
    """Run one case and print its line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks adversarial")
    parser.add_argument("case", choices=("teasers", "opening", "signoff", "long218"))
    parser.add_argument("size", type=int)
    args = parser.parse_args(argv)
    texts = texts_of(args.case, args.size)
    start = time.perf_counter()
    found = dn.find_duplicates(texts)
    seconds = time.perf_counter() - start
    lowest = min((c.lowest_score for c in found), default=None)
    print(f"{args.case} {args.size}: {seconds:.2f} s, {len(found)} clusters, lowest {lowest}")
    return 0
