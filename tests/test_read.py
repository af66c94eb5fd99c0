"""Read: files, folders and JSONL into pages; every bad input skipped with its exact reason."""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.sources.dump import MAX_PAGE_BYTES
from tests.strategies import pages

PAGE = "Titel\nPARIJS (ANP) - Het nieuws van vandaag.\n"


def _write(root: Path, name: str, data: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _skipped(corpus: dn.Corpus) -> list[tuple[str, str]]:
    return [(s.path, s.reason) for s in corpus.skipped]


def test_folder_is_read_recursively_in_sorted_order_with_relative_ids(tmp_path: Path) -> None:
    """Ids are relative paths without extension; a folder's files come before its sub-folders."""
    for name in ("b.txt", "a/c.txt", "a/b.md", "a/z/y.txt", "0.txt", "B/x.txt"):
        _write(tmp_path, name, PAGE)
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["0", "b", "B/x", "a/c", "a/z/y"]
    assert corpus.pages[1].path == str(tmp_path / "b.txt")
    not_page = dn.Skipped(str(tmp_path / "a/b.md"), "not a page: a .md file", dn.SkipKind.NOT_PAGE)
    assert corpus.skipped == (not_page,)


def test_hidden_files_and_folders_are_passed_over(tmp_path: Path) -> None:
    """Names starting with a dot are neither read nor reported."""
    for name in ("page.txt", ".hidden.txt", ".git/x.txt", "sub/.cache/y.txt", "sub/.z.txt"):
        _write(tmp_path, name, PAGE)
    assert dn.read_pages(tmp_path) == dn.Corpus(dn.read_pages(tmp_path / "page.txt").pages)


def test_single_file_id_is_its_stem(tmp_path: Path) -> None:
    """A file given directly is named by its file name without extension."""
    path = _write(tmp_path, "deep/001_abc.txt", PAGE)
    (page,) = dn.read_pages(path).pages
    assert (page.id, page.text, page.path) == ("001_abc", PAGE, str(path))
    assert (page.url, page.site, page.published) == (None, None, None)


def test_sources_are_read_in_the_order_given(tmp_path: Path) -> None:
    """Several sources give their pages source by source, strings and paths alike."""
    second, first = _write(tmp_path, "b.txt", PAGE), _write(tmp_path, "a.txt", PAGE)
    assert [p.id for p in dn.read_pages(second, str(first)).pages] == ["b", "a"]


def test_duplicate_page_ids_keep_the_first(tmp_path: Path) -> None:
    """A later page with an id already read is skipped, naming where the first came from."""
    first = _write(tmp_path, "root/x.txt", PAGE)
    later = _write(tmp_path, "root/x.txt.gz", gzip.compress(PAGE.encode()))
    jsonl = _write(tmp_path, "p.jsonl", json.dumps({"id": "x", "text": PAGE}) + "\n")
    corpus = dn.read_pages(tmp_path / "root", jsonl)
    assert [p.path for p in corpus.pages] == [str(first)]
    reason = f"duplicate page id 'x', first read from {first}"
    assert _skipped(corpus) == [(str(later), reason), (f"{jsonl}:1", reason)]


def test_jsonl_pages_keep_metadata_and_their_line(tmp_path: Path) -> None:
    """Each JSONL line is a page: id, text, url, site and published; path is `file:line`."""
    records = [
        {"id": "a", "text": PAGE, "url": "https://x.nl/a", "site": "x.nl", "published": "2024"},
        {"id": "b/c", "text": "Tekst", "url": None, "extra": [1, 2]},
    ]
    path = _write(tmp_path, "p.jsonl", "\n\n".join(json.dumps(r) for r in records) + "\n\n")
    corpus = dn.read_pages(path)
    assert corpus.pages == (
        dn.Page(dn.records.PageId("a"), PAGE, f"{path}:1", "https://x.nl/a", "x.nl", "2024"),
        dn.Page(dn.records.PageId("b/c"), "Tekst", f"{path}:3"),
    )
    assert corpus.skipped == ()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a", "text": ', "not JSON: Expecting value"),
        ("{'id': 'a'}", "not JSON: Expecting property name enclosed in double quotes"),
        ('["id", "text"]', "a page must be a JSON object, got list"),
        ('"tekst"', "a page must be a JSON object, got str"),
        ("null", "a page must be a JSON object, got NoneType"),
        ('{"id": "", "text": "x"}', "'id' must be a non-empty string or an integer, got ''"),
        ('{"id": true, "text": "x"}', "'id' must be a non-empty string or an integer, got True"),
        ('{"id": 1.5, "text": "x"}', "'id' must be a non-empty string or an integer, got 1.5"),
        ('{"id": "a"}', "'text' must be a string, got None"),
        ('{"id": "a", "text": ["x"]}', "'text' must be a string, got ['x']"),
        ('{"id": "a", "text": " \\n\\t "}', "empty page (no text)"),
        ('{"id": "a", "text": "x", "url": 7}', "'url' must be a string, got 7"),
        ('{"id": "a", "text": "x", "site": true}', "'site' must be a string, got True"),
        ('{"id": "a", "text": "x", "published": 2024}', "'published' must be a string, got 2024"),
    ],
)
def test_bad_jsonl_line_is_skipped_with_its_reason(tmp_path: Path, line: str, reason: str) -> None:
    """A bad line is skipped as `path:line` with the exact reason; the lines around it are read."""
    good = json.dumps({"id": "ok", "text": PAGE})
    path = _write(tmp_path, "p.jsonl", f"{good}\n{line}\n" + good.replace('"ok"', '"ok2"'))
    corpus = dn.read_pages(path)
    assert [p.id for p in corpus.pages] == ["ok", "ok2"]
    assert _skipped(corpus) == [(f"{path}:2", reason)]


