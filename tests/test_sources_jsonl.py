"""JSONL and stdin: field names, ids, titles, trafilatura's output, bounded lines, hostile lines."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news import cli
from dedupe_news.sources import jsonl
from dedupe_news.sources.dump import Decoder
from dedupe_news.sources.jsonl import lines

LEDE = "PARIJS (ANP) - Het nieuws van vandaag."
# One line of `trafilatura --json` (xml.build_json_output): its id is null, its url is
# `source`, its site `hostname`/`source-hostname`, its date `date`.
TRAFILATURA = {
    "title": "Kim Jong-un al in Rusland",
    "author": "ANP",
    "hostname": "nieuws.example.nl",
    "date": "2023-09-12",
    "fingerprint": "d8f5e2c1a0b9e7f3",
    "id": None,
    "license": None,
    "comments": "",
    "raw_text": None,
    "language": "nl",
    "image": None,
    "pagetype": "article",
    "filedate": "2023-09-13",
    "source": "https://nieuws.example.nl/buitenland/kim",
    "source-hostname": "Nieuws Example",
    "excerpt": "De Noord-Koreaanse leider is in Rusland.",
    "categories": "",
    "tags": "",
    "text": f"{LEDE}\nEen tweede alinea met meer woorden.",
}


def _jsonl(tmp_path: Path, *records: object, name: str = "crawl.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_integer_ids_titles_and_missing_ids(tmp_path: Path) -> None:
    """Integer ids are ids, a title opens the page, a missing or null id is `<file>:<line>`."""
    path = _jsonl(
        tmp_path,
        {"id": 10593548, "title": "Kop", "text": LEDE},
        {"text": LEDE},
        {"id": None, "title": "Kop", "text": f"Kop\n{LEDE}"},
    )
    corpus = dn.read_pages(path)
    assert [(p.id, p.text) for p in corpus.pages] == [
        ("10593548", f"Kop\n{LEDE}"),
        ("crawl:2", LEDE),
        ("crawl:3", f"Kop\n{LEDE}"),
    ]
    roles = [s.role.value for s in dn.segment_page(corpus.pages[0])]
    assert roles == ["title", "lede"]


def test_field_names_are_chosen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--id-field, --text-field and --title-field (and the library keywords) pick the fields."""
    path = _jsonl(tmp_path, {"doc": "a", "body": LEDE, "headline": "Kop"})
    corpus = dn.read_pages(path, id_field="doc", text_field="body", title_field="headline")
    assert [(p.id, p.text) for p in corpus.pages] == [("a", f"Kop\n{LEDE}")]
    argv = ["scan", str(path), "--id-field", "doc", "--text-field", "body", "-"]
    argv[-1:] = ["--title-field", "headline", "--output", str(tmp_path / "r.json")]
    assert cli.main(argv) == 0
    assert capsys.readouterr().err == ""
    with pytest.raises(dn.ConfigError, match=r"^id_field must be a non-empty string, got ''$"):
        dn.read_pages(path, id_field="")


def test_trafilatura_json_output_scans_as_is(tmp_path: Path) -> None:
    """A real trafilatura --json line is a page with its title, url, hostname and date."""
    path = _jsonl(tmp_path, TRAFILATURA, name="trafilatura.jsonl")
    (page,) = dn.read_pages(path).pages
    assert page.id == "trafilatura:1"
    assert page.text == f"Kim Jong-un al in Rusland\n{TRAFILATURA['text']}"
    assert (page.url, page.site, page.published) == (
        "https://nieuws.example.nl/buitenland/kim",
        "nieuws.example.nl",
        "2023-09-12",
    )
    first, second = dn.segment_page(page)[:2]
    assert (first.role, first.text) == (dn.Role.TITLE, "Kim Jong-un al in Rusland")
    assert second.role is dn.Role.LEDE  # no dateline: the line after the named title


