"""Read: files, folders and JSONL into pages; ids, metadata and the limits of the reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dedupe_news as dn

PAGE = "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n"


def test_folder_is_read_recursively_in_sorted_order_with_relative_ids(tmp_path: Path) -> None:
    """Ids are relative paths without extension; a folder's files come before its sub-folders."""
    for name in ("b.txt", "a/c.txt", "a/b.md", ".hidden.txt", ".git/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["b", "a/b", "a/c"]
    assert corpus.skipped == ()


def test_duplicate_page_ids_keep_the_first(tmp_path: Path) -> None:
    """A second page with an id already read is skipped, naming where the first came from."""
    (tmp_path / "x.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "x.md").write_text(PAGE, encoding="utf-8")
    corpus = dn.read_pages(tmp_path)
    assert [p.path for p in corpus.pages] == [str(tmp_path / "x.md")]
    first = tmp_path / "x.md"
    assert corpus.skipped == (
        dn.Skipped(str(tmp_path / "x.txt"), f"duplicate page id 'x', first read from {first}"),
    )


def test_jsonl_metadata_bom_and_oversized_line(tmp_path: Path) -> None:
    """JSONL keeps url/site/published, drops a BOM, and skips a line over the size limit."""
    path = tmp_path / "pages.jsonl"
    good = {"id": "a", "text": PAGE.replace("\n", "\r\n"), "url": "https://x.nl/a", "site": "x.nl"}
    lines = [
        json.dumps(good),
        "",
        json.dumps({"id": "b", "text": "x" * 500}),
        json.dumps({"id": "c", "text": 5}),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    corpus = dn.read_pages(path, max_page_bytes=300)
    (page,) = corpus.pages
    assert (page.id, page.url, page.site, page.published, page.path) == (
        "a",
        "https://x.nl/a",
        "x.nl",
        None,
        f"{path}:1",
    )
    assert "\r" not in page.text
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        (f"{path}:3", "524 bytes, over the maximum page size of 300 bytes"),
        (f"{path}:4", "'text' must be a string, got 5"),
    ]


@pytest.mark.parametrize("value", [0, -5, True, 2.5])
def test_max_page_bytes_must_be_positive(value: object, tmp_path: Path) -> None:
    """A size limit that is not a positive integer is a configuration error."""
    with pytest.raises(dn.ConfigError, match="max_page_bytes must be a positive integer"):
        dn.read_pages(tmp_path, max_page_bytes=value)  # type: ignore[arg-type]


def test_single_file_id_is_its_stem(tmp_path: Path) -> None:
    """A file given directly is named by its file name without extension."""
    (tmp_path / "001_abc.txt").write_text(PAGE, encoding="utf-8")
    assert [p.id for p in dn.read_pages(tmp_path / "001_abc.txt").pages] == ["001_abc"]


def test_empty_input_is_not_an_error(tmp_path: Path) -> None:
    """No sources, or an empty folder, give an empty corpus."""
    assert dn.read_pages() == dn.Corpus(())
    assert dn.read_pages(tmp_path) == dn.Corpus(())
