"""The CLI over the local web server: `batch CONFIG.toml` into SQLite, and URLs given to `run`."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.outputs import read_records

from .web_server import local_web

pytestmark = pytest.mark.model
FEEDS = ["/flux/conditionnel.rss", "/flux/regions.rdf", "/flux/absent.rss"]


@pytest.fixture(scope="module")
def web(nlp):  # nlp: the pipeline is loaded once for the session, the CLI reuses it
    with local_web() as server:
        yield server


def config_file(web, folder) -> str:
    feeds = "\n".join(
        f'[[feeds]]\nurl = "{web.url(path)}"\nname = "flux {n}"\n' for n, path in enumerate(FEEDS)
    )
    text = f"""{feeds}
[store]
sqlite = "veille.sqlite"
jsonl = "veille.jsonl"

[fetch]
per_host_delay = 0
connect_timeout = 0.5
read_timeout = 0.5
retries = 0
trust_env = false
"""
    path = folder / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_batch_stores_new_items_once_and_a_second_run_adds_nothing(web, tmp_path):
    config = config_file(web, tmp_path)
    first = CliRunner().invoke(app, ["batch", config, "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "feeds: 2 ok, 0 not modified, 1 failed" in first.output
    assert "not_found 1" in first.output
    database = tmp_path / "veille.sqlite"
    records = list(read_records(database))
    urls = [r.source.url for r in records]
    assert len(urls) == len(set(urls)) >= 3
    assert any(r.is_incident for r in records)
    journal = [
        json.loads(line) for line in (tmp_path / "veille.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(line["source"]["url"] for line in journal) == sorted(urls)

    web.reset_log()
    second = CliRunner().invoke(app, ["batch", config, "--no-progress"])
    assert second.exit_code == 0, second.output
    assert "items: 0 new" in second.output
    assert not [path for path in web.paths() if path.startswith("/articles/")]
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    assert count == len(records)


def test_missing_batch_configuration_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "absent.toml"), "--no-progress"])
    assert result.exit_code == 2 and "batch configuration not found" in result.output


def test_run_reads_pages_and_feeds_from_urls(web, tmp_path):
    out = tmp_path / "web.jsonl"
    urls = [
        web.url("/articles/clinique-tilleuls.html"),
        web.url("/flux/enseignement.atom"),
        web.url("/introuvable.html"),
        "ftp://exemple.fr/article.html",
    ]
    result = CliRunner().invoke(app, ["run", *urls, "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_url = {line["source"]["url"]: line for line in lines}
    assert by_url[web.url("/articles/clinique-tilleuls.html")]["is_incident"] is True
    assert "not_found" in by_url[web.url("/introuvable.html")]["errors"][0]
    assert "unsupported_scheme" in by_url["ftp://exemple.fr/article.html"]["errors"][0]
    assert len(lines) > 4  # the feed's items came too
