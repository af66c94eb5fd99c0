"""Split reading: a JSONL file read by byte ranges in forked processes gives the serial report.

The ranges (`sources.line_starts`, `sources.read_lines`) read what `read_pages` reads; a
cutter extended by another's columns holds what one cutter would; the pipe's data round-trips;
and the CLI, forced to split a small file, writes the report, skipped lines and exit code of
the serial reading (`--threads 1`), also when a child fails.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.cli import split
from dedupe_news.demo import seed_folder
from dedupe_news.pipeline import cut_pages
from dedupe_news.sources import line_starts, plain_jsonl, read_lines
from dedupe_news.stages.segment import Cutter

SEEDS = [page.text for page in dn.read_pages(seed_folder()).pages]
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _crawl(path: Path, *, repeat_across: bool = True) -> Path:
    """Write a JSONL crawl of the seed pages' text with every kind of line the reader skips.

    A byte-order mark, blank lines, CRLF ends, a line that is not JSON, integer ids and a
    missing id, an empty text, and a page id repeated in the first half, and, with
    `repeat_across`, in the second.
    """
    lines = []
    for n in range(60):
        record: dict[str, object] = {"id": f"p{n}", "text": f"{SEEDS[n % 5]}\nRegel {n}."}
        if n % 7 == 3:
            record["id"] = 1000 + n  # an integer id
        if n == 11:
            del record["id"]  # `<stem>:<line>`
        if n == 5 or (n == 41 and repeat_across):
            record["id"] = "p2"  # repeats p2, within the first half and from the second
        if n == 23:
            record["text"] = " "
        lines.append(json.dumps(record, ensure_ascii=n % 2 == 0))
    lines[17] = "{not json"
    lines[30] = ""
    lines[44] += "\r"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n\n")
    return path


@given(
    st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), min_size=1, max_size=30),
    st.lists(st.floats(0, 0.6), max_size=4),
)
def test_line_starts_cut_at_line_ends(lines: list[bytes], shares: list[float]) -> None:
    """Offsets ascend from 0 to the size, each past the first just after a line end."""
    data = b"\n".join(lines) + b"\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.jsonl"
        path.write_bytes(data)
        starts = line_starts(path, shares)
    assert starts[0] == 0
    assert starts[-1] == len(data)
    assert starts == sorted(set(starts))
    assert all(data[at - 1 : at] == b"\n" for at in starts[1:-1])
    assert len(starts) <= len(shares) + 2


def test_ranges_read_what_the_whole_file_reads(tmp_path: Path) -> None:
    """At every line end as the cut, the two ranges read the pages and skips of the file."""
    path = _crawl(tmp_path / "crawl.jsonl")
    whole = dn.read_pages(path, max_page_bytes=6000)
    assert len(whole.skipped) >= 4  # not JSON, empty, and two repeated ids
    assert {type(p.id) for p in whole.pages} == {str}
    data = path.read_bytes()
    cuts = [at + 1 for at, byte in enumerate(data[:-1]) if byte == ord("\n")]
    for cut in cuts[::3]:
        first = read_lines(path, 0, cut, max_page_bytes=6000)
        second = read_lines(path, cut, len(data), max_page_bytes=6000, after=first)
        assert first.pages + second.pages == whole.pages, cut
        assert first.skipped + second.skipped == whole.skipped, cut


def test_only_a_plain_jsonl_file_is_split(tmp_path: Path) -> None:
    """Compressed, HTML, page dumps, folders and UTF-16 are read whole."""
    jsonl = _crawl(tmp_path / "crawl.jsonl")
    dump = tmp_path / "page.txt"
    dump.write_text("Titel\nTekst.\n", encoding="utf-8")
    html = tmp_path / "page.jsonl"
    html.write_text("<!DOCTYPE html><p>x</p>", encoding="utf-8")
    packed = tmp_path / "crawl.jsonl.gz"
    packed.write_bytes(b"\x1f\x8b")
    assert plain_jsonl(jsonl)
    assert not plain_jsonl(jsonl, "utf-16")
    assert not any(map(plain_jsonl, (dump, html, packed, tmp_path, tmp_path / "missing")))


def _parsed(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(["scan", *argv])


@pytest.mark.skipif(CORES < 2, reason="one core: the scan reads serially")
def test_ranges_only_for_one_large_jsonl_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan splits one plain JSONL file of MIN_BYTES or more, on two cores or more."""
    path = str(_crawl(tmp_path / "crawl.jsonl"))
    size = Path(path).stat().st_size
    assert split.ranges(_parsed(path)) is None  # smaller than MIN_BYTES
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    monkeypatch.setattr(split, "_LOAD_BYTES", 0)
    starts = split.ranges(_parsed(path))
    assert starts is not None
    assert starts[0] == 0
    assert starts[-1] == size
    assert len(starts) == min(CORES, split.MAX_PROCESSES) + 1
    for argv in ([path, "--threads", "1"], [path, path], ["-"], [path, "--index", "x.db"]):
        assert split.ranges(_parsed(*argv)) is None, argv