def test_bad_bytes_in_a_jsonl_line_are_named_by_line_and_offset(tmp_path: Path) -> None:
    """A NUL byte or an invalid UTF-8 byte is located within its line."""
    good = json.dumps({"id": "a", "text": PAGE}).encode()
    data = good + b"\n" + b'{"id": "b", "text": "\x00"}' + b"\n" + b'{"id": "c", "text": "\xe9"}'
    path = _write(tmp_path, "p.jsonl", data)
    corpus = dn.read_pages(path)
    assert [p.id for p in corpus.pages] == ["a"]
    assert _skipped(corpus) == [
        (f"{path}:2", "binary data (NUL byte at byte offset 21)"),
        (f"{path}:3", "not valid utf-8 at byte offset 21"),
    ]


def test_jsonl_line_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    """A line longer than max_page_bytes (newline included) is skipped by its size."""
    small = json.dumps({"id": "a", "text": "x"})
    large = json.dumps({"id": "b", "text": "x" * 200})
    path = _write(tmp_path, "p.jsonl", f"{small}\n{large}\n")
    corpus = dn.read_pages(path, max_page_bytes=100)
    assert [p.id for p in corpus.pages] == ["a"]
    size = len(large) + 1
    assert _skipped(corpus) == [
        (f"{path}:2", f"{size} bytes, over the maximum page size of 100 bytes")
    ]


def test_bom_and_line_ends_are_normalized(tmp_path: Path) -> None:
    r"""A UTF-8 BOM is dropped; `\r\n` and a lone `\r` become `\n`, in files and JSONL."""
    text = "Titel\r\nPARIJS (ANP) - Oekraïne.\rTwee\n"
    file = _write(tmp_path, "a.txt", b"\xef\xbb\xbf" + text.encode())
    jsonl = _write(
        tmp_path, "b.jsonl", b"\xef\xbb\xbf" + json.dumps({"id": "b", "text": text}).encode()
    )
    corpus = dn.read_pages(file, jsonl)
    assert [p.text for p in corpus.pages] == ["Titel\nPARIJS (ANP) - Oekraïne.\nTwee\n"] * 2
    assert corpus.skipped == ()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty page (no text)"),
        (b" \r\n\t\n", "empty page (no text)"),
        (b"\xef\xbb\xbf", "empty page (no text)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data (NUL byte at byte offset 8)"),
        (b"Titel\x00", "binary data (NUL byte at byte offset 5)"),
        ("Titel\nOekraïne\n".encode("latin-1"), "not valid utf-8 at byte offset 11"),
        (b"\xff", "not valid utf-8 at byte offset 0"),
        ("é".encode() + "é".encode("latin-1"), "not valid utf-8 at byte offset 2"),
        (b"Titel\n" * 2000 + b"\x00", "binary data (NUL byte at byte offset 12000)"),
    ],
)
def test_bad_file_is_skipped_with_its_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    """Empty, binary and non-UTF-8 files are skipped, named, with the byte offset at fault."""
    path = _write(tmp_path, "bad.txt", data)
    _write(tmp_path, "good.txt", PAGE)
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["good"]
    assert _skipped(corpus) == [(str(path), reason)]


