"""Write: a report's text -> a file, atomically, so a reader never sees half a report."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

# Lone surrogates (a str can hold them, UTF-8 cannot) are written as `\uXXXX`: in a JSON
# string that is the escape json.loads reads back to the same code point.
ERRORS = "backslashreplace"


def write_atomically(path: Path, text: str) -> None:
    r"""Write text to a temporary file beside `path`, then rename it over `path`.

    A reader sees the old file or the complete new one, never a half-written one. A path
    that exists but is not a regular file (`/dev/stdout`, a pipe) is written in place: it
    cannot be half-written and must never be replaced by a file. A file replaced keeps its
    permission bits (a 0600 report stays 0600); a new one gets what a plain open() would.
    The text is UTF-8; a lone surrogate, which UTF-8 cannot hold, is written as its
    `\uXXXX` escape, so a JSON report stays valid and reads back to the same string.
    """
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8", errors=ERRORS, newline="\n") as out:
            out.write(text)
        return
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", errors=ERRORS, newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits of the file being replaced, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        # mkstemp creates the file 0600; a new report gets the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
