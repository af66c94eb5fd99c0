"""Public surface: a sorted __all__ of importable names and a version."""

from __future__ import annotations

import dedupe_news as dn


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_importable() -> None:
    """__all__ is sorted (isort style) without repeats, and every name in it exists."""
    assert list(dn.__all__) == sorted(dn.__all__, key=_isort_key)
    assert len(set(dn.__all__)) == len(dn.__all__)
    for name in dn.__all__:
        assert hasattr(dn, name), name


def test_version_is_set() -> None:
    """The version comes from the package metadata."""
    assert dn.__version__.count(".") >= 2
