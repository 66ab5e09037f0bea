"""The nightly batch over a local web: records, per-item errors, state, reruns, kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incident_extract.batch import (
    BatchConfig,
    BatchState,
    BatchSummary,
    export_jsonl,
    load_batch_config,
    run_batch,
)
from incident_extract.errors import InputError
from incident_extract.models import ArticleRecord

from .web_server import CONDITIONAL_ETAG, LocalWeb, local_web

CHILD = Path(__file__).with_name("batch_child.py")
FAST_FETCH = {
    "connect_timeout": 0.5,
    "read_timeout": 0.3,
    "max_seconds": 5,
    "retries": 1,
    "backoff_seconds": 0.01,
    "per_host_delay": 0,
    "max_bytes": 200_000,
    "trust_env": False,
}
ALL_FEEDS = [
    "/flux/conditionnel.rss",  # RSS 2.0, ETag + Last-Modified, 304 on a conditional request
    "/flux/regions.rdf",  # RSS 1.0, repeats an article of the first with other trackers
    "/flux/enseignement.atom",
    "/flux/limousin-latin1.rss",  # ISO-8859-1, repeats an article of the Atom feed
    "/flux/erreurs.rss",  # every item leads to a problem
    "/flux/malforme.xml",
    "/flux/milliard-de-rires.xml",
    "/flux/xxe.xml",
    "/flux/absent.rss",  # 404
    "/page-pas-flux.rss",  # a web page where a feed was expected
]
NEWS_FEEDS = ALL_FEEDS[:4]
NEWS_ARTICLES = {
    "/articles/clinique-tilleuls.html",
    "/articles/mairie-saint-divy.html",
    "/articles/salon-cybersecurite.html",
    "/articles/transporteur-fuite.html",
    "/articles/universite-ddos.html",
    "/articles/departement-creuse-latin1.html",
    "/articles/pharmacie-mal-declaree.html",
}
FAILING_ITEMS = {
    "/introuvable.html": "not_found",
    "/lent.html": "timeout",
    "/boucle-a.html": "redirect_loop",
    "/enorme.html": "too_large",
    "/bombe.html": "too_large",
    "/rapport.pdf": "unsupported_content",
    "/prive/article.html": "robots_disallowed",
    "/articles/anglais.html": "article",  # fetched, but not a French article
}


def batch_config(
    web: LocalWeb, folder: Path, feeds: list[str], *, jsonl: bool = False, prefilter: str = "text"
) -> BatchConfig:
    return BatchConfig.model_validate(
        {
            "prefilter": prefilter,
            "feeds": [{"url": web.url(path)} for path in feeds],
            "store": {
                "sqlite": folder / "batch.sqlite",
                "jsonl": folder / "records.jsonl" if jsonl else None,
            },
            "fetch": FAST_FETCH,
        }
    )


def list_sink(records: list[ArticleRecord]):
    def sink(record: ArticleRecord, connection: sqlite3.Connection) -> None:
        records.append(record)

    return sink


def relative(web: LocalWeb, url: str | None) -> str:
    return (url or "").removeprefix(web.base)


# -- configuration -----------------------------------------------------------------------------


def test_config_from_toml(tmp_path):
    path = tmp_path / "nuit" / "batch.toml"
    path.parent.mkdir()
    path.write_text(
        """
[[feeds]]
url = "https://presse.exemple/flux/cyber.rss"
name = "Presse cyber"

[[feeds]]
url = "https://autre.exemple/atom.xml"

[store]
sqlite = "incidents.sqlite"
jsonl = "/var/lib/incidents/journal.jsonl"

