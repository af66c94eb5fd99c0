"""Charset: the bytes of an HTML page -> its text, by a documented precedence.

The evidence, strongest first (the order of the HTML standard's encoding sniffing):

1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE): it always wins;
2. the caller's charset: the `charset` of the HTTP `Content-Type` header (a WARC record's), or
   the `encoding` argument;
3. `<meta charset=...>` or `<meta http-equiv="Content-Type" content="...; charset=...">` in
   the first 1024 bytes;
4. UTF-8.

A charset name Python does not know is passed over (the next evidence decides); ASCII and
Latin-1 mean windows-1252, and a `<meta>` naming UTF-16 means UTF-8, as in browsers. Wrong
charsets are repaired, never fatal:

- a page declared in a single-byte charset (windows-1252, Latin-9...) whose bytes are valid
  UTF-8 with non-ASCII characters is UTF-8: it was re-encoded and the declaration left behind
  (read as windows-1252 it would give mojibake such as `Ã©`);
- bytes that are not valid in the chosen charset are read as UTF-8 if they are valid UTF-8,
  else as windows-1252, where the five bytes it leaves undefined become U+FFFD.

A NUL character is refused: the input is binary, not a page (as for a text dump).
"""

from __future__ import annotations

import codecs
import re

from dedupe_news.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PRESCAN_BYTES = 1024
# `charset=` inside a <meta> tag, whatever attribute holds it (charset or content).
_META = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_WINDOWS_1252 = "cp1252"
_AS_WINDOWS_1252 = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_UTF16 = frozenset({"utf-16", "utf-16-le", "utf-16-be"})


def decode_html(data: bytes, *, encoding: str | None, path: str) -> str:
    """Return the text of an HTML page's bytes, or raise `InputError` naming `path`.

    Args:
        data: The page's bytes.
        encoding: The charset from the transport (HTTP header) or the caller, if any.
        path: Where the page came from, for the error message.

    Examples:
        >>> decode_html('<meta charset="latin-1"><p>café'.encode("cp1252"), encoding=None,
        ...     path="p.html")[-4:]
        'café'
        >>> decode_html('<meta charset="windows-1252"><p>café'.encode(), encoding=None,
        ...     path="p.html")[-4:]
        'café'
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _refuse_nul(data[len(bom) :].decode(name, errors="replace"), path)
    charset = _known(encoding) or _meta_charset(data[:_PRESCAN_BYTES]) or "utf-8"
    return _refuse_nul(_decode(data, charset), path)


def _known(name: str | None) -> str | None:
    """Return Python's name of a charset, windows-1252 for its aliases, None when unknown."""
    if not name:
        return None
    try:
        known = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return _WINDOWS_1252 if known in _AS_WINDOWS_1252 else known


def _meta_charset(head: bytes) -> str | None:
    found = _META.search(head)
    charset = _known(found.group(1).decode("ascii")) if found else None
    return "utf-8" if charset in _UTF16 else charset  # ASCII-compatible bytes declared UTF-16


def _decode(data: bytes, charset: str) -> str:
    single_byte = charset != "utf-8" and charset not in _UTF16
    if single_byte and not data.isascii():
        try:
            return data.decode("utf-8")  # re-encoded as UTF-8, the old declaration left
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(_WINDOWS_1252, errors="replace")


def _refuse_nul(text: str, path: str) -> str:
    nul = text.find("\0")
    if nul >= 0:
        raise InputError(path, 0, f"binary data (NUL character at offset {nul})")
    return text
