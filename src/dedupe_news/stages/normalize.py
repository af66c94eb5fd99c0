"""Normalize: the one text normalization every fingerprint is computed on."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One pass folds punctuation, symbols, underscores and every run of whitespace to one space.
# The class is a plain character set with a single `+`: linear time on any input.
_NON_WORD = re.compile(r"[\W_]+")
_UNICODE_SIZE = 0x110000
_BMP_LAST = "\uffff"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def fold(text: str, *, fold_diacritics: bool = False) -> str:
    """Return the text NFKC-normalized and case-folded: `normalize` before its word split.

    Examples:
        >>> fold("Oekraïne Straße"), fold("Oekraïne", fold_diacritics=True)
        ('oekraïne strasse', 'oekraine')
    """
    if text.isascii():  # NFKC leaves ASCII alone and casefold is lower
        return text.lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if fold_diacritics:
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = unicodedata.normalize("NFKC", _strip_marks(decomposed))
    return folded


@lru_cache(maxsize=1)
def _combining_marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return patterns matching every combining mark (`unicodedata.combining(c) != 0`).

    Regex passes strip them from a whole batch at C speed, where a Python filter over the
    characters costs a call per character. The marks of the Basic Multilingual Plane make
    one class that the regex engine tests with a bitmap; the few beyond it are a second
    class, run only over a text holding such a character (a class reaching beyond the BMP is
    tested range by range, twenty times slower). Built from the running Python's Unicode data.
    """
    marks = [chr(c) for c in range(_UNICODE_SIZE) if unicodedata.combining(chr(c))]
    bmp = "".join(re.escape(c) for c in marks if c <= _BMP_LAST)
    astral = "".join(re.escape(c) for c in marks if c > _BMP_LAST)
    return re.compile(f"[{bmp}]"), re.compile(f"[{astral}]")


def _strip_marks(text: str) -> str:
    """Return the text without its combining marks."""
    bmp, astral = _combining_marks()
    stripped = bmp.sub("", text)
    return astral.sub("", stripped) if _ASTRAL.search(stripped) else stripped


def normalize(text: str, *, fold_diacritics: bool = False) -> str:
    """Return the canonical form of a segment's text.

    NFKC, case-folded, every run of characters that are not letters or digits
    (`str.isalnum`: punctuation, symbols, underscores, whitespace) folded to one space,
    trimmed. Datelines and ages are cut off by the segmenter before this is called, so they
    never reach a fingerprint. Idempotent: `normalize(normalize(t)) == normalize(t)`. The
    signature kernel splits `fold(text)` into the same words without building this string.

    Args:
        text: Any text.
        fold_diacritics: Also strip combining marks ("Oekraïne" -> "oekraine").

    Examples:
        >>> normalize("  Het zeldzame   bezoek — van Poetin!  ")
        'het zeldzame bezoek van poetin'
        >>> normalize("Oekraïne's “vrede”")
        'oekraïne s vrede'
        >>> normalize("Oekraïne", fold_diacritics=True)
        'oekraine'
    """
    folded = fold(text, fold_diacritics=fold_diacritics)
    if folded.isascii():
        return " ".join(folded.translate(_ASCII_NON_WORD).split())
    return _NON_WORD.sub(" ", folded).strip()
