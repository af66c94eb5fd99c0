"""Golden case: the five seed pages against ../shared/seeds/gold.json (shipped in the package)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.report import to_json

GOLDEN_REPORT = Path(__file__).parent / "data" / "golden" / "seeds.report.json"
GOLD = json.loads((Path(dn.__file__).parent / "data" / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> dn.Report:
    """The report of a default run on the seed pages."""
    return dn.dedupe(dn.read_pages(seed_folder()))


def _expected_segments() -> list[tuple[str, int, str, str | None, list[str], str, str | None]]:
    return [
        (
            name.removesuffix(".txt"),
            s["line"],
            s["role"],
            s.get("place"),
            s.get("agencies", []),
            s["text"],
            s.get("age"),
        )
        for name, segments in sorted(GOLD["files"].items())
        for s in segments
    ]


def test_segments_equal_gold_line_for_line(report: dn.Report) -> None:
    """Every line's role, dateline, text and age as printed equal the gold annotation."""
    got = [
        (s.page_id, s.line, s.role.value, s.place, list(s.agencies), s.text, s.age)
        for s in report.segments
    ]
    assert got == _expected_segments()


def test_teaser_ages_are_minutes(report: dn.Report) -> None:
    """Every teaser carries its age also as minutes: 'N uur geleden' is N * 60."""
    teasers = [s for s in report.segments if s.role is dn.Role.TEASER]
    assert teasers
    for teaser in teasers:
        assert teaser.age is not None
        assert teaser.age_minutes == int(teaser.age.split()[0]) * 60


def test_exactly_the_gold_duplicate_groups(report: dn.Report) -> None:
    """The heading on all five pages and the Rafale teaser pair are the only clusters."""
    expected = sorted(
        sorted(f"{name.removesuffix('.txt')}:{line}" for name, line in group["members"])
        for group in GOLD["expected"]["duplicate_groups"]
    )
    assert sorted(sorted(c.members) for c in report.clusters) == expected
    assert all(c.kind is dn.ClusterKind.EXACT for c in report.clusters)


def test_furniture_is_boilerplate_and_reporting_is_unique(report: dn.Report) -> None:
    """Section headings and teasers are boilerplate; all article segments are unique."""
    furniture = {dn.Role.SECTION_HEADING, dn.Role.TEASER}
    for segment, label in zip(report.segments, report.labels, strict=True):
        expected = dn.Label.BOILERPLATE if segment.role in furniture else dn.Label.UNIQUE
        assert label is expected, segment.id


def test_no_page_is_an_article_copy(report: dn.Report) -> None:
    """The five seed articles are different stories: no article cluster."""
    assert report.article_clusters == (None,) * 5


def test_unique_segments_are_the_article(report: dn.Report) -> None:
    """A page's own reporting is its title, lede, paragraphs and subheadings."""
    page = "004_b8263486dec9cd77"
    unique = report.unique_segments(page)
    assert [s.line for s in unique] == list(range(2, 13))  # line 1 is empty
    assert unique[0].text == "Kim en Poetin tekenen 'alomvattend' samenwerkingsverband"


def test_seed_report_equals_the_golden_json(report: dn.Report, update_golden: bool) -> None:  # noqa: FBT001 - a fixture
    """The seeds' whole JSON report is pinned byte for byte (`--update-golden` rewrites it)."""
    # The two things that differ by machine and release, not by behaviour: where the seeds
    # are installed, and the version in `generator`.
    got = to_json(report).replace(str(seed_folder()), "SEEDS").replace(dn.__version__, "VERSION")
    if update_golden:
        GOLDEN_REPORT.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN_REPORT.write_text(got, encoding="utf-8")
    assert got == GOLDEN_REPORT.read_text(encoding="utf-8")
