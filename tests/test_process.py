"""The CLI as a process: pipes, full disks, signals, crashes and read-only installs (issue 9).

Each outcome is documented in docs/reliability.md ("The process"). Most run
`python -m dedupe_news` in a child process, since signals, file descriptors and the
interpreter's own start-up and shutdown cannot be seen from inside one pytest process.
"""

# ruff: noqa: S603, S311 - every child runs our own CLI; the input needs seeded randomness

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.demo import seed_folder

SRC = Path(dn.__file__).parent.parent
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
WAIT = 120  # seconds: a bound on a hung child, never a timed assertion


def _child(code: str) -> list[str]:
    """A command running `code`, then the CLI's `__main__` with the arguments after it."""
    runner = "import runpy, sys\nsys.argv[0] = 'dedupe_news'\n"
    main = "runpy.run_module('dedupe_news', run_name='__main__', alter_sys=True)\n"
    return [sys.executable, "-c", textwrap.dedent(code) + runner + main]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "dedupe_news", *args]


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSONL file whose JSON report is far larger than a pipe's buffer (64 KiB)."""
    rng = random.Random(0)
    words = [f"woord{i}" for i in range(5000)]
    path = tmp_path_factory.mktemp("big") / "pages.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(300):
            text = f"Titel {i}\nPARIJS (ANP) - " + " ".join(rng.choices(words, k=80)) + "."
            out.write(json.dumps({"id": f"p{i:03d}", "text": text}) + "\n")
    return path


