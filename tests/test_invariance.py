"""Invariance: batching and repeating pages change results only as docs/reliability.md says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.demo import seed_folder
from dedupe_news.records import PageId

SEEDS = dn.read_pages(seed_folder()).pages


def _extra_pages() -> list[dn.Page]:
    """Seed pages re-published under new ids with one paragraph edited: syndicated copies."""
    copies = []
    for page in SEEDS[:3]:
        lines = page.text.split("\n")
        lines[3] = lines[3].replace(" de ", " die ", 1)
        copies.append(dn.Page(PageId(f"copy-{page.id}"), "\n".join(lines)))
    return copies


ALL = [*SEEDS, *_extra_pages()]


@given(in_first=st.lists(st.booleans(), min_size=len(ALL), max_size=len(ALL)))
def test_a_batch_never_splits_a_cluster_of_the_whole(in_first: list[bool]) -> None:
    """Every cluster found in part of the pages lies inside one cluster of the whole run."""
    whole = [set(c.members) for c in dn.dedupe(ALL).clusters]
    for keep in (True, False):
        part = [page for page, flag in zip(ALL, in_first, strict=True) if flag is keep]
        for cluster in dn.dedupe(part).clusters:
            assert any(set(cluster.members) <= members for members in whole), cluster


def test_repeating_a_page_makes_its_article_a_duplicate_and_nothing_else() -> None:
    """A page given twice under two ids: its article is duplicate, other pages keep labels."""
    original = dn.dedupe(SEEDS)
    twin = dn.Page(PageId("zz-twin"), SEEDS[1].text)
    repeated = dn.dedupe([*SEEDS, twin])
    assert repeated.article_clusters[-1] == SEEDS[1].id
    assert repeated.article_clusters[1] == SEEDS[1].id
    for segment in repeated.segments_of(SEEDS[1].id):
        expected = (
            dn.Label.BOILERPLATE
            if segment.role in {dn.Role.TEASER, dn.Role.SECTION_HEADING}
            else dn.Label.DUPLICATE
        )
        assert repeated.label_of(segment.id) is expected, segment.id
    for page in SEEDS[2:]:
        for segment in original.segments_of(page.id):
            assert repeated.label_of(segment.id) is original.label_of(segment.id)


def test_syndicated_copies_are_duplicates_in_one_article_cluster() -> None:
    """An edited re-publication shares the original's article cluster and its text is duplicate."""
    report = dn.dedupe(ALL)
    by_id: dict[str, str | None] = dict(
        zip((p.id for p in report.pages), report.article_clusters, strict=True)
    )
    for page in SEEDS[:3]:
        assert by_id[f"copy-{page.id}"] == by_id[page.id] == page.id
        labels = {
            report.label_of(s.id)
            for s in report.segments_of(page.id)
            if s.role is dn.Role.PARAGRAPH
        }
        assert labels == {dn.Label.DUPLICATE}
    edited = [c for c in report.clusters if c.kind is dn.ClusterKind.NEAR]
    assert len(edited) == 3
    assert all(0.9 <= c.lowest_score < 1.0 for c in edited)
