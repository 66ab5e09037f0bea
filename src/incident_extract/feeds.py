"""RSS 0.9x/1.0/2.0 and Atom feeds -> :class:`FeedItem` (link, title, date, summary).

Parsing is pure (bytes in, items out) and separate from fetching (:mod:`.fetch`), so it is
tested on fixture files. A feed is untrusted XML: before feedparser sees it, any document
declaring entities (billion laughs, XXE) is refused, by a byte check of the prolog and by
defusedxml, so a hostile feed is an error and never a memory blow-up or a file read.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError
from zoneinfo import ZoneInfo

import defusedxml
import defusedxml.ElementTree
import feedparser
import lxml.html
from lxml import etree

from .errors import IncidentExtractError
from .sanitize import safe_character_references, safe_fields

log = logging.getLogger(__name__)

NEWSROOM_TZ = ZoneInfo("Europe/Paris")
"""A feed date known only in UTC is read in French time: 23:30Z on the 14th is the 15th in Paris."""
FEED_MIME_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml"}
)
"""Types only a feed is served with; ``text/xml`` and friends need a look at the content."""
FEED_ROOTS = frozenset({"rss", "feed", "rdf"})


class FeedErrorKind(StrEnum):
    UNSAFE = "unsafe_feed"
    MALFORMED = "malformed_feed"
    NOT_A_FEED = "not_a_feed"


class FeedError(IncidentExtractError):
    """A feed that cannot be used; ``kind`` for counting, like :class:`~.fetch.FetchError`."""

    def __init__(self, kind: FeedErrorKind, message: str, url: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.url = url


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, with what the pre-filter and the record need."""

    link: str | None
    title: str | None
    published: dt.date | None
    summary: str
    """Plain text of the item's description or summary (HTML removed)."""
    feed_url: str
    guid: str | None = None


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> list[FeedItem]:
    """Items of a feed, in feed order; FeedError when the feed is unsafe or unreadable.

    ``content_type`` is the HTTP header (with its charset, if any), which feedparser weighs
    against the XML declaration to pick the encoding.
    """
    check_feed_safety(content, url)
    # without a content type, feedparser flags any document bozo ("no Content-type specified")
    headers = {"content-location": url, "content-type": content_type} if content_type else None
    # feedparser crashes on a reference to a lone surrogate (``&#xD800;``): made U+FFFD first
    content = safe_character_references(content)
    try:
        # a stream, never bytes: feedparser opens bytes that name an existing file (b"/etc/...")
        parsed = feedparser.parse(io.BytesIO(content), response_headers=headers, sanitize_html=True)
    except Exception as exc:  # a parser bug on hostile input costs this feed, never the run
        raise FeedError(FeedErrorKind.MALFORMED, f"feed parser failed: {_short(exc)}", url) from None
    items = [_safe_item(entry, url) for entry in parsed.get("entries", [])]
    if parsed.get("bozo") and not any(item.link or item.title for item in items):
        # the lenient parser may "recover" empty entries from garbage: that is no feed
        reason = parsed.get("bozo_exception")
        raise FeedError(FeedErrorKind.MALFORMED, f"unreadable feed: {_short(reason)}", url)
    if not items and not parsed.get("version"):  # an empty document has no version key at all
        raise FeedError(FeedErrorKind.NOT_A_FEED, "no RSS or Atom feed in the content", url)
    return items


