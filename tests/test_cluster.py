"""Cluster: union-find against brute force; partitions, representatives and stable ids."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

import dedupe_news as dn
from dedupe_news.records import Cluster, ClusterId, ClusterKind, Match, PageId, Role, Segment
from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages.cluster import (
    build_clusters,
    cluster_codes,
    cluster_segments,
    cluster_texts,
    components,
    content_key,
)
from dedupe_news.stages.cluster_parts import MatchColumns
from dedupe_news.stages.exact import Distinct, exact_groups
from dedupe_news.stages.tokenize import tokenize

EDGES = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20)


def _brute_force_roots(size: int, edges: list[tuple[int, int]]) -> list[int]:
    """Grow every node's reachable set until nothing changes; the root is its minimum."""
    reach = [{node} for node in range(size)]
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            union = reach[a] | reach[b]
            for node in union:
                if reach[node] != union:
                    reach[node], changed = set(union), True
    return [min(r) for r in reach]


@given(edges=EDGES)
def test_components_equal_brute_force_connectivity(edges: list[tuple[int, int]]) -> None:
    """Every node's root is the smallest node it is connected to."""
    assert components(12, edges).tolist() == _brute_force_roots(12, edges)


@given(edges=EDGES)
def test_component_roots_python_source_equals_the_compiled_kernel(
    edges: list[tuple[int, int]],
) -> None:
    """`_kernels.component_roots` as Python gives the compiled kernel's roots."""
    first = np.array([a for a, _ in edges], dtype=np.int64)
    second = np.array([b for _, b in edges], dtype=np.int64)
    python = kernels.component_roots.py_func(  # type: ignore[attr-defined]  # numba keeps the source
        12, first, second
    )
    assert kernels.component_roots(12, first, second).tolist() == python.tolist()


def test_components_reject_an_edge_outside_the_nodes() -> None:
    """A node beyond the size or below 0 is an error, not a write outside the array."""
    for edge in ((0, 5), (-1, 2)):
        with pytest.raises(IndexError, match="edges must name nodes 0 to 4"):
            components(5, [edge])


@given(edges=EDGES, data=st.data())
def test_components_do_not_depend_on_edge_order(
    edges: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Edges in another order, or reversed, give the same roots."""
    shuffled = [(b, a) for a, b in data.draw(st.permutations(edges))]
    assert components(12, shuffled).tolist() == components(12, edges).tolist()


@dataclass(frozen=True, slots=True)
class Groups:
    """Distinct texts given by hand: each item's distinct text and each text's norm."""

    items: list[int]
    norms: list[str]

    @property
    def group_of(self) -> NDArray[np.int64]:
        """Each item's distinct text, -1 for none."""
        return np.array(self.items, dtype=np.int64)

    @property
    def firsts(self) -> NDArray[np.int64]:
        """Each distinct text's first item (texts are numbered by first appearance)."""
        return np.array([self.items.index(g) for g in range(len(self.norms))], dtype=np.int64)

    def norm(self, group: int) -> str:
        """Return a distinct text's norm."""
        return self.norms[group]

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of every distinct text's norm."""
        return np.array([len(norm) for norm in self.norms], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Batch:
    """Inputs of cluster_texts: each item's distinct text, matches between texts, their norms."""

    group_of: list[int]
    matches: list[Match[int]]
    norms: list[str]

    def groups(self) -> Groups:
        """Return the batch as cluster_texts reads it."""
        return Groups(self.group_of, self.norms)


def _cluster(
    key: str,
    kind: ClusterKind,
    members: tuple[int, ...],
    representative: int,
    matches: tuple[Match[int], ...],
) -> Cluster[int]:
    lowest = min((m.score for m in matches), default=1.0)
    return Cluster(ClusterId("c" + key), key, kind, members, representative, matches, lowest)


@st.composite
def batches(draw: st.DrawFn) -> Batch:
    """Items with distinct texts numbered by first appearance, some without words (-1)."""
    raw = draw(st.lists(st.integers(-1, 7), min_size=1, max_size=16))
    numbering: dict[int, int] = {}
    group_of = [-1 if g < 0 else numbering.setdefault(g, len(numbering)) for g in raw]
    count = len(numbering)
    norms = draw(
        st.lists(st.sampled_from(["a", "bb", "cc", "ddd"]), min_size=count, max_size=count)
    )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, max(count - 1, 0)), st.integers(0, max(count - 1, 0))),
            max_size=8,
        )
    )
    unique = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
    scores = draw(st.lists(st.floats(0.8, 1.0), min_size=len(unique), max_size=len(unique)))
    matches = [Match(a, b, s, 0.5) for (a, b), s in zip(unique, scores, strict=True)]
    return Batch(group_of, matches, [f"{n} {i}" for i, n in enumerate(norms)])


