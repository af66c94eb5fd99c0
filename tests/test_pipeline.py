"""Pipeline: dedupe and find_duplicates end to end: copies, templates, order, stages."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe_news as dn
from dedupe_news.pipeline import STAGES
from dedupe_news.records import Block, PageId
from dedupe_news.report import to_json
from tests.strategies import PARAGRAPHS, SENTENCES, pages

LEDE = (
    "PARIJS (ANP/AFP) - Oekraïne gaat de komende jaren tot een honderdtal moderne Franse "
    "gevechtsvliegtuigen aanschaffen, hebben Zelensky en Macron afgesproken."
)
BODY = [
    (
        "Naast de Rafale-toestellen koopt het land ook geavanceerde luchtverdedigingssystemen. "
        "De eerste toestellen worden binnen drie jaar geleverd."
    ),
    (
        "Zelensky sprak van een historische overeenkomst. Volgens Macron is de deal een signaal "
        "aan Moskou dat Europa Oekraïne blijft steunen."
    ),
    (
        "De financiering is nog niet rond. Een deel van het geld moet komen uit bevroren "
        "Russische tegoeden, een ander deel uit Europese fondsen."
    ),
]
RAIL = "Meer uit Buitenland\nBERN (ANP) - Zwitserland stemt over een nieuwe wet.\n2 uur geleden"

STORIES = [
    (
        "Bus met pelgrims verongelukt",
        (
            "MEDINA (ANP/AFP) - Bij de Saudische stad Medina is een bus met Indiase pelgrims "
            "verongelukt. Minstens 45 inzittenden kwamen om het leven."
        ),
        "De bus botste op een tankwagen en vloog in brand, meldt de politie.",
    ),
    (
        "Hacker moet miljoenen terugbetalen",
        (
            "LONDEN (ANP/RTR) - Een Britse man die is veroordeeld voor een Twitter-hack moet meer "
            "dan vier miljoen euro aan bitcoin terugbetalen."
        ),
        "Bij de hack werden accounts van bekende personen overgenomen, zeggen aanklagers.",
    ),
    (
        "Duitsland hervat wapenexport",
        (
            "BERLIJN (ANP/RTR/DPA) - Duitsland heft een gedeeltelijke stop op wapenexporten naar "
            "Israël op, maakt de regering bekend."
        ),
        "Vanaf eind november mogen weer wapens voor gebruik in Gaza worden uitgevoerd.",
    ),
    (
        "Overleg over de grens",
        (
            "SEOUL (ANP/BLOOMBERG) - Zuid-Korea stelt militair overleg met Noord-Korea voor over "
            "de grens tussen beide landen."
        ),
        "Het doel is botsingen langs de grens te voorkomen, aldus een topfunctionaris.",
    ),
]
TEMPLATE = "Volg al het laatste nieuws over deze en andere zaken in onze liveblog op de site."


def _page(page_id: str, *lines: str) -> dn.Page:
    return dn.Page(PageId(page_id), "\n".join(lines))


def test_syndicated_copy_is_duplicate_in_one_article_cluster() -> None:
    """A story republished under another title: its lede and paragraphs are duplicates."""
    original = _page("nos/1", "Oekraïne koopt Rafales", LEDE, *BODY, RAIL)
    copy = _page("ad/7", "Kyiv bestelt honderd Franse straaljagers", LEDE, *BODY)
    other = _page("zz/3", *STORIES[0])
    report = dn.dedupe([original, copy, other])
    assert report.article_clusters == ("ad/7", "ad/7", None)
    for page_id in ("nos/1", "ad/7"):
        labels = {s.role: report.label_of(s.id) for s in report.segments_of(page_id)}
        assert labels[dn.Role.TITLE] is dn.Label.UNIQUE
        assert labels[dn.Role.LEDE] is labels[dn.Role.PARAGRAPH] is dn.Label.DUPLICATE
    assert {report.label_of(s.id) for s in report.segments_of("zz/3")} == {dn.Label.UNIQUE}
    assert report.unique_segments("ad/7")[0].text.startswith("Kyiv")


def test_line_on_three_unrelated_pages_is_boilerplate() -> None:
    """A line repeated on 3+ different stories is template text; on 2 it is a duplicate."""
    batch = [
        _page(f"p{i}", title, lede, TEMPLATE, body) for i, (title, lede, body) in enumerate(STORIES)
    ]
    report = dn.dedupe(batch)
    assert report.article_clusters == (None,) * 4
    template = [s for s in report.segments if s.text == TEMPLATE]
    assert len(template) == 4
    assert {report.label_of(s.id) for s in template} == {dn.Label.BOILERPLATE}
    assert len({report.cluster_of(s.id) for s in template}) == 1
    pair = dn.dedupe(batch[:2])
    assert {pair.label_of(s.id) for s in pair.segments if s.text == TEMPLATE} == {
        dn.Label.DUPLICATE
    }


def test_duplicate_page_ids_are_an_input_error() -> None:
    """Two pages with one id cannot be told apart in the report: refused, by path or id."""
    page = dn.Page(PageId("x"), "Titel\nPARIJS (ANP) - Tekst.", path="a/x.txt")
    with pytest.raises(dn.InputError, match=r"^a/x\.txt:0: duplicate page id 'x'$"):
        dn.dedupe([page, page])
    bare = dn.Page(PageId("y"), "Tekst")
    with pytest.raises(dn.InputError, match=r"^y:0: duplicate page id 'y'$"):
        dn.dedupe([bare, _page("a", "b"), bare])


def test_on_stage_hears_every_stage_in_order() -> None:
    """A run reports all its stages once, in order, with a time; find_duplicates the middle."""
    heard: list[tuple[str, float]] = []
    dn.dedupe([_page("a", *STORIES[0])], on_stage=lambda stage, s: heard.append((stage, s)))
    assert tuple(stage for stage, _ in heard) == STAGES
    assert all(seconds >= 0.0 for _, seconds in heard)
    names: list[str] = []
    dn.find_duplicates(["een twee"], on_stage=lambda stage, _: names.append(stage))
    assert tuple(names) == STAGES[1:-1]


def test_corpus_skips_reach_the_report(seed_corpus: dn.Corpus) -> None:
    """A Corpus's skipped inputs are carried into the report; plain iterables have none."""
    skipped = (dn.Skipped("x.txt", "empty page (no text)"),)
    corpus = dn.Corpus(seed_corpus.pages, skipped)
    assert dn.dedupe(corpus).skipped == skipped
    assert dn.dedupe(iter(seed_corpus.pages)).skipped == ()


