"""Kernels: the compiled loops agree with their own Python source on small inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np
import xxhash
from hypothesis import given
from hypothesis import strategies as st

from dedupe_news.stages import _kernels as kernels
from dedupe_news.stages import _sketch_kernels as sketch_kernels
from dedupe_news.stages.signature import permutations
from dedupe_news.stages.tokenize import tokenize, word_characters

if TYPE_CHECKING:
    from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., object])


def _python(kernel: F) -> F:
    """Return the Python source of a compiled kernel (numba keeps it as `py_func`)."""
    return cast("F", kernel.py_func)  # type: ignore[attr-defined]


@given(text=st.text(st.characters(exclude_characters=" "), min_size=1, max_size=100))
def test_xxh64_is_the_xxhash_library(text: str) -> None:
    """The compiled XXH64 equals the xxhash library: one word spanning the whole input."""
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    everything = np.ones(0x110000, dtype=np.bool_)
    whole = np.array([0], dtype=np.int64), np.array([len(data)], dtype=np.int64)
    hashes, *_ = kernels.tokenize(data, *whole, everything)
    lowered = bytes(b + 32 if 65 <= b <= 90 else b for b in text.encode())  # ASCII A-Z folded
    assert hashes.tolist() == [xxhash.xxh64_intdigest(lowered)]


@given(texts=st.lists(st.text(max_size=30), max_size=5), shingle_size=st.integers(1, 4))
def test_compiled_kernels_equal_their_python_source(texts: list[str], shingle_size: int) -> None:
    """fold_words, hash_words, text_keys, affine32 and band_keys: the same compiled and not."""
    with np.errstate(over="ignore"):  # the Python source wraps like the compiled code
        _compare(texts, shingle_size)


def _compare(texts: list[str], shingle_size: int) -> None:
    encoded = [t.encode() for t in texts]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    bounds = np.concatenate(([0], np.cumsum([len(e) for e in encoded]))).astype(np.int64)
    words = word_characters()
    norms, python_norms = np.zeros(len(data), np.uint8), np.zeros(len(data), np.uint8)
    split = (data, bounds[:-1], bounds[1:], words)
    folded = kernels.fold_words(*split, norms)
    for got, expected in zip(
        folded, _python(kernels.fold_words)(*split, python_norms), strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(norms, python_norms)
    offsets = np.cumsum(folded[0])
    hashes, python_hashes = (np.empty(int(offsets[-1]), np.uint64) for _ in range(2))
    kernels.hash_words(norms, bounds[:-1], folded[1], offsets, hashes)
    _python(kernels.hash_words)(norms, bounds[:-1], folded[1], offsets, python_hashes)
    np.testing.assert_array_equal(hashes, python_hashes)
    np.testing.assert_array_equal(kernels.tokenize(*split)[0], hashes)
    np.testing.assert_array_equal(
        kernels.text_keys(hashes, offsets), _python(kernels.text_keys)(hashes, offsets)
    )
    a, b = permutations(16, 1)
    args = (hashes, offsets[:-1], offsets[1:], shingle_size, a, b)
    matrix = kernels.affine32(*args)
    np.testing.assert_array_equal(matrix, _python(kernels.affine32)(*args))
    np.testing.assert_array_equal(
        kernels.band_keys(matrix, 4, 4), _python(kernels.band_keys)(matrix, 4, 4)
    )


@given(
    texts=st.lists(st.lists(st.sampled_from("abcdefg"), max_size=12).map(" ".join), max_size=6),
    width=st.integers(1, 4),
)
def test_shingle_kernels_equal_their_python_source_and_brute_force_sets(
    texts: list[str], width: int
) -> None:
    """shingle_sets, shared_counts and group_pairs: compiled == Python == a set computation."""
    tokens = tokenize(texts)
    starts, ends = tokens.offsets[:-1], tokens.offsets[1:]
    with np.errstate(over="ignore"):
        sets, offsets = kernels.shingle_sets(tokens.hashes, starts, ends, width)
        none = np.empty(0, dtype=np.uint32)  # shingle_sets is sketch_sets without permutations
        _, py_sets, py_offsets = _python(kernels.sketch_sets)(
            tokens.hashes, starts, ends, width, none, none
        )
    np.testing.assert_array_equal(sets, py_sets)
    np.testing.assert_array_equal(offsets, py_offsets)
    words = [text.split() for text in texts]
    brute = [
        {tuple(w[s : s + width]) for s in range(max(len(w) - width + 1, 1))} if w else set()
        for w in words
    ]
    assert np.diff(offsets).tolist() == [len(b) for b in brute]
    everyone = range(len(texts))
    pairs = np.array([(i, j) for i in everyone for j in everyone], dtype=np.int64).reshape(-1, 2)
    first, second = pairs[:, 0].copy(), pairs[:, 1].copy()
    shared = kernels.shared_counts(sets, offsets, first, second)
    np.testing.assert_array_equal(
        shared, _python(kernels.shared_counts)(sets, offsets, first, second)
    )
    assert shared.tolist() == [len(brute[i] & brute[j]) for i, j in pairs.tolist()]


@given(
    groups=st.lists(st.lists(st.integers(0, 9), min_size=0, max_size=5, unique=True), max_size=5)
)
def test_group_pairs_makes_every_pair_within_each_group(groups: list[list[int]]) -> None:
    """group_pairs: all pairs a < b of each group, coded a * n + b, compiled == Python."""
    owners = np.array([o for g in groups for o in g], dtype=np.int64)
    ends = np.cumsum([len(g) for g in groups]).astype(np.int64)
    starts = (ends - np.array([len(g) for g in groups], dtype=np.int64)).astype(np.int64)
    codes = kernels.group_pairs(owners, starts, ends, 10)
    np.testing.assert_array_equal(codes, _python(kernels.group_pairs)(owners, starts, ends, 10))
    expected = sorted(
        min(a, b) * 10 + max(a, b) for g in groups for k, a in enumerate(g) for b in g[k + 1 :]
    )
    assert sorted(codes.tolist()) == expected


@given(
    keys=st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=40),
    table=st.sets(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=20),
)
def test_member_is_set_membership(keys: list[int], table: set[int]) -> None:
    """member: compiled == Python == `key in table`, colliding slots included."""
    key_array = np.array(keys, dtype=np.uint64)
    table_array = np.array(sorted(table), dtype=np.uint64)
    found = kernels.member(key_array, table_array)
    np.testing.assert_array_equal(found, _python(kernels.member)(key_array, table_array))
    assert found.tolist() == [key in table for key in keys]


@given(texts=st.lists(st.text(max_size=20), max_size=6))
def test_utf8_lengths_count_characters(texts: list[str]) -> None:
    """utf8_lengths: compiled == Python == len(text) for every slice of a joined buffer."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    data = np.frombuffer(b"x" + b"".join(encoded), dtype=np.uint8)
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    starts = (1 + np.cumsum(lengths) - lengths).astype(np.int64)
    found = kernels.utf8_lengths(data, starts, lengths)
    np.testing.assert_array_equal(found, _python(kernels.utf8_lengths)(data, starts, lengths))
    assert found.tolist() == [len(t) for t in texts]


