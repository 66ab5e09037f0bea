"""The nightly batch: feeds -> new items -> pre-filter -> pages -> records, each item exactly once.

Library functions, independent of the CLI. The state lives in the SQLite file of the store
(tables prefixed ``batch_``), so that a record and the mark saying its item was processed
are committed in **one transaction**:

1. every feed is fetched with a conditional GET (ETag / Last-Modified of the last success)
   and parsed by :class:`~.sources.web.FeedReader`, the stateless reader ``run`` uses too;
2. items whose canonical URL is in ``batch_seen`` (or met earlier in this run) are left
   alone; with ``prefilter = "title"`` the others go through the headline pre-filter
   (:mod:`.relevance`), a dropped item being marked ``skipped`` with its reason;
3. kept items are fetched (a few at a time, politely) and run through
   :func:`~.records.extract_many`, which decides relevance on the cleaned full text before
   spaCy; an off-topic article is marked ``skipped`` with its reason and not stored;
4. for each record: ``BEGIN IMMEDIATE``; the sink writes the record on the same connection;
   the item is marked ``processed`` or ``failed``; ``COMMIT``. A batch killed at any point
   has, for each item, either both the record and the mark or neither, so the next run
   redoes exactly the items that were not committed;
5. only when all items are committed are the feeds' new ETag / Last-Modified saved (saved
   earlier, a killed run would get a 304 next time and never see the items it lost).

A JSONL journal (``[store] jsonl``) cannot join a SQLite transaction, so records bound for it
wait in ``batch_outbox`` (same transaction as the mark) and are appended to the file after
the run; the file size reached by each export is committed, and an export cut short is
truncated back to that size before it is redone. Every record is in the file exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from spacy.language import Language

from .errors import InputError, OutputError
from .feeds import FeedItem
from .fetch import Fetcher, FetchError, FetchSettings, check_url, strip_credentials
from .models import ArticleRecord
from .records import extract_many
from .relevance import is_relevant_text
from .settings import DEFAULT_SETTINGS, Settings
from .sources import RawArticle
from .sources.web import WEB_ERRORS, FeedEntry, FeedReader
from .store import UNSTORABLE, record_json, unstorable

log = logging.getLogger(__name__)

ARTICLE_ERROR = "article"
"""Error kind of an item whose page was fetched but gave no usable article (empty, not French...)."""


# -- configuration -----------------------------------------------------------------------------


class FeedSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str | None = None

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        try:
            return check_url(url)
        except FetchError as error:
            raise ValueError(error.message) from None


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sqlite: Path = Path("incidents.sqlite")
    """The store, and the batch state (``batch_*`` tables) beside the records."""
    jsonl: Path | None = None
    """Optional JSONL journal: each record appended once."""


class BatchConfig(BaseModel):
    """``batch.toml``: ``[[feeds]]`` (url, name), ``[store]`` (sqlite, jsonl), ``[fetch]`` overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: list[FeedSource] = Field(min_length=1)
    store: StoreConfig = StoreConfig()
    fetch: FetchSettings = FetchSettings()
    prefilter: Literal["text", "title", "off"] = "text"
    """``text``: every new item is fetched and skipped before spaCy when its cleaned full text
    has no cyber-incident word (no incident lost to a vague headline); ``title``: items whose
    title and summary have none are not even fetched (bandwidth-limited set-ups; loses the
    incidents reported under a vague headline); ``off``: every item goes through spaCy."""

    @field_validator("prefilter", mode="before")
    @classmethod
    def _boolean_prefilter(cls, value: object) -> object:
        """``prefilter = true/false`` of older configurations: the full-text filter, or none."""
        if isinstance(value, bool):
            return "text" if value else "off"
        return value

    @field_validator("feeds")
    @classmethod
    def _unique_urls(cls, feeds: list[FeedSource]) -> list[FeedSource]:
        urls = [feed.url for feed in feeds]
        duplicates = sorted({url for url in urls if urls.count(url) > 1})
        if duplicates:
            raise ValueError(f"feed listed twice: {', '.join(duplicates)}")
        return feeds