def test_pages_without_their_text_give_the_same_report(seed_corpus: dn.Corpus) -> None:
    """keep_page_text=False empties the report's page texts and changes nothing written."""
    kept = dn.dedupe(seed_corpus)
    dropped = dn.dedupe(iter(seed_corpus.pages), keep_page_text=False)
    assert to_json(dropped) == to_json(kept)
    assert dropped.segments == kept.segments
    assert {(p.text, p.blocks) for p in dropped.pages} == {("", ())}
    assert [p.id for p in dropped.pages] == [p.id for p in kept.pages]
    assert all(p.text for p in kept.pages)


def test_a_page_kept_without_its_text_keeps_every_other_field() -> None:
    """keep_page_text=False keeps each page as `replace(page, text="", blocks=())` would."""
    block = Block("Titel", None, "h1")
    page = dn.Page(
        PageId("p"), "Titel", "a.jsonl:3", "https://x", "x", "2026", (block,), titled=True
    )
    report = dn.dedupe([page], keep_page_text=False)
    assert report.pages == (replace(page, text="", blocks=()),)
    # A field added to Page must be kept too: pipeline._without_text names each one.
    assert [f.name for f in fields(dn.Page)] == [
        "id",
        "text",
        "path",
        "url",
        "site",
        "published",
        "blocks",
        "titled",
    ]


@dataclass(frozen=True, slots=True)
class _TaggedPage(dn.Page):
    """A page type of a caller's own, with a field of its own."""

    tag: str = ""