def _story_keys_reference(  # noqa: PLR0913, PLR0917 - the kernel's own arguments
    hashes: NDArray[np.uint64], offsets: NDArray[np.int64], chosen: NDArray[np.int64],
    pages: NDArray[np.int64], k: int, bits: int,
) -> NDArray[np.uint64]:  # fmt: skip
    """Return story_keys the numpy way it was first written: one array per step."""
    starts, counts = offsets[chosen], np.diff(offsets)[chosen]
    total = int(counts.sum())
    if total < k:
        return np.empty(0, np.uint64)
    shift = np.repeat(starts - np.r_[0, np.cumsum(counts)[:-1]], counts)
    words = hashes[np.arange(total, dtype=np.int64) + shift]
    page = np.repeat(pages, counts)
    windows = total - k + 1
    shingle = words[:windows].copy()
    for offset in range(1, k):
        shingle = shingle * kernels.POLY + words[offset : offset + windows]
    inside = page[:windows] == page[k - 1 :]
    low = np.uint64(bits)
    keys: NDArray[np.uint64] = (shingle[inside] >> low << low) | page[:windows][inside].astype(
        np.uint64
    )
    return keys


@given(
    sizes=st.lists(st.integers(0, 7), max_size=8),
    data=st.data(),
    k=st.integers(1, 4),
)
def test_story_keys_equal_their_numpy_reference(
    sizes: list[int], data: st.DataObject, k: int
) -> None:
    """story_keys: compiled == Python == the numpy arrays, shingles never across pages."""
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    hashes = np.array(
        data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=len(sizes) and int(offsets[-1]),
                           max_size=int(offsets[-1]))), dtype=np.uint64,
    )  # fmt: skip
    chosen = np.array([i for i in range(len(sizes)) if data.draw(st.booleans())], dtype=np.int64)
    pages = np.sort(np.array([data.draw(st.integers(0, 3)) for _ in chosen], dtype=np.int64))
    args = (hashes, offsets, chosen, pages, k, 2)
    with np.errstate(over="ignore"):  # the Python forms wrap like the compiled code
        expected = _story_keys_reference(*args)
        found = kernels.story_keys(*args)
        np.testing.assert_array_equal(found, _python(kernels.story_keys)(*args))
    np.testing.assert_array_equal(found, expected)


