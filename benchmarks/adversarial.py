"""Adversarial inputs: the CLI on inputs built to blow up time or memory, each in its own process.

`python -m benchmarks adversarial [--cases teasers,long,opener,page,crawl] [--timeout 300]
[--max-bytes N] [--markdown docs/benchmarks.md]` writes each input as JSONL into a temporary
folder, runs `python -m dedupe_news scan FILE --output OUT --quiet` on it in a fresh process
under a timeout and an address-space cap (`--memory-gb`, 8 by default), and prints one Markdown
row per case: wall time, the child's peak RSS (`getrusage` of that child, from `os.wait4`) and
the outcome (exit code, `timeout`, or the last line of stderr when it failed). With
`--markdown` the table replaces the "Adversarial inputs" section of that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.generate import generate_pages

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

SECTION = "## Adversarial inputs"
TEASER = (
    "PARIJS (ANP) - Bij een ongeluk op de snelweg bij Lyon vielen {i} doden, "
    "meldt de politie zaterdag."
)
SIGN_OFF = "Dit bericht is tot stand gekomen in samenwerking met de redactie van het persbureau."
OPENING = "Het kabinet heeft vandaag in een verklaring laten weten dat"
PAGE_BYTES = 16_000_000  # under the 16 MiB default --max-page-bytes, as in the issue
CRAWL_BYTES = 1 << 30


@dataclass(frozen=True, slots=True)
class Case:
    """One adversarial input: a name, its size in words people use, and its JSONL lines."""

    group: str
    name: str
    lines: Callable[[], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run of the CLI did."""

    seconds: float
    peak_rss_mb: float
    result: str


def _record(page_id: str, text: str) -> str:
    return json.dumps({"id": page_id, "text": text}, ensure_ascii=False)


def _words(rng: random.Random, n: int) -> str:
    """`n` pseudo-words from `rng`: text that shares nothing with other calls but by chance."""
    syllables = ("ka", "ver", "lo", "mi", "den", "sto", "ra", "bel", "tu", "gen", "ne", "pri")
    return " ".join(
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n)
    )


def teasers(n: int) -> Iterator[str]:
    """`n` pages made from one template, differing only in a number (issue 9, item 4)."""
    for i in range(n):
        yield _record(f"t{i:06d}", f"Titel {i}\n{TEASER.format(i=i)}")


