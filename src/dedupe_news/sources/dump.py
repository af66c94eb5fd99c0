r"""Dump: bytes -> page text. Text encodings, compressed files, and what a file looks like.

A page dump is text in the given encoding (`\n` or `\r\n`, a UTF-8 byte-order mark dropped);
it may be compressed (`.gz`, `.bz2`, `.xz`, read with the standard library). A file holding a
NUL character is binary; a file that opens like HTML, WARC or compressed data under a name
that does not say so is named with what it looks like, never parsed.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedupe_news.errors import ConfigError, InputError
from dedupe_news.records import SkipKind
from dedupe_news.sources.discover import renamed

if TYPE_CHECKING:
    import io
    from pathlib import Path

EMPTY = "empty page (no text)"
SNIFF_BYTES = 512
"""How much of a file's start is looked at to tell what it is."""
BOM = b"\xef\xbb\xbf"
DECOMPRESSION_ERRORS = (OSError, EOFError, lzma.LZMAError)
"""What a corrupt or truncated compressed stream raises (gzip's BadGzipFile is an OSError)."""

_MAGIC = (
    (b"\x1f\x8b", "gzip", ".gz"),
    (b"BZh", "bzip2", ".bz2"),
    (b"\xfd7zXZ\x00", "xz", ".xz"),
)
_ASCII_PROBE = "\n\0a"


MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Default largest page (a page dump file, or one JSONL line) that is read; larger is skipped."""


@dataclass(frozen=True, slots=True)
class Decoder:
    r"""Decodes page bytes in one text encoding.

    Attributes:
        codec: Python's codec name ("utf-8-sig" for UTF-8: a byte-order mark is not text).
        encoding: The name as given, for messages.
        ascii_compatible: ASCII bytes mean ASCII text (UTF-8, Latin-1; not UTF-16): a NUL
            byte is then binary data, found before decoding, and JSONL lines end at byte `\n`.
    """

    codec: str
    encoding: str
    ascii_compatible: bool

    @classmethod
    def of(cls, encoding: str) -> Decoder:
        """Return the decoder of a text encoding, or raise `ConfigError`."""
        try:
            name = codecs.lookup(encoding).name
        except LookupError as error:
            msg = f"encoding must be a known codec, got {encoding!r}"
            raise ConfigError(msg) from error
        try:  # bytes-to-bytes codecs (base64, hex, rot13) and "undefined" refuse one of these
            probe = _ASCII_PROBE.encode(name)
            probe.decode(name)
        except (LookupError, UnicodeError) as error:
            msg = f"encoding must be a text encoding, got {encoding!r}"
            raise ConfigError(msg) from error
        codec = "utf-8-sig" if name == "utf-8" else name
        return cls(codec, encoding, probe.endswith(_ASCII_PROBE.encode("ascii")))

    def decode(self, data: bytes, path: str, line: int) -> str:
        r"""Return the text of some bytes with `\n` line ends, or raise `InputError`."""
        nul = data.find(b"\0") if self.ascii_compatible else -1
        if nul >= 0:
            raise InputError(path, line, f"binary data (NUL byte at byte offset {nul})")
        try:
            text = data.decode(self.codec)
        except UnicodeDecodeError as error:
            reason = f"not valid {self.encoding} at byte offset {error.start}"
            raise InputError(path, line, reason) from error
        nul = text.find("\0")
        if nul >= 0:
            raise InputError(path, line, f"binary data (NUL character at offset {nul})")
        return text.replace("\r\n", "\n").replace("\r", "\n")


def open_bytes(path: Path, compression: str) -> io.BufferedIOBase:
    """Open a file for reading bytes, decompressing by its suffix ("" for none)."""
    if compression == ".gz":
        return gzip.open(path, "rb")
    if compression == ".bz2":
        return bz2.open(path, "rb")
    if compression == ".xz":
        return lzma.open(path, "rb")
    return path.open("rb")


def head(path: Path, compression: str) -> tuple[bytes, bytes]:
    """Return the first bytes of a file as stored, and as read (decompressed)."""
    with path.open("rb") as raw:
        stored = raw.read(SNIFF_BYTES)
    if not compression:
        return stored, stored
    with open_bytes(path, compression) as stream:
        return stored, stream.read(SNIFF_BYTES)


def sniffed_format(data: bytes) -> str | None:
    """Return "html" or "warc" when a file's first (decompressed) bytes say so, else None.

    Examples:
        >>> [sniffed_format(data) for data in (b"  <!DOCTYPE html>", b"WARC/1.1", b"{")]
        ['html', 'warc', None]
    """
    start = data.removeprefix(BOM).lstrip()[:16].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"warc/1."):
        return "warc"
    return None


def looks_like(stored: bytes, data: bytes, compression: str) -> tuple[str, SkipKind] | None:
    """Return why a page dump or JSONL file is not read as one, judged by its first bytes."""
    if not compression:
        for magic, name, suffix in _MAGIC:
            if stored.startswith(magic):
                reason = f"looks like {name}-compressed data, but the name does not end in {suffix}"
                return reason, SkipKind.ERROR
    sniffed = sniffed_format(data)
    if sniffed == "html":
        return f"not a page: {renamed('HTML', '.html')}", SkipKind.NOT_PAGE
    if sniffed == "warc":
        return f"not a page: {renamed('WARC', '.warc')}", SkipKind.NOT_PAGE
    return None


def is_jsonl(data: bytes) -> bool:
    """Return whether bytes open like JSONL: the first non-blank byte is `{`."""
    return data.removeprefix(BOM).lstrip().startswith(b"{")
