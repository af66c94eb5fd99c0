"""CLI: scan and demo, formats, atomic output, exit codes, and docs/cli.md covering every flag."""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import re
import runpy
import shutil
import stat
import struct
import subprocess
import sys
import termios
from dataclasses import fields
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.demo import seed_folder
from dedupe_news.pipeline import STAGES
from dedupe_news.report import to_json

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"
PAGE = "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n"


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every action of a parser and of its sub-commands."""
    found = list(parser._actions)  # noqa: SLF001 - argparse has no public list of actions
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                found.extend(_actions(command))
    return found


def _flags() -> set[str]:
    # --help is argparse's own, on every parser; it is not part of the documented interface.
    return {o for a in _actions(cli.build_parser()) for o in a.option_strings} - {"-h", "--help"}


def test_docs_mention_every_flag_and_command() -> None:
    """Every option of every command, and every command, appears in docs/cli.md."""
    docs = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", docs))
    flags = _flags()
    assert flags <= documented, sorted(flags - documented)
    assert len(flags) >= 18
    for command in ("scan", "demo"):
        assert f"python -m dedupe_news {command}" in docs


def test_one_flag_per_config_field_with_its_default() -> None:
    """Each Config field has a flag of the same name whose default comes from DEFAULT."""
    flags = _flags()
    args = cli.build_parser().parse_args(["scan", "x"])
    for field in fields(dn.Config):
        assert "--" + field.name.replace("_", "-") in flags
        assert getattr(args, field.name) == getattr(dn.DEFAULT, field.name)


def test_flags_reach_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    """Options set on the command line are the run's Config, as printed in the report."""
    argv = ["demo", "--format", "json", "--fold-diacritics", "--shingle-size", "4"]
    assert cli.main([*argv, "--min-score", "0.9", "--threshold", "0.6", "--seed", "3"]) == 0
    config = json.loads(capsys.readouterr().out)["config"]
    assert (config["fold_diacritics"], config["shingle_size"]) == (True, 4)
    assert (config["min_score"], config["threshold"], config["seed"]) == (0.9, 0.6, 3)


