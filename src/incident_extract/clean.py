"""Turn a RawArticle into clean text plus metadata, or say clearly why it cannot be read.

HTML goes through trafilatura (main text, title, site, publication date); bytes of unknown
encoding go through charset-normalizer; the language is checked with py3langid.
No network access happens here.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlparse

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from htmldate import find_date
from htmldate.extractors import extract_url_date
from htmldate.utils import Extractor
from lxml import etree

from .decoding import bom_codec, mostly_utf8
from .errors import ArticleError
from .sanitize import safe_fields, safe_optional
from .settings import DEFAULT_SETTINGS, Settings
from .sources import RawArticle

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CleanArticle:
    """The text every evidence offset points into, and the source fields of the record."""

    text: str
    path: str | None
    id: str | None
    url: str | None
    title: str | None
    site: str | None
    published: dt.date | None
    notes: list[str] = field(default_factory=list)
    """Problems with one field (an unreadable date), written to the record's ``errors``."""


def decode_bytes(data: bytes, source: str | None = None) -> str:
    """Bytes of a file -> text, in the order a French reader expects; binary data is refused.

    1. a byte-order mark says the encoding (UTF-8, UTF-16, UTF-32);
    2. NUL bytes without a mark mean binary data;
    3. valid UTF-8 is UTF-8;
    4. UTF-8 with a few invalid bytes (a cut, a stray Latin-1 letter) stays UTF-8: each bad
       sequence becomes U+FFFD, and a warning names the file, rather than the whole text
       being re-read in another code page as mojibake;
    5. otherwise cp1252 (a superset of Latin-1's letters) when that reads as French, which
       charset-normalizer tends to mistake for a Central European code page (``à`` -> ``ŕ``);
    6. last, charset-normalizer's guess.
    """
    if not data.strip():
        raise ArticleError("empty file")
    codec = bom_codec(data)
    if codec:
        return data.decode(codec, errors="replace")
    if b"\x00" in data[:4096]:
        raise ArticleError("binary content (NUL bytes), not a text or HTML article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly = mostly_utf8(data)
    if mostly is not None:
        text, replaced = mostly
        log.warning("%s: %d invalid UTF-8 sequence(s) replaced by U+FFFD", source or "article", replaced)
        return text
    western = _western_french(data)
    if western is not None:
        return western
    best = from_bytes(data).best()
    if best is None:
        raise ArticleError("undecodable content: no text encoding fits these bytes")
    return str(best)


def _western_french(data: bytes) -> str | None:
    for codec in ("cp1252", "latin-1"):  # cp1252 leaves five bytes undefined; Latin-1 none
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        language, _probability = _identifier().classify(text[:5000])
        return text if language == "fr" else None
    return None


def html_to_text(html: str, url: str | None = None) -> tuple[str, dict]:
    """Main text and metadata (title, sitename, date) of a page, by trafilatura.

    trafilatura and the libraries under it (htmldate, lxml) can fail on hostile markup
    (``<math><tr><tr>`` trips an assertion in lxml's ``drop_tree``): that page gets its error.
    """
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # a library bug on one page must not cost the run
        raise ArticleError(f"unreadable HTML page (trafilatura failed: {exc.__class__.__name__})") from exc
    if document is None or not (document.text or "").strip():
        raise ArticleError("no article text found in the HTML page")
    meta = {"title": document.title, "site": document.sitename, "date": declared_date(html, url)}
    return document.text, meta


_UTF8_HTML = lxml.html.HTMLParser(encoding="utf-8")


def declared_date(html: str, url: str | None = None) -> str | None:
    """The publication date the page declares: its ``<head>`` metadata, JSON-LD or URL, by htmldate.

    Not the dates of its body: a page without a date of its own would otherwise take one from
    its related-articles cards or its comments (``<time>`` elements), and every relative date
    of the article (« samedi ») would be anchored to it. Then the feed item's date is used.
    """
    try:
        # bytes: lxml refuses a str that carries an XML encoding declaration (XHTML pages)
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=_UTF8_HTML)
    except (etree.ParserError, ValueError):
        return None
    declared = lxml.html.Element("html")
    head = tree.find("head")
    if head is not None:
        declared.append(head)
    body = lxml.html.Element("body")
    body.extend(tree.xpath('//script[@type="application/ld+json"]'))
    declared.append(body)
    return find_date(declared, url=url, extensive_search=False, original_date=True)


