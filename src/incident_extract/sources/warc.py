"""Read web-archive (WARC) files: one :class:`RawArticle` per archived HTML page.

National web archives and news crawls store pages as WARC files (``.warc`` or ``.warc.gz``,
one gzip member per record). Only ``response`` records of HTML pages answered with status 200
are articles: requests, metadata, revisits, redirects, errors, images and scripts are passed
over. The record's target URI is the article's URL and its WARC date (when the page was
archived) the publication-date fallback, used only when the page gives no date of its own.
warcio (the Webrecorder library, the reference reader in Python) parses the records and undoes
chunked transfer and gzip content encodings.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import MissingExtraError
from ..settings import DEFAULT_SETTINGS, Settings
from .files import RawArticle

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def read_warc(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> Iterator[RawArticle]:
    """Yield the archived HTML pages of one WARC file, in file order.

    A page too large becomes an article with ``error`` set; a file that breaks off or is not a
    WARC yields one error article saying where, after the pages read before it.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:
        raise MissingExtraError(
            "reading WARC files needs warcio: pip install 'incident-extract[dask]'"
        ) from exc
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            if not _starts_as_warc(handle):
                yield RawArticle(
                    path=shown, id=Path(shown).name, error="not a WARC file (no WARC/1.x header)"
                )
                return
            records = ArchiveIterator(handle, arc2warc=True)
            try:
                for record in records:
                    if not _is_html_page(record):
                        continue
                    article = _article(record, settings)  # read the page before asking the offset,
                    article.path = f"{shown}@{records.get_record_offset()}"  # which skips what is unread
                    yield article
            except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                yield RawArticle(path=shown, id=Path(shown).name, error=f"unreadable WARC record: {exc}")
    except OSError as exc:
        yield RawArticle(path=shown, id=Path(shown).name, error=f"cannot read WARC file: {exc.strerror}")


def _starts_as_warc(handle: BinaryIO) -> bool:
    """warcio reads any text as an old ARC record: check the first record's version line."""
    head = handle.read(2)
    handle.seek(0)
    if head == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=handle) as member:
                head = member.read(5)
        except (OSError, EOFError):
            head = b""
        handle.seek(0)
    else:
        head = handle.read(5)
        handle.seek(0)
    return head == b"WARC/"


def _is_html_page(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return content_type in HTML_TYPES


def _article(record, settings: Settings) -> RawArticle:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    article_id = headers.get_header("WARC-Record-ID")
    archived = warc_date(headers.get_header("WARC-Date"))
    data = record.content_stream().read(settings.max_input_bytes + 1)
    if len(data) > settings.max_input_bytes:
        return RawArticle(
            id=article_id, url=url, error=f"page too large (> {settings.max_input_bytes} bytes)"
        )
    if getattr(record.raw_stream, "limit", 0) > 0:  # warcio stops quietly where the file ends
        return RawArticle(id=article_id, url=url, error="WARC record cut short: the file ends inside it")
    return RawArticle(id=article_id, url=url, data=data, kind="html", fallback_published=archived)


def warc_date(value: str | None) -> dt.date | None:
    """The day of a ``WARC-Date`` (``2021-03-04T10:20:30Z``, also with fractions of a second)."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
