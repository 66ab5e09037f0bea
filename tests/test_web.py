"""sources.web: page and feed URLs as inputs of ``run`` (read_urls, without state), and the
FeedReader that ``run`` and the nightly batch share."""

from __future__ import annotations

import datetime as dt

import pytest

from incident_extract.feeds import FeedError, FeedItem
from incident_extract.fetch import Fetcher, FetchSettings
from incident_extract.sources.web import FeedReader, error_line, read_urls

from .web_server import CONDITIONAL_ETAG, local_web

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


# -- FeedReader: the reader run and the batch share -------------------------------------------


def item(link: str | None, title: str, summary: str = "") -> FeedItem:
    return FeedItem(
        link=link, title=title, published=None, summary=summary, feed_url="https://flux.exemple.fr/rss"
    )


def test_poll_reads_a_feed_and_refuses_a_page_unless_pages_are_accepted(web):
    with Fetcher(FAST) as fetcher:
        reader = FeedReader(fetcher)
        feed = reader.poll(web.url("/flux/actualites.rss"))
        page = reader.poll(web.url("/page-pas-flux.rss"), pages=True)
        with pytest.raises(FeedError) as refused:
            reader.poll(web.url("/page-pas-flux.rss"))
    assert [entry.title for entry in feed.items][:2] == [
        "Quimperlé : la clinique des Tilleuls victime d'une cyberattaque",
        "La mairie de Saint-Divy paralysée par un rançongiciel",
    ]
    assert feed.page is None and not feed.not_modified
    assert page.items == [] and page.page is not None and page.page.content_type == "text/html"
    assert refused.value.kind == "not_a_feed"
    assert (
        error_line(refused.value) == "unusable feed (not_a_feed): text/html content, not an RSS or Atom feed"
    )


def test_poll_is_conditional_with_the_etag_of_the_last_success(web):
    with Fetcher(FAST) as fetcher:
        reader = FeedReader(fetcher)
        first = reader.poll(web.url("/flux/conditionnel.rss"))
        again = reader.poll(web.url("/flux/conditionnel.rss"), etag=first.etag)
    assert first.etag == CONDITIONAL_ETAG and len(first.items) == 4
    assert again.not_modified and again.items == []


def test_screen_keys_items_by_canonical_url_and_applies_the_headline_filter():
    fetcher = Fetcher(FAST)  # screening fetches nothing
    reader = FeedReader(fetcher, prefilter=True)
    seen: set[str] = set()
    first = reader.screen(
        item("https://presse.exemple.fr/a/?utm_source=rss#haut", "Rançongiciel à la mairie"), seen
    )
    twin = reader.screen(
        item("https://presse.exemple.fr/a", "La mairie de Lunel victime d'une cyberattaque"), seen
    )
    sport = reader.screen(item("https://presse.exemple.fr/b", "Le club de Lunel gagne son derby"), seen)
    no_link = reader.screen(item(None, "Une cyberattaque sans lien"), seen)
    assert (first.verdict, first.key) == ("new", "https://presse.exemple.fr/a")
    assert twin.verdict == "duplicate"
    assert sport.verdict == "off_topic" and sport.reason
    assert no_link.verdict == "no_link" and no_link.key is None
    assert seen == {
        "https://presse.exemple.fr/a",
        "https://presse.exemple.fr/b",
    }  # an off-topic item is met too
    assert (
        FeedReader(Fetcher(FAST)).screen(item("https://presse.exemple.fr/b", "Le club gagne"), set()).verdict
        == "new"
    )
    fetcher.close()


def test_pages_come_in_item_order_each_with_its_error(web):
    links = ["/introuvable.html", "/articles/clinique-tilleuls.html", "/chaine/2", "/rapport.pdf"]
    items = [item(web.url(path), f"Titre {n}") for n, path in enumerate(links)]
    with Fetcher(FAST.model_copy(update={"max_workers": 2})) as fetcher:
        pages = list(FeedReader(fetcher).pages(items))
    assert [page.error.kind if page.error else None for page in pages] == [
        "not_found",
        None,
        None,
        "unsupported_content",
    ]
    assert pages[0].article.error.startswith("fetch failed (not_found): HTTP 404")
    assert pages[2].article.url == web.url("/chaine/0")  # keyed by where the redirects ended
    assert pages[1].article.fallback_title == "Titre 1" and "clinique des Tilleuls" in pages[1].article.html
