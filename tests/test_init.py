"""Public surface: a sorted __all__ of importable names, a version, a silent logger."""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import version

import dedupe_news as dn


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_without_repeats() -> None:
    """__all__ is sorted (isort style) and lists each name once."""
    assert list(dn.__all__) == sorted(dn.__all__, key=_isort_key)
    assert len(set(dn.__all__)) == len(dn.__all__)


def test_every_name_in_all_is_importable() -> None:
    """`from dedupe_news import <name>` works for every name in __all__."""
    namespace: dict[str, object] = {}
    exec("from dedupe_news import *", namespace)  # noqa: S102 - the star import is under test
    assert set(dn.__all__) <= set(namespace)
    for name in dn.__all__:
        assert getattr(dn, name) is namespace[name]


def test_public_names_are_in_all() -> None:
    """Every public class and function of dedupe_news in the package namespace is exported."""
    public = {
        name
        for name, value in vars(dn).items()
        if not name.startswith("_")
        and (isinstance(value, type) or callable(value))
        and getattr(value, "__module__", "").startswith("dedupe_news")
    }
    assert {"dedupe", "Config", "read_pages"} <= public
    assert public <= set(dn.__all__), sorted(public - set(dn.__all__))


def test_version_comes_from_the_package_metadata() -> None:
    """__version__ is the installed distribution's version."""
    assert dn.__version__ == version("dedupe-news")
    assert dn.__version__.count(".") >= 2


def test_the_library_logger_has_a_null_handler() -> None:
    """The package never configures logging: it only adds a NullHandler to its own logger."""
    handlers = logging.getLogger("dedupe_news").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert importlib.import_module("dedupe_news.pipeline").logger.name == "dedupe_news.pipeline"
