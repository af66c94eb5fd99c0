"""Engines: drivers other than the embedded one, calling the same stage functions (Dask).

`require()` checks the `dask` extra before anything here imports it.
"""

from __future__ import annotations

from dedupe_news.errors import MissingDependencyError

EXTRA = "pip install 'dedupe-news[dask]'"
"""The command that installs what the Dask driver needs."""


def require() -> None:
    """Check that the `dask` extra is installed, or raise `MissingDependencyError` saying how.

    Raises:
        MissingDependencyError: dask or distributed cannot be imported.
    """
    try:
        import dask  # noqa: F401, PLC0415 - probing the optional extra is the point
        import distributed  # noqa: F401, PLC0415 - probing the optional extra is the point
    except ImportError as error:
        msg = f"the Dask driver must have the dask extra ({EXTRA}), got {error}"
        raise MissingDependencyError(msg) from error
