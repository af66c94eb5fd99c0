"""Write: a report -> a file, atomically, so a reader never sees half a report."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

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
    with open_atomically(path) as out:
        out.write(text)


@contextmanager
def open_atomically(path: Path) -> Iterator[IO[str]]:
    r"""Open a UTF-8 text stream ("\n" newlines) whose content replaces `path` on success.

    The writer streams into a temporary file beside `path`, which is flushed, synced and
    renamed over `path` when the block ends; on any error (Ctrl-C, SIGTERM included) it is
    removed and `path` keeps its old content. A path that exists but is not a regular file is
    written in place, as in `write_atomically`.
    """
    with open_binary_atomically(path) as raw, _text(raw) as out:
        yield out
        out.flush()


@contextmanager
def open_binary_atomically(path: Path) -> Iterator[IO[bytes]]:
    """Open a binary stream whose content replaces `path` on success (see `open_atomically`)."""
    if path.exists() and not path.is_file():
        with path.open("wb") as out:
            yield out
        return
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as out:
            yield out
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


@contextmanager
def _text(raw: IO[bytes]) -> Iterator[IO[str]]:
    """Wrap a binary stream as UTF-8 text without closing it when done."""
    wrapper = io.TextIOWrapper(
        raw, encoding="utf-8", errors=ERRORS, newline="\n", write_through=False
    )
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()
