"""Normalize: the one text normalization every fingerprint is computed on."""

from __future__ import annotations

import re
import unicodedata

# One pass folds punctuation, symbols, underscores and every run of whitespace to one space.
# The class is a plain character set with a single `+`: linear time on any input.
_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def normalize(text: str, *, fold_diacritics: bool = False) -> str:
    """Return the canonical form of a segment's text.

    NFKC, case-folded, every run of punctuation, symbols and whitespace folded to one space,
    trimmed. Datelines and ages are cut off by the segmenter before this is called, so they
    never reach a fingerprint. Idempotent: `normalize(normalize(t)) == normalize(t)`.

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
    if text.isascii():
        # The fast path, same result: NFKC leaves ASCII alone and casefold is lower.
        return " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if fold_diacritics:
        decomposed = unicodedata.normalize("NFKD", folded)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = unicodedata.normalize("NFKC", stripped)
    return _NON_WORD.sub(" ", folded).strip()
