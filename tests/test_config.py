"""Config: validated once, with messages that name the field, the rule and the value."""

from __future__ import annotations

import pytest

import dedupe_news as dn


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shingle_size", 0, "shingle_size must be an integer in [1, 16], got 0"),
        ("num_perm", 1, "num_perm must be an integer in [2, 4096], got 1"),
        ("seed", -1, "seed must be an integer in [0, 4294967295], got -1"),
        ("threshold", 0.0, "threshold must be a number in (0, 1], got 0.0"),
        ("min_score", 1.2, "min_score must be a number in [0, 1], got 1.2"),
        ("min_score", True, "min_score must be a number in [0, 1], got True"),
        ("anchor_words", 1, "anchor_words must be an integer in [2, 64], got 1"),
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
        ("article_min_shared", 0, "article_min_shared must be a number in (0, 1], got 0"),
        ("fold_diacritics", "yes", "fold_diacritics must be a bool, got 'yes'"),
        ("scheme", "legacy", "scheme must be 'affine32', got 'legacy'"),
        ("num_perm", 2.5, "num_perm must be an integer in [2, 4096], got 2.5"),
    ],
)
def test_bad_values_raise_config_error(field: str, value: object, message: str) -> None:
    """Each out-of-range value is refused with the documented message."""
    with pytest.raises(dn.ConfigError) as raised:
        dn.Config(**{field: value})  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_defaults_round_trip_through_as_dict() -> None:
    """as_dict lists every field and rebuilds an equal Config."""
    assert dn.Config(**dn.DEFAULT.as_dict()) == dn.DEFAULT  # type: ignore[arg-type]
