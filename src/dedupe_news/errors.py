"""Errors: the one exception tree of dedupe_news.

```text
DedupeNewsError              every error this library raises on purpose
├── ConfigError(ValueError)  a Config field or CLI option out of range
├── InputError(ValueError)   a page that cannot be read or parsed, named by "<path>:<line>: "
└── MissingDependencyError(ImportError)  an optional extra (pyarrow, pandas) is not installed
```

Catch `DedupeNewsError` to handle both; a real bug keeps its own type and traceback.
"""

from __future__ import annotations


class DedupeNewsError(Exception):
    """Base of every error dedupe_news raises on purpose."""


class ConfigError(DedupeNewsError, ValueError):
    """A configuration value is out of range or inconsistent."""


class InputError(DedupeNewsError, ValueError):
    """An input page cannot be read or parsed.

    The message starts with `<path>:<line>: ` (line 0 when the whole file is at fault), so
    a user can open the exact place.
    """

    def __init__(self, path: str, line: int, reason: str) -> None:
        """Name the place and the reason."""
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class MissingDependencyError(DedupeNewsError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""