[fetch]
read_timeout = 5
per_host_delay = 2.5
""",
        encoding="utf-8",
    )
    config = load_batch_config(path)
    assert [feed.name for feed in config.feeds] == ["Presse cyber", None]
    assert config.store.sqlite == path.parent / "incidents.sqlite"
    assert config.store.jsonl == Path("/var/lib/incidents/journal.jsonl")
    assert config.fetch.read_timeout == 5 and config.fetch.per_host_delay == 2.5
    assert config.fetch.connect_timeout == 10  # default kept
    assert config.prefilter == "text"  # relevance on the cleaned full text
    older = path.with_name("older.toml")
    older.write_text("prefilter = false\n[[feeds]]\nurl = 'https://a.exemple/f'\n", encoding="utf-8")
    assert load_batch_config(older).prefilter == "off"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[store]\nsqlite = 'x.sqlite'\n", "feeds: Field required"),
        ("[[feeds]]\nurl = 'ftp://presse.exemple/flux'\n", "only http and https"),
        ("[[feeds]]\nurl = 'https://a.exemple/f'\n[[feeds]]\nurl = 'https://a.exemple/f'\n", "listed twice"),
        ("[[feeds]]\nurl = 'https://a.exemple/f'\n[fetch]\ntimeout = 3\n", "fetch.timeout: Extra inputs"),
        ("[[feeds]\nurl = ", "cannot read batch configuration"),
    ],
)
def test_config_errors_are_clear(tmp_path, text, message):
    path = tmp_path / "batch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_batch_config(path)


def test_missing_config_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_batch_config(tmp_path / "absent.toml")


def test_records_need_somewhere_to_go(tmp_path):
    config = BatchConfig.model_validate({"feeds": [{"url": "https://presse.exemple/flux.rss"}]})
    with pytest.raises(ValueError, match="record_sink"):
        run_batch(config)


# -- JSONL journal -----------------------------------------------------------------------------


def add_to_outbox(state: BatchState, *urls: str) -> None:
    with state.transaction() as connection:
        for url in urls:
            connection.execute(
                "INSERT INTO batch_outbox (item_url, record_json) VALUES (?, ?)",
                (url, json.dumps({"url": url})),
            )


def journal_urls(path: Path) -> list[str]:
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_journal_export_is_exactly_once_after_a_cut_export(tmp_path):
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"url": "earlier"}\n', encoding="utf-8")  # not ours: kept
    with BatchState.open(tmp_path / "batch.sqlite") as state:
        add_to_outbox(state, "a", "b")
        assert export_jsonl(state, journal) == 2
        assert export_jsonl(state, journal) == 0
        # an export killed after writing and before its commit leaves lines the state does not know
        with journal.open("a", encoding="utf-8") as handle:
            handle.write('{"url": "c"}\n{"url": "half-writ')
        add_to_outbox(state, "c", "d")
        assert export_jsonl(state, journal) == 2
        assert state.connection.execute("SELECT count(*) FROM batch_outbox").fetchone()[0] == 0
    assert journal_urls(journal) == ["earlier", "a", "b", "c", "d"]


def test_journal_rotated_away_starts_a_new_file(tmp_path):
    journal = tmp_path / "journal.jsonl"
    with BatchState.open(tmp_path / "batch.sqlite") as state:
        add_to_outbox(state, "a")
        export_jsonl(state, journal)
        journal.rename(tmp_path / "journal.1.jsonl")
        add_to_outbox(state, "b")
        export_jsonl(state, journal)
    assert journal_urls(journal) == ["b"]


# -- the run (full pipeline) -------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_run(nlp, tmp_path_factory):
    """One batch over every kind of feed and page, then a second one; the server keeps the log."""
    folder = tmp_path_factory.mktemp("batch")
    with local_web() as web:
        config = batch_config(web, folder, ALL_FEEDS, jsonl=True)
        records: list[ArticleRecord] = []
        events = []
        first = run_batch(config, nlp=nlp, record_sink=list_sink(records), progress=events.append)
        first_paths = web.paths()
        web.reset_log()
        again: list[ArticleRecord] = []
        second = run_batch(config, nlp=nlp, record_sink=list_sink(again))
        yield {
            "web": web,
            "config": config,
            "first": first,
            "records": {relative(web, r.source.url): r for r in records},
            "record_count": len(records),
            "events": events,
            "first_paths": first_paths,
            "second": second,
            "second_records": again,
            "second_paths": web.paths(),
        }


@pytest.mark.model
def test_each_new_article_gives_one_record(full_run):
    records = full_run["records"]
    assert full_run["record_count"] == len(records)  # no duplicate
    processed = {url for url, record in records.items() if not record.errors}
    assert processed == NEWS_ARTICLES | {"/instable/clinique-tilleuls.html"}
    assert records["/articles/clinique-tilleuls.html"].is_incident
    assert not records["/articles/salon-cybersecurite.html"].is_incident


@pytest.mark.model
def test_duplicates_are_fetched_once_and_off_topic_pages_skipped_after_reading(full_run):
    paths = [path.partition("?")[0] for path in full_run["first_paths"]]  # pages are asked as linked
    assert paths.count("/articles/clinique-tilleuls.html") == 1  # in two feeds, other trackers
    assert paths.count("/articles/departement-creuse-latin1.html") == 1
    assert paths.count("/articles/football-quimper.html") == 1  # read: relevance on the full text
    assert paths.count("/robots.txt") == 1
    assert not any(path.startswith("/prive/") for path in paths)
    assert "/articles/football-quimper.html" not in full_run["records"]  # skipped, not stored


@pytest.mark.model
def test_title_prefilter_does_not_fetch_items_without_an_incident_word(nlp, tmp_path):
    with local_web() as web:
        config = batch_config(web, tmp_path, NEWS_FEEDS, prefilter="title")
        records: list[ArticleRecord] = []
        summary = run_batch(config, nlp=nlp, record_sink=list_sink(records))
        paths = [path.partition("?")[0] for path in web.paths()]
    assert "/articles/football-quimper.html" not in paths
    assert "/articles/chataigne.html" not in paths
    assert summary.items_skipped == 2
    assert {relative(web, record.source.url) for record in records} >= {"/articles/clinique-tilleuls.html"}


@pytest.mark.model
def test_feed_title_and_date_fill_the_source(full_run):
    creuse = full_run["records"]["/articles/departement-creuse-latin1.html"]
    assert creuse.source.title == "Le département de la Creuse frappé par une attaque informatique"
    assert creuse.source.published.isoformat() == "2024-11-18"
    assert "téléservices du département" in creuse.text  # ISO-8859-1 page decoded
    pharmacie = full_run["records"]["/articles/pharmacie-mal-declaree.html"]
    assert "Les escrocs ont envoyé un faux ordre de virement" in pharmacie.text  # mis-declared charset


@pytest.mark.model
def test_failed_items_have_records_with_their_error(full_run):
    records = full_run["records"]
    for path, kind in FAILING_ITEMS.items():
        record = records[path]
        assert len(record.errors) == 1 and not record.incidents, path
        assert record.errors[0].startswith(
            f"fetch failed ({kind})" if kind != "article" else "not a French article"
        )
    for url in ("file:///etc/passwd", "file://etc/passwd", "ftp://127.0.0.1/rapport.html"):
        if url in records:
            assert records[url].errors[0].startswith("fetch failed (unsupported_scheme)")
    assert sum(url.startswith(("file:", "ftp:")) for url in records) == 2


@pytest.mark.model
def test_summary_counts(full_run):
    summary: BatchSummary = full_run["first"]
    assert (summary.feeds_ok, summary.feeds_not_modified, summary.feeds_failed) == (5, 0, 5)
    assert summary.items_processed == 8
    assert summary.items_failed == len(FAILING_ITEMS) + 2
    assert summary.items_skipped == 2
    assert summary.items_already_seen == 2
    assert summary.items_without_link == 1
    assert summary.items_new == summary.items_processed + summary.items_failed + summary.items_skipped
    assert summary.incident_articles >= 5
    assert summary.records_exported == full_run["record_count"]
    assert summary.errors_by_kind == {
        "not_found": 2,  # one page, one feed
        "timeout": 1,
        "redirect_loop": 1,
        "too_large": 2,
        "unsupported_content": 1,
        "robots_disallowed": 1,
        "unsupported_scheme": 2,
        "article": 1,
        "no_link": 1,
        "malformed_feed": 1,
        "unsafe_feed": 2,
        "not_a_feed": 1,
    }
    item_events = [event for event in full_run["events"] if event.stage == "item"]
    assert len(item_events) == summary.items_new


@pytest.mark.model
def test_state_is_recorded(full_run):
    web, config = full_run["web"], full_run["config"]
    with BatchState.open(config.store.sqlite) as state:
        assert state.status_counts() == {"processed": 8, "failed": 10, "skipped": 2}
        assert state.feed(web.url("/flux/conditionnel.rss")).etag == CONDITIONAL_ETAG
        assert state.feed(web.url("/flux/regions.rdf")).last_success
        for path, kind in [
            ("/flux/malforme.xml", "malformed_feed"),
            ("/flux/milliard-de-rires.xml", "unsafe_feed"),
            ("/flux/xxe.xml", "unsafe_feed"),
            ("/flux/absent.rss", "not_found"),
        ]:
            row = state.connection.execute(
                "SELECT last_error_kind, last_success FROM batch_feeds WHERE url = ?", (web.url(path),)
            ).fetchone()
            assert row == (kind, None), path
        football = state.seen(web.url("/articles/football-quimper.html"))
        assert football.status == "skipped"
        assert football.reason == "only panne* (relevance.outage), with no digital context near it"
        timeout = state.seen(web.url("/lent.html"))
        assert (timeout.status, timeout.error_kind) == ("failed", "timeout")
        clinique = state.seen(web.url("/articles/clinique-tilleuls.html"))
        assert (clinique.status, clinique.is_incident, clinique.reason) == ("processed", True, "incident")


@pytest.mark.model
def test_journal_holds_each_record_once(full_run):
    journal = full_run["config"].store.jsonl
    urls = [ArticleRecord.model_validate_json(line).source.url for line in journal.read_text().splitlines()]
    assert len(urls) == len(set(urls)) == full_run["record_count"]


@pytest.mark.model
def test_second_run_fetches_nothing_new(full_run):
    second: BatchSummary = full_run["second"]
    assert full_run["second_records"] == []
    assert second.items_new == 0 and second.items_processed == 0 and second.items_failed == 0
    assert second.feeds_not_modified == 1  # the conditional feed answered 304
    paths = full_run["second_paths"]
    assert set(paths) <= {"/robots.txt", "/lent.rss", *ALL_FEEDS}
    assert not any(path.startswith("/articles/") for path in paths)


# -- incremental runs, failures and kills (blank pipeline: no trained model needed) ------------


@pytest.fixture(scope="module")
def web():
    with local_web() as server:
        yield server


def test_new_items_of_a_later_run_are_processed(web, tmp_path, blank_nlp):
    web.dynamic_items = [("Cyberattaque à la clinique des Tilleuls", "/articles/clinique-tilleuls.html")]
    config = batch_config(web, tmp_path, ["/flux/dynamique.rss"])
    records: list[ArticleRecord] = []
    first = run_batch(config, nlp=blank_nlp, record_sink=list_sink(records))
    web.dynamic_items.append(
        ("Fuite de données chez un transporteur", "/articles/transporteur-fuite.html?utm_source=x")
    )
    second = run_batch(config, nlp=blank_nlp, record_sink=list_sink(records))
    assert (first.items_new, second.items_new, second.items_already_seen) == (1, 1, 1)
    assert [relative(web, r.source.url) for r in records] == [
        "/articles/clinique-tilleuls.html",
        "/articles/transporteur-fuite.html",
    ]


def test_failing_sink_rolls_back_and_the_next_run_finishes(web, tmp_path, blank_nlp):
    config = batch_config(web, tmp_path, NEWS_FEEDS)
    records: list[ArticleRecord] = []

    def broken_sink(record: ArticleRecord, connection: sqlite3.Connection) -> None:
        if len(records) == 3:
            raise OSError("disque plein")
        records.append(record)

    with pytest.raises(OSError, match="disque plein"):
        run_batch(config, nlp=blank_nlp, record_sink=broken_sink)
    with BatchState.open(config.store.sqlite) as state:
        assert state.status_counts().get("processed", 0) == 3
        assert state.feed(web.url("/flux/conditionnel.rss")) is None  # ETag not saved: items pending
    run_batch(config, nlp=blank_nlp, record_sink=list_sink(records))
    urls = [relative(web, r.source.url) for r in records]
    assert sorted(urls) == sorted(NEWS_ARTICLES)


def test_interrupted_batch_resumes_exactly_once(web, tmp_path, blank_nlp):
    """Ctrl-C (SIGINT) raises KeyboardInterrupt wherever the main thread is; here, mid-transaction."""
    config = batch_config(web, tmp_path, NEWS_FEEDS, jsonl=True)
    written: list[str] = []

    def sink(record: ArticleRecord, connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TABLE IF NOT EXISTS test_records (url TEXT NOT NULL)")
        connection.execute("INSERT INTO test_records (url) VALUES (?)", (record.source.url,))
        if len(written) == 3 and not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt
        written.append(record.source.url)

    interrupted: list[bool] = []
    with pytest.raises(KeyboardInterrupt):
        run_batch(config, nlp=blank_nlp, record_sink=sink)
    run_batch(config, nlp=blank_nlp, record_sink=sink)
    with sqlite3.connect(config.store.sqlite) as connection:
        rows = connection.execute("SELECT url, count(*) FROM test_records GROUP BY url").fetchall()
    assert {relative(web, url): count for url, count in rows} == dict.fromkeys(NEWS_ARTICLES, 1)
    journal = [json.loads(line)["source"]["url"] for line in config.store.jsonl.read_text().splitlines()]
    assert sorted(relative(web, url) for url in journal) == sorted(NEWS_ARTICLES)


def test_killed_batch_resumes_exactly_once(web, tmp_path, blank_nlp):
    """SIGKILL: no handler runs, no rollback code; SQLite's journal alone undoes the open transaction."""
    config_path = tmp_path / "batch.toml"
    feeds = "".join(f'[[feeds]]\nurl = "{web.url(path)}"\n' for path in NEWS_FEEDS)
    fetch = "".join(f"{key} = {json.dumps(value)}\n" for key, value in FAST_FETCH.items())
    config_path.write_text(
        f'{feeds}\n[store]\nsqlite = "batch.sqlite"\njsonl = "records.jsonl"\n\n[fetch]\n{fetch}',
        encoding="utf-8",
    )
    database = tmp_path / "batch.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE test_records (url TEXT NOT NULL, record TEXT NOT NULL)")

    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(config_path)],
        env={**os.environ, "SINK_DELAY": "0.4"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        committed = wait_for_records(database, child, at_least=2)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()
    committed = count_records(database)
    assert 2 <= committed < len(NEWS_ARTICLES)  # killed midway

    def sink(record: ArticleRecord, connection: sqlite3.Connection) -> None:
        connection.execute("INSERT INTO test_records (url, record) VALUES (?, ?)", (record.source.url, "{}"))

    rerun = run_batch(load_batch_config(config_path), nlp=blank_nlp, record_sink=sink)
    assert rerun.items_processed == len(NEWS_ARTICLES) - committed
    final = run_batch(load_batch_config(config_path), nlp=blank_nlp, record_sink=sink)
    assert final.items_new == 0

    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT url, count(*) FROM test_records GROUP BY url").fetchall()
        seen = connection.execute("SELECT count(*) FROM batch_seen").fetchone()[0]
    assert {relative(web, url): count for url, count in rows} == dict.fromkeys(NEWS_ARTICLES, 1)
    assert seen == len(NEWS_ARTICLES) + 2  # and the two items the pre-filter dropped
    journal = [
        json.loads(line)["source"]["url"] for line in (tmp_path / "records.jsonl").read_text().splitlines()
    ]
    assert sorted(relative(web, url) for url in journal) == sorted(NEWS_ARTICLES)


def count_records(database: Path) -> int:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        return connection.execute("SELECT count(*) FROM test_records").fetchone()[0]
    finally:
        connection.close()


def wait_for_records(database: Path, child: subprocess.Popen, *, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise AssertionError(f"the batch ended before it could be killed: {child.stderr.read().decode()}")
        count = count_records(database)
        if count >= at_least:
            return count
        time.sleep(0.05)
    raise AssertionError("the batch wrote no record in time")