def load_batch_config(path: str | Path) -> BatchConfig:
    """Read a batch TOML file; relative store paths are relative to the file's folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"batch configuration not found: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read batch configuration {path}: {exc}") from None
    try:
        config = BatchConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise InputError(f"invalid batch configuration {path}: {problems}") from None
    base = path.parent
    store = config.store.model_copy(
        update={
            "sqlite": base / config.store.sqlite,
            "jsonl": base / config.store.jsonl if config.store.jsonl else None,
        }
    )
    return config.model_copy(update={"store": store})


# -- state -------------------------------------------------------------------------------------

BATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS batch_feeds (
    url           TEXT PRIMARY KEY,
    name          TEXT,
    etag          TEXT,
    last_modified TEXT,
    last_success  TEXT,                 -- UTC, last time the feed was read (or answered 304)
    last_error    TEXT,
    last_error_kind TEXT,
    last_checked  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_seen (
    item_url    TEXT PRIMARY KEY,       -- canonical URL of the article
    feed_url    TEXT NOT NULL,
    title       TEXT,
    published   TEXT,
    first_seen  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('processed', 'skipped', 'failed')),
    reason      TEXT,
    error_kind  TEXT,
    is_incident INTEGER
);
CREATE INDEX IF NOT EXISTS batch_seen_status ON batch_seen (status);
CREATE TABLE IF NOT EXISTS batch_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_url    TEXT NOT NULL,
    record_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_exports (
    path     TEXT PRIMARY KEY,          -- the JSONL journal
    size     INTEGER NOT NULL,          -- its size after the last committed export
    last_seq INTEGER NOT NULL           -- the last outbox row it holds
);
"""
"""The batch's own tables. Only ``IF NOT EXISTS`` additions here; a change of shape needs a migration."""

ItemStatus = Literal["processed", "skipped", "failed"]


class RecordSink(Protocol):
    """Writes one record inside the open transaction of ``connection``, and never commits.

    The batch commits the record together with the item's seen-mark. A sink that raises rolls
    both back and stops the batch (the item is retried on the next run).
    """

    def __call__(self, record: ArticleRecord, connection: sqlite3.Connection) -> None: ...


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: str | None
    last_modified: str | None
    last_success: str | None
    last_error: str | None


@dataclass(frozen=True)
class SeenItem:
    item_url: str
    feed_url: str
    status: ItemStatus
    reason: str | None
    error_kind: str | None
    is_incident: bool | None


class BatchState:
    """The ``batch_*`` tables on a SQLite connection in autocommit mode (``isolation_level=None``).

    Pass the store's own connection so that the sink and the state share transactions.
    """

    def __init__(self, connection: sqlite3.Connection, *, owned: bool = False) -> None:
        if connection.isolation_level is not None:
            raise ValueError("BatchState needs a connection opened with isolation_level=None")
        self.connection = connection
        self._owned = owned
        with self.transaction():
            for statement in BATCH_SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 30.0) -> BatchState:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # consistent after a crash, as the store
            return cls(connection, owned=True)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot open the batch state in {path}: {exc}") from exc

    def close(self) -> None:
        if self._owned:
            self.connection.close()

    def __enter__(self) -> BatchState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception, KeyboardInterrupt included."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def feed(self, url: str) -> FeedState | None:
        row = self.connection.execute(
            "SELECT url, etag, last_modified, last_success, last_error FROM batch_feeds WHERE url = ?", (url,)
        ).fetchone()
        return FeedState(*row) if row else None

    def seen(self, item_url: str) -> SeenItem | None:
        row = self.connection.execute(
            "SELECT item_url, feed_url, status, reason, error_kind, is_incident FROM batch_seen WHERE item_url = ?",
            (item_url,),
        ).fetchone()
        if row is None:
            return None
        return SeenItem(*row[:5], is_incident=None if row[5] is None else bool(row[5]))

    def is_seen(self, item_url: str) -> bool:
        return (
            self.connection.execute("SELECT 1 FROM batch_seen WHERE item_url = ?", (item_url,)).fetchone()
            is not None
        )

    def status_counts(self) -> dict[str, int]:
        rows = self.connection.execute("SELECT status, count(*) FROM batch_seen GROUP BY status").fetchall()
        return dict(rows)

    def mark_seen(
        self,
        item_url: str,
        feed_url: str,
        item: FeedItem,
        status: ItemStatus,
        reason: str | None,
        *,
        error_kind: str | None = None,
        is_incident: bool | None = None,
    ) -> None:
        """Insert the mark; call inside :meth:`transaction`."""
        self.connection.execute(
            "INSERT INTO batch_seen (item_url, feed_url, title, published, first_seen, status, reason,"
            " error_kind, is_incident) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item_url,
                feed_url,
                item.title,
                item.published.isoformat() if item.published else None,
                _now(),
                status,
                reason,
                error_kind,
                None if is_incident is None else int(is_incident),
            ),
        )

    def save_feed_success(self, feed: FeedSource, etag: str | None, last_modified: str | None) -> None:
        now = _now()
        with self.transaction():
            self.connection.execute(
                "INSERT INTO batch_feeds (url, name, etag, last_modified, last_success, last_checked)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET name = excluded.name,"
                " etag = excluded.etag, last_modified = excluded.last_modified,"
                " last_success = excluded.last_success, last_checked = excluded.last_checked,"
                " last_error = NULL, last_error_kind = NULL",
                (strip_credentials(feed.url), feed.name, etag, last_modified, now, now),
            )

    def save_feed_error(self, feed: FeedSource, kind: str, message: str) -> None:
        with self.transaction():
            self.connection.execute(
                "INSERT INTO batch_feeds (url, name, last_error, last_error_kind, last_checked)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET name = excluded.name,"
                " last_error = excluded.last_error, last_error_kind = excluded.last_error_kind,"
                " last_checked = excluded.last_checked",
                (strip_credentials(feed.url), feed.name, message, kind, _now()),
            )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# -- JSONL journal -----------------------------------------------------------------------------