def test_a_reader_closing_the_pipe_exits_141_without_a_word(big_input: Path) -> None:
    """`scan ... | head -c 10`: the reader stops, the CLI exits 141 and prints nothing."""
    with subprocess.Popen(
        _cli("scan", str(big_input)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        bufsize=0,  # unbuffered: read(10) takes at most 10 bytes off the pipe
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        assert child.stdout.read(10).startswith(b"{")
        child.stdout.close()
        err = child.stderr.read()
        assert child.wait(WAIT) == cli.EXIT_BROKEN_PIPE == 141
    assert err == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_an_error_naming_the_output() -> None:
    """`--output /dev/full` and `> /dev/full` exit 2 with one line naming where, no traceback."""
    seeds = str(seed_folder())
    done = subprocess.run(
        _cli("scan", seeds, "--output", "/dev/full"), capture_output=True, env=ENV, check=False
    )
    assert (done.returncode, done.stderr) == (
        2,
        b"error: cannot write the report to '/dev/full': No space left on device\n",
    )
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run(
            _cli("scan", seeds), stdout=full, stderr=subprocess.PIPE, env=ENV, check=False
        )
    assert (done.returncode, done.stderr) == (
        2,
        b"error: cannot write the report to stdout: No space left on device\n",
    )


def test_a_closed_stdout_is_an_error_not_a_traceback() -> None:
    """Started with stdout closed (`>&-`), the CLI exits 2 and says so."""
    command = ["sh", "-c", 'exec "$0" "$@" >&-', *_cli("scan", str(seed_folder()))]
    done = subprocess.run(command, stderr=subprocess.PIPE, env=ENV, check=False)
    assert (done.returncode, done.stderr) == (
        2,
        b"error: cannot write the report to stdout: stdout is closed\n",
    )


@pytest.mark.parametrize(
    "interrupt",
    [
        # while `python -m dedupe_news` imports the CLI module
        """
        import importlib.abc, sys
        class Stop(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "dedupe_news.cli":
                    raise KeyboardInterrupt
        sys.meta_path.insert(0, Stop())
        """,
        # while the arguments are parsed
        """
        import argparse
        def stop(*args, **kwargs):
            raise KeyboardInterrupt
        argparse.ArgumentParser.parse_args = stop
        """,
        # while the pipeline (and numba) is being imported, after parsing
        """
        import importlib.abc, sys
        class Stop(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "dedupe_news.pipeline":
                    raise KeyboardInterrupt
        sys.meta_path.insert(0, Stop())
        """,
    ],
    ids=["importing-the-cli", "parsing-arguments", "importing-the-pipeline"],
)
def test_ctrl_c_at_start_up_exits_130_without_a_traceback(interrupt: str) -> None:
    """Ctrl-C at each step of start-up gives `interrupted`, exit 130, and nothing on stdout."""
    command = [*_child(interrupt), "demo"]
    done = subprocess.run(command, capture_output=True, env=ENV, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (130, b"", b"interrupted\n")


def test_ctrl_c_before_the_report_is_written_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """The report is built whole before its first byte: an interrupt until then writes none."""

    def interrupted(*_: object, **__: object) -> dn.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr("dedupe_news.pipeline.dedupe", interrupted)
    assert cli.main(["demo", "--format", "json"]) == cli.EXIT_INTERRUPTED
    assert capfdbinary.readouterr() == (b"", b"interrupted\n")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_writing_to_a_slow_pipe_leaves_invalid_json(big_input: Path) -> None:
    """Interrupted mid-write, a consumer sees exit 130 and a prefix that is never valid JSON."""
    with subprocess.Popen(
        _cli("scan", str(big_input)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        bufsize=0,  # unbuffered: read(10) takes at most 10 bytes off the pipe
        # A test run started as a background job inherits SIGINT ignored, and Python then
        # leaves it ignored; Ctrl-C comes from a terminal, where it is not.
        preexec_fn=_default_sigint,  # noqa: PLW1509 - one signal reset; the test starts no thread
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        head = child.stdout.read(10)  # the write has begun, and blocks on the full pipe
        child.send_signal(signal.SIGINT)
        rest, err = child.communicate(timeout=WAIT)
    out = head + rest
    complete = subprocess.run(
        _cli("scan", str(big_input)), capture_output=True, env=ENV, check=True
    ).stdout
    assert (child.returncode, err) == (130, b"interrupted\n")
    assert complete.startswith(out)
    assert len(out) < len(complete)
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_sigterm_while_writing_the_output_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM during `--output`'s write exits 143, removes the temporary file, keeps the old."""
    out = tmp_path / "report.json"
    out.write_text("old report\n", encoding="utf-8")
    slow_fsync = """
        import os, sys, time
        def slow(descriptor):  # the temporary file is written whole: hold it there
            print("writing", file=sys.stderr, flush=True)
            time.sleep(600)
        os.fsync = slow
        """
    command = [*_child(slow_fsync), "demo", "--format", "json", "--output", str(out)]
    with subprocess.Popen(command, stderr=subprocess.PIPE, env=ENV) as child:
        assert child.stderr is not None
        assert child.stderr.readline() == b"writing\n"
        assert len(list(tmp_path.iterdir())) == 2  # the report and the temporary file
        child.send_signal(signal.SIGTERM)
        err = child.stderr.read()
        assert child.wait(WAIT) == cli.EXIT_TERMINATED == 143
    assert err == b"terminated\n"
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_text(encoding="utf-8") == "old report\n"


def test_a_bug_keeps_its_traceback_and_exits_1() -> None:
    """A real bug is not turned into a documented outcome: Python's traceback and exit 1."""
    broken = """
        import dedupe_news.pipeline
        def broken(*args, **kwargs):
            raise RuntimeError("a bug")
        dedupe_news.pipeline.dedupe = broken
        """
    done = subprocess.run([*_child(broken), "demo"], capture_output=True, env=ENV, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(b"Traceback (most recent call last):\n")
    assert done.stderr.endswith(b"RuntimeError: a bug\n")


def test_a_surrogate_in_a_page_id_reaches_stdout_as_valid_utf8(
    monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """A lone surrogate in an id is written as its JSON escape: valid UTF-8 that reads back."""
    page = dn.Page(dn.PageId("a\udc80"), "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n")
    monkeypatch.setattr("dedupe_news.cli.run.read_pages", lambda *_, **__: dn.Corpus((page,)))
    assert cli.main(["scan", "ignored"]) == cli.EXIT_OK
    out, err = capfdbinary.readouterr()
    assert err == b""
    document = json.loads(out.decode("utf-8"))  # strict: raises if not valid UTF-8
    assert [p["id"] for p in document["pages"]] == ["a\udc80"]


def _read_only_copy(tmp_path: Path) -> Path:
    """Copy the package where nothing can be written, root included.

    Permission bits do not stop root, so the `__pycache__` numba would use is a plain file
    (no folder can be made there) as well as everything being read-only.
    """
    site = tmp_path / "site"
    shutil.copytree(
        SRC / "dedupe_news", site / "dedupe_news", ignore=shutil.ignore_patterns("__pycache__")
    )
    for folder in [site, *(p for p in site.rglob("*") if p.is_dir())]:
        (folder / "__pycache__").write_bytes(b"")
    for path in [site, *site.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
    return site


def test_a_read_only_install_without_a_writable_home_runs(tmp_path: Path) -> None:
    """No writable package folder, home or NUMBA_CACHE_DIR: the kernels compile uncached."""
    site = _read_only_copy(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    env = {k: v for k, v in ENV.items() if k not in {"NUMBA_CACHE_DIR", "XDG_CACHE_HOME"}}
    env |= {"PYTHONPATH": str(site), "HOME": str(blocker / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
    code = """
        import dedupe_news as dn
        from dedupe_news.stages import _kernels
        text = "een twee drie vier vijf zes zeven acht negen tien"
        clusters = dn.find_duplicates([text, "iets anders", text])
        print(dn.__file__, _kernels.CACHE, [c.members for c in clusters])
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, env=env, check=False
    )
    assert done.stderr == b""
    assert done.stdout.decode() == f"{site / 'dedupe_news' / '__init__.py'} False [(0, 2)]\n"
    for path in [site, *site.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)  # let pytest clean up


def test_a_closed_stdout_in_process_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no stdout at all (`sys.stdout is None`), main returns 2 and says why."""
    monkeypatch.setattr(sys, "stdout", None)
    assert cli.main(["demo"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == "error: cannot write the report to stdout: stdout is closed\n"


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            OSError(28, "No space left on device"),
            2,
            "error: cannot write the report to stdout: No space left on device\n",
        ),
        (BrokenPipeError(32, "Broken pipe"), 141, ""),
    ],
    ids=["full", "broken-pipe"],
)
def test_write_errors_on_stdout_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    error: OSError,
    code: int,
    message: str,
) -> None:
    """A failing write to stdout's descriptor maps to its documented code and message."""

    def failing(*_: object) -> int:
        raise error

    monkeypatch.setattr(os, "write", failing)
    assert cli.main(["demo"]) == code
    assert capfd.readouterr() == ("", message)


def test_main_in_another_thread_leaves_sigterm_alone() -> None:
    """Outside the main thread (where signal handlers cannot be set) main runs as usual."""
    codes: list[int] = []
    thread = threading.Thread(
        target=lambda: codes.append(cli.main(["demo", "--output", os.devnull]))
    )
    thread.start()
    thread.join()
    assert codes == [cli.EXIT_OK]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