def test_a_page_of_a_subclass_kept_without_its_text_keeps_its_type_and_fields() -> None:
    """keep_page_text=False keeps a Page subclass's type and its own fields."""
    page = _TaggedPage(PageId("p"), "Titel\nTekst", tag="eigen")
    (kept,) = dn.dedupe([page], keep_page_text=False).pages
    assert kept == replace(page, text="")


def test_handed_over_pages_are_checked_as_they_come() -> None:
    """Pages taken one at a time are still refused by type and by duplicate id."""
    page = _page("a", *STORIES[0])
    with pytest.raises(TypeError, match="at position 1"):
        dn.dedupe(iter([page, "tekst"]), keep_page_text=False)  # type: ignore[arg-type]
    with pytest.raises(dn.InputError, match="duplicate page id 'a'"):
        dn.dedupe(iter([page, _page("b", *STORIES[1]), page]), keep_page_text=False)


def test_an_iterator_that_tells_its_length_is_counted_by_it(
    seed_corpus: dn.Corpus,
) -> None:
    """An iterator with a length hint is counted by it, not gathered; the report is the same."""
    given = list(seed_corpus.pages)
    left: list[int] = []

    class Handed:
        def __iter__(self) -> Handed:
            return self

        def __next__(self) -> dn.Page:
            if not given:
                raise StopIteration
            return given.pop(0)

        def __length_hint__(self) -> int:
            left.append(len(given))
            return len(given)

    counted: dict[str, int] = {}
    report = dn.dedupe(Handed(), on_start=counted.__setitem__, keep_page_text=False)
    assert counted["segment"] == len(seed_corpus.pages) == left[0]
    assert to_json(report) == to_json(dn.dedupe(seed_corpus))
    unhinted: dict[str, int] = {}
    dn.dedupe((p for p in seed_corpus.pages), on_start=unhinted.__setitem__)
    assert unhinted["segment"] == len(seed_corpus.pages)


def test_empty_input_gives_an_empty_report() -> None:
    """No pages: no segments, clusters or labels, and no error."""
    report = dn.dedupe([])
    assert (report.pages, report.segments, report.clusters, report.labels) == ((), (), (), ())
    assert dn.find_duplicates([]) == ()
    assert dn.find_duplicates(["", "—", "!"]) == ()


