"""Memory: a process's own peak resident set size.

`getrusage(...).ru_maxrss` is not the process's own on Linux: it survives `execve`, so a
child started by a big parent (`subprocess` forks the parent first) reports the parent's
peak if that was larger. The kernel's per-address-space high-water mark, `VmHWM` in
`/proc/self/status`, starts afresh at `execve`: it is the figure every row uses.
"""

from __future__ import annotations

import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")


MIB = 1 << 20
"""Bytes in a MiB: `peak_rss_mb` is in MiB (VmHWM is in KiB), input sizes are in MB."""


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MiB (VmHWM; ru_maxrss off Linux)."""
    if _STATUS.exists():
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux units: KiB


def readers_peak_rss_mb() -> float:
    """Return the largest peak RSS of this process's finished children, in MiB (0 if none).

    The CLI's split reading forks its readers (`cli/split.py`); a forked child's RSS counts
    the pages it shares with its parent too, so this is an upper bound of its own memory.
    """
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
