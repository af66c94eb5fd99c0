"""Shared fixtures and hypothesis profiles (`HYPOTHESIS_PROFILE=ci|dev|fuzz`, default `ci`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import dedupe_news as dn
from dedupe_news.demo import seed_folder

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# No deadline in any profile: the first call of a kernel loads it from numba's disk cache,
# a one-off delay that hypothesis would report as a flaky deadline.
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add `--update-golden`: rewrite the golden files instead of comparing with them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/data/golden/* from this run (review the diff as a spec change)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the golden files (`pytest --update-golden`)."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def seed_corpus() -> dn.Corpus:
    """The five bundled seed pages, read as a user would read them."""
    return dn.read_pages(seed_folder())


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    """The hand annotation of the seed pages shipped in the package (data/gold.json)."""
    path = Path(dn.__file__).parent / "data" / "gold.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def deny_listing(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make one folder unlistable (PermissionError from os.scandir), as for another user's."""

    def deny(folder: Path) -> None:
        real_scandir = os.scandir

        def scandir(path: str) -> object:
            if Path(path) == folder:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)

    return deny