def test_report_pages_are_sorted_and_segments_follow_them() -> None:
    """Pages come sorted by id, segments page by page in line order, labels aligned."""
    report = dn.dedupe([_page("b", *STORIES[1]), _page("a", *STORIES[0])])
    assert [p.id for p in report.pages] == ["a", "b"]
    assert [(s.page_id, s.line) for s in report.segments] == [
        ("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2), ("b", 3)
    ]  # fmt: skip
    assert len(report.labels) == len(report.segment_clusters) == len(report.segments)


@given(texts=st.lists(pages(), min_size=1, max_size=6), data=st.data())
def test_page_order_changes_nothing(texts: list[str], data: st.DataObject) -> None:
    """The same pages in any order give the same JSON report, byte for byte."""
    batch = [dn.Page(PageId(f"p{i}"), t) for i, t in enumerate(texts)]
    shuffled = data.draw(st.permutations(batch))
    assert to_json(dn.dedupe(batch)) == to_json(dn.dedupe(shuffled))


@given(
    texts=st.lists(PARAGRAPHS, min_size=1, max_size=8),
    copies=st.lists(st.integers(0, 7), max_size=5),
    noise=st.sampled_from(["{}", "{} !", "  {}  ", "« {} »", "{}..."]),
    upper=st.booleans(),
)
def test_exact_copies_always_cluster(
    texts: list[str],
    copies: list[int],
    noise: str,
    upper: bool,  # noqa: FBT001
) -> None:
    """A text repeated with other case, spacing or punctuation is in its original's cluster."""
    batch = [*texts]
    for index in copies:
        text = texts[index % len(texts)]
        batch.append(noise.format(text.upper() if upper else text))
    cluster_of = {m: c for c in dn.find_duplicates(batch) for m in c.members}
    for offset, index in enumerate(copies):
        copy, original = len(texts) + offset, index % len(texts)
        assert cluster_of[copy] is cluster_of[original]
        if len({dn.normalize(batch[m]) for m in cluster_of[copy].members}) == 1:
            assert cluster_of[copy].kind is dn.ClusterKind.EXACT


@given(
    stories=st.lists(st.tuples(SENTENCES, PARAGRAPHS), min_size=2, max_size=4, unique=True),
    copied=st.data(),
)
def test_copied_paragraph_always_clusters_across_pages(
    stories: list[tuple[str, str]], copied: st.DataObject
) -> None:
    """A paragraph copied onto another page lands in one cluster with its original."""
    source = copied.draw(st.integers(0, len(stories) - 1))
    target = copied.draw(st.integers(0, len(stories) - 1).filter(lambda t: t != source))
    paragraph = stories[source][1]
    batch = []
    for i, (title, body) in enumerate(stories):
        lines = [title, f"PARIJS (ANP) - {body}"]
        if i == target:
            lines.append(paragraph.upper())
        batch.append(_page(f"p{i}", *lines))
    report = dn.dedupe(batch)
    original = report.segment(f"p{source}:2")
    copy = report.segment(f"p{target}:3")
    assert report.cluster_of(original.id) is not None
    assert report.cluster_of(copy.id) == report.cluster_of(original.id)
    assert report.label_of(copy.id) is not dn.Label.UNIQUE


def test_the_library_never_prints(
    seed_corpus: dn.Corpus, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run writes nothing to stdout or stderr: the CLI alone prints."""
    dn.dedupe(seed_corpus)
    assert capsys.readouterr() == ("", "")


def test_find_duplicates_takes_a_series_with_any_index() -> None:
    """Members are positions in iteration order, whatever a pandas Series' index says."""
    texts = [
        "Kim reist per trein naar Rusland.",
        "Iets anders.",
        "kim reist per trein naar rusland",
    ]
    expected = [(0, 2)]
    reversed_index = pd.Series(texts, index=[10, 5, 0])
    string_index = pd.Series(texts, index=["x", "y", "z"])
    for series in (reversed_index, string_index):
        assert [c.members for c in dn.find_duplicates(series)] == expected
    assert [c.members for c in dn.find_duplicates(t for t in texts)] == expected


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("one string", "texts must be an iterable of str, got a single str"),
        ([b"bytes"], "texts must hold only str, got bytes at position 0"),
        (["ok", None], "texts must hold only str, got NoneType at position 1"),
    ],
)
def test_find_duplicates_refuses_what_is_not_text(texts: object, message: str) -> None:
    """A string, or an item that is not a string, is a TypeError naming what is expected."""
    with pytest.raises(TypeError, match=message):
        dn.find_duplicates(texts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        (["text"], "pages must hold only Page, got str at position 0 .*find_duplicates"),
        ("text", "pages must be an iterable of Page or a Corpus, got a single str"),
    ],
)
def test_dedupe_refuses_what_is_not_a_page(pages: object, message: str) -> None:
    """dedupe() of plain strings is a TypeError that points to find_duplicates."""
    with pytest.raises(TypeError, match=message):
        dn.dedupe(pages)  # type: ignore[arg-type]


def test_pages_are_built_from_plain_strings() -> None:
    """`Page("a", text)` type-checks and runs: ids are plain strings (mypy checks this file)."""
    report = dn.dedupe([dn.Page("a", "Titel\nTekst."), dn.Page("b", "Titel\nTekst.")])
    assert [c.members for c in report.clusters] == [("a:1", "b:1"), ("a:2", "b:2")]


def test_the_garbage_collector_is_left_as_it_was() -> None:
    """The pipelines pause the collector in their stages and leave its state as it was."""
    import gc  # noqa: PLC0415 - only this test reads the collector

    pages = [
        dn.Page("a", "Titel\nEen zin die terugkomt."),
        dn.Page("b", "Kop\nEen zin die terugkomt."),
    ]
    dn.dedupe(pages)
    dn.find_duplicates(["een", "een"])
    assert gc.isenabled()
    gc.disable()
    try:
        dn.dedupe(pages)
        assert not gc.isenabled()
    finally:
        gc.enable()
