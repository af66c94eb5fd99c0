"""Write: atomic replacement keeps the file's mode, and any report text is written as UTF-8."""

from __future__ import annotations

import json
import os
import stat
from typing import TYPE_CHECKING

import dedupe_news as dn
from dedupe_news.report import to_json, write_atomically

if TYPE_CHECKING:
    from pathlib import Path

PAGE = "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replacing_a_private_report_keeps_it_private(tmp_path: Path) -> None:
    """A 0600 report replaced by a new one is still 0600, and holds the new text."""
    out = tmp_path / "report.json"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o600)
    write_atomically(out, "new\n")
    assert out.read_text(encoding="utf-8") == "new\n"
    assert _mode(out) == 0o600


def test_replacing_keeps_any_mode(tmp_path: Path) -> None:
    """Whatever the old mode (here 0640), the replacement has the same one."""
    out = tmp_path / "report.json"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    write_atomically(out, "new\n")
    assert _mode(out) == 0o640


def test_a_new_report_gets_the_umask_mode(tmp_path: Path) -> None:
    """A report that did not exist gets 0666 less the umask, as a plain open() gives."""
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "report.json", "new\n")
        (tmp_path / "plain.json").write_text("new\n", encoding="utf-8")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "report.json") == 0o640 == _mode(tmp_path / "plain.json")


def test_a_surrogate_in_a_page_id_is_written_as_valid_utf8_json(tmp_path: Path) -> None:
    """A page built in code with a lone surrogate in its id gives a UTF-8 file that reads back."""
    page_id = dn.PageId("a\udc80")
    report = dn.dedupe([dn.Page(page_id, PAGE), dn.Page(dn.PageId("b"), PAGE)])
    out = tmp_path / "report.json"
    write_atomically(out, to_json(report))
    text = out.read_bytes().decode("utf-8")  # strict: raises if not valid UTF-8
    assert "\\udc80" in text
    assert json.loads(text) == json.loads(to_json(report))
    assert page_id in {page["id"] for page in json.loads(text)["pages"]}
