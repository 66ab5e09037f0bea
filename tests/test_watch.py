"""The nightly watch end to end: clusters in the store, the night's digest, --fail-on for cron."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from incident_extract.cli import FAILED_EXIT_CODE, app
from incident_extract.digest import build_digest, digest_html, digest_markdown, write_digest
from incident_extract.outputs.sqlite_store import SQLiteStore
from incident_extract.records import extract_article

from .test_cli_web import config_file
from .web_server import local_web

pytestmark = pytest.mark.model

FIRST = (
    "Le centre hospitalier de Morlaix victime d'une cyberattaque\n\n"
    "Le centre hospitalier de Morlaix a été victime samedi d'un rançongiciel qui a chiffré ses serveurs. "
    "Les urgences fonctionnent en mode dégradé."
)
FOLLOW_UP = (
    "Les pirates publient les données de l'hôpital de Morlaix\n\n"
    "Deux semaines après le rançongiciel qui a frappé le centre hospitalier de Morlaix, le groupe "
    "de pirates a publié des fichiers de patients volés sur son site."
)
OTHER = (
    "La mairie de Quimperlé paralysée par une attaque informatique\n\n"
    "La mairie de Quimperlé a été victime lundi d'une attaque informatique : la messagerie et "
    "l'état civil sont à l'arrêt."
)


@pytest.fixture(scope="module")
def web(nlp):
    with local_web() as server:
        yield server


def test_batch_writes_the_digest_and_fails_on_feed_errors_for_cron(web, tmp_path):
    config = config_file(web, tmp_path)  # one of its three feeds answers 404
    first = CliRunner().invoke(
        app, ["batch", config, "--no-progress", "--fail-on", "feed-errors", "--digest-stdout"]
    )
    assert first.exit_code == FAILED_EXIT_CODE, first.output
    assert "failed: 1 feeds" in first.output
    assert "## Nouveaux incidents" in first.output  # the Markdown digest on stdout
    digests = sorted(tmp_path.glob("veille.digest-*.md"))
    assert len(digests) == 1 and digests[0].with_suffix(".html").is_file()
    markdown = digests[0].read_text(encoding="utf-8")
    assert "clinique des Tilleuls" in markdown
    assert "## Flux en échec" in markdown and "absent.rss" in markdown
    with sqlite3.connect(tmp_path / "veille.sqlite") as connection:
        rows = connection.execute(
            "SELECT c.cluster_id, a.url FROM incident_clusters AS c JOIN articles AS a USING (article_id)"
        ).fetchall()
        summaries = connection.execute("SELECT count(*) FROM cluster_summary").fetchone()[0]
    assert rows and summaries == len({cluster_id for cluster_id, _ in rows})

    quiet = CliRunner().invoke(app, ["batch", config, "--no-progress", "--no-digest"])
    assert quiet.exit_code == 0, quiet.output  # no --fail-on: a failed feed does not fail the run
    assert "digest" not in quiet.output
    assert len(list(tmp_path.glob("veille.digest-*.md"))) == 1


def test_digest_tells_new_incidents_from_clusters_that_grew(nlp, tmp_path):
    with SQLiteStore(tmp_path / "veille.sqlite") as store:
        yesterday = store.write(
            extract_article(FIRST, published="2024-05-06", url="https://a.exemple/1", nlp=nlp)
        )
        build_digest(store.connection, {yesterday})
        tonight = {
            store.write(extract_article(text, published=day, url=url, nlp=nlp))
            for text, day, url in [
                (FOLLOW_UP, "2024-05-20", "https://b.exemple/2"),
                (OTHER, "2024-05-20", "https://c.exemple/3"),
            ]
        }
        digest = build_digest(store.connection, tonight)
    assert [entry.victim for entry in digest.new] == ["mairie de Quimperlé"]
    [grew] = digest.grew
    assert "Morlaix" in grew.victim
    assert [(source.url, source.new) for source in grew.sources] == [
        ("https://a.exemple/1", False),
        ("https://b.exemple/2", True),
    ]
    markdown, html = digest_markdown(digest), digest_html(digest)
    assert "## Incidents qui ont grandi (1)" in markdown and "**nouveau**" in markdown
    assert "<td>mairie de Quimperlé</td>" in html
    md_path, html_path = write_digest(digest, tmp_path / "veille.sqlite")
    assert md_path.name.startswith("veille.digest-") and md_path.suffix == ".md"
    assert html_path.read_text(encoding="utf-8") == html


def test_run_into_sqlite_fills_the_cluster_tables_and_clusters_exports_jsonl(nlp, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text, url in [
        ("a", FIRST, "https://a.exemple/1"),
        ("b", FOLLOW_UP, "https://b.exemple/2"),
        ("c", OTHER, "https://c.exemple/3"),
    ]:
        (folder / f"{name}.json").write_text(
            json.dumps({"id": name, "url": url, "published": "2024-05-20", "text": text}), encoding="utf-8"
        )
    store = tmp_path / "store.sqlite"
    result = CliRunner().invoke(app, ["run", str(folder), "-o", str(store), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "2 incident clusters" in " ".join(result.output.split())  # rich wraps long lines
    with sqlite3.connect(store) as connection:
        groups = connection.execute(
            "SELECT c.cluster_id, group_concat(a.source_id, ',') FROM incident_clusters AS c"
            " JOIN articles AS a USING (article_id) GROUP BY c.cluster_id ORDER BY 2"
        ).fetchall()
        summary = connection.execute(
            "SELECT victim, sources, articles FROM cluster_summary WHERE articles = 2"
        ).fetchone()
    assert sorted(sorted(ids.split(",")) for _, ids in groups) == [["a", "b"], ["c"]]
    assert "Morlaix" in summary[0] and summary[1] == "https://a.exemple/1; https://b.exemple/2"

    exported = tmp_path / "clusters.jsonl"
    result = CliRunner().invoke(app, ["clusters", str(store), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    morlaix = next(line for line in lines if len(line["members"]) == 2)
    assert morlaix["cluster_id"] and {m["url"] for m in morlaix["members"]} == {
        "https://a.exemple/1",
        "https://b.exemple/2",
    }
