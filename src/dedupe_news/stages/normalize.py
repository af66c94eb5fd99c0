"""Normalize: the one text normalization every fingerprint is computed on."""

from __future__ import annotations

import re
import unicodedata

# One pass folds punctuation, symbols, underscores and every run of whitespace to one space.
# The class is a plain character set with a single `+`: linear time on any input.
_NON_WORD = re.compile(r"[\W_]+")
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
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = unicodedata.normalize("NFKC", stripped)
    return folded


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
