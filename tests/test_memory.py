"""Memory: freed heap pages handed back to the system, where the C library allows it."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import numpy as np
import pytest

from dedupe_news import dedupe, memory, read_pages

_STATUS = Path("/proc/self/status")


def _resident_kb() -> int:
    for line in _STATUS.read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_release_freed_keeps_what_is_in_use() -> None:
    """Trimming the heap leaves live Python objects and arrays intact."""
    texts = [f"tekst {n}" * 20 for n in range(10_000)]
    array = np.arange(100_000)
    memory.release_freed()
    assert texts[9_999] == "tekst 9999" * 20
    assert int(array.sum()) == 99_999 * 100_000 // 2


@pytest.mark.skipif(
    not _STATUS.exists() or memory._malloc_trim() is None,  # noqa: SLF001 - the glibc probe
    reason="needs glibc and /proc",
)
def test_release_freed_returns_freed_small_objects_to_the_system() -> None:
    """Memory freed in the middle of the heap is no longer resident after the trim."""
    keep, drop = [], []
    for n in range(8_000):  # interleaved, so the freed blocks lie between live ones
        keep.append(f"{n:08d}" * 80)  # over 512 bytes each: malloc's heap, not pymalloc's
        drop.append(f"{n:08d}" * 2_048)  # 16 KB: whole pages that a trim can hand back
    del drop
    before = _resident_kb()
    memory.release_freed()
    assert _resident_kb() < before - 50_000  # about 130 MB were freed; most go back
    assert keep[-1] == "00007999" * 80


def test_no_trim_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """A C library that is not glibc (or a system without confstr) gets no trim, and no error."""
    monkeypatch.setattr(os, "confstr", lambda _name: "musl", raising=False)
    assert memory._malloc_trim() is None  # noqa: SLF001 - the glibc probe
    memory.release_freed()
    monkeypatch.delattr(os, "confstr", raising=False)
    assert memory._malloc_trim() is None  # noqa: SLF001 - the glibc probe


def test_no_trim_where_confstr_does_not_know_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A POSIX system whose confstr refuses the glibc name gets no trim."""

    def refuse(name: str) -> str:
        raise ValueError(name)

    monkeypatch.setattr(os, "confstr", refuse, raising=False)
    assert memory._malloc_trim() is None  # noqa: SLF001 - the glibc probe


def test_a_run_and_a_read_pause_the_collector_and_restore_it(tmp_path: Path) -> None:
    """Reading and `dedupe` run without cyclic collections and switch the collector back on."""
    path = tmp_path / "crawl.jsonl"
    path.write_text('{"id": "a", "text": "PARIJS (ANP) - Het nieuws."}\n', encoding="utf-8")
    seen: list[bool] = []
    corpus = read_pages(path, on_item=lambda _item: seen.append(gc.isenabled()))
    dedupe(corpus, on_stage=lambda _stage, _seconds: seen.append(gc.isenabled()))
    assert seen
    assert not any(seen)
    assert gc.isenabled()
    with pytest.raises(TypeError):
        dedupe(["not a page"])  # type: ignore[list-item]
    assert gc.isenabled()


def test_find_duplicates_keeps_the_heap_and_dedupe_trims_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`find_duplicates` runs under `heap_kept` (no trim at all); `dedupe` still trims."""
    from dedupe_news import find_duplicates  # noqa: PLC0415 - beside the other entry
    from dedupe_news.demo import seed_folder  # noqa: PLC0415 - only here

    trims: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: trims.append)
    texts = ["De trein naar Moskou vertrok maandag om negen uur.", "Iets anders.", "iets anders"]
    assert len(find_duplicates(texts)) == 1
    assert trims == []
    dedupe(read_pages(seed_folder()))
    assert trims
    count = len(trims)
    with memory.heap_kept():
        memory.release_freed()
    assert len(trims) == count
    memory.release_freed()
    assert len(trims) == count + 1  # on again once the block ends
