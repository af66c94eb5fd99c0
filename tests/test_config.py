"""Config: validated once, with messages that name the field, the rule and the value."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import dedupe_news as dn


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shingle_size", 0, "shingle_size must be an integer in [1, 16], got 0"),
        ("shingle_size", 17, "shingle_size must be an integer in [1, 16], got 17"),
        ("shingle_size", "3", "shingle_size must be an integer in [1, 16], got '3'"),
        ("num_perm", 1, "num_perm must be an integer in [2, 4096], got 1"),
        ("num_perm", 4097, "num_perm must be an integer in [2, 4096], got 4097"),
        ("num_perm", 2.5, "num_perm must be an integer in [2, 4096], got 2.5"),
        ("num_perm", 128.0, "num_perm must be an integer in [2, 4096], got 128.0"),
        ("seed", -1, "seed must be an integer in [0, 4294967295], got -1"),
        ("seed", 2**32, "seed must be an integer in [0, 4294967295], got 4294967296"),
        ("seed", True, "seed must be an integer in [0, 4294967295], got True"),
        ("scheme", "legacy", "scheme must be 'affine32', got 'legacy'"),
        ("threshold", 0.0, "threshold must be a number in (0, 1], got 0.0"),
        ("threshold", 1.5, "threshold must be a number in (0, 1], got 1.5"),
        ("threshold", math.nan, "threshold must be a number in (0, 1], got nan"),
        ("threshold", "0.5", "threshold must be a number in (0, 1], got '0.5'"),
        ("min_score", -0.1, "min_score must be a number in [0, 1], got -0.1"),
        ("min_score", 1.2, "min_score must be a number in [0, 1], got 1.2"),
        ("min_score", True, "min_score must be a number in [0, 1], got True"),
        ("min_score", math.inf, "min_score must be a number in [0, 1], got inf"),
        ("article_min_shared", 0, "article_min_shared must be a number in (0, 1], got 0"),
        ("anchor_words", 1, "anchor_words must be an integer in [2, 64], got 1"),
        ("anchor_words", 65, "anchor_words must be an integer in [2, 64], got 65"),
        (
            "min_containment_words",
            0,
            "min_containment_words must be an integer in [1, 1000], got 0",
        ),
        (
            "boilerplate_min_pages",
            1,
            "boilerplate_min_pages must be an integer in [2, 1000000], got 1",
        ),
        ("fold_diacritics", "yes", "fold_diacritics must be a bool, got 'yes'"),
        ("fold_diacritics", 1, "fold_diacritics must be a bool, got 1"),
    ],
)
def test_bad_values_raise_config_error(field: str, value: object, message: str) -> None:
    """Each out-of-range or mistyped value is refused with the documented message."""
    with pytest.raises(dn.ConfigError) as raised:
        dn.Config(**{field: value})  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("shingle_size", 1),
        ("shingle_size", 16),
        ("num_perm", 4096),
        ("seed", 0),
        ("seed", 2**32 - 1),
        ("threshold", 0.95),
        ("threshold", 1e-9),
        ("min_score", 0),
        ("min_score", 1.0),
        ("article_min_shared", 1),
        ("anchor_words", 2),
        ("anchor_words", 64),
        ("min_containment_words", 1000),
        ("boilerplate_min_pages", 2),
        ("fold_diacritics", True),
    ],
)
def test_boundary_values_are_accepted(field: str, value: object) -> None:
    """The ends of every documented range are valid."""
    assert getattr(dn.Config(**{field: value}), field) == value  # type: ignore[arg-type]


def test_defaults_round_trip_through_as_dict() -> None:
    """as_dict lists every field in declaration order and rebuilds an equal Config."""
    data = dn.DEFAULT.as_dict()
    assert list(data) == [f.name for f in dataclasses.fields(dn.Config)]
    assert dn.Config(**data) == dn.DEFAULT  # type: ignore[arg-type]
    assert dn.Config() == dn.DEFAULT


def test_config_is_frozen() -> None:
    """A Config cannot be changed after validation."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        dn.DEFAULT.threshold = 0.1  # type: ignore[misc]


def test_replace_validates_again() -> None:
    """dataclasses.replace goes through the same checks."""
    with pytest.raises(dn.ConfigError, match="num_perm"):
        dataclasses.replace(dn.DEFAULT, num_perm=0)


@given(threshold=st.floats(0.05, 1.0), num_perm=st.sampled_from([2, 4, 8, 16, 32, 128]))
@example(threshold=1.0, num_perm=128)
@example(threshold=0.9, num_perm=16)
def test_every_config_that_validates_can_run(threshold: float, num_perm: int) -> None:
    """A Config is refused with ConfigError (built, or at first use), or it runs."""
    try:
        config = dn.Config(threshold=threshold, num_perm=num_perm)
        found = dn.find_duplicates(["een twee drie vier", "een twee drie vier"], config)
    except dn.ConfigError:
        return
    assert found


def test_settings_that_cannot_band_are_refused_at_construction() -> None:
    """threshold=0.99 with num_perm=8 leaves fewer than 2 LSH bands: refused before any run."""
    with pytest.raises(dn.ConfigError, match=r"at least 2 LSH bands, got threshold=0\.99"):
        dn.Config(threshold=0.99, num_perm=8)