def normalise_text(text: str) -> str:
    """Unify newlines and drop control characters; the result is the record's ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def clean(article: RawArticle, settings: Settings = DEFAULT_SETTINGS) -> CleanArticle:
    """Raise ArticleError with a one-line reason when the article cannot be used."""
    if article.error:
        raise ArticleError(article.error)
    article = safe_fields(article)  # lone surrogates and control characters, wherever they came from
    title, site, published = article.title, None, article.published
    if article.data is not None:
        decoded = decode_bytes(article.data, article.path)
        if article.kind == "html":
            article.html = decoded
        else:
            article.text = decoded
    if article.kind == "html":
        if not (article.html or "").strip():
            raise ArticleError("empty HTML page")
        raw_text, meta = html_to_text(article.html or "", article.url)
        title = title or safe_optional(meta["title"])
        site = safe_optional(meta["site"])
        if published is None and meta["date"]:
            published = _date_or_none(meta["date"])
    else:
        raw_text = article.text or ""
        if title is None and article.data is not None:
            title = _first_line_title(raw_text)
    title = title or article.fallback_title  # a feed item's title and date when the page lacks them
    published = published or article.fallback_published or url_date(article.url)
    text = with_headline(normalise_text(raw_text), title)
    if not text:
        raise ArticleError("empty article text")
    if len(text) < settings.min_text_chars:
        raise ArticleError(f"article text too short ({len(text)} characters)")
    if len(text) > settings.max_text_chars:
        raise ArticleError(f"article text too long ({len(text)} characters > {settings.max_text_chars})")
    check_language(text, settings)
    return CleanArticle(
        text, article.path, article.id, article.url, title, site, published, list(article.notes)
    )


URL_TIMESTAMP = re.compile(r"(?<![\d])(1[0-9]{9})(?:\.\w+)?/?$")


def url_date(url: str | None, today: dt.date | None = None) -> dt.date | None:
    """The publication day a URL spells out, when nothing else gives one.

    htmldate reads ``/2017/02/07/`` and the like; some sites end the path with a Unix timestamp
    (``...-1571762347``), read when it falls between 2005 and today.
    """
    if not url:
        return None
    options = Extractor(False, dt.datetime.now(), dt.datetime(2000, 1, 1), True, "%Y-%m-%d")
    found = extract_url_date(url, options)
    if found:
        return dt.date.fromisoformat(found)
    m = URL_TIMESTAMP.search(urlparse(url).path)
    if m:
        day = dt.datetime.fromtimestamp(int(m[1]), tz=dt.UTC).date()
        if dt.date(2005, 1, 1) <= day <= (today or dt.date.today()):
            return day
    return None


def with_headline(text: str, title: str | None) -> str:
    """Put the headline before the body when the body does not already carry it.

    Headlines often name the victim (``X victime d'une cyberattaque``); evidence must point
    into the record's text, so the headline has to be part of it.
    """
    if not title or not text:
        return text
    headline = normalise_text(title)
    if not headline or _squash(headline) in _squash(text[: len(headline) + 300]):
        return text
    return f"{headline}\n\n{text}"


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def check_language(text: str, settings: Settings = DEFAULT_SETTINGS) -> None:
    """Refuse an article confidently in another language, or written mostly outside the Latin
    script (py3langid's confidence on Chinese or Arabic news can stay under the threshold)."""
    sample = text[:5000]
    letters = [char for char in sample if char.isalpha()]
    latin = sum(1 for char in letters if char < "\u0250" or "\u1e00" <= char <= "\u1eff")
    if letters and latin < len(letters) / 2:
        raise ArticleError(
            f"not a French article ({len(letters) - latin} of {len(letters)} letters are not Latin)"
        )
    language, probability = _identifier().classify(sample)
    if language != settings.language and probability >= settings.min_language_confidence:
        raise ArticleError(f"not a French article (detected {language!r}, p={probability:.2f})")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
BOILERPLATE_LINE = re.compile(
    r"^(?:"
    r"(?:publié|mis à jour|modifié|actualisé|mise à jour|posté|rédigé)\b"  # « Publié le 20 octobre 2024 »
    r"|(?:par|by)\s+(?:\S+\s*){1,4}(?:[,|-].*)?$"  # a byline: « Par Jeanne Le Gall »
    r"|(?:accueil|home|menu|rubrique|recherche|partager|imprimer|lire aussi|à lire aussi|abonnez-vous"
    r"|newsletter|se connecter|connexion|publicité|cookies?)\b"
    r"|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?\s*\d{1,2}(?:er)?\s+(?:"
    + _MONTHS
    + r")\s+\d{4}"  # a date alone
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}\s*h\s*\d{2}"  # a time
    r"|[-–—•›»>|/·*©]"  # breadcrumbs and bullets: « - Accueil › Actualités »
    r")",
    re.IGNORECASE,
)
"""First lines of a pasted page that are no headline: dates, bylines, menus, breadcrumbs."""
DATELINE = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+(?:\s*\([A-Z]{2,}\))?\s*[.:—–-]?$")
"""A dateline alone on its line, « SAINT-AURÈLE-SUR-CREUSE », « LILLE (AFP) »: a place in capitals
that opens a dispatch, not its headline (case-sensitive, unlike ``BOILERPLATE_LINE``)."""
TITLE_LINES = 4
"""How many first non-empty lines may hold the headline of a .txt article."""


def _first_line_title(text: str) -> str | None:
    """The headline of a .txt article: its first line that reads as one, skipping page
    boilerplate (« Publié le 20 octobre 2024 », « - Accueil › Faits divers »), else None."""
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()][:TITLE_LINES]
    for line in lines:
        if (
            BOILERPLATE_LINE.match(line)
            or DATELINE.match(line)
            or "›" in line
            or sum(char.isalpha() for char in line) < 10
        ):
            continue
        if 10 <= len(line) <= 200 and not line.endswith("."):
            return line
        return None  # the body starts: no headline
    return None


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
