import datetime as dt

import pytest

from incident_extract.clean import clean, decode_bytes, url_date, with_headline
from incident_extract.errors import ArticleError
from incident_extract.sources import RawArticle

ARTICLE = (
    "La médiathèque municipale de Quimperlé a été victime d'une cyberattaque dans la nuit de samedi "
    "à dimanche. Les ordinateurs du réseau des bibliothèques sont hors service et les prêts se font "
    "sur papier, a précisé la mairie, qui a déposé plainte."
)
PAGE = f"""<html><head><title>Quimperlé : la médiathèque piratée</title>
<meta property="og:site_name" content="Le Courrier du Finistère">
<meta property="article:published_time" content="2025-03-18T07:30:00+01:00"></head>
<body><nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">Nous utilisons des cookies. Accepter</div>
<article><h1>Quimperlé : la médiathèque piratée</h1><p>{ARTICLE}</p></article>
<footer>Mentions légales</footer></body></html>"""


def test_html_gives_text_title_site_and_date():
    article = clean(RawArticle(path="p.html", data=PAGE.encode("utf-8"), kind="html"))
    assert "médiathèque municipale de Quimperlé" in article.text
    assert "cookies" not in article.text and "Mentions légales" not in article.text
    assert article.title == "Quimperlé : la médiathèque piratée"
    assert article.site == "Le Courrier du Finistère"
    assert article.published.isoformat() == "2025-03-18"


def test_latin1_text_is_detected_not_mangled():
    article = clean(RawArticle(path="l.txt", data=ARTICLE.encode("latin-1"), kind="text"))
    assert "médiathèque" in article.text and "Ã" not in article.text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (RawArticle(data=b"", kind="text"), "empty file"),
        (RawArticle(data=b"   \n ", kind="text"), "empty file"),
        (RawArticle(data=b"\x00\x01\x02binary\x00" * 50, kind="html"), "binary content"),
        (
            RawArticle(data=b"<html><body><nav>Menu</nav></body></html>", kind="html"),
            "too short|no article text",
        ),
        (RawArticle(text="Trop court."), "too short"),
        (RawArticle(error="cannot read file: PermissionError"), "PermissionError"),
    ],
)
def test_bad_input_gets_a_clear_error(raw, message):
    with pytest.raises(ArticleError, match=message):
        clean(raw)


def test_non_french_article_is_refused():
    english = (
        "The city council of Springfield was hit by a ransomware attack on Saturday night, and its "
        "email servers remain offline while investigators from the police assess the damage."
    )
    with pytest.raises(ArticleError, match="not a French article"):
        clean(RawArticle(text=english))


def test_headline_is_put_before_a_body_that_lacks_it():
    assert with_headline("Corps de l'article.", "Titre") == "Titre\n\nCorps de l'article."
    assert with_headline("Titre\nCorps de l'article.", "Titre") == "Titre\nCorps de l'article."


def test_utf8_bom_is_removed():
    assert decode_bytes("\ufeffBonjour".encode()) == "Bonjour"


def test_feed_title_and_date_are_only_a_fallback():
    page = clean(
        RawArticle(
            data=PAGE.encode(),
            kind="html",
            fallback_title="Titre du flux",
            fallback_published=__import__("datetime").date(2025, 1, 1),
        )
    )
    assert page.title == "Quimperlé : la médiathèque piratée" and page.published.isoformat() == "2025-03-18"
    bare = f"<html><body><article><p>{ARTICLE}</p></article></body></html>"
    article = clean(
        RawArticle(
            data=bare.encode(),
            kind="html",
            fallback_title="Titre du flux",
            fallback_published=__import__("datetime").date(2025, 1, 1),
        )
    )
    assert article.title == "Titre du flux" and article.published.isoformat() == "2025-01-01"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.journal.fr/2017/02/07/une-cyberattaque-au-lycee/", "2017-02-07"),
        ("https://www.radio.fr/infos/faits-divers/la-mairie-paralysee-1571762347", "2019-10-22"),
        ("https://www.journal.fr/actu/hopital-victime-1710262.html", None),  # an article number
        ("https://www.journal.fr/actu/hopital-victime-9999999999", None),  # a "timestamp" in the future
        (None, None),
    ],
)
def test_publication_date_from_the_url(url, expected):
    found = url_date(url, today=dt.date(2026, 1, 1))
    assert (found.isoformat() if found else None) == expected


def test_url_date_is_used_only_without_a_given_date():
    url = "https://www.journal.fr/2017/02/07/une-cyberattaque-au-lycee/"
    text = "Le lycée Jean-Moulin a été victime d'une cyberattaque samedi, a annoncé le rectorat. " * 3
    assert clean(RawArticle(id="a", url=url, text=text)).published == dt.date(2017, 2, 7)
    given = RawArticle(id="b", url=url, text=text, published=dt.date(2017, 2, 8))
    assert clean(given).published == dt.date(2017, 2, 8)


@pytest.mark.parametrize(
    "opening",
    [
        "",
        "Publié le 20 octobre 2024 à 18h05\n",
        "- Accueil › Faits divers › Bretagne\n",
        "Accueil > Actualités\nMis à jour le 21/10/2024\n",
        "lundi 21 octobre 2024\n",
        "Par Jeanne Le Gall\n",
        "18h05\n",
        "PLOUGASTEL-DAOULAS\n",  # a dateline alone on its line
        "BREST (AFP)\n",
    ],
)
def test_txt_title_skips_page_boilerplate(opening):
    body = (
        "La mairie de Landerneau a subi une cyberattaque dans la nuit de samedi à dimanche. "
        "Les services en ligne sont coupés et les agents travaillent sur papier depuis lundi matin."
    )
    text = f"{opening}Landerneau : la mairie paralysée par une cyberattaque\n\n{body}"
    article = clean(RawArticle(path="a.txt", data=text.encode("utf-8")))
    assert article.title == "Landerneau : la mairie paralysée par une cyberattaque"


def test_txt_without_headline_has_no_title():
    text = (
        "Publié le 20 octobre 2024\n"
        "La mairie de Landerneau a subi une cyberattaque dans la nuit de samedi à dimanche. "
        "Les services en ligne sont coupés et les agents travaillent sur papier depuis lundi matin."
    )
    assert clean(RawArticle(path="a.txt", data=text.encode("utf-8"))).title is None