def _reference(batch: Batch) -> list[Cluster[int]]:
    """Cluster the slow way: connect texts by matches, group items, apply the documented rules."""
    roots = _brute_force_roots(len(batch.norms), [(m.a, m.b) for m in batch.matches])
    found = []
    for root in sorted(set(roots)):
        members = tuple(i for i, g in enumerate(batch.group_of) if g >= 0 and roots[g] == root)
        if len(members) < 2:
            continue
        joined = [m for m in batch.matches if roots[m.a] == root]
        texts = sorted({t for m in joined for t in (m.a, m.b)}) or [root]
        best = min(texts, key=lambda t: (-len(batch.norms[t]), t))
        first = {g: batch.group_of.index(g) for g in texts}
        representative = first[best]
        kind = ClusterKind.NEAR if len(texts) > 1 else ClusterKind.EXACT
        named = tuple(Match(first[m.a], first[m.b], m.score, m.jaccard) for m in joined)
        key = content_key(batch.norms[best])
        found.append(_cluster(key, kind, members, representative, named))
    return sorted(found, key=lambda c: c.members[0])


@given(batch=batches())
def test_cluster_texts_equals_the_brute_force_reference(batch: Batch) -> None:
    """Members, kind, representative, matches, lowest score and id follow the documented rules."""
    found = cluster_texts(batch.groups(), batch.matches)
    assert list(found) == _reference(batch)


@given(batch=batches(), data=st.data())
def test_clusters_partition_the_clustered_items(batch: Batch, data: st.DataObject) -> None:
    """No item is in two clusters, members are sorted, and match order changes nothing."""
    found = cluster_texts(batch.groups(), batch.matches)
    members = [m for c in found for m in c.members]
    assert len(members) == len(set(members))
    assert all(list(c.members) == sorted(c.members) and len(c.members) >= 2 for c in found)
    assert all(c.representative in c.members for c in found)
    assert all(batch.group_of[m] >= 0 for m in members)
    shuffled = data.draw(st.permutations(batch.matches))
    assert cluster_texts(batch.groups(), shuffled) == found


def test_representative_is_the_longest_text_then_the_first() -> None:
    """The fullest text represents a near cluster, its first copy the member; the id follows."""
    matches = [Match(0, 1, 0.85, 0.6), Match(1, 2, 0.95, 0.7)]
    groups = Groups([0, 1, 2, 1, -1, 0], ["kort", "veel langer", "lang"])
    (cluster,) = cluster_texts(groups, matches)
    assert cluster.kind is ClusterKind.NEAR
    assert cluster.members == (0, 1, 2, 3, 5)
    assert cluster.representative == 1
    assert cluster.lowest_score == 0.85
    assert cluster.matches == (Match(0, 1, 0.85, 0.6), Match(1, 2, 0.95, 0.7))
    assert (cluster.key, cluster.id) == (
        content_key("veel langer"),
        "c" + content_key("veel langer"),
    )


def test_equally_long_texts_are_represented_by_the_first() -> None:
    """Ties in length go to the text that appears first."""
    (cluster,) = cluster_texts(Groups([0, 1], ["abc", "abd"]), [Match(0, 1, 0.9, 0.8)])
    assert (cluster.representative, cluster.key) == (0, content_key("abc"))


def test_exact_copies_need_no_match() -> None:
    """Items sharing a distinct text form an exact cluster with score 1; single items none."""
    found = cluster_texts(Groups([0, 1, 0, 2, -1, -1], ["aa", "bb", "cc"]), [])
    assert [(c.kind, c.members, c.representative, c.lowest_score, c.matches) for c in found] == [
        (ClusterKind.EXACT, (0, 2), 0, 1.0, ())
    ]


def test_content_key_depends_only_on_the_text() -> None:
    """The key is a fixed hash of the representative's normalized text."""
    assert content_key("meer uit buitenland") == "995f360b8687085b"
    assert content_key("meer uit binnenland") != content_key("meer uit buitenland")


def test_a_longer_copy_renames_a_batch_cluster() -> None:
    """As documented: a batch id follows the representative, so a longer copy changes it."""
    short = "Oekraïne koopt honderd Franse gevechtsvliegtuigen van het type Rafale, meldt Parijs."
    longer = short.removesuffix(".") + " vandaag na een top."
    (alone,) = dn.find_duplicates([short, short])
    (joined,) = dn.find_duplicates([short, short, longer])
    assert joined.members == (0, 1, 2)
    assert alone.id != joined.id
    assert joined.key == content_key(dn.normalize(longer))


