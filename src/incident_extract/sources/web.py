"""URLs as inputs: one stateless reader of pages and feeds, shared by ``run`` and the nightly batch.

:class:`FeedReader` does what both need of a URL: fetch it (conditionally when the batch knows
its ETag), tell a feed from a page by its content, parse the feed, key each item by its
canonical URL so that an article listed twice is read once, apply the headline pre-filter when
asked, and fetch the items' pages (a few at a time for the batch). It keeps nothing between
calls: the keys already met are the caller's ``seen``. :func:`read_urls` (``run``) gives it a
set for one run; the batch (:mod:`..batch`) gives it the items of earlier nights and wraps
each decision in its transactions.

Failures have one shape, :data:`WEB_ERRORS` (a :class:`~..fetch.FetchError` or a
:class:`~..feeds.FeedError`, both with a ``kind`` that the batch counts and a ``message``).
As with files, a URL that cannot be read still yields a RawArticle whose ``error`` is
:func:`error_line`, so the run writes its line and goes on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..feeds import FeedError, FeedErrorKind, FeedItem, looks_like_feed, parse_feed
from ..fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchError, FetchResult, canonical_url, strip_credentials
from ..relevance import is_relevant
from .files import RawArticle

WEB_ERRORS = (FetchError, FeedError)
"""What reading a URL may raise: both carry ``kind`` (counted by the batch) and ``message``."""
WebError = FetchError | FeedError


def error_line(error: WebError) -> str:
    """The record's error line for a URL that could not be read."""
    what = "fetch failed" if isinstance(error, FetchError) else "unusable feed"
    return f"{what} ({error.kind}): {error.message}"


@dataclass(frozen=True)
class FeedPoll:
    """What one URL gave: a feed's items, nothing new (``not_modified``), or a web page."""

    url: str
    items: list[FeedItem] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    page: FetchResult | None = None
    """The answer, when the URL led to a page and pages were accepted (``run``)."""


@dataclass(frozen=True)
class FeedEntry:
    """The reader's decision about one feed item."""

    item: FeedItem
    key: str | None
    """Canonical URL of the item's link: the article's identity (None without a link)."""
    verdict: Literal["new", "no_link", "duplicate", "off_topic"]
    reason: str = ""
    """Why the headline pre-filter dropped the item (``off_topic``)."""


@dataclass(frozen=True)
class PageRead:
    """One page as an article, keyed by the canonical URL its redirects ended at, and the
    FetchError when it could not be read (the article then carries its error line)."""

    article: RawArticle
    error: FetchError | None = None


class SeenKeys(Protocol):
    """Canonical URLs already met: a set for ``run``, the batch's state for the nightly job."""

    def __contains__(self, key: object) -> bool: ...

    def add(self, key: str) -> None: ...


