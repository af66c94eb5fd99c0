r"""Shingle: word k-grams for the peers, in plain Python (the peers have no shingler of their own).

Both peers get the same words: the text lower-cased, split into `\w+` runs (so punctuation,
credits' brackets and dashes do not change a word), joined k at a time by one space. A text
of at most k words is one shingle (the whole text), as datasketch's and rensa's examples do
for short documents; an empty text has none. Each tool gets them in the form its fastest
path takes: `str` for rensa (its compact-ASCII fast path), `bytes` for datasketch (its
`hashfunc` hashes bytes). This module must not import dedupe_news: the peers' processes
stay free of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

_WORD = re.compile(r"\w+")


def str_shingles(texts: Sequence[str], k: int) -> list[list[str]]:
    """Return each text's word k-grams as strings.

    Examples:
        >>> str_shingles(["Het kabinet, zegt ANP.", "Een"], 2)
        [['het kabinet', 'kabinet zegt', 'zegt anp'], ['een']]
    """
    out: list[list[str]] = []
    for text in texts:
        words = _WORD.findall(text.lower())
        if len(words) <= k:
            out.append([" ".join(words)] if words else [])
        else:
            out.append(list(map(" ".join, zip(*[words[i:] for i in range(k)], strict=False))))
    return out


def bytes_shingles(texts: Sequence[str], k: int) -> list[list[bytes]]:
    r"""Return each text's word k-grams as UTF-8 bytes (each word encoded once).

    Examples:
        >>> bytes_shingles(["Zeë zei: nee"], 2)
        [[b'ze\xc3\xab zei', b'zei nee']]
    """
    out: list[list[bytes]] = []
    for text in texts:
        words = [word.encode() for word in _WORD.findall(text.lower())]
        if len(words) <= k:
            out.append([b" ".join(words)] if words else [])
        else:
            out.append(list(map(b" ".join, zip(*[words[i:] for i in range(k)], strict=False))))
    return out