@given(
    sizes=st.lists(st.integers(0, 9), max_size=8),
    data=st.data(),
    part_bits=st.integers(1, 3),
)
def test_story_keys_of_the_ranges_are_the_keys_split_by_their_top_bits(
    sizes: list[int], data: st.DataObject, part_bits: int
) -> None:
    """story_keys of each range: the keys with those top bits, in order; all ranges, all keys."""
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    hashes = np.array(
        data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=int(offsets[-1]),
                           max_size=int(offsets[-1]))), dtype=np.uint64,
    )  # fmt: skip
    chosen = np.arange(len(sizes), dtype=np.int64)
    pages = np.sort(np.array([data.draw(st.integers(0, 3)) for _ in chosen], dtype=np.int64))
    args = (hashes, offsets, chosen, pages, 2, 2)
    whole = kernels.story_keys(*args)
    top = whole >> np.uint64(64 - part_bits)
    for part in range(1 << part_bits):
        with np.errstate(over="ignore"):  # the Python form wraps like the compiled code
            found = kernels.story_keys(*args, part_bits, part)
            np.testing.assert_array_equal(
                found, _python(kernels.story_keys)(*args, part_bits, part)
            )
        np.testing.assert_array_equal(found, whole[top == part])


@given(
    texts=st.lists(st.lists(st.sampled_from("abcdefg"), max_size=12).map(" ".join), max_size=6),
    width=st.integers(1, 4),
)
def test_sketch_kernels_equal_their_python_source_and_the_matrix_kernels(
    texts: list[str], width: int
) -> None:
    """set_keys and sign_sets: compiled == Python == band_keys and rows of sketch_sets."""
    tokens = tokenize(texts)
    a, b = permutations(16, 1)
    args = (tokens.hashes, tokens.offsets[:-1], tokens.offsets[1:], width, a, b)
    with np.errstate(over="ignore"):  # the Python source wraps like the compiled code
        matrix, sets, offsets = kernels.sketch_sets(*args)
        found = sketch_kernels.set_keys(sets, offsets, a, b, 4, 4, 2)
        by_python = _python(sketch_kernels.set_keys)(sets, offsets, a, b, 4, 4, 2)
        rows = np.arange(len(texts), dtype=np.int64)[::-1].copy()
        remade = sketch_kernels.sign_sets(sets, offsets, rows, a, b)
        remade_by_python = _python(sketch_kernels.sign_sets)(sets, offsets, rows, a, b)
        expected_keys = kernels.band_keys(matrix, 4, 4, 2)
    np.testing.assert_array_equal(found, by_python)
    np.testing.assert_array_equal(found, expected_keys)
    np.testing.assert_array_equal(remade, matrix[rows])
    np.testing.assert_array_equal(remade_by_python, matrix[rows])