def test_hostile_lines_are_skipped_and_the_good_ones_kept(tmp_path: Path) -> None:
    """A 5000-digit number, 100k nested `[` and lone surrogates are named skips, no traceback."""
    good = json.dumps({"id": "ok", "text": LEDE})
    bad = [
        '{"id": "a", "text": "x", "n": ' + "9" * 5000 + "}",
        "[" * 100_000,
        '{"id": "b", "text": "x\\ud800y"}',
        '{"id": "\\udc80", "text": "x"}',
        '{"id": "c", "text": "x", "url": "\\ud800"}',
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([good, *bad, good.replace("ok", "ok2")]), encoding="utf-8")
    corpus = dn.read_pages(path)
    assert [p.id for p in corpus.pages] == ["ok", "ok2"]
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        (f"{path}:2", "not JSON: a number with too many digits"),
        (f"{path}:3", "not JSON: nested too deeply"),
        (f"{path}:4", "'text' holds a lone surrogate at character 1"),
        (f"{path}:5", "'id' holds a lone surrogate at character 0"),
        (f"{path}:6", "'url' holds a lone surrogate at character 0"),
    ]


class _Spy(io.BytesIO):
    """A stream that remembers the longest piece it handed out."""

    longest = 0

    def readline(self, size: int | None = -1, /) -> bytes:
        """Return the next line, noting its length."""
        line = super().readline(size)
        self.longest = max(self.longest, len(line))
        return line


def test_a_line_over_the_limit_is_never_held_whole() -> None:
    """A 5 MB line with a 1 KB limit is read in bounded chunks, counted, and skipped."""
    stream = _Spy(b"x" * 5_000_000 + b"\n" + b'{"id": "a"}\n')
    assert list(lines(stream, 1000)) == [(1, 5_000_001), (2, b'{"id": "a"}\n')]
    assert stream.longest <= 1 << 16


def test_a_line_over_the_limit_is_skipped_by_size(tmp_path: Path) -> None:
    """The oversized line is named with its full size; the next line is read."""
    path = tmp_path / "p.jsonl"
    good = json.dumps({"id": "a", "text": LEDE})
    path.write_text("y" * 300_000 + "\n" + good, encoding="utf-8")
    corpus = dn.read_pages(path, max_page_bytes=1000)
    assert [p.id for p in corpus.pages] == ["a"]
    assert corpus.skipped == (
        dn.Skipped(f"{path}:1", "300001 bytes, over the maximum page size of 1000 bytes"),
    )


class _Stdin:
    """A stand-in for sys.stdin with a binary buffer."""

    def __init__(self, data: bytes) -> None:
        """Hold the bytes to read."""
        self.buffer = io.BytesIO(data)