def test_build_clusters_names_segments_and_aligns_ids() -> None:
    """Segment clusters carry segment ids, and each segment knows its cluster or None."""
    segments = [
        Segment(PageId("a"), 1, Role.TITLE, "Een"),
        Segment(PageId("a"), 2, Role.SECTION_HEADING, "Meer uit X"),
        Segment(PageId("b"), 4, Role.SECTION_HEADING, "Meer uit X"),
        Segment(PageId("b"), 5, Role.PARAGRAPH, "Uniek."),
    ]
    clustering = build_clusters(Groups([0, 1, 1, 2], ["een", "meer uit x", "uniek"]), [], segments)
    (cluster,) = clustering.clusters
    assert (cluster.members, cluster.representative) == (("a:2", "b:4"), "a:2")
    assert clustering.segment_clusters == (None, cluster.id, cluster.id, None)


def test_cluster_ids_do_not_depend_on_other_texts_in_the_batch() -> None:
    """A cluster keeps its id when unrelated texts are added or the batch is reordered."""
    copy = "Het zeldzame bezoek van Poetin aan Noord-Korea werd vorige week gemeld."
    alone = dn.find_duplicates([copy, copy.upper()])
    crowded = dn.find_duplicates(["iets heel anders", copy.upper(), "nog iets", copy])
    assert [c.id for c in alone] == [c.id for c in crowded]
    assert crowded[0].members == (1, 3)


def test_a_line_contained_in_unrelated_long_texts_stays_apart() -> None:
    """A short text contained in two long texts not matched to each other joins neither."""
    groups = Groups(
        [0, 1, 2], ["tip lijn", "artikel een met tip lijn", "artikel twee met tip lijn"]
    )
    matches = [Match(0, 1, 1.0, 0.3), Match(0, 2, 1.0, 0.3)]
    assert cluster_texts(groups, matches, [True, True]) == ()
    assert len(cluster_texts(groups, matches, [False, False])) == 1  # similarity chains


def test_a_line_contained_in_one_cluster_joins_it_with_its_matches() -> None:
    """When all containers lie in one cluster, the contained text joins it, with its edges."""
    groups = Groups([0, 1, 2], ["tip", "artikel met tip", "artikel met tip bewerkt"])
    matches = [Match(0, 1, 1.0, 0.3), Match(0, 2, 1.0, 0.3), Match(1, 2, 0.9, 0.8)]
    (cluster,) = cluster_texts(groups, matches, [True, True, False])
    assert cluster.members == (0, 1, 2)
    assert cluster.matches == tuple(matches)
    assert cluster.lowest_score == 0.9


def test_containment_matches_that_join_nothing_stay_out_of_every_cluster() -> None:
    """Two copies of an article both containing a line also found in a third article."""
    groups = Groups(
        [0, 1, 2, 3], ["tip", "artikel met tip", "artikel met tip bewerkt", "ander stuk met tip"]
    )
    matches = [Match(0, 1, 1.0, 0.3), Match(0, 3, 1.0, 0.3), Match(1, 2, 0.85, 0.8)]
    (cluster,) = cluster_texts(groups, matches, [True, True, False])
    assert cluster.members == (1, 2)
    assert cluster.matches == (Match(1, 2, 0.85, 0.8),)
    assert cluster.lowest_score == 0.85


def test_nested_containment_follows_the_longest_texts_first() -> None:
    """A text inside a middle one inside a long one joins both: containers resolve first."""
    groups = Groups([0, 1, 2], ["a", "a b", "a b c"])
    matches = [Match(0, 1, 1.0, 0.5), Match(0, 2, 1.0, 0.3), Match(1, 2, 1.0, 0.6)]
    (cluster,) = cluster_texts(groups, matches, [True, True, True])
    assert cluster.members == (0, 1, 2)


def test_a_truncated_copy_among_fillers_sharing_its_opening_joins_only_its_original() -> None:
    """Issue 9, 18: 149 fillers sharing a page's 8-word opening do not pull in its copy."""
    opening = "Het kabinet heeft dinsdag bekendgemaakt dat het plan"
    story = (
        f"{opening} voor de nieuwe dijken langs de rivier wordt uitgesteld tot het voorjaar, "
        "omdat de aannemers niet genoeg personeel kunnen vinden voor het werk."
    )
    copy = story.split(", omdat", maxsplit=1)[0] + "."
    rng = np.random.default_rng(5)
    words = ["zon", "regen", "trein", "markt", "school", "brug", "haven", "fiets", "kerk", "wijk"]
    fillers = [f"{opening} {' '.join(rng.choice(words, 14).tolist())} en meer." for _ in range(149)]
    alone = dn.find_duplicates([story, copy])
    crowded = dn.find_duplicates([story, copy, *fillers])
    assert [c.members for c in alone] == [(0, 1)]
    assert [c.members for c in crowded if 1 in c.members] == [(0, 1)]