def long_pair(kilobytes: int) -> Iterator[str]:
    """Two pages of one long paragraph each that share only a sign-off sentence (item 1)."""
    for side in range(2):
        rng = random.Random(side)
        body = _words(rng, kilobytes * 1024 // 9)[: kilobytes * 1024 - len(SIGN_OFF) - 1]
        yield _record(f"long{side}", f"Titel {side}\nPARIJS (ANP) - {body}. {SIGN_OFF}")


def openers(n: int) -> Iterator[str]:
    """`n` pages of one ordinary paragraph that share a 10-word opening (item 2)."""
    rng = random.Random(0)
    for i in range(n):
        yield _record(f"p{i:06d}", f"Titel {i}\nPARIJS (ANP) - {OPENING} {_words(rng, 40)}.")


def huge_page(limit: int = PAGE_BYTES) -> Iterator[str]:
    """One page just under `limit` bytes: a rail of template teasers (item 5)."""
    lines = ["Titel", "PARIJS (ANP) - Een bericht van vandaag.", "Meer uit Buitenland"]
    size, i = sum(len(line) + 1 for line in lines), 0
    while True:
        line = ("1 uur geleden" if i else "") + TEASER.format(i=i)
        if size + len(line) + 20 > limit:
            break
        lines.append(line)
        size, i = size + len(line) + 1, i + 1
    lines.append("1 uur geleden")
    yield _record("huge", "\n".join(lines))


def crawl(max_bytes: int) -> Iterator[str]:
    """Generated pages (benchmarks.generate) up to `max_bytes` of JSONL (item 7)."""
    size = 0
    for page in generate_pages(10**9, seed=0):
        line = page.to_json()
        size += len(line.encode()) + 1
        if size > max_bytes:
            return
        yield line


def cases(groups: Sequence[str], max_bytes: int) -> list[Case]:
    """The cases of the issue, in the groups asked for."""
    every = [
        *(
            Case("teasers", f"{n:,} template teasers", partial(teasers, n))
            for n in (1_000, 5_000, 20_000, 50_000)
        ),
        *(
            Case("long", f"two {k} KB texts, shared sign-off", partial(long_pair, k))
            for k in (2, 10, 20, 40)
        ),
        *(
            Case("opener", f"{n:,} paragraphs, shared opening", partial(openers, n))
            for n in (1_000, 5_000, 20_000)
        ),
        Case("page", "one 16 MB page of teasers", huge_page),
        Case("crawl", f"{max_bytes / 1e9:.2f} GB JSONL crawl", partial(crawl, max_bytes)),
    ]
    return [case for case in every if case.group in groups]


def measure(path: Path, *, timeout: float, memory_bytes: int) -> Outcome:
    """Run the CLI on `path` in a fresh process; return its time, peak RSS and outcome."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    output = path.with_suffix(".report.json")
    command = [
        sys.executable,
        "-m",
        "dedupe_news",
        "scan",
        str(path),
        "--output",
        str(output),
        "--quiet",
    ]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)  # noqa: S603, PLW1509 - our own command; setrlimit needs preexec
        status, usage = _wait(child.pid, start + timeout)
        seconds = time.perf_counter() - start
        err.seek(0)
        last = (err.read().decode(errors="replace").strip().splitlines() or [""])[-1]
    output.unlink(missing_ok=True)
    if status is None:
        result = f"timeout ({timeout:.0f} s)"
    elif os.waitstatus_to_exitcode(status) == 0:
        result = "ok"
    else:
        result = f"exit {os.waitstatus_to_exitcode(status)}: {last[:60]}"
    return Outcome(seconds, usage.ru_maxrss / 1024, result)


def _wait(pid: int, deadline: float) -> tuple[int | None, resource.struct_rusage]:
    """Wait for `pid` until `deadline`; kill it then. Status None means it timed out."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, _, usage = os.wait4(pid, 0)
            return None, usage
        time.sleep(0.05)


def run(selected: Sequence[Case], *, timeout: float, memory_gb: float) -> list[str]:
    """Write and measure every case; print and return the table's rows."""
    rows = [
        "| input | input MB | wall s | peak RSS MiB | outcome |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    print(*rows, sep="\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="adversarial-") as folder:
        warm = Path(folder) / "warm.jsonl"  # compile or load the kernels' cache once, unmeasured
        warm.write_text(next(teasers(1)) + "\n", encoding="utf-8")
        measure(warm, timeout=timeout, memory_bytes=int(memory_gb * (1 << 30)))
        for index, case in enumerate(selected):
            path = Path(folder) / f"case{index}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for line in case.lines():
                    out.write(line + "\n")
            size = path.stat().st_size
            got = measure(path, timeout=timeout, memory_bytes=int(memory_gb * (1 << 30)))
            path.unlink()
            row = (
                f"| {case.name} | {size / 1e6:,.1f} | {got.seconds:,.1f} "
                f"| {got.peak_rss_mb:,.0f} | {got.result} |"
            )
            rows.append(row)
            print(row, flush=True)
    return rows


def machine() -> str:
    """One line naming this machine: cores, memory, Python and the date."""
    with Path("/proc/meminfo").open(encoding="ascii") as info:
        kib = int(info.readline().split()[1])
    return (
        f"{os.cpu_count()} cores, {kib / (1 << 20):.0f} GiB, Python {platform.python_version()}, "
        f"{platform.machine()}, on {dt.datetime.now(tz=dt.UTC).date().isoformat()}"
    )


def write_section(path: Path, command: str, rows: Sequence[str], note: str) -> None:
    """Replace (or append) the "Adversarial inputs" section of `path` with these rows."""
    text = path.read_text(encoding="utf-8")
    body = "\n".join(
        [
            SECTION,
            "",
            f"Measured on {machine()}:",
            "",
            "```console",
            command,
            "```",
            "",
            *rows,
            "",
            note,
            "",
        ]
    )
    head, found, tail = text.partition(SECTION)
    if found:
        rest = tail.split("\n## ", 1)
        text = head + body + ("\n## " + rest[1] if len(rest) == 2 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")


NOTE = (
    "Each case runs `python -m dedupe_news scan CASE.jsonl --output OUT --quiet` in a fresh "
    "process with an address-space cap (`RLIMIT_AS`); peak RSS is the child's `ru_maxrss`; a "
    "timeout kills the child. Inputs are JSONL, one page per line (benchmarks/adversarial.py)."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the adversarial suite and print (and optionally record) its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks adversarial")
    parser.add_argument("--cases", default="teasers,long,opener,page,crawl", help="groups to run")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per case (300)")
    parser.add_argument("--memory-gb", type=float, default=8.0, help="address-space cap (8)")
    parser.add_argument(
        "--max-bytes", type=int, default=CRAWL_BYTES, help="size of the crawl (1 GiB)"
    )
    parser.add_argument("--markdown", type=Path, help="replace the section in this file")
    args = parser.parse_args(argv)
    selected = cases(args.cases.split(","), args.max_bytes)
    rows = run(selected, timeout=args.timeout, memory_gb=args.memory_gb)
    if args.markdown is not None:
        command = "python -m benchmarks adversarial " + " ".join(argv or sys.argv[2:])
        write_section(args.markdown, command.strip(), rows, NOTE)
    return 0