def _cut(pages: tuple[dn.Page, ...]) -> tuple[Cutter, list[dn.Page]]:
    cutter = Cutter()
    return cutter, cut_pages(list(pages), cutter, keep_page_text=False)


def test_a_cutter_extended_by_another_holds_what_one_cutter_cuts() -> None:
    """Cutting two halves apart and joining them gives one cutter's segments, texts shared."""
    pages = dn.read_pages(seed_folder()).pages
    whole, _ = _cut(pages)
    first, _ = _cut(pages[:2])
    second, _ = _cut(pages[2:])
    columns: list[Any] = list(second.columns())
    columns[4] = first.share([(text + ".")[:-1] for text in columns[4]])  # equal, not the same
    first.extend(tuple(columns))  # the columns, their texts shared
    joined = first.segments()
    assert list(joined) == list(whole.segments())
    repeated = [t for t in joined.texts if joined.texts.count(t) > 1]
    assert repeated
    assert len({id(t) for t in joined.texts}) == len(set(joined.texts))


def test_what_a_child_sends_is_what_it_cut(tmp_path: Path) -> None:
    """`send` then `take` gives the range's skipped lines, page fields and columns."""
    path = _crawl(tmp_path / "crawl.jsonl")
    size = path.stat().st_size
    args = _parsed(str(path))
    pipe = io.BytesIO()
    split.send(args, 0, size, pipe)
    pipe.seek(0)
    cutter = Cutter()
    skipped, fields, columns = split.take(pipe, cutter)
    read = dn.read_pages(path)
    direct, kept = _cut(read.pages)
    assert skipped == read.skipped
    assert fields == tuple([getattr(p, name) for p in kept] for name in split.PAGE_FIELDS)
    assert columns == direct.columns()
    truncated = io.BytesIO(pipe.getvalue()[: len(pipe.getvalue()) // 2])
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        split.take(truncated, Cutter())


def test_the_pages_a_child_sends_keep_every_field() -> None:
    """A field added to Page must be sent too: `split.PAGE_FIELDS` names each one."""
    from dataclasses import fields  # noqa: PLC0415 - only here

    assert [f.name for f in fields(dn.Page) if f.name not in {"text", "blocks"}] == list(
        split.PAGE_FIELDS
    )


_SCAN = """
import os, sys
from dedupe_news.cli import main, split
split.MIN_BYTES, split._LOAD_BYTES = 0, 0
{patch}
sys.exit(main(sys.argv[1:]))
"""


def _scan(path: Path, out: Path, patch: str = "", *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a new process with the split reading forced on a small file."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-c",
            _SCAN.format(patch=patch),
            "scan",
            str(path),
            "-o",
            str(out),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)},
    )


def _serial(path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["scan", str(path), "-o", str(out), "--threads", "1", "-f", "json"])
    return code, capsys.readouterr().err


@pytest.mark.skipif(CORES < 2, reason="one core: the scan reads serially")
@pytest.mark.parametrize(
    ("patch", "repeat_across"),
    [
        ("", False),
        ("", True),  # a page id of the first range repeated in the second: read again
        ("split.send = lambda *a: os._exit(3)", False),  # a child that fails
        ("split.send = lambda a, s, e, pipe: pipe.write(b'\\x80\\x05junk')", False),  # bad data
        ("split.send = lambda *a: os.kill(os.getpid(), 9)", False),  # a child killed
    ],
)
def test_a_split_scan_writes_the_serial_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], patch: str, *, repeat_across: bool
) -> None:
    """Same report bytes, skipped lines and exit code; a failed child's range is read again."""
    path = _crawl(tmp_path / "crawl.jsonl", repeat_across=repeat_across)
    code, err = _serial(path, tmp_path / "serial.json", capsys)
    ran = _scan(path, tmp_path / "split.json", patch, "-f", "json", "-v")
    assert (ran.returncode, code) == (3, 3)  # skipped inputs
    assert (tmp_path / "split.json").read_bytes() == (tmp_path / "serial.json").read_bytes()
    skipped = [line for line in ran.stderr.splitlines() if line.startswith("skipped:")]
    assert skipped == err.splitlines()
    assert f"read by {min(CORES, split.MAX_PROCESSES)} processes" in ran.stderr
    assert ("read by the first process" in ran.stderr) == bool(patch or repeat_across)