def test_many_identical_lines_make_one_exact_cluster_without_matches() -> None:
    """20,000 copies of one line (issue 9, item 5): one exact cluster, no match listed."""
    import dedupe_news as dn  # noqa: PLC0415 - the public entry, only here

    (cluster,) = dn.find_duplicates(["a"] * 20_000)
    assert (cluster.kind, cluster.matches, cluster.lowest_score) == (ClusterKind.EXACT, (), 1.0)
    assert cluster.members == tuple(range(20_000))


@dataclass(frozen=True, slots=True)
class _Plain:
    """Any `Groups`: the stages' distinct texts seen only through the protocol."""

    inner: Distinct

    @property
    def group_of(self) -> NDArray[np.int64]:
        """Each item's distinct text."""
        return self.inner.group_of

    @property
    def firsts(self) -> NDArray[np.int64]:
        """Each distinct text's first item."""
        return self.inner.firsts

    def norm(self, group: int) -> str:
        """Return a distinct text's norm."""
        return self.inner.norm(group)

    def lengths(self) -> NDArray[np.int64]:
        """Return the characters of every distinct text's norm."""
        return self.inner.lengths()


@given(
    texts=st.lists(st.sampled_from(["a", "é é", "b b", "ïï", "bb", "cc c", "", "A"]), max_size=12),
    data=st.data(),
)
def test_the_stages_groups_cluster_as_any_groups_do(texts: list[str], data: st.DataObject) -> None:
    """Keys hashed from the norm buffer and lengths of matched texts only change nothing."""
    distinct = exact_groups(texts, tokenize(texts))
    count = len(distinct.firsts)
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, max(count - 1, 0)), st.integers(0, max(count - 1, 0))))
    )
    unique = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
    matches = [Match(a, b, 0.9, 0.5) for a, b in unique]
    contained = data.draw(st.lists(st.booleans(), min_size=len(unique), max_size=len(unique)))
    fast = cluster_texts(distinct, matches, contained)
    assert fast == cluster_texts(_Plain(distinct), matches, contained)


def test_cluster_segments_codes_name_each_segments_cluster() -> None:
    """Match columns cluster as match records do; each code indexes its segment's cluster."""
    segments = [
        Segment(PageId("a"), 1, Role.TITLE, "Een"),
        Segment(PageId("a"), 2, Role.PARAGRAPH, "twee drie"),
        Segment(PageId("b"), 3, Role.TITLE, "een"),
        Segment(PageId("b"), 4, Role.PARAGRAPH, "twee drie vier"),
        Segment(PageId("c"), 1, Role.PARAGRAPH, "vijf"),
    ]
    texts = [s.text for s in segments]
    distinct = exact_groups(texts, tokenize(texts))
    matches, contained = [Match(1, 2, 0.9, 0.6)], [False]
    found = cluster_segments(distinct, MatchColumns.of(matches, contained), segments)
    assert found == build_clusters(distinct, matches, segments, contained)
    assert found.codes is not None
    assert [c.members for c in found.clusters] == [("a:1", "b:3"), ("a:2", "b:4")]
    named = [None if code < 0 else found.clusters[code].id for code in found.codes.tolist()]
    assert tuple(named) == found.segment_clusters


def test_cluster_codes_number_clusters_by_first_appearance() -> None:
    """Equal ids get one number, None gets -1, whatever the id's text."""
    ids = [ClusterId("cz"), None, ClusterId("ca"), ClusterId("cz")]
    assert cluster_codes(ids).tolist() == [0, -1, 1, 0]


@pytest.mark.parametrize("lines", [(3, 4), (1, 1_000_000)])
def test_member_ids_spell_any_line_numbers(lines: tuple[int, int]) -> None:
    """Near and far line numbers name members as `Segment.id` does."""
    segments = [
        Segment(PageId("a"), lines[0], Role.PARAGRAPH, "zelfde tekst"),
        Segment(PageId("b"), lines[1], Role.PARAGRAPH, "Zelfde tekst."),
    ]
    texts = [s.text for s in segments]
    (cluster,) = build_clusters(exact_groups(texts, tokenize(texts)), [], segments).clusters
    assert cluster.members == tuple(s.id for s in segments)
