"""Reliability: bad input end to end has one documented outcome (docs/reliability.md).

The reading rules for each kind of bad file or line are tested in test_read.py; here are the
cases that cross modules: files vanishing or unreadable mid-scan, links, crafted lines through
the segmenter, interrupts and failed writes, and a scan of good and bad files together.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.demo import seed_folder
from dedupe_news.report import write_atomically

GOOD = "Titel van de pagina\nPARIJS (ANP/AFP) - Het eerste nieuws van vandaag.\n"


def _one(path: Path, **options: object) -> dn.Corpus:
    return dn.read_pages(path, **options)  # type: ignore[arg-type]


def _skip_reason(path: Path, **options: object) -> str:
    corpus = _one(path, **options)
    assert corpus.pages == ()
    assert len(corpus.skipped) == 1
    assert corpus.skipped[0].path == str(path)
    return corpus.skipped[0].reason


def test_bom_and_crlf_read_like_plain_utf8(tmp_path: Path) -> None:
    """A UTF-8 BOM is dropped and CRLF reads as LF: the segments are the same."""
    (tmp_path / "plain.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    plain, bom = (dn.read_pages(tmp_path / f).pages[0] for f in ("plain.txt", "bom.txt"))
    assert plain.text == bom.text
    texts = [s.text for s in dn.segment_page(bom)]
    assert texts == ["Titel van de pagina", "Het eerste nieuws van vandaag."]


def test_long_single_line_within_the_limit_is_processed(tmp_path: Path) -> None:
    """A 3 MB single-line page is read and deduplicated, not refused or stalled."""
    path = tmp_path / "long.txt"
    path.write_bytes(b"woord x x x x x " * 200_000)
    report = dn.dedupe(dn.read_pages(path))
    assert [s.role for s in report.segments] == [dn.Role.PARAGRAPH]


def test_file_vanishing_during_the_scan_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file listed by the folder walk but gone when read is skipped; the rest is read."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    real_stat = Path.stat

    def vanishing(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        if self.name == "a.txt":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", vanishing)
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["b"]
    assert corpus.skipped == (dn.Skipped(str(tmp_path / "a.txt"), "No such file or directory"),)


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened is skipped with the system's reason."""
    path = tmp_path / "locked.txt"
    path.write_text(GOOD, encoding="utf-8")

    def denied(self: Path, *_: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert _skip_reason(path) == "Permission denied"


def test_unreadable_folder_is_skipped(tmp_path: Path, deny_listing: Callable[[Path], None]) -> None:
    """A sub-folder the walk cannot list is named as skipped; its siblings are read."""
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    deny_listing(tmp_path / "locked")
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["ok"]
    assert corpus.skipped == (dn.Skipped(str(tmp_path / "locked"), "Permission denied"),)


def test_dangling_symlink_is_skipped(tmp_path: Path) -> None:
    """A link to a missing file is skipped as missing."""
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    assert _skip_reason(tmp_path / "dangling.txt") == "No such file or directory"


def test_symlink_loop_in_a_folder_is_not_followed(tmp_path: Path) -> None:
    """A link from a folder to itself is not followed: each page is read once, no error."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["a"]
    assert corpus.skipped == ()


def test_jsonl_broken_line_and_missing_id_are_skipped_by_line(tmp_path: Path) -> None:
    """Bad JSONL lines are skipped, named path:line with the reason; good lines are read."""
    path = tmp_path / "pages.jsonl"
    lines = [
        json.dumps({"id": "a", "text": GOOD}),
        '{"id": "b", "text": ',
        json.dumps({"id": True, "text": GOOD}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "text": GOOD, "url": 7}),
        json.dumps({"id": "d", "text": "  "}),
        json.dumps({"id": "e", "text": GOOD}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = dn.read_pages(path)
    assert [p.id for p in corpus.pages] == ["a", "e"]
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        (f"{path}:2", "not JSON: Expecting value"),
        (f"{path}:3", "'id' must be a non-empty string or an integer, got True"),
        (f"{path}:4", "a page must be a JSON object, got list"),
        (f"{path}:5", "'url' must be a string, got 7"),
        (f"{path}:6", "empty page (no text)"),
    ]


def test_page_without_title_starts_with_the_lede() -> None:
    """A scrape that lost the title yields the dateline line as lede and no title."""
    page = dn.Page(dn.records.PageId("p"), "PARIJS (ANP) - Het nieuws.\nEen alinea.")
    roles = [(s.line, s.role, s.place) for s in dn.segment_page(page)]
    assert roles == [(1, dn.Role.LEDE, "PARIJS"), (2, dn.Role.PARAGRAPH, None)]


def test_rail_without_ages_still_has_teasers() -> None:
    """A rail with no ages yields teasers whose age and minutes are None."""
    text = "Titel\nPARIJS (ANP) - Lede.\nMeer uit Sport\nROME (ANP) - Een.\nBERN (ANP) - Twee."
    segments = dn.segment_page(dn.Page(dn.records.PageId("p"), text))
    teasers = [(s.line, s.age, s.age_minutes) for s in segments if s.role is dn.Role.TEASER]
    assert teasers == [(4, None, None), (5, None, None)]


def test_nonsense_age_is_kept_as_printed_without_minutes() -> None:
    """'999999 uur geleden' is split off and kept, but has no number of minutes."""
    text = "Titel\nPARIJS (ANP) - Lede.\nMeer uit X\nROME (ANP) - Een.\n999999 uur geleden"
    teaser = dn.segment_page(dn.Page(dn.records.PageId("p"), text))[-1]
    assert (teaser.age, teaser.age_minutes) == ("999999 uur geleden", None)


@pytest.mark.parametrize(
    "line",
    [
        "(" * 50_000 + "ANP) - tekst",
        "PARIJS " * 20_000 + "(ANP" + "/ANP" * 20_000,
        "9" * 100_000 + " uur geleden",
        "Meer uit " + "Buitenland " * 30_000,
        "a-" * 100_000,
    ],
)
def test_crafted_long_lines_are_linear(line: str) -> None:
    """Adversarial lines for the dateline, age and normalization parsers finish promptly."""
    page = dn.Page(dn.records.PageId("p"), f"Titel\n{line}\nMeer uit X\n{line}\n{line}")
    assert len(dn.segment_page(page)) == 5
    assert dn.normalize(line) == dn.normalize(dn.normalize(line))


def test_keyboard_interrupt_exits_130_and_keeps_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a run exits 130, leaves the previous output intact and no temp file."""
    out = tmp_path / "report.json"
    out.write_text("previous\n", encoding="utf-8")

    def interrupted(*_args: object, **_kwargs: object) -> dn.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr("dedupe_news.pipeline.dedupe", interrupted)
    assert cli.main(["demo", "--output", str(out)]) == 130
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert "interrupted" in capsys.readouterr().err


def test_failed_write_keeps_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error while writing the report leaves the old file and no temporary file."""
    out = tmp_path / "report.json"
    out.write_text("previous\n", encoding="utf-8")

    def failing_fsync(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(out, "new report\n")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_output_to_a_device_is_written_in_place() -> None:
    """--output /dev/null writes to the device and never replaces it with a file."""
    assert cli.main(["demo", "--output", os.devnull]) == 0
    assert Path(os.devnull).is_char_device()


def test_strict_refuses_any_skip_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --strict one bad file fails the run (exit 3) and no report is written."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_bytes(b"\xff\xfe")
    out = tmp_path / "report.json"
    assert cli.main(["scan", str(tmp_path / "in"), "--strict", "--output", str(out)]) == 3
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"skipped: {tmp_path / 'in' / 'bad.txt'}: not valid utf-8 at byte offset 0" in err
    assert "--strict writes no output" in err


def _bad_files(folder: Path) -> int:
    """Write 20 bad inputs of the kinds above; return how many skipped entries they make."""
    folder.mkdir(exist_ok=True)
    for n in range(3):
        (folder / f"empty{n}.txt").write_bytes(b"")
        (folder / f"binary{n}.txt").write_bytes(b"GIF89a\x00\x01" * 10)
        (folder / f"latin{n}.txt").write_bytes("Genève est à l'ouest".encode("latin-1"))
        (folder / f"dangling{n}.txt").symlink_to(folder / f"missing{n}.txt")
    for n in range(2):
        (folder / f"mixed{n}.txt").write_bytes(b"ok\n" + "é".encode("latin-1"))
        (folder / f"huge{n}.txt").write_bytes(b"x " * 600_000)
    for n in range(3):
        (folder / f"broken{n}.jsonl").write_text(
            '{"id": \n{"id": [1], "text": "no id"}\n', encoding="utf-8"
        )
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return 3 * 4 + 2 * 2 + 3 * 2


def test_scan_with_bad_files_reports_good_pages_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """100 good pages give the same report with 20 bad files beside them, plus the skips."""
    clean, dirty = tmp_path / "clean", tmp_path / "dirty"
    clean.mkdir()
    seeds = sorted(seed_folder().glob("*.txt"))
    for n in range(100):
        text = seeds[n % 5].read_text(encoding="utf-8")
        (clean / f"page{n:03d}.txt").write_text(text.replace("Kim", f"Kim{n // 5}"), "utf-8")
    shutil.copytree(clean, dirty)
    expected_skips = _bad_files(dirty)
    reports = {}
    for name in ("clean", "dirty"):
        monkeypatch.chdir(tmp_path / name)
        code = cli.main(["scan", ".", "--max-page-bytes", "1000000", "--output", "out.json"])
        reports[name] = (code, json.loads(Path("out.json").read_text(encoding="utf-8")))
        Path("out.json").unlink()
    (clean_code, clean_report), (dirty_code, dirty_report) = reports["clean"], reports["dirty"]
    assert (clean_code, dirty_code) == (0, 3)
    assert dirty_report["pages"] == clean_report["pages"]
    assert dirty_report["clusters"] == clean_report["clusters"]
    assert len(dirty_report["pages"]) == 100
    assert clean_report["skipped"] == []
    assert len(dirty_report["skipped"]) == expected_skips == 22
    assert all(entry["reason"] for entry in dirty_report["skipped"])
    errors = [entry for entry in dirty_report["skipped"] if entry["kind"] == "error"]
    assert capsys.readouterr().err.count("skipped: ") == len(errors) == expected_skips - 3


def test_device_or_pipe_is_skipped_not_read(tmp_path: Path) -> None:
    """/dev/zero given as a page is skipped at once instead of read forever."""
    corpus = dn.read_pages("/dev/zero")
    assert corpus.skipped == (dn.Skipped("/dev/zero", "not a regular file"),)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert dn.read_pages(tmp_path).skipped == (dn.Skipped(str(fifo), "not a regular file"),)
