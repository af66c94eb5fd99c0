"""HTML report: one self-contained, deterministic file whose page text stays inert."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from benchmarks import browser
from benchmarks.generate import generate_pages

import dedupe_news as dn
from dedupe_news.report import write_report
from dedupe_news.report.html import CHUNK_PAGES, to_html

RAFALE = "Oekraïne gaat de komende jaren tot een honderdtal moderne Franse gevechtsvliegtuigen"
ATTACKS = (
    "<script>alert(document.documentElement.dataset.pwned=1)</script>",
    "</script><script>alert(document.documentElement.dataset.pwned=2)</script>",
    '<img src=x onerror="alert(document.documentElement.dataset.pwned=3)">',
    "<!--<script>",
)
_BLOCK = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="module")
def seeds() -> dn.Report:
    """The report of the bundled seed pages."""
    return dn.dedupe(dn.read_pages(dn.demo.seed_folder()))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def hostile() -> dn.Report:
    """Pages whose titles, text, dateline and url try to become markup or script."""
    body = "PARIJS (ANP) - Het kabinet valt over de begroting van het ministerie van Financiën."
    shared = f"{ATTACKS[0]} staat in de tekst van elke pagina van deze site, als aanval."
    pages = [
        dn.Page(
            f"p{i}",
            f"{attack}\n{body}\n{attack} en verder\n{shared}\n",
            url="javascript:alert(4)",
            site="<b>site</b>",
        )
        for i, attack in enumerate(ATTACKS)
    ]
    return dn.dedupe([*pages, dn.Page("</script>", f"Titel\n{body}\n")])


def _blocks(page: str) -> dict[str, str]:
    return dict(_BLOCK.findall(page))


def test_the_file_is_self_contained(seeds: dn.Report) -> None:
    """No external script, style, image or font: nothing is fetched from anywhere."""
    page = to_html(seeds)
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.endswith("</html>\n")
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", page)
    assert "@import" not in page
    assert "url(" not in page
    assert "http://" not in page
    assert "https://" not in page


def test_data_blocks_hold_every_page_and_cluster(seeds: dn.Report) -> None:
    """The index names every page and cluster; the page blocks hold every segment's text."""
    blocks = _blocks(to_html(seeds))
    index = json.loads(blocks["dn-index"])
    assert [p[0] for p in index["pages"]] == [p.id for p in seeds.pages]
    assert [c[0] for c in index["clusters"]] == [c.id for c in seeds.clusters]
    chunk = json.loads(blocks["dn-pages-0"])
    texts = [row[4] for page in chunk for row in page]
    assert texts == [s.text for s in seeds.segments]
    assert (
        index["labels"][chunk[1][0][2]] == seeds.labels[len(seeds.segments_of(seeds.pages[0].id))]
    )


def test_pages_are_split_into_chunks() -> None:
    """A crawl larger than one chunk gets one JSON block per CHUNK_PAGES pages."""
    pages = [
        dn.Page(f"{i:05d}", f"Titel {i}\nTekst nummer {i} van de pagina.\n") for i in range(1201)
    ]
    blocks = _blocks(to_html(dn.dedupe(pages)))
    assert sorted(blocks) == ["dn-index", "dn-pages-0", "dn-pages-1", "dn-pages-2"]
    assert [len(json.loads(blocks[f"dn-pages-{n}"])) for n in range(3)] == [
        CHUNK_PAGES,
        CHUNK_PAGES,
        201,
    ]


def test_page_text_never_leaves_its_data_block(hostile: dn.Report) -> None:
    """No `<` from page text reaches the file: data blocks hold no `</` or `<!--`."""
    page = to_html(hostile)
    blocks = _blocks(page)
    assert len(blocks) == 2
    for data in blocks.values():
        assert "<" not in data
    assert page.count("<script") == 3  # the index, one chunk of pages, the viewer
    for attack in ATTACKS:
        assert attack not in page
    chunk = json.loads(blocks["dn-pages-0"])
    assert {row[4] for page in chunk for row in page} >= set(ATTACKS)


def test_overview_escapes_page_text(hostile: dn.Report) -> None:
    """The overview's tables show page text escaped: the cluster preview is text."""
    overview = to_html(hostile).split('<main id="view"', 1)[0]
    assert (
        "&lt;script&gt;alert(document.documentElement.dataset.pwned=1)&lt;/script&gt;" in overview
    )
    assert "<img" not in overview
    assert "<th scope=row>&lt;b&gt;site&lt;/b&gt;</th>" in overview


def test_output_is_deterministic(seeds: dn.Report) -> None:
    """The same report gives the same bytes, through to_html, Report.to_html and the CLI path."""
    out = io.BytesIO()
    write_report(seeds, "html", None, out)
    again = dn.dedupe(dn.read_pages(dn.demo.seed_folder()))  # type: ignore[attr-defined]
    assert out.getvalue().decode("utf-8") == to_html(seeds) == again.to_html()


def test_report_of_no_pages_is_a_valid_page() -> None:
    """An empty run writes the overview and an empty index, and no page block."""
    page = to_html(dn.dedupe([]))
    assert sorted(_blocks(page)) == ["dn-index"]
    assert "No repeated text in this run." in page


