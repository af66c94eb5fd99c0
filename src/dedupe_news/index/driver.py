"""Index driver: `Index`, the persistent SQLite index that checks each new crawl against history.

See docs/index.md for the file format, the guarantees and the limits.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from dedupe_news.config import DEFAULT, Config
from dedupe_news.errors import ConfigError
from dedupe_news.index import filters
from dedupe_news.index import prune as pruning
from dedupe_news.index.add import add_crawl
from dedupe_news.index.keys import crawl_keys, neighbours
from dedupe_news.index.results import Hit, Stats
from dedupe_news.index.store import IndexBusyError, connect, decode_page, stored_config
from dedupe_news.pipeline import find_duplicates
from dedupe_news.records import ClusterId, Corpus, Label, SegmentId
from dedupe_news.stages.normalize import normalize
from dedupe_news.stages.segment import segment_page

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from types import TracebackType

    from dedupe_news.index.results import Added
    from dedupe_news.pipeline import StageStart, StageTimer
    from dedupe_news.records import Page, Segment


class Index:
    """A persistent index of crawls: one SQLite file, opened with `Index.open`.

    Examples:
        >>> import tempfile, dedupe_news as dn
        >>> from dedupe_news.demo import seed_folder
        >>> folder = tempfile.mkdtemp()
        >>> with dn.Index.open(f"{folder}/news.idx") as index:
        ...     first = index.add(dn.read_pages(seed_folder()))
        ...     again = index.add(dn.read_pages(seed_folder()))
        >>> len(first.new_pages), len(again.new_pages), len(again.unchanged)
        (5, 0, 5)
    """

    def __init__(self, path: Path, config: Config, connection: sqlite3.Connection) -> None:
        """Wrap an open connection (use `Index.open`)."""
        self.path = path
        self.config = config
        self._connection = connection

    @classmethod
    def open(cls, path: str | Path, config: Config | None = None, *, timeout: float = 5.0) -> Self:
        """Open an index file, creating it when missing.

        Args:
            path: The index file.
            config: The settings; None uses the stored ones (or `DEFAULT` for a new file).
            timeout: Seconds a write waits for another writer before `IndexBusyError`.

        Raises:
            ConfigError: `config` differs from the settings the file was built with, or the
                file has a newer format.
            InputError: The file is not an index.
        """
        where = Path(path)
        if config is None:
            config = DEFAULT
            if where.exists() and where.stat().st_size > 0:
                stored = stored_config(where)
                values = {f.name: stored[f.name] for f in fields(Config) if f.name in stored}
                config = Config(**values)  # type: ignore[arg-type]  # JSON as stored; Config validates
        return cls(where, config, connect(where, config, timeout))

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    def __enter__(self) -> Self:
        """Return the index."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the file."""
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction: all of it is stored, or none."""
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            msg = f"index is busy: {self.path} is being written by another process ({error})"
            raise IndexBusyError(msg) from error
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def add(
        self,
        pages: Corpus | Iterable[Page],
        *,
        at: datetime | None = None,
        threads: int | None = None,
        on_stage: StageTimer | None = None,
        on_start: StageStart | None = None,
    ) -> Added:
        """Add a crawl: match it against the whole history, store it, return the outcome.

        One transaction: a crash at any moment leaves the index without any of the crawl.

        Args:
            pages: A `Corpus` or any iterable of pages.
            at: The crawl's time (default: now, UTC): when its pages were first seen.
            threads: Cap on the threads of every pool, as in `dedupe`.
            on_stage: Called with each stage's name and wall time (`store` last).
            on_start: Called with each stage's name and item count before it.

        Raises:
            IndexBusyError: Another process kept the index locked past the busy timeout.
            InputError: Two pages have the same id.
        """
        skipped = pages.skipped if isinstance(pages, Corpus) else ()
        batch = pages.pages if isinstance(pages, Corpus) else tuple(pages)
        stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        with self._writing() as connection:
            return add_crawl(
                connection,
                self.config,
                batch,
                skipped,
                stamp,
                threads=threads,
                on_stage=on_stage,
                on_start=on_start,
            )

    def query(self, text: str) -> tuple[Hit, ...]:
        """Return the stored segments a text matches, best score first.

        Examples:
            >>> import tempfile, dedupe_news as dn
            >>> from dedupe_news.demo import seed_folder
            >>> with dn.Index.open(f"{tempfile.mkdtemp()}/news.idx") as index:
            ...     _ = index.add(dn.read_pages(seed_folder()))
            ...     hits = index.query("Meer uit Buitenland")
            >>> hits[0].score, hits[0].segment
            (1.0, '000_06e2ff613e5638d5:9')
        """
        keys = crawl_keys([text], self.config)
        found = neighbours(self._connection, keys)
        stored: list[tuple[Segment, ClusterId | None, str]] = []
        for text_rowid in found:
            body, page_id, line, seen = self._connection.execute(
                "SELECT p.body, p.id, t.first_line, c.at FROM texts t JOIN pages p ON "
                "p.rowid = t.first_page JOIN crawls c ON c.seq = t.first_seen WHERE t.rowid = ?",
                (text_rowid,),
            ).fetchone()
            segment = next(s for s in segment_page(decode_page(body)) if s.line == line)
            cluster = self._connection.execute(
                "SELECT cluster FROM segments s JOIN pages p ON p.rowid = s.page "
                "WHERE p.id = ? AND s.line = ?",
                (page_id, line),
            ).fetchone()
            live = None if cluster is None or cluster[0] is None else self.resolve(cluster[0])
            stored.append((segment, live, seen))
        return _hits(text, stored, self.config)

    def segments(self) -> tuple[tuple[SegmentId, ClusterId | None, Label], ...]:
        """Return every stored segment's id, live cluster and label, by page id and line.

        A member of a wide cluster that an add did not read back keeps the id it was stored
        with; when that id became an alias, the live id is returned (`resolve`).
        """
        aliases = dict(
            self._connection.execute(
                "SELECT id, merged_into FROM clusters WHERE merged_into IS NOT NULL"
            ).fetchall()
        )
        rows = self._connection.execute(
            "SELECT p.id, s.line, s.cluster, s.label FROM segments s "
            "JOIN pages p ON p.rowid = s.page ORDER BY p.id, s.line"
        )
        return tuple(
            (SegmentId(f"{page}:{line}"), _live(c, aliases), Label(label))
            for page, line, c, label in rows
        )

    def resolve(self, cluster: str) -> ClusterId:
        """Return the live id of a cluster id given out earlier (itself, or what it merged into).

        Raises:
            KeyError: The index never gave this id.
        """
        current = cluster
        while True:
            row = self._connection.execute(
                "SELECT merged_into FROM clusters WHERE id = ?", (current,)
            ).fetchone()
            if row is None:
                raise KeyError(cluster)
            if row[0] is None:
                return ClusterId(current)
            current = row[0]

    def prune(self, before: str | date, *, batch: int = 1000) -> int:
        """Forget the pages first seen before a date, `batch` pages per transaction.

        Return how many pages were forgotten.

        Raises:
            ConfigError: `before` is not an ISO date, or `batch` is not positive.
        """
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            msg = f"batch must be a positive integer, got {batch!r}"
            raise ConfigError(msg)
        cutoff = pruning.cutoff(before)
        total = 0
        while True:
            with self._writing() as connection:
                done = pruning.prune_batch(connection, self.config, cutoff, batch)
            total += done
            if done < batch:
                return total

    def build_filters(self) -> int:
        """Give each key run without a Bloom filter one, a run per transaction; return how many.

        Runs written by format version 2 have none and are sought for every key; this reads
        their keys back once (about 1-2M rows per second: minutes for a large index).
        """
        built = 0
        while True:
            with self._writing() as connection:
                missing = filters.missing(connection)
                if missing:
                    filters.rebuild(connection, missing[0])
            if not missing:
                return built
            built += 1

    def stats(self) -> Stats:
        """Return what the index holds."""
        count = self._count
        first, last = self._connection.execute("SELECT min(at), max(at) FROM crawls").fetchone()
        return Stats(
            crawls=count("crawls"),
            pages=count("pages"),
            segments=count("segments"),
            texts=count("texts"),
            clusters=count("clusters WHERE merged_into IS NULL"),
            aliases=count("clusters WHERE merged_into IS NOT NULL"),
            band_keys=count("bands"),
            shingle_keys=count("shingles"),
            runs=count("runs"),
            first_crawl=first,
            last_crawl=last,
            file_bytes=int(
                self._connection.execute(
                    "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
                ).fetchone()[0]
            ),
        )

    def _count(self, table: str) -> int:
        query = f"SELECT count(*) FROM {table}"  # noqa: S608 - table names are ours
        return int(self._connection.execute(query).fetchone()[0])


def _live(cluster: str | None, aliases: dict[str, str]) -> ClusterId | None:
    """Return the live id of a stored cluster id, following aliases."""
    while cluster in aliases:
        cluster = aliases[cluster]
    return None if cluster is None else ClusterId(cluster)


def _hits(
    text: str, stored: list[tuple[Segment, ClusterId | None, str]], config: Config
) -> tuple[Hit, ...]:
    """Verify a text against stored segments; return the direct matches."""
    found = find_duplicates([text, *(s.text for s, _, _ in stored)], config)
    norm = normalize(text, fold_diacritics=config.fold_diacritics)
    hits = []
    for cluster in (c for c in found if c.members[0] == 0):
        scores = {m.b: m.score for m in cluster.matches if m.a == 0}
        for member in cluster.members[1:]:
            segment, cluster_id, seen = stored[member - 1]
            if normalize(segment.text, fold_diacritics=config.fold_diacritics) == norm:
                score = 1.0
            elif member in scores:
                score = scores[member]
            else:
                continue  # joined through another text, not matched directly
            hits.append(Hit(segment.id, cluster_id, score, seen))
    return tuple(sorted(hits, key=lambda h: (-h.score, h.segment)))