def export_jsonl(state: BatchState, path: str | Path) -> int:
    """Append the records waiting in ``batch_outbox`` to ``path``; returns how many.

    Exactly once, even when killed: the size of the file after each export is committed with
    the outbox rows it holds; lines past that size come from an export that did not commit and
    are cut before the rows are written again.
    """
    path = Path(path)
    key = str(path.resolve())
    connection = state.connection
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with os.fdopen(descriptor, "r+b") as handle:
        actual = os.fstat(handle.fileno()).st_size
        row = connection.execute("SELECT size, last_seq FROM batch_exports WHERE path = ?", (key,)).fetchone()
        if row is None:  # first export to this file: what it holds now is not ours
            with state.transaction():
                connection.execute(
                    "INSERT INTO batch_exports (path, size, last_seq) VALUES (?, ?, 0)", (key, actual)
                )
            committed, last_seq = actual, 0
        else:
            committed, last_seq = row
        if actual < committed:
            log.warning("%s is shorter than after the last export (rotated?): appending at its end", path)
            committed = actual
        handle.truncate(committed)  # lines of an export that was killed before its commit
        handle.seek(committed)
        written, new_last = 0, last_seq
        for seq, line in connection.execute(
            "SELECT seq, record_json FROM batch_outbox WHERE seq > ? ORDER BY seq", (last_seq,)
        ):
            handle.write(line.encode("utf-8") + b"\n")
            written, new_last = written + 1, seq
        handle.flush()
        os.fsync(handle.fileno())
        size = handle.tell()
    with state.transaction():
        connection.execute(
            "UPDATE batch_exports SET size = ?, last_seq = ? WHERE path = ?", (size, new_last, key)
        )
        connection.execute("DELETE FROM batch_outbox WHERE seq <= ?", (new_last,))
    return written


# -- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchEvent:
    """What ``progress`` receives: one per feed read and one per item decided."""

    stage: Literal["feed", "item"]
    url: str
    status: str
    """feed: ok, not_modified, failed; item: processed, failed, skipped."""
    detail: str = ""


class BatchSummary(BaseModel):
    """What a run did, for the CLI and the logs; ``errors_by_kind`` counts feed and item failures."""

    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    items_in_feeds: int = 0
    items_already_seen: int = 0
    """Seen in an earlier run, or twice in this one (the same article in two feeds)."""
    items_new: int = 0
    items_skipped: int = 0
    """New items the relevance filter kept away from spaCy (full text, or headline before fetching)."""
    items_processed: int = 0
    items_failed: int = 0
    items_without_link: int = 0
    incident_articles: int = 0
    incidents: int = 0
    records_exported: int = 0
    errors_by_kind: dict[str, int] = {}
    feed_errors: dict[str, str] = {}
    requests: int = 0
    seconds: float = 0.0

    def count_error(self, kind: str) -> None:
        self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + 1


@dataclass
class _FeedPoll:
    feed: FeedSource
    status: Literal["ok", "not_modified", "failed"]
    items: list[FeedItem]
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class _Candidate:
    key: str
    feed_url: str
    item: FeedItem


