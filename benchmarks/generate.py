"""Generate: a seeded synthetic news crawl with ground truth, as items, pages and JSONL files.

Two corpora, both streamed (memory does not grow with their size) and fully determined by
their seed and options:

- paragraphs, for the speed and accuracy benchmark: Dutch-like news paragraphs, a share of
  them near-duplicates of a recent original (`Variant` says how each was made), and a share
  of template hard negatives that reuse an original's sentences with other facts. One JSON
  line per item: `{"id", "text", "group", "variant"}`.
- pages, for end-to-end and labelling tests: page dumps in the seed layout, some syndicated
  copies of another page's story, some template stories, all with a rail of teasers from a
  shared pool. One JSON line per page: `{"id", "text", "site", "url", "published", "truth"}`.

Two texts are duplicates exactly when they share a `group`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from benchmarks.pages import page_items
from benchmarks.paragraphs import paragraph_items

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from benchmarks.records import Item, PageItem

DUP_RATE = 0.10
"""Share of paragraph items that are near-duplicates of an earlier original."""
TEMPLATE_RATE = 0.02
"""Share of paragraph items that are template hard negatives (not duplicates)."""
SYNDICATION_RATE = 0.15
"""Share of pages that are syndicated copies of a recent page's story."""
PAGE_TEMPLATE_RATE = 0.05
"""Share of pages that carry a template story: a recent story with other facts."""

Kind = Literal["paragraphs", "pages"]


def generate_paragraphs(
    n: int, *, seed: int = 0, dup_rate: float = DUP_RATE, template_rate: float = TEMPLATE_RATE
) -> Iterator[Item]:
    """Generate `n` paragraph items, streaming, in a fixed order for a given seed.

    Exactly `round(n * dup_rate)` items are near-duplicates and `round(n * template_rate)` are
    templates (fewer only when `n` is tiny: the first item is always an original).

    Args:
        n: Number of items.
        seed: Seed of every random choice.
        dup_rate: Share of near-duplicates, in [0, 1).
        template_rate: Share of template hard negatives, in [0, 1 - dup_rate).

    Raises:
        ValueError: An argument is out of range.
    """
    _check_count("n", n)
    _check_count("seed", seed)
    _check_rates(("dup_rate", dup_rate), ("template_rate", template_rate))
    return paragraph_items(n, seed=seed, dup_rate=dup_rate, template_rate=template_rate)


def generate_pages(
    n_pages: int,
    *,
    seed: int = 0,
    syndication_rate: float = SYNDICATION_RATE,
    template_rate: float = PAGE_TEMPLATE_RATE,
) -> Iterator[PageItem]:
    """Generate `n_pages` pages with their truth, streaming, in publishing order.

    Args:
        n_pages: Number of pages.
        seed: Seed of every random choice.
        syndication_rate: Chance that a page is a syndicated copy of a recent story.
        template_rate: Chance that a page carries a template story (a recent story with
            other facts); the two chances sum to less than 1.

    Raises:
        ValueError: An argument is out of range.
    """
    _check_count("n_pages", n_pages)
    _check_count("seed", seed)
    _check_rates(("syndication_rate", syndication_rate), ("template_rate", template_rate))
    return page_items(
        n_pages, seed=seed, syndication_rate=syndication_rate, template_rate=template_rate
    )


def write_paragraphs(
    path: Path,
    n: int,
    *,
    seed: int = 0,
    dup_rate: float = DUP_RATE,
    template_rate: float = TEMPLATE_RATE,
) -> Path:
    """Write `generate_paragraphs(n, ...)` to a JSONL file, streaming; return its path."""
    items = generate_paragraphs(n, seed=seed, dup_rate=dup_rate, template_rate=template_rate)
    return _write_jsonl(path, (item.to_json() for item in items))


def write_pages(path: Path, n_pages: int, *, seed: int = 0) -> Path:
    """Write `generate_pages(n_pages, seed=seed)` to a JSONL file, streaming; return its path."""
    return _write_jsonl(path, (page.to_json() for page in generate_pages(n_pages, seed=seed)))


def _write_jsonl(path: Path, lines: Iterable[str]) -> Path:
    r"""Write lines to `path` (UTF-8, `\n`) through a temporary file: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            for line in lines:
                out.write(line)
                out.write("\n")
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{name} must be a non-negative integer, got {value!r}"
        raise ValueError(msg)


def _check_rates(*rates: tuple[str, float]) -> None:
    for name, value in rates:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
            msg = f"{name} must be a number in [0, 1), got {value!r}"
            raise ValueError(msg)
    if not math.fsum(value for _, value in rates) < 1:
        names = " + ".join(name for name, _ in rates)
        msg = f"{names} must be below 1, got {math.fsum(v for _, v in rates)!r}"
        raise ValueError(msg)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the `generate` options to a parser (or to a subcommand's parser); return it."""
    parser.add_argument("--kind", choices=("paragraphs", "pages"), required=True)
    parser.add_argument("--size", type=_count, required=True, help="items or pages to make")
    parser.add_argument("--seed", type=_count, default=0, help="seed (default: 0)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    parser.add_argument(
        "--dup-rate",
        type=_rate,
        default=DUP_RATE,
        help=f"paragraphs only: share of near-duplicates (default: {DUP_RATE})",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of `python -m benchmarks generate`."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks generate",
        description="Write a seeded synthetic news crawl with ground truth, as JSONL.",
    )
    return add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Write the corpus that parsed arguments ask for; report it on stderr; return 0."""
    kind: Kind = args.kind
    if kind == "paragraphs":
        path = write_paragraphs(args.out, args.size, seed=args.seed, dup_rate=args.dup_rate)
    else:
        path = write_pages(args.out, args.size, seed=args.seed)
    print(f"wrote {args.size} {kind} (seed {args.seed}) to {path}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run `generate --kind paragraphs|pages --size N --seed S --out FILE`.

    `argv` holds the arguments after the `generate` subcommand (default: `sys.argv[1:]`).
    Returns 0, or 2 (with `error: <message>` on stderr) when the options do not fit together.
    """
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        msg = f"must be a non-negative integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        msg = f"must be a number in [0, 1), got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value