def _refused() -> int:
    raise OSError(11, "Resource temporarily unavailable")


def _failing_send(how: str) -> Callable[..., None]:
    def send(_args: object, _start: int, _end: int, pipe: IO[bytes]) -> None:
        if how == "exit":
            os._exit(3)
        if how == "junk":
            pipe.write(b"\x80\x05junk")
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)

    return send


# Forked from the pytest process itself, where other threads may run: Python 3.12 warns
# about that; the child runs no thread's code, only reads and cuts (`split.send`).
_FORK_WARNING = "ignore:This process .* is multi-threaded:DeprecationWarning"


@pytest.mark.skipif(CORES < 2, reason="one core: the scan reads serially")
@pytest.mark.filterwarnings(_FORK_WARNING)
@pytest.mark.parametrize("how", ["", "repeat", "exit", "junk", "killed", "no fork"])
def test_ranges_read_by_children_are_the_file_cut_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """`read_and_cut` gives the pages, skips and segments of cutting the whole file."""
    path = _crawl(tmp_path / "crawl.jsonl", repeat_across=how == "repeat")
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    monkeypatch.setattr(split, "_LOAD_BYTES", 0)
    if how in {"exit", "junk", "killed"}:
        monkeypatch.setattr(split, "send", _failing_send(how))
    if how == "no fork":
        monkeypatch.setattr(os, "fork", _refused)
    args = _parsed(str(path))
    starts = split.ranges(args)
    assert starts is not None
    warmed: list[int] = []
    cutter, kept, skipped = split.read_and_cut(args, starts, lambda: warmed.append(1), None)
    read = dn.read_pages(path)
    direct, direct_kept = _cut(read.pages)
    assert warmed == [1]
    assert (kept, skipped) == (direct_kept, read.skipped)
    assert list(cutter.segments()) == list(direct.segments())


@pytest.mark.skipif(CORES < 2, reason="one core: the scan reads serially")
@pytest.mark.filterwarnings(_FORK_WARNING)
def test_the_cli_in_process_writes_the_serial_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cli.main` splitting in this process: the report and skipped lines of `--threads 1`."""
    path = _crawl(tmp_path / "crawl.jsonl")
    code, err = _serial(path, tmp_path / "serial.json", capsys)
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    argv = ["scan", str(path), "-o", str(tmp_path / "split.json"), "-f", "json", "-v"]
    assert cli.main(argv) == code
    assert (tmp_path / "split.json").read_bytes() == (tmp_path / "serial.json").read_bytes()
    logged = capsys.readouterr().err
    assert [line for line in logged.splitlines() if line.startswith("skipped:")] == err.splitlines()
    assert "read by" in logged
    assert ": 5 pages," not in logged  # the warm-up run on the seed pages logs nothing


@pytest.mark.skipif(CORES < 2, reason="one core: the scan reads serially")
@pytest.mark.filterwarnings(_FORK_WARNING)
def test_children_are_stopped_when_the_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error before the children are read (here in `warm`) kills and reaps them."""
    path = _crawl(tmp_path / "crawl.jsonl")
    monkeypatch.setattr(split, "MIN_BYTES", 0)
    args = _parsed(str(path))
    starts = split.ranges(args)
    assert starts is not None

    forked: list[int] = []
    fork = split._forked  # noqa: SLF001 - to see which children it made

    def counted(*arguments: Any) -> Any:
        child = fork(*arguments)
        forked.extend([] if isinstance(child, tuple) else [child.pid])
        return child

    monkeypatch.setattr(split, "_forked", counted)

    def warm() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        split.read_and_cut(args, starts, warm, None)
    assert forked
    for pid in forked:  # each was waited for: not even a zombie is left
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_a_range_past_the_end_of_a_file_cut_short_reads_nothing(tmp_path: Path) -> None:
    """A file cut short since its ranges were measured: the late range is empty, no hang."""
    path = _crawl(tmp_path / "crawl.jsonl")
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 3])
    late = read_lines(path, size // 2, size)
    assert late == dn.Corpus((), ())