def test_stdin_reads_jsonl_with_line_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` reads JSONL from stdin; blank lines count, ids default to `stdin:<line>`."""
    data = "\n\n" + json.dumps({"text": LEDE}) + "\n" + json.dumps({"id": "x", "text": LEDE})
    monkeypatch.setattr(sys, "stdin", _Stdin(data.encode()))
    corpus = dn.read_pages("-")
    assert [(p.id, p.path) for p in corpus.pages] == [("stdin:3", "<stdin>:3"), ("x", "<stdin>:4")]


def test_stdin_reads_one_page_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stdin that does not open with `{` is one page dump named `stdin`."""
    monkeypatch.setattr(sys, "stdin", _Stdin(f"\nKop\n{LEDE}\n".encode()))
    (page,) = dn.read_pages("-").pages
    assert (page.id, page.text, page.path) == ("stdin", f"\nKop\n{LEDE}\n", "<stdin>")


def test_stdin_over_the_limit_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page dump on stdin over the limit is refused; empty stdin is an empty page."""
    monkeypatch.setattr(sys, "stdin", _Stdin(b"x" * 200))
    (skipped,) = dn.read_pages("-", max_page_bytes=100).skipped
    assert skipped.reason == "standard input, over the maximum page size of 100 bytes"
    monkeypatch.setattr(sys, "stdin", _Stdin(b""))
    assert dn.read_pages("-").skipped[0].kind is dn.SkipKind.EMPTY


def test_stdin_in_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan -` reads stdin and reports its pages."""
    records = [{"id": n, "title": "Kop", "text": LEDE} for n in (1, 2)]
    data = "".join(json.dumps(r) + "\n" for r in records)
    monkeypatch.setattr(sys, "stdin", _Stdin(data.encode()))
    assert cli.main(["scan", "-", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in report["pages"]] == ["1", "2"]
    assert [p["title"] for p in report["pages"]] == ["Kop", "Kop"]


def test_html_inside_jsonl_is_an_html_page(tmp_path: Path) -> None:
    """--html-field: a record's HTML gives a page with DOM blocks and the record's metadata."""
    html = "<html><body><article><h1>Kop</h1><p>PARIJS (ANP) - Het nieuws.</p></article></body>"
    path = _jsonl(
        tmp_path, {"id": 7, "html": html, "url": "https://nieuws.example/a"}, name="h.jsonl"
    )
    (page,) = dn.read_pages(path, html_field="html").pages
    assert (page.id, page.site, bool(page.blocks)) == ("7", "nieuws.example", True)
    roles = [(s.role, s.text) for s in dn.segment_page(page)]
    assert roles == [(dn.Role.TITLE, "Kop"), (dn.Role.LEDE, "Het nieuws.")]
    assert dn.read_pages(path).skipped[0].reason.startswith("'text' must be a string")


def test_html_field_without_the_extra_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for HTML in JSONL without lxml is refused before reading, naming the extra."""
    monkeypatch.setitem(sys.modules, "lxml.html", None)
    with pytest.raises(dn.ConfigError, match=r"dedupe-news\[html\]"):
        dn.read_pages(tmp_path, html_field="html")


# Values a field may hold that the two JSON parsers could read apart: integers past 64 bits
# (orjson reads them as floats), floats, NaN and infinities, lone surrogates, byte-order marks.
_FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["\ud800", "x\udc80y", "\ufeffKop", "a\r\nb\rc", " ", "\x00"]),
    st.lists(st.integers(), max_size=2),
)
_RECORDS = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        ("id", "text", "title", "url", "source", "site", "hostname", "date"), _FIELD_VALUES
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_RECORDS, min_size=1, max_size=4), st.sampled_from(["", "\ufeff"]))
def test_orjson_reads_every_line_as_json_does(
    records: list[dict[str, object]], opening: str
) -> None:
    """The fast parser (orjson) and the `json` path give the same pages and skips, any line."""
    lines_text = [json.dumps(record, allow_nan=True) for record in records]
    data = (opening + "\n".join(lines_text) + "\n").encode("utf-8", "surrogatepass")

    def read() -> list[object]:
        source = jsonl.JsonlSource("crawl.jsonl", "crawl")
        decoder = Decoder.of("utf-8")
        return list(jsonl.pages(io.BytesIO(data), source, jsonl.Fields(), decoder, 1 << 20))

    fast = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl, "_fast_record", lambda _line, _fields: None)
        assert read() == fast


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b" \t\r\n", b"\x0b\x0c\n\n"],
)
def test_blank_lines_and_a_lone_byte_order_mark_are_no_page_and_no_skip(data: bytes) -> None:
    """A line of ASCII blanks, or only the byte-order mark, is passed over; the next counts on."""
    record = b'{"id": "a", "text": "Tekst"}\n'
    source = jsonl.JsonlSource("crawl.jsonl", "crawl")
    read = list(
        jsonl.pages(io.BytesIO(data + record), source, jsonl.Fields(), Decoder.of("utf-8"), 1 << 20)
    )
    number = data.count(b"\n") + 1
    assert [(type(item).__name__, getattr(item, "path", None)) for item in read] == [
        ("Page", f"crawl.jsonl:{number}")
    ]


def test_a_file_of_only_a_byte_order_mark_has_no_pages_and_no_skips() -> None:
    """The mark dropped, nothing is left: no page, and nothing to skip."""
    source = jsonl.JsonlSource("crawl.jsonl", "crawl")
    stream = io.BytesIO(b"\xef\xbb\xbf")
    assert list(jsonl.pages(stream, source, jsonl.Fields(), Decoder.of("utf-8"), 1 << 20)) == []


@pytest.mark.parametrize("blank", ["\u2003", " \u00a0 ", "\u3000\n"])
def test_a_title_or_text_of_unicode_blanks_is_none(blank: str) -> None:
    """A title of Unicode blanks is no title; a text of them is an empty page."""
    lines_in = [
        json.dumps({"id": "a", "text": "Tekst", "title": blank}),
        json.dumps({"id": "b", "text": blank}),
    ]
    data = ("\n".join(lines_in) + "\n").encode()
    source = jsonl.JsonlSource("crawl.jsonl", "crawl")
    page, skipped = jsonl.pages(
        io.BytesIO(data), source, jsonl.Fields(), Decoder.of("utf-8"), 1 << 20
    )
    assert isinstance(page, dn.Page)
    assert (page.text, page.titled) == ("Tekst", False)
    assert isinstance(skipped, dn.Skipped)
    assert (skipped.path, skipped.kind) == ("crawl.jsonl:2", dn.SkipKind.EMPTY)
