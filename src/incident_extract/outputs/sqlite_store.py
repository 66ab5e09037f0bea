"""The embedded store: records in SQLite (standard library), queryable and idempotent.

Unlike the JSONL and CSV files, which are rewritten whole, the database is updated in place so
that a nightly batch can add to it: each article is written in its own transaction, keyed by
its canonical URL (or text hash), and writing it again replaces its rows. A run that is killed
leaves every article either fully written or not at all.

Tables ``articles`` -> ``incidents`` -> ``items`` (foreign keys, ``ON DELETE CASCADE``); the
items hold every value with its evidence, so :meth:`SQLiteStore.read_records` rebuilds the exact
records. The schema evolves through :data:`MIGRATIONS`, applied in order and recorded in
``schema_version``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from ..errors import InputError, OutputError
from ..labels import label_rows
from ..models import ArticleRecord, Source
from ..store import UNSTORABLE, check_writable, unstorable
from .tables import ITEM_ROW_COLUMNS, ItemRow, article_key, incident_from_item_rows, incident_item_rows

SCHEMA_V1 = """
CREATE TABLE articles (
    article_id   INTEGER PRIMARY KEY,
    article_key  TEXT NOT NULL UNIQUE,        -- canonical URL, or sha256:<hex> of the text
    source_path  TEXT,
    source_id    TEXT,
    url          TEXT,
    title        TEXT,
    site         TEXT,
    published    TEXT,                        -- ISO date
    text         TEXT NOT NULL,               -- all evidence offsets point into it
    is_incident  INTEGER NOT NULL CHECK (is_incident IN (0, 1)),
    errors_json  TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
    processed_at TEXT NOT NULL                -- UTC, when the row was (re)written
);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE incidents (
    incident_id     INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,         -- 0 = the article's main incident
    attack_date     TEXT,                     -- ISO date; copy of the attack_date item's value
    people_affected INTEGER,                  -- copy of the people_affected item's value
    UNIQUE (article_id, position)
);
CREATE INDEX incidents_attack_date ON incidents (attack_date);

CREATE TABLE items (
    item_id        INTEGER PRIMARY KEY,
    incident_id    INTEGER NOT NULL REFERENCES incidents (incident_id) ON DELETE CASCADE,
    field          TEXT NOT NULL,             -- victims, attack_types, sectors, authorities...
    position       INTEGER NOT NULL,          -- order within the field (or within the denied items)
    denied         INTEGER NOT NULL DEFAULT 0 CHECK (denied IN (0, 1)),
    vocab_id       TEXT,                      -- id of a vocabulary item, category of a system
    name           TEXT,
    kind           TEXT,                      -- victims: organization, person, group
    value          TEXT,                      -- ISO date, or number of people
    value_text     TEXT,                      -- the words the value was read from
    role           TEXT,                      -- dates: attack, discovery, disclosure...
    status         TEXT,                      -- confirmed, claimed, possible (null when denied)
    rule           TEXT NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    evidence_text  TEXT NOT NULL,
    id_or_name     TEXT COLLATE NOCASE GENERATED ALWAYS AS (coalesce(vocab_id, name)) VIRTUAL
);
CREATE INDEX items_incident ON items (incident_id);
CREATE INDEX items_field_id_or_name ON items (field, id_or_name);