class FeedReader:
    """Fetch -> sniff -> parse -> canonical-URL dedupe -> relevance, without state of its own.

    ``prefilter``: an item whose title and summary have no cyber-incident word is ``off_topic``
    and its page is not fetched (a page URL given on purpose is always read).
    """

    def __init__(self, fetcher: Fetcher, *, prefilter: bool = False) -> None:
        self.fetcher = fetcher
        self.prefilter = prefilter

    def poll(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, pages: bool = False
    ) -> FeedPoll:
        """Fetch ``url`` (a conditional GET with ``etag``/``last_modified``) and parse its feed.

        Raises one of :data:`WEB_ERRORS`. With ``pages``, a URL leading to a web page is no
        error: its answer comes back as ``page``; without, it is a ``not_a_feed`` FeedError.
        """
        accept = FEED_TYPES | HTML_TYPES if pages else FEED_TYPES
        result = self.fetcher.fetch(url, accept=accept, etag=etag, last_modified=last_modified)
        if result.not_modified:
            return FeedPoll(url, not_modified=True)
        if not looks_like_feed(result.content, result.content_type):
            if pages:
                return FeedPoll(url, page=result)
            kind = result.content_type or "untyped"
            message = f"{kind} content, not an RSS or Atom feed"
            raise FeedError(FeedErrorKind.NOT_A_FEED, message, strip_credentials(url))
        items = parse_feed(result.content, result.final_url, result.content_type_header)
        return FeedPoll(url, items, result.etag, result.last_modified)

    def screen(self, item: FeedItem, seen: SeenKeys) -> FeedEntry:
        """Decide about one item: no link, already ``seen`` (by canonical URL), off-topic by its
        headline (with ``prefilter``), or new. The key of an item not seen is added to ``seen``."""
        if not item.link:
            return FeedEntry(item, None, "no_link")
        key = canonical_url(item.link)
        if key in seen:
            return FeedEntry(item, key, "duplicate")
        seen.add(key)
        if self.prefilter:
            keep, reason = is_relevant(item.title, item.summary)
            if not keep:
                return FeedEntry(item, key, "off_topic", reason)
        return FeedEntry(item, key, "new")

    def page(
        self,
        url: str,
        *,
        title: str | None = None,
        published: dt.date | None = None,
        answer: FetchResult | None = None,
    ) -> PageRead:
        """One page -> its article, keyed by the canonical URL the redirects ended at, so that an
        alias and the page it leads to are one article.

        ``title`` and ``published`` come from the feed item, if any; ``clean`` uses them only
        when the page has no title or date of its own. ``answer``: the page already fetched.
        """
        article = RawArticle(
            url=canonical_url(url), fallback_title=title, fallback_published=published, kind="html"
        )
        try:
            result = answer or self.fetcher.fetch_page(url)
            article.url = canonical_url(result.final_url)
            article.html = result.text()
        except FetchError as error:
            article.error = error_line(error)
            return PageRead(article, error)
        return PageRead(article)

    def item_page(self, item: FeedItem) -> PageRead:
        """The page of a feed item (which has a link: see :meth:`screen`)."""
        return self.page(item.link or "", title=item.title, published=item.published)

    def pages(self, items: Iterable[FeedItem]) -> Iterator[PageRead]:
        """The items' pages in item order, fetched a few at a time in threads
        (``max_workers``; the fetcher keeps each host's delay and concurrency)."""
        workers = self.fetcher.settings.max_workers
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="incident-extract-fetch")
        pending = iter(items)
        window: deque[Future[PageRead]] = deque(
            pool.submit(self.item_page, item) for item in itertools.islice(pending, 2 * workers)
        )
        try:
            while window:
                future = window.popleft()
                following = next(pending, None)
                if following is not None:
                    window.append(pool.submit(self.item_page, following))
                yield future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def read_urls(urls: Iterable[str], fetcher: Fetcher, *, prefilter: bool = False) -> Iterator[RawArticle]:
    """Articles behind ``urls``, lazily; each article once even when several feeds list it."""
    reader = FeedReader(fetcher, prefilter=prefilter)
    seen: set[str] = set()
    for url in urls:
        yield from url_articles(reader, url, seen)


def url_articles(reader: FeedReader, url: str, seen: set[str]) -> Iterator[RawArticle]:
    """The articles behind one URL given to ``run``: the page itself, or the feed's items not in
    ``seen``, fetched one after the other; an unreadable URL gives one article with its error."""
    try:
        poll = reader.poll(url, pages=True)
    except WEB_ERRORS as error:
        yield RawArticle(url=canonical_url(url), error=error_line(error))
        return
    if poll.page is not None:
        keys = {canonical_url(url), canonical_url(poll.page.final_url)}  # an alias is the page it leads to
        if not keys & seen:
            seen |= keys
            yield reader.page(url, answer=poll.page).article
        return
    for item in poll.items:
        entry = reader.screen(item, seen)
        if entry.verdict != "new":
            continue
        article = reader.item_page(item).article
        if article.url != entry.key:  # redirected: the page may already be read
            if article.url in seen:
                continue
            seen.add(article.url or "")
        yield article
