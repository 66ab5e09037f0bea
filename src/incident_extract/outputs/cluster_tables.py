"""The clusters of a SQLite store: ``incident_clusters`` and ``cluster_summary``, rebuilt from its rows.

Kept apart from :mod:`.sqlite_store` (its own tables, ``IF NOT EXISTS``, on the store's
connection): the clusters are derived data, recomputed from ``articles``, ``incidents`` and
``items`` after a run or a batch has written its records, in one transaction, so that a reader
sees either the old clusters or the new ones.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from ..clusters import ArticleIncident, Cluster, cluster_incidents
from ..errors import OutputError

CLUSTER_SCHEMA = """
CREATE TABLE IF NOT EXISTS incident_clusters (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents (incident_id) ON DELETE CASCADE,
    cluster_id  INTEGER NOT NULL,          -- the smallest incident_id of the cluster
    article_id  INTEGER NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS incident_clusters_cluster ON incident_clusters (cluster_id);
CREATE INDEX IF NOT EXISTS incident_clusters_article ON incident_clusters (article_id);
CREATE TABLE IF NOT EXISTS cluster_summary (
    cluster_id      INTEGER PRIMARY KEY,
    victim          TEXT,                  -- the main victim the articles agree on
    victims         TEXT NOT NULL,         -- every victim name (lists joined as in incident_summary)
    earliest_date   TEXT,                  -- earliest attack date (else publication date)
    attack_types    TEXT NOT NULL,
    sources         TEXT NOT NULL,         -- every article URL (or key)
    articles        INTEGER NOT NULL,
    first_processed TEXT NOT NULL,         -- UTC, when its first article was stored
    last_processed  TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class StoredCluster:
    """A cluster as stored, with the articles' ids (to tell new members from old ones)."""

    cluster_id: int
    cluster: Cluster
    article_ids: list[int]


def create_cluster_tables(connection: sqlite3.Connection) -> None:
    for statement in CLUSTER_SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)


def stored_incidents(
    connection: sqlite3.Connection,
) -> tuple[list[ArticleIncident], dict[str, tuple[int, int, str]]]:
    """Every incident of the store, and per incident key its (incident_id, article_id, processed_at)."""
    victims: dict[int, list[str]] = defaultdict(list)
    types: dict[int, list[str]] = defaultdict(list)
    for incident_id, field, value in connection.execute(
        "SELECT incident_id, field, coalesce(name, vocab_id) FROM items"
        " WHERE field IN ('victims', 'attack_types') AND NOT denied ORDER BY incident_id, position"
    ):
        (victims if field == "victims" else types)[incident_id].append(value)
    incidents, ids = [], {}
    for row in connection.execute(
        "SELECT i.incident_id, i.article_id, i.position, i.attack_date, a.article_key, a.url, a.title,"
        " a.site, a.published, a.text, a.processed_at FROM incidents AS i"
        " JOIN articles AS a ON a.article_id = i.article_id ORDER BY i.incident_id"
    ):
        incident_id, article_id, position, attack_date, key, url, title, site, published, text, processed = (
            row
        )
        incident = ArticleIncident(
            key=f"{key}#{position}",
            article_key=key,
            incident_index=position,
            victims=victims[incident_id],
            attack_date=_date(attack_date),
            published=_date(published),
            text=text,
            title=title,
            url=url,
            site=site,
            attack_types=list(dict.fromkeys(types[incident_id])),
        )
        incidents.append(incident)
        ids[incident.key] = (incident_id, article_id, processed)
    return incidents, ids


def refresh_clusters(connection: sqlite3.Connection) -> list[StoredCluster]:
    """Recluster every incident of the store and rewrite both tables in one transaction.

    ``connection`` must be in autocommit mode (``isolation_level=None``), as the store's. A
    database error becomes an :class:`~..errors.OutputError` (the records themselves are written).
    """
    try:
        return _refresh(connection)
    except sqlite3.Error as exc:
        raise OutputError(f"cannot rebuild the incident clusters: {exc}") from exc


def _refresh(connection: sqlite3.Connection) -> list[StoredCluster]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        create_cluster_tables(connection)
        incidents, ids = stored_incidents(connection)
        stored = []
        connection.execute("DELETE FROM incident_clusters")
        connection.execute("DELETE FROM cluster_summary")
        for cluster in cluster_incidents(incidents):
            members = [ids[member.key] for member in cluster.members]
            cluster_id = min(incident_id for incident_id, _, _ in members)
            connection.executemany(
                "INSERT INTO incident_clusters (incident_id, cluster_id, article_id) VALUES (?, ?, ?)",
                [(incident_id, cluster_id, article_id) for incident_id, article_id, _ in members],
            )
            processed = sorted(when for _, _, when in members)
            earliest = cluster.earliest_date
            connection.execute(
                "INSERT INTO cluster_summary (cluster_id, victim, victims, earliest_date, attack_types,"
                " sources, articles, first_processed, last_processed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cluster_id,
                    cluster.victim,
                    "; ".join(cluster.victims),
                    earliest.isoformat() if earliest else None,
                    "; ".join(cluster.attack_types),
                    "; ".join(cluster.sources),
                    len({article_id for _, article_id, _ in members}),
                    processed[0],
                    processed[-1],
                ),
            )
            stored.append(StoredCluster(cluster_id, cluster, sorted({a for _, a, _ in members})))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return stored


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None
