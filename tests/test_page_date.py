"""A page's publication date is the one it declares, never one of its related links or comments."""

from __future__ import annotations

import datetime as dt

from incident_extract.clean import clean, declared_date
from incident_extract.sources import RawArticle

BODY = (
    "<article><h1>La mairie de Landerneau touchée par une cyberattaque</h1>"
    "<p>Samedi, les serveurs de la mairie de Landerneau ont été chiffrés par un rançongiciel ; "
    "l'accueil du public est assuré sur papier.</p></article>"
    '<aside class="related"><a href="/autre.html">Le marché de Noël ouvre ses portes</a>'
    '<time datetime="2024-01-17">il y a 3 jours</time></aside>'
    '<section class="comments"><time>le 28 décembre 2024 à 13h16</time><p>Courage aux agents.</p></section>'
)


def page(head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">{head}</head><body>{BODY}</body></html>'
    )


def test_the_date_in_the_head_is_taken():
    head = '<meta property="article:published_time" content="2024-03-11T08:00:00+01:00">'
    assert declared_date(page(head)) == "2024-03-11"


def test_json_ld_and_url_dates_are_taken():
    json_ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-11"}</script>'
    )
    assert declared_date(page().replace("</body>", json_ld + "</body>")) == "2024-03-11"
    assert declared_date(page(), "https://presse.exemple/2024/03/11/landerneau.html") == "2024-03-11"


def test_dates_of_related_links_and_comments_are_not_the_page_date():
    assert declared_date(page()) is None
    article = RawArticle(html=page(), kind="html", fallback_published=dt.date(2024, 3, 11))
    assert clean(article).published == dt.date(2024, 3, 11)  # the feed item's date, not 2024-01-17


def test_xhtml_with_an_encoding_declaration_and_garbage_do_not_fail():
    xhtml = '<?xml version="1.0" encoding="utf-8"?>' + page('<meta name="date" content="2024-03-11">')
    assert declared_date(xhtml) == "2024-03-11"
    assert declared_date("") is None
    assert declared_date("\x00\x01") is None
