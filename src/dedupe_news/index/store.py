"""Index storage: the SQLite file, its schema, its settings, and the page bodies (docs/index.md).

One file in WAL mode. Narrow tables: a row per page, segment, distinct text, band key and
shingle key, so every look-up is an index seek. Unsigned 64-bit keys are stored as their
signed two's-complement reinterpretation (`numpy.view(int64)`), which is lossless and keeps
SQLite's integer type. No pickle: page bodies are zlib-compressed JSON.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import TYPE_CHECKING

import xxhash

from dedupe_news.errors import ConfigError, DedupeNewsError, InputError
from dedupe_news.index import runs
from dedupe_news.records import Block, Page, Role
from dedupe_news.stages import lsh

if TYPE_CHECKING:
    from pathlib import Path

    from dedupe_news.config import Config

FORMAT_VERSION = 3
"""The file format written here; a file with a newer one is refused, an older one migrated.

1: `bands` and `shingles` keyed by the hash alone. 2: the same rows in runs (`index.runs`).
3: a Bloom filter per run (`index.filters`); runs migrated from 2 have none."""
BUSY_TIMEOUT_MS = 5_000
"""How long a writer waits for another writer before "index is busy", by default."""

TUNING = (
    "cache_size = -131072",
    "mmap_size = 1073741824",
    "temp_store = MEMORY",
    "journal_size_limit = 67108864",
)
"""Per connection: a 128 MiB page cache (SQLite's default is 2 MiB, too small to keep the
band and shingle indexes' upper pages while a crawl's keys are looked up and inserted),
reads through a 1 GiB memory map, the look-up tables of an add in memory, and the write-ahead
log cut back to 64 MiB when a write starts after a checkpoint (an add of 100k segments grows
it to 120-180 MB, one that merges every key run at 3M held to 3.5 GB, and SQLite otherwise
keeps that size on disk)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crawls (seq INTEGER PRIMARY KEY, at TEXT NOT NULL,
    pages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pages (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    url TEXT, site TEXT, published TEXT, first_seen INTEGER NOT NULL, version INTEGER NOT NULL,
    hash INTEGER NOT NULL, grp INTEGER NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS pages_grp ON pages (grp);
CREATE INDEX IF NOT EXISTS pages_first_seen ON pages (first_seen);
CREATE TABLE IF NOT EXISTS texts (rowid INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE,
    first_page INTEGER NOT NULL, first_line INTEGER NOT NULL, first_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS segments (page INTEGER NOT NULL, line INTEGER NOT NULL,
    role TEXT NOT NULL, text INTEGER, first_seen INTEGER NOT NULL, cluster TEXT,
    label TEXT NOT NULL, PRIMARY KEY (page, line)) WITHOUT ROWID;
DROP INDEX IF EXISTS segments_text;
CREATE INDEX IF NOT EXISTS segments_held ON segments (text, label, role, cluster);
CREATE TABLE IF NOT EXISTS clusters (id TEXT PRIMARY KEY, key TEXT NOT NULL,
    created INTEGER NOT NULL, merged_into TEXT) WITHOUT ROWID;
"""


class IndexBusyError(DedupeNewsError):
    """Another process holds the index's write lock longer than the busy timeout."""


def settings(config: Config) -> dict[str, str]:
    """Return every setting that shapes what the index stores, as text.

    The whole Config (fingerprints, candidates, verification and labels all decide what is
    stored), the LSH (bands, rows) it implies, and the candidate stage's constants.
    """
    bands, rows = config.bands_rows()
    values: dict[str, object] = {
        **config.as_dict(),
        "bands": bands,
        "rows": rows,
        "max_holders": lsh.MAX_HOLDERS,
        "min_shared": lsh.MIN_SHARED,
        "min_shared_fraction": lsh.MIN_SHARED_FRACTION,
    }
    return {name: json.dumps(value) for name, value in values.items()}


def connect(
    path: Path, config: Config, timeout: float = BUSY_TIMEOUT_MS / 1000
) -> sqlite3.Connection:
    """Open (or create) an index file and check its format and settings.

    Raises:
        ConfigError: The file was written with other settings or a newer format.
        InputError: The file is not an index.
        IndexBusyError: Another writer held it past the busy timeout while it was created.
    """
    connection = sqlite3.connect(path, isolation_level=None, timeout=timeout)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        for pragma in TUNING:
            connection.execute(f"PRAGMA {pragma}")
        _check_or_create(connection, path, config)
    except sqlite3.DatabaseError as error:
        connection.close()
        if "locked" in str(error) or "busy" in str(error):
            msg = f"index is busy: {path}"
            raise IndexBusyError(msg) from error
        raise InputError(str(path), 0, f"not a dedupe_news index: {error}") from error
    except DedupeNewsError:
        connection.close()
        raise
    return connection


def _check_or_create(connection: sqlite3.Connection, path: Path, config: Config) -> None:
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    if tables and "meta" not in tables:
        raise InputError(str(path), 0, "not a dedupe_news index: no meta table")
    connection.executescript(SCHEMA)  # IF NOT EXISTS: a no-op on an existing index
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("SELECT count(*) FROM meta").fetchone()[0] == 0:
            rows = [("format_version", str(FORMAT_VERSION)), *settings(config).items()]
            connection.executemany("INSERT INTO meta VALUES (?, ?)", rows)
        elif (version := _check_meta(connection, path, config)) < FORMAT_VERSION:
            if version < 2:  # version 1 (the settings match, so this file is ours)
                runs.migrate(connection)
            runs.create(connection)  # version 3: the filters table; old runs get no filter
            connection.execute(
                "UPDATE meta SET value = ? WHERE name = 'format_version'", (str(FORMAT_VERSION),)
            )
        runs.create(connection)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _check_meta(connection: sqlite3.Connection, path: Path, config: Config) -> int:
    """Refuse a newer format or other settings; return the file's format version."""
    stored = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    version = int(stored.get("format_version", "0"))
    if version > FORMAT_VERSION:
        msg = (
            f"index format version must be at most {FORMAT_VERSION} (this dedupe_news), "
            f"got {version} in {str(path)!r}"
        )
        raise ConfigError(msg)
    for name, value in settings(config).items():
        if stored.get(name) != value:
            msg = (
                f"index setting {name} must be {stored.get(name)} (as stored in {str(path)!r}), "
                f"got {value}: open the index with the settings it was built with"
            )
            raise ConfigError(msg)
    return version


def stored_config(path: Path) -> dict[str, object]:
    """Return the Config fields stored in an existing index file (for `Index.open(path)`)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        stored = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise InputError(str(path), 0, f"not a dedupe_news index: {error}") from error
    finally:
        connection.close()
    return {name: json.loads(value) for name, value in stored.items()}


def encode_page(page: Page) -> bytes:
    """Return a page as zlib-compressed JSON: everything `segment_page` reads."""
    blocks = [
        [b.text, None if b.role is None else b.role.value, b.hint, b.time] for b in page.blocks
    ]
    body = {
        "id": page.id,
        "text": page.text,
        "path": page.path,
        "url": page.url,
        "site": page.site,
        "published": page.published,
        "titled": page.titled,
        "blocks": blocks,
    }
    return zlib.compress(json.dumps(body, ensure_ascii=False, sort_keys=True).encode(), 6)


def decode_page(data: bytes) -> Page:
    """Return the page `encode_page` stored."""
    body = json.loads(zlib.decompress(data))
    blocks = tuple(
        Block(text, None if role is None else Role(role), hint, time)
        for text, role, hint, time in body["blocks"]
    )
    return Page(
        id=body["id"],
        text=body["text"],
        path=body["path"],
        url=body["url"],
        site=body["site"],
        published=body["published"],
        blocks=blocks,
        titled=body["titled"],
    )


def page_hash(body: bytes) -> int:
    """Return a page body's hash as a signed 64-bit integer (its reinterpreted xxh3-64)."""
    return int.from_bytes(xxhash.xxh3_64_digest(body), "big", signed=True)
