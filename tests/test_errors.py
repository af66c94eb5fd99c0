"""Errors: one tree under DedupeNewsError, drawn in the module docstring, with located messages."""

from __future__ import annotations

import pytest

import dedupe_news as dn
from dedupe_news import errors


@pytest.mark.parametrize("error", [dn.ConfigError, dn.InputError])
def test_every_error_is_a_dedupe_news_error_and_a_value_error(error: type[Exception]) -> None:
    """Callers can catch the base class, or ValueError as for any bad value."""
    assert issubclass(error, dn.DedupeNewsError)
    assert issubclass(error, ValueError)


def test_the_base_is_not_a_value_error() -> None:
    """The base class is a plain Exception: a future error need not be about a value."""
    assert issubclass(dn.DedupeNewsError, Exception)
    assert not issubclass(dn.DedupeNewsError, ValueError)


def test_input_error_names_path_line_and_reason() -> None:
    """The message opens with `<path>:<line>: ` and the parts stay readable as attributes."""
    error = dn.InputError("crawl/a.jsonl", 12, "not JSON: Expecting value")
    assert str(error) == "crawl/a.jsonl:12: not JSON: Expecting value"
    assert (error.path, error.line, error.reason) == (
        "crawl/a.jsonl",
        12,
        "not JSON: Expecting value",
    )


def test_docstring_draws_every_error_class() -> None:
    """The tree in errors.py's docstring names each exception class the module defines."""
    classes = [
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert sorted(classes) == [
        "ConfigError",
        "DedupeNewsError",
        "InputError",
        "MissingDependencyError",
    ]
    for name in classes:
        assert name in (errors.__doc__ or ""), name
