"""Every input of a run through one reader: files, folders, page and feed URLs alike.

``incident-extract run`` and :func:`~incident_extract.records.process_inputs` both read their
inputs here, so a notebook gets what the command line gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..fetch import DEFAULT_FETCH_SETTINGS, Fetcher, FetchSettings
from ..settings import DEFAULT_SETTINGS, Settings
from .files import RawArticle, check_inputs, iter_files, read_path, unsupported_files
from .web import FeedReader, url_articles


def is_url(text: str) -> bool:
    """``scheme://...`` is a page or a feed (told apart by their content), anything else a path.

    An unsupported scheme (``ftp://``) is still a URL: its article says that it cannot be fetched.
    """
    return "://" in text


class ArticleInputs:
    """The inputs of a run, checked when made (before any model is loaded), read lazily.

    Files and folders are read first, then the URLs in the order given, through one
    :class:`~..fetch.Fetcher` made only when there are URLs; an article listed by several
    feeds is read once. Iterating yields RawArticles; ``done`` counts the inputs read so far
    (a file, a folder's file, a URL with all its feed's items) out of ``total``.

    Raises InputError for a file or folder that does not exist.
    """

    def __init__(
        self,
        inputs: Iterable[str | Path],
        settings: Settings = DEFAULT_SETTINGS,
        fetch_settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
    ) -> None:
        given = [str(item) for item in inputs]
        self.urls = [item for item in given if is_url(item)]
        self.paths = [item for item in given if not is_url(item)]
        check_inputs(self.paths)
        self.files = list(iter_files(self.paths))
        self.settings = settings
        self.fetch_settings = fetch_settings
        self.total = len(self.files) + len(self.urls)
        self.done = 0

    def unsupported(self) -> list[Path]:
        """Files in the input folders that are not articles (``.pdf``, ``.md``...), to be named."""
        return unsupported_files(self.paths)

    def __iter__(self) -> Iterator[RawArticle]:
        self.done = 0
        for path, root in self.files:
            yield from read_path(path, self.settings, root)
            self.done += 1
        if not self.urls:
            return
        with Fetcher(self.fetch_settings) as fetcher:
            reader, seen = FeedReader(fetcher), set[str]()
            for url in self.urls:
                yield from url_articles(reader, url, seen)
                self.done += 1


def read_inputs(
    inputs: Iterable[str | Path],
    settings: Settings = DEFAULT_SETTINGS,
    fetch_settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
) -> Iterator[RawArticle]:
    """Lazily read every article under ``inputs``: files, folders, page and feed URLs alike
    (see :class:`ArticleInputs`; a missing file raises InputError when reading starts)."""
    yield from ArticleInputs(inputs, settings, fetch_settings)
