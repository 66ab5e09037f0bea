"""web.read_urls: page and feed URLs as inputs of ``run``, without state."""

from __future__ import annotations

import datetime as dt

import pytest

from incident_extract.fetch import Fetcher, FetchSettings
from incident_extract.web import read_urls

from .web_server import local_web

FAST = FetchSettings(read_timeout=0.3, retries=0, per_host_delay=0, max_bytes=200_000, trust_env=False)


@pytest.fixture(scope="module")
def web():
    with local_web() as server:
        yield server


def test_page_url_gives_one_article(web):
    with Fetcher(FAST) as fetcher:
        [article] = read_urls([web.url("/articles/clinique-tilleuls.html?utm_source=twitter#haut")], fetcher)
    assert article.url == web.url("/articles/clinique-tilleuls.html")
    assert article.kind == "html" and "clinique des Tilleuls" in article.html
    assert article.error is None


def test_feed_url_gives_its_items_once(web):
    urls = [web.url("/flux/enseignement.atom"), web.url("/flux/limousin-latin1.rss")]
    with Fetcher(FAST) as fetcher:
        articles = list(read_urls(urls, fetcher, prefilter=True))
    assert [article.url.removeprefix(web.base) for article in articles] == [
        "/articles/universite-ddos.html",
        "/articles/departement-creuse-latin1.html",
        "/articles/pharmacie-mal-declaree.html",
    ]  # the Creuse article of the Latin-1 feed is the Atom one; the chestnut fair is filtered out
    assert articles[1].fallback_title == "Le département de la Creuse frappé par une attaque informatique"
    assert articles[1].fallback_published == dt.date(2024, 11, 18)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/introuvable.html", "fetch failed (not_found)"),
        ("/rapport.pdf", "fetch failed (unsupported_content)"),
        ("/flux/milliard-de-rires.xml", "unusable feed (unsafe_feed)"),
        ("/binaire.html", "fetch failed (unsupported_content)"),
    ],
)
def test_unreadable_url_gives_an_article_with_its_error(web, path, error):
    with Fetcher(FAST) as fetcher:
        [article] = read_urls([web.url(path)], fetcher)
    assert article.error.startswith(error)
