"""CLI outcomes: exit codes, signals, and stdout written whole or not at all."""

from __future__ import annotations

import functools
import os
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from dedupe_news.errors import DedupeNewsError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import FrameType


EXIT_OK = 0
EXIT_SKIPPED = 3
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
EXIT_TERMINATED = 128 + signal.SIGTERM
# Output to stdout is collected first (in memory up to this size, then in a temporary file)
# and written in one go, so an interrupt before the end writes nothing.
_SPOOL_BYTES = 64 * 1024 * 1024


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so cleanup (`write_atomically`'s) runs."""


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def process_outcomes(run: Callable[[Sequence[str] | None], int]) -> Callable[..., int]:
    """Turn signals and a closed stdout into exit codes with one line, never a traceback.

    Ctrl-C anywhere (argument parsing included): `interrupted`, 130. SIGTERM: `terminated`,
    143, after the exception has unwound through every cleanup. A reader closing the pipe
    (`| head`): nothing on stderr, 141 as for a tool killed by SIGPIPE, and stdout pointed at
    /dev/null so the interpreter's last flush cannot fail again (Python's documented recipe).
    Anything else, a bug, keeps its traceback.
    """

    @functools.wraps(run)
    def guarded(argv: Sequence[str] | None = None) -> int:
        with _sigterm_raises():
            try:
                return run(argv)
            except KeyboardInterrupt:
                print("interrupted", file=sys.stderr)
                return EXIT_INTERRUPTED
            except Terminated:
                print("terminated", file=sys.stderr)
                return EXIT_TERMINATED
            except BrokenPipeError:
                _silence_stdout()
                return EXIT_BROKEN_PIPE

    return guarded


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Raise Terminated on SIGTERM while inside (main thread only: elsewhere, as before)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    if sys.stdout is None:
        return
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # a replaced stdout (tests, embedding) has no descriptor
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


@contextmanager
def stdout_bytes() -> Iterator[IO[bytes]]:
    """Collect the output, then write it to stdout in one go when it is complete."""
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        yield spool
        spool.seek(0)
        _write_stdout(spool)


def _write_stdout(data: IO[bytes]) -> None:
    """Write complete output to stdout, unbuffered, naming a failure.

    The output is complete before the first byte goes out, so an interrupt before that writes
    nothing; one cut short by an interrupt while a slow reader drains it is never valid JSON,
    and the exit code says so. A text-only stdout (doctest, an IDE) gets the text decoded.
    """
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        msg = "cannot write the report to stdout: stdout is closed"
        raise DedupeNewsError(msg)
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # a replaced stdout (tests, embedding) has no descriptor
        sys.stdout.write(data.read().decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        while chunk := data.read(1 << 20):
            view = memoryview(chunk)
            while view:
                view = view[os.write(descriptor, view) :]
    except BrokenPipeError:
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        msg = f"cannot write the report to stdout: {reason}"
        raise DedupeNewsError(msg) from error
