"""URLs as inputs: a page URL gives one article, a feed URL one article per item.

For ``incident-extract run URL...`` (no state: every URL is read each time); the nightly
batch (:mod:`.batch`) uses :func:`fetch_article` too. As with files, a URL that cannot be read
still yields a RawArticle, with ``error`` set, so the run writes its line and goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from .feeds import FeedError, looks_like_feed, parse_feed
from .fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchError, FetchResult, canonical_url
from .relevance import is_relevant
from .sources import RawArticle


def fetch_article(
    fetcher: Fetcher,
    url: str,
    *,
    title: str | None = None,
    published: dt.date | None = None,
) -> tuple[RawArticle, FetchError | None]:
    """One page -> a RawArticle keyed by its canonical URL, and the FetchError if it failed.

    The key is the canonical URL the redirects ended at, so that an alias and the page it leads
    to are one article. ``title`` and ``published`` come from the feed item, if any; ``clean``
    uses them only when the page has no title or date of its own.
    """
    article = RawArticle(
        url=canonical_url(url), fallback_title=title, fallback_published=published, kind="html"
    )
    try:
        result = fetcher.fetch_page(url)
        article.url = canonical_url(result.final_url)
        article.html = result.text()
    except FetchError as error:
        article.error = fetch_failure(error)
        return article, error
    return article, None


def fetch_failure(error: FetchError) -> str:
    """The record's error line for a URL that could not be fetched."""
    return f"fetch failed ({error.kind}): {error.message}"


def read_urls(urls: Iterable[str], fetcher: Fetcher, *, prefilter: bool = False) -> Iterator[RawArticle]:
    """Articles behind ``urls``, lazily; each article once even when several feeds list it.

    With ``prefilter``, feed items whose title and summary have no cyber-incident word are
    not fetched (a page URL given on purpose is always read).
    """
    seen: set[str] = set()
    for url in urls:
        try:
            result = fetcher.fetch(url, accept=FEED_TYPES | HTML_TYPES)
        except FetchError as error:
            yield RawArticle(url=canonical_url(url), error=fetch_failure(error))
            continue
        if not looks_like_feed(result.content, result.content_type):
            keys = {canonical_url(url), canonical_url(result.final_url)}  # an alias is the page it leads to
            if not keys & seen:
                seen |= keys
                yield _page_article(canonical_url(result.final_url), result)
            continue
        try:
            items = parse_feed(result.content, result.final_url, result.content_type_header)
        except FeedError as error:
            yield RawArticle(url=canonical_url(url), error=f"unusable feed ({error.kind}): {error.message}")
            continue
        for item in items:
            if not item.link or canonical_url(item.link) in seen:
                continue
            if prefilter and not is_relevant(item.title, item.summary).keep:
                continue
            seen.add(canonical_url(item.link))
            article = fetch_article(fetcher, item.link, title=item.title, published=item.published)[0]
            if article.url != canonical_url(item.link):  # redirected: the page may already be read
                if article.url in seen:
                    continue
                seen.add(article.url or "")
            yield article


def _page_article(key: str, result: FetchResult) -> RawArticle:
    article = RawArticle(url=key, kind="html")
    try:
        article.html = result.text()
    except FetchError as error:
        article.error = fetch_failure(error)
    return article
