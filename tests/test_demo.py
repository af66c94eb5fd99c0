"""Demo data: the bundled seed pages are there and read cleanly."""

from __future__ import annotations

import dedupe_news as dn
from dedupe_news.demo import seed_folder


def test_seed_folder_holds_the_five_seed_pages(seed_corpus: dn.Corpus) -> None:
    """Five page dumps ship with the package and every one is read without a skip."""
    assert seed_folder().is_dir()
    assert len(sorted(seed_folder().glob("*.txt"))) == 5
    assert [p.id for p in seed_corpus.pages] == sorted(p.stem for p in seed_folder().glob("*.txt"))
    assert seed_corpus.skipped == ()
