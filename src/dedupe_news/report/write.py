"""Write: a report -> a file, atomically, so a reader never sees half a report."""

from __future__ import annotations

import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


def write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside `path`, then rename it over `path`.

    A reader sees the old file or the complete new one, never a half-written one. A path
    that exists but is not a regular file (`/dev/stdout`, a pipe) is written in place: it
    cannot be half-written and must never be replaced by a file.
    """
    with open_atomically(path) as out:
        out.write(text)


@contextmanager
def open_atomically(path: Path) -> Iterator[IO[str]]:
    r"""Open a UTF-8 text stream ("\n" newlines) whose content replaces `path` on success.

    The writer streams into a temporary file beside `path`, which is flushed, synced and
    renamed over `path` when the block ends; on any error (Ctrl-C included) it is removed and
    `path` keeps its old content. A path that exists but is not a regular file is written in
    place, as in `write_atomically`.
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
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file 0600; give the report the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def _text(raw: IO[bytes]) -> Iterator[IO[str]]:
    """Wrap a binary stream as UTF-8 text without closing it when done."""
    wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()