def run_batch(
    config: BatchConfig,
    nlp: Language | None = None,
    record_sink: RecordSink | None = None,
    progress: Callable[[BatchEvent], None] | None = None,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    connection: sqlite3.Connection | None = None,
    fetcher: Fetcher | None = None,
) -> BatchSummary:
    """Read every feed and turn each new, relevant item into one record, exactly once.

    ``record_sink(record, connection)`` writes each record inside the transaction that marks
    its item seen (see :class:`RecordSink`); with ``[store] jsonl`` the records are also
    appended to that file. ``connection`` (autocommit) defaults to a new one on
    ``config.store.sqlite``; pass the store's to share its transactions. The spaCy pipeline
    is loaded only when there is something new to read.
    """
    if record_sink is None and config.store.jsonl is None:
        raise ValueError("run_batch needs a record_sink or a [store] jsonl file to write records to")
    started = time.monotonic()
    state = BatchState(connection) if connection is not None else BatchState.open(config.store.sqlite)
    own_fetcher = fetcher is None
    run = _BatchRun(
        config=config,
        state=state,
        reader=FeedReader(fetcher or Fetcher(config.fetch), prefilter=config.prefilter == "title"),
        nlp=nlp,
        record_sink=record_sink,
        settings=settings.model_copy(update={"relevance_filter": config.prefilter != "off"}),
        notify=progress or (lambda event: None),
    )
    try:
        run.run()
    finally:
        run.summary.requests = run.reader.fetcher.requests
        if own_fetcher:
            run.reader.fetcher.close()
        state.close()
    run.summary.seconds = round(time.monotonic() - started, 3)
    return run.summary


