"""The seed pages as HTML (three site templates) and in a WARC give the text dumps' results."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

pytest.importorskip("lxml")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import dedupe_news as dn
from dedupe_news.records import Label, Page, Role, Skipped
from dedupe_news.sources.html import html_page, read_html_file
from dedupe_news.sources.warc import warc_pages
from tests.strategies import _VOCABULARY

HTML_DIR = Path(__file__).parent / "data" / "html"
ARTICLE = frozenset({Role.TITLE, Role.LEDE, Role.PARAGRAPH, Role.SUBHEADING})
TEXT_ROLES = ARTICLE | {Role.SECTION_HEADING, Role.TEASER}
SITE = "https://nieuws.example/"


def _html_pages() -> list[Page]:
    return [read_html_file(path, path.stem) for path in sorted(HTML_DIR.glob("*.html"))]


Key = tuple[str, Role, str]


def _article(report: dn.Report, rename: dict[str, str]) -> dict[str, list[object]]:
    """Each page's article and rail segments, without their positions."""
    return {
        rename.get(page.id, page.id): [
            (s.role, s.text, s.place, s.agencies, s.age)
            for s in report.segments_of(page.id)
            if s.role in TEXT_ROLES
        ]
        for page in report.pages
    }


def _groups(report: dn.Report, rename: dict[str, str]) -> set[frozenset[Key]]:
    """Clusters of the six text roles, members named by (page, role, text)."""
    groups = set()
    for cluster in report.clusters:
        members = [report.segment(m) for m in cluster.members]
        if all(s.role in TEXT_ROLES for s in members):
            groups.add(
                frozenset((rename.get(s.page_id, s.page_id), s.role, s.text) for s in members)
            )
    return groups


def _labels(report: dn.Report, rename: dict[str, str]) -> dict[Key, Label]:
    return {
        (rename.get(s.page_id, s.page_id), s.role, s.text): report.label_of(s.id)
        for s in report.segments
        if s.role in TEXT_ROLES
    }


def _same_as_text(html: dn.Report, text: dn.Report, rename: dict[str, str]) -> None:
    assert _article(html, rename) == _article(text, {})
    assert _groups(html, rename) == _groups(text, {})
    assert _labels(html, rename) == _labels(text, {})
    furniture = [s for s in html.segments if s.role not in TEXT_ROLES]
    assert furniture
    assert {html.label_of(s.id) for s in furniture} == {Label.BOILERPLATE}


def test_html_seeds_give_the_text_dumps_segments_groups_and_labels(
    seed_corpus: dn.Corpus,
) -> None:
    """Article and rail segments, duplicate groups and labels match the text dumps'."""
    _same_as_text(dn.dedupe(_html_pages()), dn.dedupe(seed_corpus), {})


def test_the_html_templates_add_only_furniture_roles() -> None:
    """Each template's navigation, notice, byline, caption and footer get their own roles."""
    for page in _html_pages():
        roles = {block.role for block in page.blocks}
        assert {Role.NAVIGATION, Role.NOTICE, Role.FOOTER, Role.BYLINE} <= roles
        assert "<" not in page.text  # text only: no markup, script or style


def _record(writer: WARCWriter, uri: str, body: bytes, content_type: str) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)
    record.raw_stream.close()  # warcio buffers the payload in a temporary file


def _warc(path: Path, pages: list[tuple[str, bytes]], *, broken: bool) -> Path:
    with path.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        info = writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"})
        writer.write_record(info)
        for name, body in pages:
            _record(writer, SITE + name, body, "text/html; charset=utf-8")
        _record(writer, SITE + "logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
    if broken:
        with path.open("ab") as file:
            file.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    return path


def test_a_warc_of_the_seeds_gives_the_text_dumps_results(
    seed_corpus: dn.Corpus, tmp_path: Path
) -> None:
    """Pages from a WARC (with a PNG and a broken record) match the text dumps too."""
    files = sorted(HTML_DIR.glob("*.html"))
    path = _warc(tmp_path / "crawl.warc.gz", [(f.stem, f.read_bytes()) for f in files], broken=True)
    items = list(warc_pages(path))
    pages = [i for i in items if isinstance(i, Page)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert skipped[0].reason == "not HTML (content type 'image/png')"
    assert skipped[1].reason.startswith("broken WARC record")
    assert skipped[1].path == f"{path}:{len(files) + 3}"
    assert len(skipped) == 2
    assert {p.site for p in pages} == {"nieuws.example"}
    assert all(p.published and p.url == p.id for p in pages)
    rename = {SITE + f.stem: f.stem for f in files}
    _same_as_text(dn.dedupe(pages), dn.dedupe(seed_corpus), rename)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_VOCABULARY) for _ in range(words)).capitalize() + "."


def _rail_rng(number: int) -> random.Random:
    return random.Random(100 + number)  # noqa: S311 - seeded text, not secrets


def _site_page(number: int) -> bytes:
    """One page of a site: the same menu, banner, promo, rail and footer; its own article."""
    rng = random.Random(number)  # noqa: S311 - seeded text, not secrets
    body = "".join(f"<p>{_sentence(rng, 14)} {_sentence(rng, 12)}</p>" for _ in range(3))
    rail = "".join(
        f"<li><a href='/n/{n}'>PARIJS (ANP) - {_sentence(_rail_rng(n), 16)}</a>"
        f"<time>{n} uur geleden</time></li>"
        for n in range(1, 6)
    )
    return f"""<html><body><header><nav><a href="/">Home</a><a href="/sport">Sport</a></nav>
    </header><div class="cookie"><p>Wij gebruiken cookies voor statistieken.</p></div>
    <article><h1>{_sentence(rng, 7)[:-1]}</h1><p class="byline">Door Redactie</p>
    <p>BERN (ANP) - {_sentence(rng, 20)}</p>{body}<h2>{_sentence(rng, 2)[:-1]}</h2>
    <p>{_sentence(rng, 18)}</p></article>
    <div class="promo"><p>Meld je aan voor onze dagelijkse nieuwsbrief en mis niets.</p></div>
    <aside><h2>Meer uit Buitenland</h2><ul>{rail}</ul></aside>
    <footer><p>Alle rechten voorbehouden, Nieuws B.V.</p></footer></body></html>""".encode()


def test_a_site_crawl_labels_repeated_blocks_boilerplate_and_articles_unique() -> None:
    """Twenty pages of one template: what repeats is boilerplate, each article is unique."""
    pages = [html_page(_site_page(n), page_id=f"p{n:02}", path=None) for n in range(20)]
    report = dn.dedupe(pages)
    pages_of: dict[str, set[str]] = {}
    for segment in report.segments:
        pages_of.setdefault(segment.text, set()).add(segment.page_id)
    repeated = [s for s in report.segments if len(pages_of[s.text]) == 20]
    template = {"Meer uit Buitenland", "Alle rechten voorbehouden, Nieuws B.V.", "Door Redactie"}
    assert {s.text for s in repeated} >= template
    assert all(report.label_of(s.id) is Label.BOILERPLATE for s in repeated)
    promo = [s for s in repeated if s.text.startswith("Meld je aan")]
    assert {s.role for s in promo} == {Role.PARAGRAPH}  # no landmark: repetition decides
    articles = [s for s in report.segments if s.role in ARTICLE and s not in promo]
    assert len(articles) == 20 * 7
    assert all(report.label_of(s.id) is Label.UNIQUE for s in articles)
    assert all(len(pages_of[s.text]) == 1 for s in articles)