def test_other_encodings_are_read_when_asked(tmp_path: Path) -> None:
    """With encoding='latin-1' a Latin-1 file is decoded, not skipped."""
    path = _write(tmp_path, "a.txt", "Oekraïne\r\n".encode("latin-1"))
    assert dn.read_pages(path, encoding="latin-1").pages[0].text == "Oekraïne\n"


def test_missing_path_is_skipped(tmp_path: Path) -> None:
    """A path that does not exist is named with the system's reason, the rest still read."""
    missing = tmp_path / "nowhere.txt"
    page = _write(tmp_path, "a.txt", PAGE)
    corpus = dn.read_pages(missing, page, tmp_path / "gone.jsonl")
    assert [p.id for p in corpus.pages] == ["a"]
    assert _skipped(corpus) == [
        (str(missing), "No such file or directory"),
        (str(tmp_path / "gone.jsonl"), "No such file or directory"),
    ]


def test_file_over_the_size_limit_is_skipped_and_at_the_limit_read(tmp_path: Path) -> None:
    """max_page_bytes is inclusive: a file of exactly that size is read."""
    at = _write(tmp_path, "at.txt", "x" * 50)
    over = _write(tmp_path, "over.txt", "x" * 51)
    corpus = dn.read_pages(tmp_path, max_page_bytes=50)
    assert [p.path for p in corpus.pages] == [str(at)]
    assert _skipped(corpus) == [(str(over), "51 bytes, over the maximum page size of 50 bytes")]


def test_unlistable_root_folder_is_skipped(
    tmp_path: Path, deny_listing: Callable[[Path], None]
) -> None:
    """A folder that cannot be listed at all is skipped by name."""
    _write(tmp_path, "root/a.txt", PAGE)
    deny_listing(tmp_path / "root")
    corpus = dn.read_pages(tmp_path / "root")
    assert corpus == dn.Corpus((), (dn.Skipped(str(tmp_path / "root"), "Permission denied"),))


def test_unlistable_sub_folder_is_skipped_between_its_siblings(
    tmp_path: Path, deny_listing: Callable[[Path], None]
) -> None:
    """A sub-folder that cannot be listed is named; the folders before and after it are read."""
    for name in ("a/1.txt", "b/2.txt", "c/3.txt"):
        _write(tmp_path, name, PAGE)
    deny_listing(tmp_path / "b")
    corpus = dn.read_pages(tmp_path)
    assert [p.id for p in corpus.pages] == ["a/1", "c/3"]
    assert _skipped(corpus) == [(str(tmp_path / "b"), "Permission denied")]


@pytest.mark.parametrize("value", [0, -5, True, 2.5, "10"])
def test_max_page_bytes_must_be_a_positive_integer(value: object, tmp_path: Path) -> None:
    """A size limit that is not a positive integer is a configuration error."""
    with pytest.raises(dn.ConfigError, match="max_page_bytes must be a positive integer, got"):
        dn.read_pages(tmp_path, max_page_bytes=value)  # type: ignore[arg-type]


def test_unknown_encoding_is_a_configuration_error(tmp_path: Path) -> None:
    """An encoding Python does not know is refused before anything is read."""
    with pytest.raises(dn.ConfigError, match=r"^encoding must be a known codec, got 'klingon'$"):
        dn.read_pages(tmp_path / "nowhere", encoding="klingon")


def test_empty_input_is_not_an_error(tmp_path: Path) -> None:
    """No sources, or an empty folder, give an empty corpus."""
    assert dn.read_pages() == dn.Corpus(())
    assert dn.read_pages(tmp_path) == dn.Corpus((), ())
    assert MAX_PAGE_BYTES == 16 * 1024 * 1024


@given(texts=st.lists(pages(), min_size=1, max_size=4), crlf=st.booleans())
def test_pages_written_as_files_and_jsonl_read_back_equal(texts: list[str], crlf: bool) -> None:  # noqa: FBT001
    """Any page dump written to a file or a JSONL line reads back as the same page text."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        records = []
        for i, text in enumerate(texts):
            raw = text.replace("\n", "\r\n") if crlf else text
            (root / f"{i}.txt").write_bytes(raw.encode())
            records.append(json.dumps({"id": f"j{i}", "text": raw}, ensure_ascii=False))
        (root / "all.jsonl").write_text("\n".join(records), encoding="utf-8")
        corpus = dn.read_pages(root)
    expected = [t for t in texts if t.strip()]
    assert [p.text for p in corpus.pages if not p.id.startswith("j")] == expected
    assert [p.text for p in corpus.pages if p.id.startswith("j")] == expected
