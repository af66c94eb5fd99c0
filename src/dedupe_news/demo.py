"""Demo data: the five seed pages (ANP wire copy) shipped inside the package."""

from __future__ import annotations

from pathlib import Path


def seed_folder() -> Path:
    """Return the folder of the bundled seed pages.

    Examples:
        >>> sorted(p.name for p in seed_folder().glob("*.txt"))[0]
        '000_06e2ff613e5638d5.txt'
    """
    return Path(__file__).parent / "data" / "seeds"