CREATE VIEW incident_summary AS
SELECT
    a.article_id,
    a.article_key,
    a.title,
    a.url,
    a.site,
    a.published,
    i.incident_id,
    i.position AS incident_index,
    (SELECT v.name FROM items AS v
      WHERE v.incident_id = i.incident_id AND v.field = 'victims' AND NOT v.denied
      ORDER BY v.position LIMIT 1) AS victim,
    (SELECT count(*) FROM items AS v
      WHERE v.incident_id = i.incident_id AND v.field = 'victims' AND NOT v.denied) AS victim_count,
    i.attack_date,
    (SELECT group_concat(vocab_id, '; ') FROM (
        SELECT t.vocab_id FROM items AS t
         WHERE t.incident_id = i.incident_id AND t.field = 'attack_types' AND NOT t.denied
         GROUP BY t.vocab_id ORDER BY min(t.position))) AS attack_types,
    (SELECT group_concat(vocab_id, '; ') FROM (
        SELECT s.vocab_id FROM items AS s
         WHERE s.incident_id = i.incident_id AND s.field = 'sectors' AND NOT s.denied
         GROUP BY s.vocab_id ORDER BY min(s.position))) AS sectors,
    (SELECT group_concat(vocab_id, '; ') FROM (
        SELECT d.vocab_id FROM items AS d
         WHERE d.incident_id = i.incident_id AND d.field = 'data_leaked' AND NOT d.denied
         GROUP BY d.vocab_id ORDER BY min(d.position))) AS data_leaked,
    (SELECT group_concat(vocab_id, '; ') FROM (
        SELECT u.vocab_id FROM items AS u
         WHERE u.incident_id = i.incident_id AND u.field = 'authorities' AND NOT u.denied
         GROUP BY u.vocab_id ORDER BY min(u.position))) AS authorities,
    (SELECT group_concat(name, '; ') FROM (
        SELECT r.name FROM items AS r
         WHERE r.incident_id = i.incident_id AND r.field = 'threat_actors' AND NOT r.denied
         GROUP BY r.name ORDER BY min(r.position))) AS threat_actors,
    i.people_affected,
    a.processed_at
FROM incidents AS i
JOIN articles AS a ON a.article_id = i.article_id;
"""


def _json_list(field: str, column: str, alias: str) -> str:
    """A JSON array of the incident's distinct ``column`` values for ``field``, in record order."""
    return (
        f"(SELECT json_group_array({column}) FROM ("
        f"SELECT {alias}.{column} FROM items AS {alias} WHERE {alias}.incident_id = i.incident_id "
        f"AND {alias}.field = '{field}' AND NOT {alias}.denied "
        f"GROUP BY {alias}.{column} ORDER BY min({alias}.position)))"
    )


def _json_labels(field: str, alias: str) -> str:
    """The same array as :func:`_json_list` of ``vocab_id``, in French (``labels``)."""
    return (
        f"(SELECT json_group_array(label) FROM ("
        f"SELECT coalesce(l.label, {alias}.vocab_id) AS label FROM ("
        f"SELECT x.vocab_id, min(x.position) AS first FROM items AS x WHERE x.incident_id = i.incident_id "
        f"AND x.field = '{field}' AND NOT x.denied GROUP BY x.vocab_id) AS {alias} "
        f"LEFT JOIN labels AS l ON l.vocabulary = '{field}' AND l.id = {alias}.vocab_id ORDER BY {alias}.first))"
    )


VOCABULARY_FIELDS = ("attack_types", "sectors", "systems", "data_leaked", "authorities")
"""The fields with vocabulary ids in schema version 2, written out: a released migration never
changes, so it does not follow ``models.FIELDS`` (``tests/test_store_sqlite.py`` checks that the
views still cover it: a new field needs a new migration)."""
SCHEMA_V2 = f"""
CREATE TABLE labels (
    vocabulary TEXT NOT NULL,                 -- attack_types, sectors, systems, data_leaked...
    id         TEXT NOT NULL,
    label      TEXT NOT NULL,                 -- in French; refreshed each time the store is opened
    PRIMARY KEY (vocabulary, id)
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, victims,                     -- rowid = articles.article_id
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts (rowid, title, text, victims)
SELECT a.article_id, a.title, a.text,
       (SELECT group_concat(v.name, ' ; ') FROM items AS v JOIN incidents AS n ON n.incident_id = v.incident_id
         WHERE n.article_id = a.article_id AND v.field = 'victims' AND NOT v.denied)
FROM articles AS a;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.article_id;
END;

CREATE VIEW incident_facets AS
SELECT
    i.incident_id,
    a.article_id,
    i.position AS incident_index,
    a.title,
    a.url,
    a.site,
    a.published,
    i.attack_date,
    {_json_list("victims", "name", "v")} AS victims,
    {", ".join(f"{_json_list(field, 'vocab_id', 'f')} AS {field}, {_json_labels(field, 'g')} AS {field}_label" for field in VOCABULARY_FIELDS)},
    {_json_list("threat_actors", "name", "t")} AS threat_actors,
    {_json_list("responders", "name", "r")} AS responders,
    {_json_list("locations", "name", "p")} AS locations,
    i.people_affected
FROM incidents AS i
JOIN articles AS a ON a.article_id = i.article_id;
"""
"""For datasette and analysts: French labels, full-text search over the articles' title, text
and victims, and ``incident_facets`` whose list columns are JSON arrays (array facets)."""