@dataclass
class _BatchRun:
    """One run's collaborators and counts, so that each step is a short method."""

    config: BatchConfig
    state: BatchState
    reader: FeedReader
    """Fetching, feed parsing, canonical keys and the headline pre-filter, shared with ``run``."""
    nlp: Language | None
    record_sink: RecordSink | None
    settings: Settings
    notify: Callable[[BatchEvent], None]
    summary: BatchSummary = field(default_factory=BatchSummary)

    def run(self) -> None:
        journal = self.config.store.jsonl
        if journal:
            export_jsonl(self.state, journal)  # what a killed run left in the outbox
        polls = [self.poll_feed(feed) for feed in self.config.feeds]
        candidates = self.new_items(polls)
        if candidates:
            self.process(candidates)
        for poll in polls:  # only now: every item of these feeds is committed
            if poll.status == "ok":
                self.state.save_feed_success(poll.feed, poll.etag, poll.last_modified)
            elif poll.status == "not_modified":
                previous = self.state.feed(strip_credentials(poll.feed.url))
                self.state.save_feed_success(
                    poll.feed,
                    previous.etag if previous else None,
                    previous.last_modified if previous else None,
                )
        if journal:
            self.summary.records_exported = export_jsonl(self.state, journal)

    def poll_feed(self, feed: FeedSource) -> _FeedPoll:
        """Conditional GET and parse; a failure is recorded on the feed and the batch goes on."""
        shown = strip_credentials(feed.url)  # what is stored and shown: never the password
        previous = self.state.feed(shown)
        try:
            result = self.reader.poll(
                feed.url,
                etag=previous.etag if previous else None,
                last_modified=previous.last_modified if previous else None,
            )
        except WEB_ERRORS as error:
            self.summary.feeds_failed += 1
            self.summary.count_error(str(error.kind))
            self.summary.feed_errors[shown] = str(error)
            self.state.save_feed_error(feed, str(error.kind), error.message)
            self.notify(BatchEvent("feed", shown, "failed", str(error)))
            return _FeedPoll(feed, "failed", [])
        if result.not_modified:
            self.summary.feeds_not_modified += 1
            self.notify(BatchEvent("feed", shown, "not_modified"))
            return _FeedPoll(feed, "not_modified", [])
        self.summary.feeds_ok += 1
        self.notify(BatchEvent("feed", shown, "ok", f"{len(result.items)} items"))
        return _FeedPoll(feed, "ok", result.items, result.etag, result.last_modified)

    def new_items(self, polls: list[_FeedPoll]) -> list[_Candidate]:
        """Items not seen before, deduplicated by canonical URL, that pass the pre-filter.

        Feeds are interleaved (one item of each in turn) so that fetching spreads over hosts.
        """
        seen = _SeenKeys(self.state)
        candidates = []
        for feed_url, item in _interleave([(strip_credentials(poll.feed.url), poll.items) for poll in polls]):
            self.summary.items_in_feeds += 1
            entry = self.reader.screen(item, seen)
            if self.count_entry(entry, feed_url):
                candidates.append(_Candidate(entry.key or "", feed_url, item))
        return candidates

    def count_entry(self, entry: FeedEntry, feed_url: str) -> bool:
        """Count the reader's decision about an item (an off-topic one is marked ``skipped``);
        whether the item is to be fetched."""
        summary = self.summary
        if entry.verdict == "no_link":
            summary.items_without_link += 1
            summary.count_error("no_link")
            return False
        if entry.verdict == "duplicate":
            summary.items_already_seen += 1
            return False
        summary.items_new += 1
        if entry.verdict == "off_topic" and entry.key:
            with self.state.transaction():
                self.state.mark_seen(entry.key, feed_url, entry.item, "skipped", entry.reason)
            summary.items_skipped += 1
            self.notify(BatchEvent("item", entry.key, "skipped", entry.reason))
            return False
        return True

    def process(self, candidates: list[_Candidate]) -> None:
        """Fetch, extract, and commit each record with its item's mark."""
        by_key = {candidate.key: candidate for candidate in candidates}
        fetch_errors: dict[str, FetchError] = {}
        final_urls: dict[str, str] = {}
        articles = _fetch_articles(self.reader, candidates, fetch_errors, final_urls)
        for record in extract_many(articles, nlp=self.nlp, settings=self.settings, progress=False):
            key = record.source.url or ""
            candidate = by_key.pop(key, None)
            if candidate is None:  # cannot happen: every RawArticle carries its key as url
                log.error("record for an unknown item %r ignored", key)
                continue
            error = fetch_errors.pop(key, None)
            kind = str(error.kind) if error else (ARTICLE_ERROR if record.errors else None)
            off_topic = self.off_topic_reason(record)
            if off_topic is not None:
                self.skip(candidate, off_topic)
                continue
            final = final_urls.pop(key, key)
            if final != key:  # a redirect: the article is stored once, under the URL it ended at
                record = record.model_copy(update={"source": record.source.model_copy(update={"url": final})})
            committed = self.commit(record, candidate, kind, final)
            if committed is not None:
                self.count(*committed)

    def off_topic_reason(self, record: ArticleRecord) -> str | None:
        """Why the relevance filter kept this record's article away from spaCy, if it did."""
        if record.errors or record.is_incident or not self.settings.relevance_filter:
            return None
        decision = is_relevant_text(record.text, record.source.title)
        return None if decision.keep else decision.reason

    def skip(self, candidate: _Candidate, reason: str) -> None:
        """Mark an off-topic item seen as ``skipped``; its record is not stored."""
        with self.state.transaction():
            if self.state.is_seen(candidate.key):
                self.summary.items_already_seen += 1
                return
            self.state.mark_seen(candidate.key, candidate.feed_url, candidate.item, "skipped", reason)
        self.summary.items_skipped += 1
        self.notify(BatchEvent("item", candidate.key, "skipped", reason))

    def commit(
        self, record: ArticleRecord, candidate: _Candidate, kind: str | None, final: str
    ) -> tuple[ArticleRecord, str | None] | None:
        """Sink, outbox and mark in one transaction; returns the record stored and its error kind.

        None if another run committed the item first, or when the item redirects to a page
        already stored (the alias is marked, not stored again)."""
        status: ItemStatus = "failed" if record.errors else "processed"
        reason = record.errors[0] if record.errors else ("incident" if record.is_incident else "no incident")
        with self.state.transaction() as connection:
            if self.state.is_seen(candidate.key):
                self.summary.items_already_seen += 1
                return None
            final_seen = self.state.seen(final) if final != candidate.key else None
            if final_seen is not None and final_seen.status != "skipped":
                alias = f"redirects to {final}, already stored"
                self.state.mark_seen(candidate.key, candidate.feed_url, candidate.item, "skipped", alias)
                self.summary.items_already_seen += 1
                self.notify(BatchEvent("item", candidate.key, "skipped", alias))
                return None
            if self.record_sink is not None:
                record = self.sink_or_error(record, connection)
                if record.errors and status == "processed":  # the sink refused its values
                    status, kind, reason = "failed", "unstorable", record.errors[-1]
            if self.config.store.jsonl is not None:
                connection.execute(
                    "INSERT INTO batch_outbox (item_url, record_json) VALUES (?, ?)",
                    (candidate.key, record_json(record)),
                )
            self.state.mark_seen(
                candidate.key,
                candidate.feed_url,
                candidate.item,
                status,
                reason[:500],
                error_kind=kind,
                is_incident=record.is_incident,
            )
            if final != candidate.key and final_seen is None:  # the page's own URL, should a feed list it
                self.state.mark_seen(
                    final, candidate.feed_url, candidate.item, status, f"reached from {candidate.key}"
                )
        self.notify(BatchEvent("item", candidate.key, status, reason))
        return record, kind

    def sink_or_error(self, record: ArticleRecord, connection: sqlite3.Connection) -> ArticleRecord:
        """Give the record to the sink; one whose values it refuses is replaced by an error record
        (under a savepoint, so its partial rows go), and the batch goes on."""
        assert self.record_sink is not None
        connection.execute("SAVEPOINT record")
        try:
            self.record_sink(record, connection)
        except UNSTORABLE as exc:
            connection.execute("ROLLBACK TO record")
            record = unstorable(record, exc)
            self.record_sink(record, connection)
        connection.execute("RELEASE record")
        return record

    def count(self, record: ArticleRecord, kind: str | None) -> None:
        if kind:
            self.summary.count_error(kind)
            self.summary.items_failed += 1
        else:
            self.summary.items_processed += 1
            self.summary.incident_articles += int(record.is_incident)
            self.summary.incidents += len(record.incidents)