def test_demo_prints_the_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """`demo` scans the bundled pages and prints the summary with both clusters."""
    assert cli.main(["demo"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(
        "5 pages, 78 segments: unique 38, duplicate 0, boilerplate 40\n2 clusters"
    )
    assert "001_102a09e7432f2aef:12  teaser  boilerplate  PARIJS (ANP/AFP), 7 uur geleden" in out
    assert err == ""


def test_scan_writes_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """`scan` writes the JSON report by default, and the text summary when asked."""
    assert cli.main(["scan", str(seed_folder())]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["clusters"] == {"exact": 2, "near": 0}
    assert data == json.loads(to_json(dn.dedupe(dn.read_pages(seed_folder()))))
    assert cli.main(["scan", str(seed_folder()), "--format", "text"]) == 0
    assert capsys.readouterr().out.startswith("5 pages, 78 segments")


def test_scan_reads_jsonl_and_encodings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A JSONL file and a Latin-1 file with --encoding are read like page dumps."""
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "j", "text": PAGE}), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Oekraïne\n".encode("latin-1"))
    assert cli.main(["scan", str(tmp_path), "--encoding", "latin-1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["pages"]] == ["b", "j"]
    assert data["pages"][0]["segments"][0]["text"] == "Oekraïne"


def test_output_is_replaced_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """--output replaces the file with the complete report, with a plain file's mode."""
    out = tmp_path / "r.txt"
    out.write_text("old", encoding="utf-8")
    umask = os.umask(0o022)
    try:
        assert cli.main(["demo", "--output", str(out), "--format", "text"]) == 0
    finally:
        os.umask(umask)
    assert out.read_text(encoding="utf-8").startswith("5 pages")
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_skipped_input_exits_3_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing path is named on stderr and in the report; the rest is processed; exit 3."""
    missing = tmp_path / "missing.txt"
    out = tmp_path / "report.json"
    assert cli.main(["scan", str(seed_folder()), str(missing), "--output", str(out)]) == 3
    assert capsys.readouterr().err == f"skipped: {missing}: No such file or directory\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    reason = "No such file or directory"
    assert data["skipped"] == [{"path": str(missing), "reason": reason, "kind": "error"}]
    assert len(data["pages"]) == 5


def test_strict_refuses_any_skip_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --strict an input skipped as an error fails the run (3) before anything is written."""
    (tmp_path / "bad.txt").write_bytes(b"\xff")
    out = tmp_path / "report.json"
    assert cli.main(["scan", str(tmp_path), "--strict", "--output", str(out)]) == 3
    assert capsys.readouterr().err == (
        f"skipped: {tmp_path / 'bad.txt'}: not valid utf-8 at byte offset 0\n"
        "error: 1 input(s) skipped; --strict writes no output\n"
    )
    assert not out.exists()


def test_empty_pages_and_files_that_are_not_pages_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Empty pages and non-page files are listed in the report, counted on stderr, exit 0."""
    shutil.copytree(seed_folder(), tmp_path / "in")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    for name in ("README.md", "gold.json", "a.py", "b.xml", "c.csv", "d.png"):
        (tmp_path / "in" / name).write_text("x", encoding="utf-8")
    out = tmp_path / "report.json"
    assert cli.main(["scan", str(tmp_path / "in"), "--strict", "--output", str(out)]) == 0
    assert capsys.readouterr().err == (
        "not pages: 6 files (README.md, a.py, b.xml, c.csv, d.png, ...)\n"
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    kinds = [(Path(s["path"]).name, s["kind"]) for s in data["skipped"]]
    assert kinds[:2] == [("README.md", "not_page"), ("a.py", "not_page")]
    assert ("empty.txt", "empty") in kinds
    assert len(data["pages"]) == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--min-score", "1.5"], "min_score must be a number in [0, 1], got 1.5"),
        (["--num-perm", "1"], "num_perm must be an integer in [2, 4096], got 1"),
        (["--encoding", "klingon"], "encoding must be a known codec, got 'klingon'"),
        (["--max-page-bytes", "0"], "max_page_bytes must be a positive integer, got 0"),
    ],
)
def test_bad_configuration_exits_2_with_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An out-of-range option exits 2 with `error: ` and the rule, and writes nothing."""
    assert cli.main(["demo", *argv]) == 2
    assert capsys.readouterr() == ("", f"error: {message}\n")


def test_threshold_without_a_banding_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A threshold no banding can serve is a configuration error, not a traceback."""
    assert cli.main(["demo", "--threshold", "1.0"]) == 2
    assert capsys.readouterr().err.startswith("error: threshold and num_perm must allow")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan"], "the following arguments are required: PATH"),
        ([], "the following arguments are required: COMMAND"),
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
        (["demo", "--threshold", "half"], "invalid float value: 'half'"),
        (["demo", "--format", "xml"], "invalid choice: 'xml'"),
        (["tidy"], "invalid choice: 'tidy'"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Errors argparse finds exit 2 with its usage message on stderr."""
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m dedupe_news")
    assert message in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and exits 0."""
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"{dn.__version__}\n"


def test_interrupt_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a run exits 130 with `interrupted`, and writes no output."""

    def interrupted(*_: object, **__: object) -> dn.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr("dedupe_news.pipeline.dedupe", interrupted)
    out = tmp_path / "r.json"
    assert cli.main(["demo", "--output", str(out)]) == 130
    assert capsys.readouterr().err == "interrupted\n"
    assert not out.exists()


def test_real_bugs_keep_their_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error that is not a DedupeNewsError is not turned into an exit code."""

    def broken(*_: object, **__: object) -> dn.Report:
        msg = "a bug"
        raise RuntimeError(msg)

    monkeypatch.setattr("dedupe_news.pipeline.dedupe", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["demo"])


def test_progress_bar_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a terminal on stderr each stage is shown; --quiet turns it off."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli.main(["demo", "--output", "/dev/null"]) == 0
    err = capsys.readouterr().err
    for phase in ("read", *STAGES, "write"):
        assert f"\r{phase:<10}: " in err
    assert "5 pages" in err
    assert "| 78/78 [" in err
    assert cli.main(["demo", "--output", "/dev/null", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_module_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m dedupe_news` runs main with sys.argv and exits with its code."""
    monkeypatch.setattr(sys, "argv", ["dedupe_news", "demo", "--format", "json"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("dedupe_news", run_name="__main__")
    assert stop.value.code == 0
    assert json.loads(capsys.readouterr().out)["summary"]["pages"] == 5


def test_unwritable_output_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --output in a missing folder exits 2 and names the path."""
    target = tmp_path / "missing" / "report.json"
    assert cli.main(["demo", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write the report to {str(target)!r}: No such file or directory\n"


def _run_on_a_terminal(*argv: str, sized: bool = True) -> tuple[int, str]:
    """Run `python -m dedupe_news` with stderr on a pseudo-terminal; return code and stderr."""
    main_fd, child_fd = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)}
    if sized:  # a fresh pseudo-terminal is 0 x 0; give it a real terminal's size
        fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        env["COLUMNS"] = "100"
    else:
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "dedupe_news", *argv],
        stdout=subprocess.DEVNULL,
        stderr=child_fd,
        env=env,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("sized", [True, False])
def test_progress_is_drawn_on_a_pseudo_terminal_and_absent_when_piped(sized: bool) -> None:  # noqa: FBT001 - a parameter
    """A terminal on stderr, sized or 0 x 0, gets bars with counts and rates; a pipe nothing."""
    code, err = _run_on_a_terminal("demo", "-o", "/dev/null", sized=sized)
    assert code == 0
    for phase in ("read", "segment", "verify", "label", "write"):
        assert f"{phase:<10}: " in err
    assert "it/s" in err
    assert "B/s" in err
    assert "5 pages, 0 skipped" in err
    piped = subprocess.run(
        [sys.executable, "-m", "dedupe_news", "demo", "-o", "/dev/null"],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)},
    )
    assert piped.stderr == b""


@pytest.mark.parametrize("form", ["jsonl", "csv", "parquet"])
def test_tabular_formats_write_segments_and_clusters(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-f with -o writes the segment rows and a .clusters file beside them."""
    out = tmp_path / f"scan.{form}"
    assert cli.main(["scan", str(seed_folder()), "-f", form, "-o", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"scan.clusters.{form}", f"scan.{form}"]
    assert capsys.readouterr() == ("", "")


def test_jsonl_to_stdout_is_one_object_per_segment(capsys: pytest.CaptureFixture[str]) -> None:
    """JSONL on stdout streams one segment row per line."""
    assert cli.main(["demo", "-f", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 78
    assert json.loads(lines[0])["segment_id"] == "000_06e2ff613e5638d5:1"


def test_parquet_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Parquet to stdout, or without pyarrow, exits 2 with a message that says what to do."""
    assert cli.main(["demo", "-f", "parquet"]) == 2
    assert "must be written to a file (--output)" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert cli.main(["demo", "-f", "parquet", "-o", str(tmp_path / "x.parquet")]) == 2
    assert capsys.readouterr().err == (
        "error: --format parquet needs pyarrow: pip install 'dedupe-news[parquet]'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_writes_the_corpus_and_counts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export` writes one record per page with text of its own and counts on stderr."""
    out = tmp_path / "corpus.jsonl"
    assert cli.main(["export", str(seed_folder()), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == sorted(p.stem for p in seed_folder().glob("*.txt"))
    assert capsys.readouterr().err == "exported 5 pages; omitted 0 with no text of their own\n"
    assert cli.main(["export", str(seed_folder())]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


def test_threads_cap_keeps_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--threads 1 gives the same report as all cores; --threads 0 is a usage error."""
    assert cli.main(["demo", "-f", "json"]) == 0
    everything = capsys.readouterr().out
    assert cli.main(["demo", "-f", "json", "--threads", "1"]) == 0
    assert capsys.readouterr().out == everything
    assert cli.main(["demo", "--threads", "0"]) == 2
    assert capsys.readouterr().err == ("error: threads must be a positive integer or None, got 0\n")


def test_verbose_logs_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """-v logs the run's counts at INFO on stderr; without it nothing is logged."""
    assert cli.main(["demo", "-o", "/dev/null", "-v"]) == 0
    assert "INFO dedupe_news.pipeline: 5 pages, 78 segments, 2 clusters" in capsys.readouterr().err
    assert cli.main(["demo", "-o", "/dev/null"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("argv0", "prog"),
    [
        ("/venv/bin/dedupe-news", "dedupe-news"),
        ("/x/dedupe_news/__main__.py", "python -m dedupe_news"),
    ],
)
def test_help_names_the_program_as_started(
    argv0: str, prog: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--help says `dedupe-news` for the script and `python -m dedupe_news` for the module."""
    monkeypatch.setattr(sys, "argv", [argv0])
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert capsys.readouterr().out.startswith(f"usage: {prog} ")


def test_text_only_stdout_gets_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stdout without a byte buffer (doctest, an IDE console) still receives the report."""
    sink = io.StringIO()
    monkeypatch.setattr(sys, "stdout", sink)
    assert cli.main(["demo", "-f", "json"]) == 0
    assert json.loads(sink.getvalue())["summary"]["pages"] == 5


def test_a_scan_skips_scipy_blas_and_freezes_its_report() -> None:
    """The CLI's process scans without SciPy's BLAS (numba's unused np.dot), then imports it.

    And its report is frozen out of the collector's view, the collector on again.
    """
    script = (
        "import gc, sys\n"
        "from dedupe_news import cli\n"
        "assert cli.main(['demo', '-o', '/dev/null', '-q']) == 0\n"
        "loaded = 'scipy.linalg' in sys.modules\n"
        "import scipy.linalg.cython_blas\n"
        "print(loaded, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    ran = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)},
    )
    assert ran.stdout == b"False True True\n"
