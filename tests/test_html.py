"""HTML pages: charsets, the missing extra, malformed, huge and deep pages, text only."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("lxml")

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import Role
from dedupe_news.sources import html
from dedupe_news.sources._dom import MAX_DEPTH, collapse
from dedupe_news.sources.charset import decode_html
from dedupe_news.sources.warc import warc_pages


def _texts(data: bytes, encoding: str | None = None) -> list[str]:
    page = html.html_page(data, page_id="p", path="p.html", encoding=encoding)
    return [block.text for block in page.blocks]


@pytest.mark.parametrize("module", ["lxml.html", "warcio"])
def test_without_the_extra_html_and_warc_input_names_the_extra(
    module: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A missing lxml or warcio is a ConfigError naming the pip command, never markup-as-text."""
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ConfigError, match=r"pip install 'dedupe-news\[html\]'"):
        html.html_page(b"<p>x</p>", page_id="p", path=None)
    with pytest.raises(ConfigError, match="html extra"):
        next(warc_pages(tmp_path / "none.warc"))


def test_scripts_styles_comments_and_hidden_elements_give_no_text() -> None:
    """Only the page's visible text becomes blocks."""
    data = (
        b"<html><head><title>T</title><style>p{color:red}</style></head><body>"
        b"<script>var x = '<p>no</p>';</script><!-- note --><p hidden>secret</p>"
        b"<p>Zichtbaar <b>vet</b> en<br>verder</p><noscript>nojs</noscript></body></html>"
    )
    assert _texts(data) == ["Zichtbaar vet en verder"]


@pytest.mark.parametrize(
    ("data", "keywords", "expected"),
    [
        ('<meta charset="windows-1252"><p>café</p>'.encode(), {}, "café"),  # stale meta
        ('<meta charset="utf-8"><p>café</p>'.encode("cp1252"), {}, "café"),  # invalid UTF-8
        ('<meta charset="iso-8859-1"><p>café</p>'.encode("cp1252"), {}, "café"),
        ('<meta charset="no-such"><p>café</p>'.encode(), {}, "café"),  # unknown: passed over
        ('<meta charset="koi8-r"><p>café</p>'.encode(), {"encoding": "utf-8"}, "café"),
        (b"\xef\xbb\xbf<meta charset='koi8-r'><p>caf\xc3\xa9</p>", {"encoding": "cp1252"}, "café"),
        ("<p>café</p>".encode("utf-16"), {}, "café"),  # a UTF-16 byte-order mark
        ('<meta charset="utf-16"><p>café</p>'.encode(), {}, "café"),  # ASCII bytes: UTF-8
        (b"<p>caf\x81</p>", {"encoding": "cp1252"}, "caf\ufffd"),  # undefined byte replaced
    ],
)
def test_charsets_follow_the_documented_precedence_and_repairs(
    data: bytes, keywords: dict[str, str], expected: str
) -> None:
    """BOM, then the caller's charset, then <meta>, then UTF-8; wrong ones are repaired."""
    assert _texts(data, keywords.get("encoding")) == [expected]


def test_a_declared_charset_decodes_its_bytes() -> None:
    """A correct non-UTF-8 declaration is followed."""
    data = '<meta charset="koi8-r"><p>Привет</p>'.encode("koi8-r")
    assert _texts(data) == ["Привет"]


def test_a_nul_byte_is_refused_as_binary() -> None:
    """A page holding NUL is binary data, named by its path."""
    with pytest.raises(InputError, match=r"^p.html:0: binary data"):
        decode_html(b"<p>a\0b</p>", encoding=None, path="p.html")


@pytest.mark.parametrize("data", [b"", b"   ", b"<!-- only -->", b"<html><body> </body></html>"])
def test_a_page_without_text_is_refused_as_empty(data: bytes) -> None:
    """No text, no page: the same reason as an empty text dump."""
    with pytest.raises(InputError, match="empty page"):
        html.html_page(data, page_id="p", path="p.html")


def test_malformed_html_is_repaired_into_text_blocks() -> None:
    """Unclosed, misnested and stray tags still give the text, in order, without markup."""
    data = b"<div><p>een<p>twee</div></span><li>drie<table><td>vier</b><p>vijf <i>zes</p>"
    assert _texts(data) == ["een", "twee", "drie", "vier", "vijf zes"]


@given(
    st.binary(max_size=300) | st.text(alphabet="<>/=\"' abpdiv!-\n", max_size=300).map(str.encode)
)
def test_any_bytes_give_a_page_or_an_input_error(data: bytes) -> None:
    """Whatever the bytes, html_page returns a page whose text has no markup, or refuses it."""
    try:
        page = html.html_page(data, page_id="p", path="p.html")
    except InputError:
        return
    assert page.text == "\n".join(block.text for block in page.blocks)
    assert all(block.text and block.text == collapse(block.text) for block in page.blocks)


def test_a_huge_page_is_read_whole_and_an_oversized_one_refused() -> None:
    """Twenty thousand paragraphs are read; a page over max_bytes is refused by size."""
    data = b"<article><h1>Titel</h1>" + b"<p>Een zin van de pagina.</p>" * 20_000 + b"</article>"
    page = html.html_page(data, page_id="p", path="p.html")
    assert len(page.blocks) == 20_001
    assert page.blocks[-1].role is Role.PARAGRAPH
    with pytest.raises(InputError, match=r"over the maximum page size of 1000 bytes"):
        html.html_page(data, page_id="p", path="p.html", max_bytes=1000)


def test_deep_nesting_is_read_up_to_the_limit_and_refused_beyond() -> None:
    """200 nested divs give their text; 100k nested divs are refused by name, quickly."""
    assert _texts(b"<div>" * 200 + b"diep" + b"</div>" * 200) == ["diep"]
    deep = b"<div>" * 100_000 + b"diep" + b"</div>" * 100_000
    with pytest.raises(InputError, match=f"nest at most {MAX_DEPTH} deep"):
        html.html_page(deep, page_id="p", path="p.html")


def test_html_files_are_read_plain_and_compressed(tmp_path: Path) -> None:
    """`.html` and `.html.gz` give the same page; a corrupt `.gz` is an InputError."""
    data = b"<h1>Titel</h1><p>PARIJS (ANP) - Tekst.</p>"
    (tmp_path / "a.html").write_bytes(data)
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(data))
    (tmp_path / "c.html.gz").write_bytes(b"not gzip")
    plain = html.read_html_file(tmp_path / "a.html", "a")
    packed = html.read_html_file(tmp_path / "b.html.gz", "b")
    assert plain.blocks == packed.blocks
    assert html.is_html_file(tmp_path / "b.html.gz")
    with pytest.raises(InputError, match=r"c.html.gz:0: not a readable .gz file"):
        html.read_html_file(tmp_path / "c.html.gz", "c")
