"""Hypothesis strategies shared by the tests: words, texts and page dumps in the seed layout."""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = st.sampled_from(
    [
        *("de", "het", "een", "van", "in", "op", "met", "voor", "dat", "is", "trein"),
        *("Poetin", "Kim", "Noord-Korea", "Oekraïne", "Parijs", "bezoek", "leider"),
        *("wapens", "zei", "meldt", "45", "2019", "één", "café", "gevechtsvliegtuigen"),
    ]
)
SENTENCES = st.lists(WORDS, min_size=3, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=4).map(" ".join)
PLACES = st.sampled_from(["PARIJS", "CAPE CANAVERAL", "BELÉM", "LA PAZ", "MOSKOU"])
AGENCIES = st.lists(st.sampled_from(["AFP", "RTR", "DPA", "BLOOMBERG"]), max_size=3).map(
    lambda rest: "/".join(["ANP", *rest])
)
DATELINES = st.builds(lambda p, a: f"{p} ({a}) - ", PLACES, AGENCIES)
AGES = st.one_of(
    st.integers(1, 59).map(lambda n: f"{n} minuten geleden"),
    st.integers(1, 23).map(lambda n: f"{n} uur geleden"),
    st.integers(2, 6).map(lambda n: f"{n} dagen geleden"),
    st.sampled_from(["1 dag geleden", "gisteren", "1 minuut geleden"]),
)
HEADINGS = st.sampled_from(["Afstand", "Zeldzaam bezoek", "Onderhandelingen", "Reactie"])


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A page dump in the seed layout, with ages glued to the start of the next line."""
    lines = [draw(SENTENCES).rstrip("."), draw(DATELINES) + draw(PARAGRAPHS)]
    body = draw(st.lists(HEADINGS | PARAGRAPHS, max_size=5))
    lines.extend(body)
    if draw(st.booleans()):
        lines.append("Meer uit " + draw(st.sampled_from(["Buitenland", "Sport", "Economie"])))
        teasers = draw(
            st.lists(st.builds(str.__add__, DATELINES, SENTENCES), min_size=1, max_size=6)
        )
        ages = draw(st.lists(AGES, min_size=len(teasers), max_size=len(teasers)))
        lines.append(teasers[0])
        lines.extend(age + teaser for age, teaser in zip(ages, teasers[1:], strict=False))
        lines.append(ages[-1])
    return "\n".join(lines)
