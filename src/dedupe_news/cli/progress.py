"""CLI progress and logging: tqdm bars on a terminal, the library's logs on stderr."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from dedupe_news.records import Skipped

if TYPE_CHECKING:
    from tqdm import tqdm

    from dedupe_news.records import Page

_FALLBACK_COLUMNS = 80
_FALLBACK_ROWS = 24


def configure_logging(verbosity: int) -> None:
    """Send the library's logs to stderr: warnings, or info with -v, debug with -vv."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    logger = logging.getLogger("dedupe_news")
    for handler in [h for h in logger.handlers if isinstance(h, _CliHandler)]:
        logger.removeHandler(handler)
    handler = _CliHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]  # of a text stream
    """The CLI's log handler, replaced (not added twice) when `main` runs again."""


def _has_width() -> bool:
    """Whether stderr's terminal reports a width (a bare pseudo-terminal reports 0)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        return False


class Progress:
    """Progress on stderr, one tqdm bar per phase: read, each stage, write.

    A bar shows the phase's items (bytes while reading), its rate and, while it runs, its
    ETA; stages report their counts before they start (`dedupe`'s `on_start`).
    """

    def __init__(self) -> None:
        """Start with no bar: `start` opens one per phase."""
        self._bar: tqdm[NoReturn] | None = None
        self._pages = self._skipped = 0

    def start(self, phase: str, total: int | None, *, unit: str = "it") -> None:
        """Close the previous phase's bar and open this one's."""
        from tqdm import tqdm  # noqa: PLC0415 - only when drawing: keeps --help fast

        self.close()
        self._bar = tqdm(
            total=total,
            desc=f"{phase:<10}",
            unit=unit,
            unit_scale=unit == "B",
            file=sys.stderr,
            # A terminal that reports no size (0 x 0) gets 80 x 24: tqdm draws nothing in 0 rows.
            dynamic_ncols=_has_width(),
            ncols=None if _has_width() else _FALLBACK_COLUMNS,
            nrows=None if _has_width() else _FALLBACK_ROWS,
            leave=True,
        )

    def read(self, item: Page | Skipped) -> None:
        """Count one page's bytes (of its text) or one skipped input, as it is read."""
        if self._bar is None:
            return
        if isinstance(item, Skipped):
            self._skipped += 1
        else:
            self._pages += 1
            self._bar.update(len(item.text.encode("utf-8", "replace")))
        self._bar.set_postfix_str(f"{self._pages} pages, {self._skipped} skipped", refresh=False)

    def done(self, _stage: str, _seconds: float) -> None:
        """End a stage's bar at its total (`dedupe`'s `on_stage`)."""
        self.finish()

    def finish(self) -> None:
        """Fill the current bar and close it."""
        if self._bar is not None and self._bar.total is not None:
            self._bar.update(self._bar.total - self._bar.n)
        self.close()

    def close(self) -> None:
        """Close the current bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