def check_feed_safety(content: bytes, url: str = "") -> None:
    """Refuse a document that declares entities: no expansion, no external reference, ever.

    News feeds have no use for a DTD with entities; the documents that have one are attacks
    (billion laughs: exponential expansion; XXE: ``SYSTEM "file:///etc/passwd"``).
    """
    if _prolog_declares_entities(content):
        raise FeedError(FeedErrorKind.UNSAFE, "the feed declares XML entities (refused)", url)
    try:
        defusedxml.ElementTree.fromstring(
            content, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise FeedError(
            FeedErrorKind.UNSAFE, f"the feed declares XML entities (refused): {exc}", url
        ) from None
    except (ParseError, ValueError, LookupError):  # LookupError: an unknown encoding declared
        pass  # not well-formed: feedparser's lenient parser decides, and may still read it


_ROOT_START = re.compile(rb"<[A-Za-z_]")
_ENTITY_MARKERS = tuple("<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))


def _prolog_declares_entities(content: bytes) -> bool:
    head = content[: 1 << 20]
    root = _ROOT_START.search(head)
    prolog = head[: root.start()] if root else head
    upper = prolog.upper()
    return any(marker in upper for marker in _ENTITY_MARKERS)


_SKIPPABLE = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE
)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def looks_like_feed(content: bytes, content_type: str | None = None) -> bool:
    """Whether a response holds a feed (RSS, RDF, Atom) rather than a web page.

    A feed-only media type settles it; otherwise the root element decides, because feeds are
    often served as ``text/xml``, ``application/xml`` or even ``text/html``.
    """
    mime = (content_type or "").partition(";")[0].strip().lower()
    if mime in FEED_MIME_TYPES:
        return True
    head = _decode_head(content[:4096])
    position = 0
    while True:
        skipped = _SKIPPABLE.match(head, position)
        if not skipped or skipped.end() == position:
            break
        position = skipped.end()
    tag = _FIRST_TAG.match(head, position)
    return bool(tag) and tag.group(2).lower() in FEED_ROOTS


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8-sig", errors="ignore")


def _safe_item(entry: feedparser.FeedParserDict, feed_url: str) -> FeedItem:
    """The entry as a FeedItem; an entry that cannot be read becomes an item without a link
    (counted ``no_link`` by the batch), and the feed's other items go on."""
    try:
        return safe_fields(_item(entry, feed_url))
    except (ValueError, TypeError, AttributeError, UnicodeError) as exc:
        log.warning("unreadable item in %s: %s", feed_url, _short(exc))
        return FeedItem(link=None, title=None, published=None, summary="", feed_url=feed_url)


def _item(entry: feedparser.FeedParserDict, feed_url: str) -> FeedItem:
    link = entry.get("link") or _guid_link(entry)
    return FeedItem(
        link=urljoin(feed_url, link.strip()) if link else None,
        title=_plain(entry.get("title")) or None,
        published=_entry_date(entry),
        summary=_plain(entry.get("summary") or _first_content(entry)),
        feed_url=feed_url,
        guid=entry.get("id"),
    )


def _guid_link(entry: feedparser.FeedParserDict) -> str | None:
    """An RSS ``<guid isPermaLink="true">`` is the article's URL when ``<link>`` is missing."""
    guid = entry.get("id") or ""
    return guid if entry.get("guidislink") and guid.startswith(("http://", "https://")) else None


def _first_content(entry: feedparser.FeedParserDict) -> str:
    contents = entry.get("content") or []
    return contents[0].get("value", "") if contents else ""


def _entry_date(entry: feedparser.FeedParserDict) -> dt.date | None:
    """The date as the publisher wrote it (its own UTC offset), else feedparser's UTC date in Paris."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            written = _date_as_written(raw)
            if written:
                return written
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed: time.struct_time | None = entry.get(key)
        if parsed:
            moment = dt.datetime(*parsed[:6], tzinfo=dt.UTC)
            return moment.astimezone(NEWSROOM_TZ).date()
    return None


def _date_as_written(raw: str) -> dt.date | None:
    raw = raw.strip()
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()  # Atom, dc:date
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(raw).date()  # RSS 2.0 (RFC 822)
    except (TypeError, ValueError, IndexError):
        return None


def _plain(value: str | None) -> str:
    """Text of an HTML fragment (summaries carry markup), whitespace collapsed."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        try:
            value = lxml.html.fragment_fromstring(value, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            value = re.sub(r"<[^>]+>", " ", value)
    return " ".join(value.split())


def _short(value: object) -> str:
    text = str(value or "unknown error")
    return text if len(text) <= 160 else text[:157] + "..."