MIGRATIONS: list[str] = [SCHEMA_V1, SCHEMA_V2]
"""Schema migrations, applied in order: ``MIGRATIONS[n]`` takes the database to version ``n + 1``.
Never edit a released migration; append a new one."""

_UPSERT_ARTICLE = """
INSERT INTO articles (article_key, source_path, source_id, url, title, site, published,
                      text, is_incident, errors_json, processed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_key) DO UPDATE SET
    source_path = excluded.source_path, source_id = excluded.source_id, url = excluded.url,
    title = excluded.title, site = excluded.site, published = excluded.published, text = excluded.text,
    is_incident = excluded.is_incident, errors_json = excluded.errors_json,
    processed_at = excluded.processed_at
RETURNING article_id
"""
_INSERT_INCIDENT = (
    "INSERT INTO incidents (article_id, position, attack_date, people_affected) VALUES (?, ?, ?, ?)"
)
_INSERT_ITEM = (
    f"INSERT INTO items (incident_id, {', '.join(ITEM_ROW_COLUMNS)}) "
    f"VALUES (?, {', '.join('?' for _ in ITEM_ROW_COLUMNS)})"
)


class SQLiteStore:
    """Records in one SQLite file: ``write`` them (idempotent), ``read_records`` them back.

    Use as a context manager, or call :meth:`close`. ``connection`` is open for your own
    queries (``pandas.read_sql("SELECT * FROM incident_summary", store.connection)``).
    """

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if create:
            check_writable(self.path)
        elif not self.path.is_file():
            raise InputError(f"SQLite database not found: {self.path}")
        try:
            # autocommit mode: transactions are begun and ended explicitly, one per article
            self.connection = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise OutputError(f"cannot open SQLite database {self.path}: {exc}") from exc
        try:
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
            # with WAL, NORMAL stays consistent after a crash; a power cut may lose the last commits
            self.connection.execute("PRAGMA synchronous = NORMAL")
            self.schema_version = migrate(self.connection)
        except BaseException as exc:
            self.connection.close()
            if isinstance(exc, sqlite3.Error):
                raise OutputError(f"cannot use SQLite database {self.path}: {exc}") from exc
            raise

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def write(self, record: ArticleRecord) -> str:
        """Write one article in one transaction, replacing its previous rows; returns its key."""
        key = article_key(record)
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                self._write_rows(key, record)
                self.connection.execute("COMMIT")
            except BaseException:
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise OutputError(f"cannot write to {self.path}: {exc}") from exc
        return key

    def write_in_transaction(self, record: ArticleRecord) -> str:
        """Write one article's rows inside a transaction the caller opened and will commit.

        The nightly batch commits a record together with its feed item's seen-mark, so that a
        killed run never leaves one without the other.
        """
        if not self.connection.in_transaction:
            raise OutputError("write_in_transaction needs an open transaction")
        key = article_key(record)
        self._write_rows(key, record)
        return key

    def _write_rows(self, key: str, record: ArticleRecord) -> None:
        source = record.source
        (article_id,) = self.connection.execute(
            _UPSERT_ARTICLE,
            (
                key,
                source.path,
                source.id,
                source.url,
                source.title,
                source.site,
                source.published.isoformat() if source.published else None,
                record.text,
                record.is_incident,
                json.dumps(record.errors, ensure_ascii=False),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        ).fetchone()
        self.connection.execute("DELETE FROM incidents WHERE article_id = ?", (article_id,))
        for position, incident in enumerate(record.incidents):
            incident_id = self.connection.execute(
                _INSERT_INCIDENT,
                (
                    article_id,
                    position,
                    incident.attack_date.value.isoformat() if incident.attack_date else None,
                    incident.people_affected.value if incident.people_affected else None,
                ),
            ).lastrowid
            self.connection.executemany(
                _INSERT_ITEM,
                ((incident_id, *dataclasses.astuple(row)) for row in incident_item_rows(incident)),
            )
        victims = " ; ".join(
            dict.fromkeys(victim.name for incident in record.incidents for victim in incident.victims)
        )
        self.connection.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
        self.connection.execute(
            "INSERT INTO articles_fts (rowid, title, text, victims) VALUES (?, ?, ?, ?)",
            (article_id, source.title, record.text, victims or None),
        )

    def write_many(self, records: Iterable[ArticleRecord]) -> Iterator[ArticleRecord]:
        """Write records as they come; yields each one once committed.

        A record whose values SQLite refuses is written as an error record instead (and that
        is what is yielded): one article never costs the others.
        """
        for record in records:
            try:
                self.write(record)
            except UNSTORABLE as exc:
                record = unstorable(record, exc)
                self.write(record)
            yield record

    def read_records(self) -> Iterator[ArticleRecord]:
        """Every article, in the order it was first written."""
        ids = [
            row[0] for row in self.connection.execute("SELECT article_id FROM articles ORDER BY article_id")
        ]
        for article_id in ids:  # one article in memory at a time
            row = self.connection.execute(
                "SELECT * FROM articles WHERE article_id = ?", (article_id,)
            ).fetchone()
            if row is not None:
                yield self._record(row)

    def get(self, key: str) -> ArticleRecord | None:
        """The article stored under ``key`` (see :func:`~.tables.article_key`), if any."""
        row = self.connection.execute("SELECT * FROM articles WHERE article_key = ?", (key,)).fetchone()
        return None if row is None else self._record(row)

    def row_counts(self) -> dict[str, int]:
        return {
            table: self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "incidents", "items")
        }

    def _record(self, article: sqlite3.Row) -> ArticleRecord:
        incidents = []
        for (incident_id,) in self.connection.execute(
            "SELECT incident_id FROM incidents WHERE article_id = ? ORDER BY position",
            (article["article_id"],),
        ).fetchall():
            items = self.connection.execute(
                f"SELECT {', '.join(ITEM_ROW_COLUMNS)} FROM items WHERE incident_id = ?",
                (incident_id,),
            ).fetchall()
            incidents.append(
                incident_from_item_rows(
                    ItemRow(**{**dict(item), "denied": bool(item["denied"])}) for item in items
                )
            )
        return ArticleRecord(
            source=Source(
                path=article["source_path"],
                id=article["source_id"],
                url=article["url"],
                title=article["title"],
                site=article["site"],
                published=article["published"],
            ),
            text=article["text"],
            is_incident=bool(article["is_incident"]),
            incidents=incidents,
            errors=json.loads(article["errors_json"]),
        )


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to the latest version, in one transaction; returns that version.

    The write lock is taken before the version is read, so two processes opening a new
    database at once do not both create the tables.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        (current,) = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        if current > len(MIGRATIONS):
            raise OutputError(
                f"database schema version {current} is newer than this incident-extract ({len(MIGRATIONS)})"
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in _statements(script):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'labels'").fetchone():
            connection.execute("DELETE FROM labels")  # this version's labels, not those of the last writer
            connection.executemany(
                "INSERT INTO labels (vocabulary, id, label) VALUES (?, ?, ?)", label_rows()
            )
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    """Split a script into statements (``executescript`` would commit the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:80]}")


def write_sqlite(records: Iterable[ArticleRecord], path: str | Path) -> Iterator[ArticleRecord]:
    """Add records to the database at ``path`` (created if needed); yields each once committed.

    Once all are written, the store's incident clusters are rebuilt (:mod:`.cluster_tables`).
    """
    from .cluster_tables import refresh_clusters

    with SQLiteStore(path) as store:
        yield from store.write_many(records)
        refresh_clusters(store.connection)


def read_sqlite(path: str | Path) -> Iterator[ArticleRecord]:
    with SQLiteStore(path, create=False) as store:
        yield from store.read_records()
