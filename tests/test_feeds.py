"""feeds.py on fixture files: RSS 2.0, RDF, Atom, Latin-1, malformed and hostile feeds."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from incident_extract.feeds import FeedError, FeedErrorKind, check_feed_safety, looks_like_feed, parse_feed

from .web_server import WEB

BASE = "http://presse.exemple"


def feed_bytes(name: str) -> bytes:
    return (WEB / "flux" / name).read_bytes().replace(b"@BASE@", BASE.encode())


def test_rss2_items():
    items = parse_feed(feed_bytes("actualites.rss"), f"{BASE}/flux/actualites.rss", "application/rss+xml")
    assert [item.title for item in items] == [
        "Quimperlé : la clinique des Tilleuls victime d'une cyberattaque",
        "La mairie de Saint-Divy paralysée par un rançongiciel",
        "Football : le Stade quimpérois s'impose face à Concarneau",
        "Un salon de la cybersécurité pour les PME à Rennes",
    ]
    first = items[0]
    assert (
        first.link
        == f"{BASE}/articles/clinique-tilleuls.html?utm_source=rss&utm_medium=flux&utm_campaign=une"
    )
    assert first.published == dt.date(2024, 3, 14)
    assert first.summary == "Les serveurs de l'établissement ont été chiffrés dans la nuit de lundi à mardi."
    assert first.feed_url == f"{BASE}/flux/actualites.rss"


def test_rdf_items():
    items = parse_feed(feed_bytes("regions.rdf"), f"{BASE}/flux/regions.rdf")
    assert [(item.link, item.published) for item in items] == [
        (f"{BASE}/articles/transporteur-fuite.html", dt.date(2024, 9, 2)),
        (
            f"{BASE}/articles/clinique-tilleuls.html/?at_medium=RSS&at_campaign=regions#reactions",
            dt.date(2024, 3, 14),
        ),
    ]
    assert items[0].title == "Fuite de données chez les Transports de la Vallée du Lot"


def test_atom_items_and_dates_as_written():
    items = parse_feed(feed_bytes("enseignement.atom"), f"{BASE}/flux/enseignement.atom")
    assert len(items) == 3
    assert items[0].link == f"{BASE}/articles/universite-ddos.html?fbclid=IwAR0abc"
    assert items[1].summary == "Les téléservices sont fermés jusqu'à nouvel ordre."  # HTML summary, as text
    # 00:30 in Paris is still the 10th in UTC: the date the newsroom wrote is kept
    assert items[2].published == dt.date(2024, 6, 11)


@pytest.mark.parametrize("content_type", [None, "application/rss+xml", "text/xml; charset=ISO-8859-1"])
def test_latin1_feed_is_decoded(content_type):
    items = parse_feed(feed_bytes("limousin-latin1.rss"), f"{BASE}/flux/limousin-latin1.rss", content_type)
    assert items[0].title == "Le département de la Creuse frappé par une attaque informatique"
    assert items[1].title == "Fête de la châtaigne à Aubusson : record d'affluence"
    assert items[0].summary == "Les téléservices sont fermés ; les équipes évaluent les dégâts."


def test_rss091_with_public_doctype_is_read():
    content = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Vieux flux</title><link>http://presse.exemple/</link>
<description>Un flux d'autrefois</description><language>fr</language>
<item><title>Piratage de la mairie</title><link>http://presse.exemple/a.html</link>
<description>Les serveurs ont \xe9t\xe9 pirat\xe9s.</description></item></channel></rss>"""
    [item] = parse_feed(content, "http://presse.exemple/rss091.xml")
    assert item.title == "Piratage de la mairie" and item.summary == "Les serveurs ont été piratés."


def test_guid_permalink_and_relative_links():
    content = b"""<rss version="2.0"><channel><title>t</title>
<item><title>Sans lien</title><guid isPermaLink="true">https://presse.exemple/guid.html</guid></item>
<item><title>Relatif</title><link>/articles/relatif.html</link></item>
</channel></rss>"""
    items = parse_feed(content, "https://presse.exemple/flux/rss.xml")
    assert [item.link for item in items] == [
        "https://presse.exemple/guid.html",
        "https://presse.exemple/articles/relatif.html",
    ]


def test_empty_feed_has_no_items():
    assert parse_feed(b'<rss version="2.0"><channel><title>Vide</title></channel></rss>', BASE) == []


def test_malformed_feed_is_an_error():
    with pytest.raises(FeedError) as caught:
        parse_feed(feed_bytes("malforme.xml"), f"{BASE}/flux/malforme.xml", "text/xml")
    assert caught.value.kind is FeedErrorKind.MALFORMED


def test_page_is_not_a_feed():
    with pytest.raises(FeedError) as caught:
        parse_feed(b"<html><body><p>Bonjour</p></body></html>", BASE)
    assert caught.value.kind in (FeedErrorKind.NOT_A_FEED, FeedErrorKind.MALFORMED)


@pytest.mark.parametrize("name", ["milliard-de-rires.xml", "xxe.xml"])
def test_entity_feeds_are_refused_quickly(name):
    started = time.monotonic()
    with pytest.raises(FeedError) as caught:
        parse_feed(feed_bytes(name), f"{BASE}/flux/{name}", "text/xml")
    assert caught.value.kind is FeedErrorKind.UNSAFE
    assert time.monotonic() - started < 1


def test_entity_declaration_in_utf16_is_refused():
    bomb = feed_bytes("milliard-de-rires.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(FeedError) as caught:
        check_feed_safety(bomb.encode("utf-16"))
    assert caught.value.kind is FeedErrorKind.UNSAFE


def test_content_naming_a_local_file_is_not_opened(tmp_path):
    """feedparser opens bytes that are an existing path; a server must not make us read a file."""
    local = tmp_path / "flux-local.rss"
    local.write_bytes(feed_bytes("actualites.rss"))
    with pytest.raises(FeedError):
        parse_feed(str(local).encode(), f"{BASE}/flux/piege.rss")


def test_entity_after_garbage_is_still_refused():
    """A prolog expat cannot read must not let entities through to the lenient parser."""
    content = b'\x00garbage<!DOCTYPE rss [<!ENTITY a "aaaa">]><rss version="2.0"><channel>&a;</channel></rss>'
    with pytest.raises(FeedError):
        check_feed_safety(content)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("actualites.rss", "application/rss+xml"),
        ("actualites.rss", "text/html"),  # misconfigured server: the root element decides
        ("regions.rdf", "application/xml"),
        ("enseignement.atom", None),
        ("limousin-latin1.rss", "text/xml"),
    ],
)
def test_looks_like_feed(name, content_type):
    assert looks_like_feed(feed_bytes(name), content_type)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ((WEB / "articles" / "clinique-tilleuls.html").read_bytes(), "text/html"),
        ((WEB / "articles" / "clinique-tilleuls.html").read_bytes(), None),
        (b'<?xml version="1.0"?><sitemap><url>x</url></sitemap>', "application/xml"),
        (b"%PDF-1.4", "application/octet-stream"),
    ],
)
def test_looks_like_page_not_feed(content, content_type):
    assert not looks_like_feed(content, content_type)