def test_size_is_close_to_the_text_it_shows() -> None:
    """A generated crawl's file is a small multiple of its page text, not of the JSON report."""
    pages = [dn.Page(item.id, item.text, site=item.site) for item in generate_pages(300, seed=3)]
    report = dn.dedupe(pages)
    size = len(to_html(report).encode("utf-8"))
    text = sum(len(s.text.encode("utf-8")) for s in report.segments)
    assert size < 1.6 * text + 60_000
    assert len(dn.report.to_json(report).encode("utf-8")) > size


def test_overview_counts_sites_agencies_and_histograms() -> None:
    """The overview has a row per site, per agency credit, and both histograms."""
    pages = [dn.Page(item.id, item.text, site=item.site) for item in generate_pages(300, seed=3)]
    report = dn.dedupe(pages)
    page = to_html(report)
    for site in {p.site for p in report.pages}:
        assert f"<th scope=row>{site}</th>" in page
    assert "<th scope=row>ANP</th>" in page
    assert page.count("<svg ") == 2
    assert "Largest clusters" in page


needs_chromium = pytest.mark.skipif(
    browser.chromium() is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)


def _dom(tmp_path: Path, report: dn.Report, fragment: str) -> str:
    path = tmp_path / "report.html"
    if not path.exists():
        path.write_text(to_html(report), encoding="utf-8")
    dom = browser.dump_dom(path, fragment)
    assert 'data-errors=""' in dom, re.findall(r'data-errors="[^"]*"', dom)
    return dom


@needs_chromium
def test_browser_shows_the_rafale_cluster(seeds: dn.Report, tmp_path: Path) -> None:
    """Chromium renders the seed report's Rafale cluster, its members and diff, without errors."""
    rafale = seeds.cluster_of("001_102a09e7432f2aef:10")
    assert rafale is not None
    assert seeds.cluster_of("001_102a09e7432f2aef:12") == rafale
    dom = _dom(tmp_path, seeds, f"#/cluster/{rafale}")
    assert 'data-ready="cluster"' in dom
    assert f"Cluster {rafale}" in dom
    assert RAFALE in dom
    assert ">001_102a09e7432f2aef:10</a>" in dom
    assert ">001_102a09e7432f2aef:12</a>" in dom
    assert "<del>PARIJS (ANP)</del>" in dom
    assert "<ins>PARIJS (ANP/AFP)</ins>" in dom
    image = browser.screenshot(
        tmp_path / "report.html", tmp_path / "rafale.png", f"#/cluster/{rafale}"
    )
    assert image.read_bytes().startswith(b"\x89PNG")


@needs_chromium
def test_browser_shows_pages_overview_and_search(seeds: dn.Report, tmp_path: Path) -> None:
    """The overview, a page view with its labels as text, and a search render without errors."""
    assert 'data-ready="overview"' in _dom(tmp_path, seeds, "")
    page = _dom(tmp_path, seeds, "#/page/001_102a09e7432f2aef")
    assert '<span class="label boilerplate">boilerplate</span>' in page
    assert "PYONGYANG (ANP/RTR)" in page
    found = _dom(tmp_path, seeds, "#/search/Rafale")
    assert "2 segments found." in found


@needs_chromium
def test_browser_keeps_hostile_text_inert(hostile: dn.Report, tmp_path: Path) -> None:
    """Script, markup and a javascript: url in page text render as text and never run."""
    found = _dom(tmp_path, hostile, "#/search/pwned")
    assert "10 segments found." in found  # two per page, and the shared line of five
    page = _dom(tmp_path, hostile, "#/page/p2")  # its own text is the img attack
    for dom in (found, page):
        assert "pwned" not in dom.split("<body", 1)[0]  # no script set the marker on <html>
        assert "<img" not in dom
        assert 'href="javascript:' not in dom
    assert "javascript:alert(4)" in page  # the url is shown, as text
    assert "&lt;script&gt;alert(document.documentElement.dataset.pwned=1)&lt;/script&gt;" in page


@needs_chromium
def test_browser_opens_a_generated_crawl(tmp_path: Path) -> None:
    """A generated crawl of 600 pages (two chunks) shows its largest cluster and a late page."""
    pages = [dn.Page(i.id, i.text, site=i.site, url=i.url) for i in generate_pages(600, seed=5)]
    report = dn.dedupe(pages)
    largest = max(report.clusters, key=lambda c: (len(c.members), c.id))
    dom = _dom(tmp_path, report, f"#/cluster/{largest.id}")
    assert f"{len(largest.members)} members" in dom
    assert 'data-ready="page"' in _dom(tmp_path, report, f"#/page/{report.pages[-1].id}")
    browser.screenshot(tmp_path / "report.html", tmp_path / "crawl.png")


def test_a_lone_surrogate_is_escaped_and_reads_back() -> None:
    """Metadata that is not valid UTF-8 (a lone surrogate) is escaped, never an error."""
    odd = "https://example.org/\ud800"
    page = to_html(dn.dedupe([dn.Page("a", "Titel\nTekst van de pagina.\n", url=odd, site=odd)]))
    assert json.loads(_blocks(page)["dn-index"])["pages"][0][3] == odd
    assert "<th scope=row>https://example.org/\\ud800</th>" in page
