"""CLI: scan and demo, formats, exit codes, and docs/cli.md covering every flag."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.demo import seed_folder

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def _flags(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:  # noqa: SLF001 - argparse has no public list of actions
        found.update(o for o in action.option_strings if o.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                found |= _flags(command)
    return found


def test_docs_cover_every_flag() -> None:
    """Every long option of every command appears in docs/cli.md."""
    documented = set(re.findall(r"--[a-z][a-z-]+", DOCS.read_text(encoding="utf-8")))
    flags = _flags(cli.build_parser()) - {"--help"}
    assert flags <= documented, sorted(flags - documented)
    assert len(flags) >= 15


def test_one_flag_per_config_field() -> None:
    """Each Config field has a flag of the same name with the default from DEFAULT."""
    args = cli.build_parser().parse_args(["scan", "x"])
    for name, value in dn.DEFAULT.as_dict().items():
        assert getattr(args, name) == value


def test_demo_prints_the_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """`demo` scans the bundled pages and prints both clusters."""
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "5 pages, 78 segments: unique 38, duplicate 0, boilerplate 40\n2 clusters"
    )
    assert "001_102a09e7432f2aef:12  teaser  boilerplate  PARIJS (ANP/AFP), 7 uur geleden" in out


def test_scan_writes_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """`scan` writes the JSON report by default."""
    assert cli.main(["scan", str(seed_folder())]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["clusters"] == {"exact": 2, "near": 0}


def test_scan_with_a_skipped_input_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing path is named on stderr and in the report; the rest is processed."""
    missing = tmp_path / "missing.txt"
    out = tmp_path / "report.json"
    assert cli.main(["scan", str(seed_folder()), str(missing), "--output", str(out)]) == 1
    assert f"skipped: {missing}: No such file or directory" in capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["skipped"] == [{"path": str(missing), "reason": "No such file or directory"}]
    assert len(data["pages"]) == 5


def test_bad_config_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An out-of-range option exits 2 with `error: ` and the rule."""
    assert cli.main(["demo", "--min-score", "1.5"]) == 2
    assert capsys.readouterr().err == "error: min_score must be a number in [0, 1], got 1.5\n"


def test_unknown_option_exits_2() -> None:
    """Usage errors found by argparse exit 2."""
    with pytest.raises(SystemExit) as stop:
        cli.main(["scan"])
    assert stop.value.code == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version."""
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == dn.__version__


def test_output_is_written_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """--output replaces the file with the complete report and cleans up."""
    out = tmp_path / "r.txt"
    out.write_text("old", encoding="utf-8")
    assert cli.main(["demo", "--output", str(out), "--format", "text"]) == 0
    assert out.read_text(encoding="utf-8").startswith("5 pages")
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_progress_bar_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a terminal on stderr the stages are shown; --quiet turns them off."""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert cli.main(["demo", "--output", "/dev/null"]) == 0
    assert "[#######] label" in capsys.readouterr().err
    assert cli.main(["demo", "--output", "/dev/null", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
