"""Headless Chromium, offline: a report's DOM after its script ran, and screenshots.

Used by tests/test_report_html.py and `python -m benchmarks screenshot`. Chromium runs with
networking off, in a throwaway profile, with a virtual time budget so the script has run
before the DOM is dumped.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "chromium"
_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--virtual-time-budget=5000",
)


def chromium() -> str | None:
    """Return the Chromium executable, or None when it is not installed."""
    return shutil.which(CHROMIUM)


def _run(url: str, *flags: str) -> str:
    executable = chromium()
    if executable is None:
        msg = f"{CHROMIUM} must be installed (apt-get install -y chromium), got none on PATH"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [executable, *_FLAGS, f"--user-data-dir={profile}", *flags, url],
            capture_output=True,
            check=True,
            text=True,
            # A page that opens an alert() never finishes loading in headless Chromium: the
            # timeout turns a dialog into a failure rather than a hang.
            timeout=30,
        )
    return done.stdout


def dump_dom(path: Path, fragment: str = "") -> str:
    """Return the DOM of an HTML file (opened at `#fragment`) after its script ran."""
    return _run(path.resolve().as_uri() + fragment, "--dump-dom")


def screenshot(path: Path, image: Path, fragment: str = "", size: str = "1280,900") -> Path:
    """Save a PNG of an HTML file (opened at `#fragment`) and return its path."""
    _run(
        path.resolve().as_uri() + fragment,
        f"--screenshot={image.resolve()}",
        f"--window-size={size}",
    )
    return image
