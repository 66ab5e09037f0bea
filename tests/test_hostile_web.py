"""Hostile feeds and servers met by ``batch`` and ``run``: one bad item never costs the run,
secrets are not stored, a slow server costs one deadline, an alias is stored once
(../shared/reviews/reliability.md, cases 59-85). Served from 127.0.0.1 only.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.fetch import (
    Fetcher,
    FetchError,
    FetchErrorKind,
    FetchSettings,
    canonical_url,
    decode_body,
)

from .hostile_web import HostileWeb, hostile_web

PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>La mairie de {town} a été victime mardi d'une cyberattaque par rançongiciel. Les services "
    "en ligne sont coupés et les agents travaillent sur papier. La commune a porté plainte et "
    "prévenu l'ANSSI, qui accompagne les équipes informatiques.</p></article></body></html>"
)


def page(title: str, town: str) -> str:
    return PAGE.format(title=title, town=town)


def rss(*items: tuple[str, str]) -> str:
    entries = "".join(f"<item><title>{title}</title><link>{link}</link></item>" for title, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Veille</title>{entries}</channel></rss>'


RSS = "application/rss+xml; charset=utf-8"


@pytest.fixture
def web():
    with hostile_web() as server:
        yield server


def batch_config(folder, *feeds: str) -> str:
    listed = "".join(f'[[feeds]]\nurl = "{url}"\n' for url in feeds)
    path = folder / "veille.toml"
    path.write_text(
        f'{listed}\n[store]\nsqlite = "veille.sqlite"\njsonl = "veille.jsonl"\n\n'
        "[fetch]\nper_host_delay = 0\nconnect_timeout = 1\nread_timeout = 1\nretries = 0\ntrust_env = false\n",
        encoding="utf-8",
    )
    return str(path)


def stored_urls(folder) -> list[str]:
    with sqlite3.connect(folder / "veille.sqlite") as connection:
        return sorted(row[0] for row in connection.execute("SELECT url FROM articles"))


def journal(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / "veille.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.model
def test_a_surrogate_in_one_feed_costs_neither_that_feed_nor_the_others(web: HostileWeb, tmp_path, nlp):
    web.page("/a.html", page("Cyberattaque à Lannion", "Lannion"))
    web.page("/b.html", page("Cyberattaque à Dinan", "Dinan"))
    bad = web.page("/mauvais.rss", rss(("Cyberattaque &#xD800; à Lannion", web.url("/a.html"))), RSS)
    good = web.page("/bon.rss", rss(("Cyberattaque à Dinan", web.url("/b.html"))), RSS)
    config = batch_config(tmp_path, bad, good)
    result = CliRunner().invoke(app, ["batch", config, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert stored_urls(tmp_path) == [web.url("/a.html"), web.url("/b.html")]
    assert all(line["is_incident"] for line in journal(tmp_path))


@pytest.mark.model
def test_run_with_a_hostile_feed_still_writes_the_files(web: HostileWeb, tmp_path, nlp):
    web.page("/a.html", page("Cyberattaque à Lannion", "Lannion"))
    feed = web.page("/mauvais.rss", rss(("Alerte &#xD800;&#0;&#x110000;", web.url("/a.html"))), RSS)
    article = tmp_path / "article.txt"
    article.write_text(page("Cyberattaque à Dinan", "Dinan"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["run", str(article), feed, "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and all(r["is_incident"] for r in records)


@pytest.mark.model
def test_credentials_in_urls_are_used_but_never_stored(web: HostileWeb, tmp_path, nlp):
    web.page("/a.html", page("Cyberattaque à Lannion", "Lannion"))
    feed = web.page("/prive.rss", rss(("Cyberattaque à Lannion", web.url("/a.html", "veilleur:s3cr3t"))), RSS)
    config = batch_config(tmp_path, feed.replace("://", "://veilleur:s3cr3t@"))
    result = CliRunner().invoke(app, ["batch", config, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert web.authorizations  # sent as Basic auth, as the user asked
    with sqlite3.connect(tmp_path / "veille.sqlite") as connection:
        dump = "\n".join(connection.iterdump())
    assert "s3cr3t" not in dump and "veilleur" not in dump
    assert "s3cr3t" not in (tmp_path / "veille.jsonl").read_text(encoding="utf-8")
    assert "s3cr3t" not in result.output
    assert stored_urls(tmp_path) == [web.url("/a.html")]


@pytest.mark.model
@pytest.mark.parametrize("second_title", ["Lannion attaquée", "Rançongiciel à Lannion"])  # skipped, kept
def test_a_redirect_alias_is_stored_once_under_the_final_url(web: HostileWeb, tmp_path, nlp, second_title):
    final = web.page("/article.html", page("Cyberattaque à Lannion", "Lannion"))
    alias = web.redirect("/court", final)
    feed = web.page("/flux.rss", rss(("Cyberattaque à Lannion", alias), (second_title, final)), RSS)
    result = CliRunner().invoke(app, ["batch", batch_config(tmp_path, feed), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert stored_urls(tmp_path) == [final]
    assert [line["source"]["url"] for line in journal(tmp_path)] == [final]

    out = tmp_path / "run.jsonl"
    result = CliRunner().invoke(app, ["run", alias, final, "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"]["url"] for line in out.read_text().splitlines()] == [final]


def test_a_slow_server_costs_one_deadline_not_one_per_retry(web: HostileWeb):
    # a byte every 0.05 s: never silent long enough for the read timeout, never done in time
    url = web.page("/goutte.html", b"<p>" + b"." * 400 + b"</p>", drip_seconds=0.05)
    settings = FetchSettings(
        url_deadline_seconds=1.0, read_timeout=0.5, retries=2, backoff_seconds=0, per_host_delay=0
    )
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch_page(url)
    assert caught.value.kind is FetchErrorKind.TIMEOUT
    assert web.hits["/goutte.html"] == 1  # the deadline covers retries: none was tried


def test_a_silent_server_is_retried_only_within_the_deadline(web: HostileWeb):
    url = web.page("/muet.html", b"", drip_seconds=0.0)
    web.answers["/muet.html"] = web.answers["/muet.html"].__class__(
        b"<p>" + b"x" * 10 + b"</p>", drip_seconds=0.9
    )
    settings = FetchSettings(
        url_deadline_seconds=1.2, read_timeout=0.3, retries=5, backoff_seconds=0, per_host_delay=0
    )
    with Fetcher(settings) as fetcher, pytest.raises(FetchError):
        fetcher.fetch_page(url)
    assert 1 <= web.hits["/muet.html"] < 6


def test_a_page_with_one_bad_byte_keeps_its_accents():
    html = f"<html><body><p>{'Cyberattaque à la mairie de Brest : les écoles sont touchées. ' * 4}</p>"
    body = html.encode() + b"\xe9</body></html>"  # one stray Latin-1 byte in a UTF-8 page
    text = decode_body(body, "utf-8", "http://127.0.0.1/page.html")
    assert "écoles" in text and text.count("\ufffd") == 1


def test_canonical_url_drops_credentials():
    assert canonical_url("https://moi:secret@exemple.fr/a?utm_source=x") == "https://exemple.fr/a"


@pytest.mark.model
def test_a_record_sqlite_cannot_hold_fails_its_item_only(web: HostileWeb, tmp_path, nlp):
    huge = (
        "<html><head><title>Cyberattaque à Morlaix</title></head><body><article><p>La mairie de Morlaix "
        "a été victime d'une cyberattaque par rançongiciel. Les données de 100000000000000000000000 "
        "personnes auraient été volées, selon la commune, qui a prévenu l'ANSSI.</p></article></body></html>"
    )
    web.page("/enorme.html", huge)
    web.page("/b.html", page("Cyberattaque à Dinan", "Dinan"))
    feed = web.page(
        "/flux.rss",
        rss(
            ("Cyberattaque à Morlaix", web.url("/enorme.html")), ("Cyberattaque à Dinan", web.url("/b.html"))
        ),
        RSS,
    )
    result = CliRunner().invoke(app, ["batch", batch_config(tmp_path, feed), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "unstorable 1" in result.output
    with sqlite3.connect(tmp_path / "veille.sqlite") as connection:
        marks = dict(connection.execute("SELECT item_url, error_kind FROM batch_seen"))
    assert marks == {web.url("/enorme.html"): "unstorable", web.url("/b.html"): None}
    assert stored_urls(tmp_path) == [web.url("/b.html"), web.url("/enorme.html")]
    lines = {line["source"]["url"]: line for line in journal(tmp_path)}
    assert "OverflowError" in lines[web.url("/enorme.html")]["errors"][0]
