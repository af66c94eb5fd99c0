"""Discover: which files in a folder are pages, compression, sniffing, depth, links, odd names."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
import sys
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.demo import seed_folder
from dedupe_news.records import Role
from dedupe_news.sources import shown_path

PAGE = "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n"
NOT_PAGE = dn.SkipKind.NOT_PAGE


def _kinds(corpus: dn.Corpus, root: Path) -> list[tuple[str, str, str]]:
    return [(str(Path(s.path).relative_to(root)), s.kind.value, s.reason) for s in corpus.skipped]


def test_seed_folder_with_other_files_gives_the_five_pages_and_lists_the_rest(
    tmp_path: Path,
) -> None:
    """README.md, gold.json and a .py file beside the five seed pages are listed, not read."""
    shutil.copytree(seed_folder(), tmp_path, dirs_exist_ok=True)
    for name in ("README.md", "gold.json", "tool.py"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == [p.id for p in dn.read_pages(seed_folder()).pages]
    assert _kinds(corpus, tmp_path) == [
        ("README.md", "not_page", "not a page: a .md file"),
        ("gold.json", "not_page", "not a page: a .json file"),
        ("tool.py", "not_page", "not a page: a .py file"),
    ]


def test_compressed_pages_are_read_with_ids_without_suffixes(tmp_path: Path) -> None:
    """`.txt.gz`, `.txt.xz`, `.jsonl.gz` and `.ndjson.bz2` are read as their plain forms."""
    line = json.dumps({"id": "j", "text": PAGE}).encode()
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "b.txt.xz").write_bytes(lzma.compress(PAGE.encode()))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(line + b"\n"))
    (tmp_path / "d.ndjson.bz2").write_bytes(bz2.compress(line.replace(b'"j"', b'"k"')))
    corpus = dn.read_pages(tmp_path)
    assert [(p.id, p.text) for p in corpus.pages] == [(i, PAGE) for i in ("a", "b", "j", "k")]
    assert corpus.skipped == ()


def test_corrupt_or_oversized_compressed_files_are_skipped(tmp_path: Path) -> None:
    """A corrupt gzip is an error naming the compression; a page over the limit is refused."""
    (tmp_path / "bad.txt.gz").write_bytes(gzip.compress(PAGE.encode())[:-12])
    (tmp_path / "big.txt.xz").write_bytes(lzma.compress(b"x" * 5000))
    corpus = dn.read_pages(tmp_path, max_page_bytes=1000)
    assert corpus.pages == ()
    bad, big = corpus.skipped
    assert bad.reason.startswith("not valid .gz data: ")
    assert big.reason == "decompressed, over the maximum page size of 1000 bytes"


def test_include_and_exclude_override_the_names(tmp_path: Path) -> None:
    """--include reads other names (sniffing JSONL or dump); --exclude wins over both."""
    (tmp_path / "one.json").write_text(json.dumps({"id": "x", "text": PAGE}), encoding="utf-8")
    (tmp_path / "two.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "three.txt").write_text(PAGE, encoding="utf-8")
    corpus = dn.read_pages(tmp_path, include=["*.json", "*.md"], exclude=["old/*"])
    assert [p.id for p in corpus.pages] == ["x", "two"]
    assert _kinds(corpus, tmp_path) == [
        ("old/three.txt", "not_page", "not a page: excluded by 'old/*'")
    ]


@pytest.mark.parametrize(
    ("data", "kind", "reason"),
    [
        (b"<!DOCTYPE html><html>", NOT_PAGE, "not a page: looks like HTML"),
        (b"\n  <html lang=nl>", NOT_PAGE, "not a page: looks like HTML"),
        (b"WARC/1.1\r\nWARC-Type: response", NOT_PAGE, "not a page: looks like WARC"),
        (gzip.compress(b"x"), dn.SkipKind.ERROR, "looks like gzip-compressed data"),
        (bz2.compress(b"x"), dn.SkipKind.ERROR, "looks like bzip2-compressed data"),
        (lzma.compress(b"x"), dn.SkipKind.ERROR, "looks like xz-compressed data"),
    ],
)
def test_a_page_name_over_other_content_is_named_by_what_it_looks_like(
    tmp_path: Path, data: bytes, kind: dn.SkipKind, reason: str
) -> None:
    """HTML, WARC or compressed bytes under a `.txt` name are named, never parsed as text."""
    (tmp_path / "page.txt").write_bytes(data)
    (skipped,) = dn.read_pages(tmp_path).skipped
    assert skipped.kind is kind
    assert skipped.reason.startswith(reason)
    if kind is NOT_PAGE:
        assert "give it a ." in skipped.reason


def test_html_and_warc_in_a_folder_are_read_as_pages(tmp_path: Path) -> None:
    """`.html` files and `.warc.gz` archives found in a folder are read (the html extra)."""
    html = "<html><body><article><h1>Titel</h1><p>PARIJS (ANP) - Nieuws van vandaag.</p>"
    (tmp_path / "a.html").write_text(html + "</article></body></html>", encoding="utf-8")
    broken = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nabc"
    (tmp_path / "b.warc.gz").write_bytes(gzip.compress(broken))
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["a"]
    assert [s.role for s in dn.segment_page(corpus.pages[0])][:2] == [Role.TITLE, Role.LEDE]
    (skipped,) = corpus.skipped
    assert skipped.reason.startswith("broken WARC record")


def test_html_given_by_path_under_another_name_is_read_by_its_bytes(tmp_path: Path) -> None:
    """A file named explicitly is sniffed: HTML bytes in `page.dat` are read as HTML."""
    path = tmp_path / "page.dat"
    path.write_text("<!DOCTYPE html><html><body><h1>Titel</h1></body></html>", encoding="utf-8")
    (page,) = dn.read_pages(path).pages
    assert page.blocks


def test_without_the_html_extra_html_is_named_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No lxml: the HTML file is skipped with a message naming the extra, other pages read."""
    monkeypatch.setitem(sys.modules, "lxml.html", None)
    (tmp_path / "a.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "b.txt").write_text(PAGE, encoding="utf-8")
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["b"]
    (skipped,) = corpus.skipped
    assert "pip install 'dedupe-news[html]'" in skipped.reason
    assert skipped.kind is dn.SkipKind.ERROR


def test_a_file_given_by_path_is_read_whatever_its_name(tmp_path: Path) -> None:
    """An explicit `.json` of JSONL and a `.md` page dump are read, by their content."""
    jsonl = tmp_path / "export.json"
    jsonl.write_text(json.dumps({"id": "x", "text": PAGE}) + "\n", encoding="utf-8")
    dump = tmp_path / "notes.md"
    dump.write_text(PAGE, encoding="utf-8")
    assert [p.id for p in dn.read_pages(jsonl, dump).pages] == ["x", "notes"]


def test_folders_nested_1000_deep_are_read_without_recursion(tmp_path: Path) -> None:
    """The walk keeps its own stack: 1000 nested folders give their page, no RecursionError."""
    deep = tmp_path
    for _ in range(1000):
        deep /= "d"
        os.mkdir(deep)  # noqa: PTH102 - one call per level, Path.mkdir(parents) recurses too
    (deep / "p.txt").write_text(PAGE, encoding="utf-8")
    try:
        (page,) = dn.read_pages(tmp_path).pages
    finally:  # pytest's own clean-up (shutil.rmtree) recurses: leave no deep tree behind
        (deep / "p.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent
    assert page.id == "d/" * 1000 + "p"


def test_links_out_of_the_scanned_folder_are_refused(tmp_path: Path) -> None:
    """A link to a file or folder outside is skipped; a link to a file inside is read."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("Geheim\nPARIJS (ANP) - Niet lezen.\n", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.txt").write_text(PAGE, encoding="utf-8")
    (root / "in.txt").symlink_to(root / "a.txt")
    (root / "out.txt").symlink_to(secret / "key.txt")
    (root / "outdir").symlink_to(secret, target_is_directory=True)
    corpus = dn.read_pages(root)
    assert [p.id for p in corpus.pages] == ["a", "in"]
    outside = "link outside the scanned folder"
    assert _kinds(corpus, root) == [("out.txt", "error", outside), ("outdir", "error", outside)]
    assert [p.id for p in dn.read_pages(root, secret).pages] == ["a", "in", "out", "key"]


def test_shown_path_escapes_control_characters_and_undecodable_bytes() -> None:
    """Paths shown are one line of valid UTF-8: newlines, escapes and bad bytes are escaped."""
    assert shown_path("a\nskipped: b\x1b[31m.txt") == "a\\nskipped: b\\x1b[31m.txt"
    assert shown_path(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"
    assert shown_path("Oekraïne/één.txt") == "Oekraïne/één.txt"


@pytest.mark.skipif(sys.platform != "linux", reason="needs byte file names")
def test_odd_file_names_never_forge_lines_or_break_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A newline in a name and an undecodable name: one stderr line each, valid UTF-8 JSON."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x\nskipped: forged.txt").write_bytes(b"\xff")
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_text(PAGE, encoding="utf-8")
    out = tmp_path / "r.json"
    assert cli.main(["scan", str(folder), "--output", str(out)]) == 3
    err = capsys.readouterr().err
    assert err == f"skipped: {folder}/x\\nskipped: forged.txt: not valid utf-8 at byte offset 0\n"
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert [page["id"] for page in data["pages"]] == ["caf\\xe9"]


@pytest.mark.parametrize("encoding", ["rot13", "base64", "hex", "undefined"])
def test_encodings_that_are_not_text_are_configuration_errors(
    encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes-to-bytes codecs and `undefined` are refused: ConfigError, and exit 2 in the CLI."""
    message = f"encoding must be a text encoding, got {encoding!r}"
    with pytest.raises(dn.ConfigError, match=f"^{message}$"):
        dn.read_pages(tmp_path, encoding=encoding)
    assert cli.main(["scan", str(tmp_path), "--encoding", encoding]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"


def test_utf16_files_are_read_and_nul_characters_still_refused(tmp_path: Path) -> None:
    """With --encoding utf-16 a UTF-16 file reads (its NUL bytes are text); a NUL char is binary."""
    (tmp_path / "a.txt").write_bytes(PAGE.encode("utf-16"))
    (tmp_path / "b.txt").write_bytes("x\0y".encode("utf-16"))
    corpus = dn.read_pages(tmp_path, encoding="utf-16")
    assert [(p.id, p.text) for p in corpus.pages] == [("a", PAGE)]
    assert [s.reason for s in corpus.skipped] == ["binary data (NUL character at offset 1)"]