def _interleave(feeds: list[tuple[str, list[FeedItem]]]) -> Iterator[tuple[str, FeedItem]]:
    columns = [[(url, item) for item in items] for url, items in feeds]
    for row in zip_longest(*columns):
        yield from (pair for pair in row if pair is not None)


@dataclass
class _SeenKeys:
    """Items met in this run, and the items of earlier nights (``batch_seen``)."""

    state: BatchState
    keys: set[str] = field(default_factory=set)

    def __contains__(self, key: object) -> bool:
        return key in self.keys or (isinstance(key, str) and self.state.is_seen(key))

    def add(self, key: str) -> None:
        self.keys.add(key)


def _fetch_articles(
    reader: FeedReader,
    candidates: list[_Candidate],
    fetch_errors: dict[str, FetchError],
    final_urls: dict[str, str],
) -> Iterator[RawArticle]:
    """RawArticles in candidate order, pages fetched a few at a time (:meth:`FeedReader.pages`).

    A fetch failure becomes a RawArticle with ``error`` (so the item still gets its record)
    and its FetchError is kept in ``fetch_errors`` for the counts; ``final_urls`` gets the
    canonical URL each page was redirected to.
    """
    pages = reader.pages(candidate.item for candidate in candidates)
    for candidate, page in zip(candidates, pages, strict=True):
        if page.error is not None:
            fetch_errors[candidate.key] = page.error
        final_urls[candidate.key] = page.article.url or candidate.key
        page.article.url = candidate.key  # the key the record is matched back with, whatever the redirects
        yield page.article


__all__ = [
    "BatchConfig",
    "BatchEvent",
    "BatchState",
    "BatchSummary",
    "FeedSource",
    "RecordSink",
    "StoreConfig",
    "export_jsonl",
    "load_batch_config",
    "run_batch",
]


def run_batch_file(
    config_path: str | Path,
    nlp: Language | None = None,
    progress: Callable[[BatchEvent], None] | None = None,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    written_keys: list[str] | None = None,
) -> BatchSummary:
    """The nightly job: read ``config_path``, write new records into its SQLite store (and JSONL
    journal), each committed with its item's seen-mark on the store's own connection.

    ``written_keys`` receives the article key of each record written (for the night's digest).
    """
    from .outputs.sqlite_store import SQLiteStore

    config = load_batch_config(config_path)
    keys = written_keys if written_keys is not None else []
    with SQLiteStore(config.store.sqlite) as store:
        return run_batch(
            config,
            nlp,
            record_sink=lambda record, _connection: keys.append(store.write_in_transaction(record)),
            progress=progress,
            settings=settings,
            connection=store.connection,
        )
