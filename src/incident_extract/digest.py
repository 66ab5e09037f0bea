"""The digest of a night: what is new since the last batch, once per incident.

After a batch, the store's clusters are rebuilt (:mod:`.outputs.cluster_tables`); a cluster
all of whose articles came tonight is a **new incident**, a cluster with tonight's articles
beside older ones is an incident that **grew** (a follow-up, a claim, data published). The
digest lists both (victim, date, attack types, sources) with the night's counts and the
feeds that failed, as Markdown (mail, chat, terminal) and as a standalone HTML page.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal

from .batch import BatchSummary
from .outputs.cluster_tables import StoredCluster, refresh_clusters


@dataclass(frozen=True)
class DigestSource:
    url: str
    title: str | None
    site: str | None
    new: bool
    """Stored by this night's batch."""


@dataclass(frozen=True)
class DigestEntry:
    cluster_id: int
    status: Literal["new", "grew"]
    victim: str | None
    earliest_date: dt.date | None
    attack_types: list[str]
    sources: list[DigestSource]


@dataclass
class Digest:
    night: dt.datetime
    summary: BatchSummary | None
    new: list[DigestEntry] = field(default_factory=list)
    grew: list[DigestEntry] = field(default_factory=list)

    @property
    def is_quiet(self) -> bool:
        return not self.new and not self.grew


def build_digest(
    connection: sqlite3.Connection, new_keys: set[str], summary: BatchSummary | None = None
) -> Digest:
    """Rebuild the store's clusters and tell the new and grown ones (``new_keys``: article keys stored tonight)."""
    clusters = refresh_clusters(connection)
    articles = {
        row[0]: row[1:]
        for row in connection.execute("SELECT article_id, article_key, url, title, site FROM articles")
    }
    digest = Digest(night=dt.datetime.now(dt.UTC).replace(microsecond=0), summary=summary)
    for stored in clusters:
        new_ids = {article_id for article_id in stored.article_ids if articles[article_id][0] in new_keys}
        if not new_ids:
            continue
        entry = _entry(stored, articles, new_ids)
        (digest.new if len(new_ids) == len(stored.article_ids) else digest.grew).append(entry)
    order = lambda entry: (entry.earliest_date or dt.date.min, entry.cluster_id)  # noqa: E731
    digest.new.sort(key=order, reverse=True)
    digest.grew.sort(key=order, reverse=True)
    return digest


def _entry(stored: StoredCluster, articles: dict[int, tuple], new_ids: set[int]) -> DigestEntry:
    sources = []
    for article_id in stored.article_ids:
        key, url, title, site = articles[article_id]
        sources.append(DigestSource(url or key, title, site, article_id in new_ids))
    cluster = stored.cluster
    return DigestEntry(
        cluster_id=stored.cluster_id,
        status="new" if len(new_ids) == len(stored.article_ids) else "grew",
        victim=cluster.victim,
        earliest_date=cluster.earliest_date,
        attack_types=cluster.attack_types,
        sources=sources,
    )


def _counts(summary: BatchSummary) -> list[str]:
    return [
        f"feeds: {summary.feeds_ok} ok, {summary.feeds_not_modified} not modified, {summary.feeds_failed} failed",
        f"items: {summary.items_new} new, {summary.items_skipped} off-topic (no NLP), "
        f"{summary.items_processed} processed, {summary.items_failed} failed",
    ]


def digest_markdown(digest: Digest) -> str:
    lines = [f"# Veille du {digest.night:%Y-%m-%d %H:%M} UTC", ""]
    if digest.summary is not None:
        lines += [f"- {line}" for line in _counts(digest.summary)] + [""]
    for title, entries in (("Nouveaux incidents", digest.new), ("Incidents qui ont grandi", digest.grew)):
        lines += [f"## {title} ({len(entries)})", ""]
        if not entries:
            lines += ["Aucun.", ""]
        for entry in entries:
            date = entry.earliest_date.isoformat() if entry.earliest_date else "date inconnue"
            types = ", ".join(entry.attack_types) or "type non précisé"
            lines.append(f"### {_md(entry.victim or 'victime non nommée')} ({date}; {types})")
            lines.append("")
            for source in entry.sources:
                label = _md(source.title or source.url)
                site = f" ({_md(source.site)})" if source.site else ""
                mark = " **nouveau**" if source.new and entry.status == "grew" else ""
                lines.append(f"- [{label}](<{source.url}>){site}{mark}")
            lines.append("")
    if digest.summary is not None and digest.summary.feed_errors:
        lines += ["## Flux en échec", ""]
        lines += [f"- <{url}>: {_md(error)}" for url, error in sorted(digest.summary.feed_errors.items())]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe inside Markdown: no link or emphasis syntax from an article title."""
    return "".join(f"\\{char}" if char in "\\`*_[]<>#|" else char for char in text.replace("\n", " "))


def digest_html(digest: Digest) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Veille du {digest.night:%Y-%m-%d}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{padding:.2em .6em;"
        "text-align:left;vertical-align:top}.new{font-weight:bold}</style></head><body>",
        f"<h1>Veille du {digest.night:%Y-%m-%d %H:%M} UTC</h1>",
    ]
    if digest.summary is not None:
        parts.append(
            "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in _counts(digest.summary)) + "</ul>"
        )
    for title, entries in (("Nouveaux incidents", digest.new), ("Incidents qui ont grandi", digest.grew)):
        parts.append(f"<h2>{title} ({len(entries)})</h2>")
        if not entries:
            parts.append("<p>Aucun.</p>")
            continue
        parts.append("<table><tr><th>Victime</th><th>Date</th><th>Types</th><th>Sources</th></tr>")
        for entry in entries:
            sources = "<br>".join(
                f'<a href="{escape(source.url)}"{" class=new" if source.new and entry.status == "grew" else ""}>'
                f"{escape(source.title or source.url)}</a>"
                + (f" ({escape(source.site)})" if source.site else "")
                for source in entry.sources
            )
            parts.append(
                f"<tr><td>{escape(entry.victim or 'victime non nommée')}</td>"
                f"<td>{entry.earliest_date.isoformat() if entry.earliest_date else ''}</td>"
                f"<td>{escape(', '.join(entry.attack_types))}</td><td>{sources}</td></tr>"
            )
        parts.append("</table>")
    if digest.summary is not None and digest.summary.feed_errors:
        parts.append("<h2>Flux en échec</h2><ul>")
        parts += [
            f"<li>{escape(url)}: {escape(error)}</li>"
            for url, error in sorted(digest.summary.feed_errors.items())
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_digest(digest: Digest, store: Path) -> tuple[Path, Path]:
    """``<store>.digest-<UTC date and time>.md`` and ``.html`` beside the store, each written whole."""
    stem = f"{store.stem}.digest-{digest.night:%Y-%m-%dT%H%M}"
    paths = (store.with_name(f"{stem}.md"), store.with_name(f"{stem}.html"))
    for path, text in zip(paths, (digest_markdown(digest), digest_html(digest)), strict=True):
        partial = path.with_name(path.name + ".part")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    return paths
