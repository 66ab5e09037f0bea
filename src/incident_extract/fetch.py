"""Polite, bounded HTTP for pages and feeds: one httpx client, typed failures, no surprises.

Everything a nightly batch meets on the web ends as a :class:`FetchResult` or a
:class:`FetchError` whose ``kind`` a batch can count (``timeout``, ``not_found``,
``too_large``...). The rules, with their reasons:

* only ``http``/``https`` URLs are fetched (a feed item must not make us read ``file://``);
* robots.txt is obeyed, read once per host with the same client;
* requests to one host are spaced (``per_host_delay``) and capped (``per_host_concurrency``);
* redirects are followed by hand, so every hop is checked (scheme, robots) and a loop is named;
* timeouts and 5xx answers are retried with exponential backoff, other failures are not;
* the body is decompressed here, chunk by chunk, and cut at ``max_bytes`` of *decoded*
  data: a gzip bomb costs at most ``max_bytes`` of memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import logging
import random
import re
import socket
import ssl
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
import httpx
from charset_normalizer import from_bytes
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .decoding import bom_codec, mostly_utf8
from .errors import IncidentExtractError

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/incident-extract/incident-extract"


def _version() -> str:
    try:
        return metadata.version("incident-extract")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


USER_AGENT = f"incident-extract/{_version()} (+{PROJECT_URL})"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Content types of a web page; anything else (PDF, images, archives) is not an article."""
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "text/rss+xml",
        "text/html",  # misconfigured servers send feeds as HTML; feeds.looks_like_feed decides
        "text/plain",
    }
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchErrorKind(StrEnum):
    """What went wrong, coarse enough to count over a batch."""

    INVALID_URL = "invalid_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    ROBOTS_DISALLOWED = "robots_disallowed"
    DNS = "dns"
    CONNECTION = "connection"
    TLS = "tls"
    TIMEOUT = "timeout"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    NOT_FOUND = "not_found"
    HTTP_ERROR = "http_error"
    SERVER_ERROR = "server_error"
    UNSUPPORTED_CONTENT = "unsupported_content"
    TOO_LARGE = "too_large"
    ENCODING = "encoding"
    PROTOCOL = "protocol"


class FetchError(IncidentExtractError):
    """A URL that could not be fetched: ``kind`` for counting, ``message`` for people."""

    def __init__(self, kind: FetchErrorKind, message: str, url: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.url = url
        self.status = status


class FetchSettings(BaseModel):
    """Network tunables; every field can be overridden (``[fetch]`` in the batch TOML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    """Longest silence between two bytes; a server that stalls longer is given up."""
    max_seconds: float = Field(default=60.0, gt=0)
    """Whole-response deadline: a server dripping one byte at a time does not hold the batch."""
    url_deadline_seconds: float = Field(default=60.0, gt=0)
    """Longest time one URL may cost, redirects and retries included (from its first request):
    without it, a server dripping a byte a second cost ``max_seconds`` for each attempt."""
    max_redirects: int = Field(default=5, ge=0)
    retries: int = Field(default=2, ge=0)
    """Extra attempts after a timeout or a 5xx/429 answer."""
    backoff_seconds: float = Field(default=1.0, ge=0)
    """First retry waits this long, then twice as long each time (plus a little jitter)."""
    backoff_max_seconds: float = Field(default=30.0, ge=0)
    per_host_delay: float = Field(default=1.0, ge=0)
    """Minimum spacing between two requests to the same host: we are a guest there."""
    max_crawl_delay: float = Field(default=10.0, ge=0)
    """A robots.txt ``Crawl-delay`` is honoured up to this many seconds."""
    per_host_concurrency: int = Field(default=2, ge=1)
    max_workers: int = Field(default=4, ge=1)
    """Pages fetched at once over all hosts (threads of the batch)."""
    max_bytes: int = Field(default=5_000_000, gt=0)
    """Decoded size limit, the same as ``Settings.max_input_bytes`` for files."""
    max_robots_bytes: int = Field(default=500_000, gt=0)
    respect_robots: bool = True
    user_agent: str = USER_AGENT
    trust_env: bool = True
    """Use proxy settings from the environment (``HTTPS_PROXY``...)."""

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        """An HTTP header holds printable ASCII on one line: refused here, not on the first request."""
        if not value.strip() or not value.isascii() or not value.isprintable():
            raise ValueError("the User-Agent must be one line of printable ASCII characters")
        return value


DEFAULT_FETCH_SETTINGS = FetchSettings()


@dataclass(frozen=True)
class FetchResult:
    """A successful exchange: a 2xx body, or a 304 for a conditional request (``not_modified``)."""

    url: str
    final_url: str
    status: int
    content: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type_header(self) -> str | None:
        """``type; charset=...`` again, for parsers that weigh the charset (feedparser)."""
        if not self.content_type:
            return None
        return self.content_type + (f"; charset={self.charset}" if self.charset else "")

    def text(self) -> str:
        """The body as text (see :func:`decode_body`)."""
        return decode_body(self.content, self.charset, self.final_url)


def check_url(url: str) -> str:
    """Refuse what is not an absolute http(s) URL; returns it stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(FetchErrorKind.INVALID_URL, f"invalid URL: {exc}", url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise FetchError(
            FetchErrorKind.UNSUPPORTED_SCHEME, f"only http and https URLs are fetched, not {shown}", url
        )
    try:
        host = parts.hostname
        _ = parts.port  # a non-numeric port raises here
    except ValueError as exc:
        raise FetchError(FetchErrorKind.INVALID_URL, f"invalid URL: {exc}", url) from None
    if not host:
        raise FetchError(FetchErrorKind.INVALID_URL, "URL without a host", url)
    return url


def strip_credentials(url: str) -> str:
    """``url`` without its ``user:password@``: what may be stored, logged or shown.

    The credentials still serve to fetch (httpx sends them as Basic auth), never to remember.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url.partition("?")[0] else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def canonical_url(url: str) -> str:
    """The identity of an article URL: no credentials, tracking parameters, fragment or trailing slash.

    courlan does the work (lower-case scheme and host, default port dropped, query sorted,
    tracking parameters from its ClearURLs-based list removed); we add the French press
    tracker parameters it misses and drop the fragment. Non-http URLs come back stripped.
    """
    url = strip_credentials(url.strip())
    try:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return url
        parts = urlsplit(courlan.normalize_url(courlan.scrub_url(url), strict=False, trailing_slash=False))
    except ValueError:  # an unparsable URL is its own identity; fetching it will say what is wrong
        return url
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracker(pair.split("=", 1)[0])
    )
    host = parts.netloc.rpartition("@")[2]  # courlan unescapes entities: `&#64;` may become an @
    rebuilt = f"{parts.scheme}://{host}{parts.path.rstrip('/')}"
    return f"{rebuilt}?{query}" if query else rebuilt


_EXTRA_TRACKERS = re.compile(r"^(?:at_|xtor$|xtref$|xtcr$|ocid$|ns_|_ga$|_gl$)", re.IGNORECASE)
"""Beyond courlan's list: AT Internet, used by much of the French press (``at_medium``,
``at_campaign``, ``xtor``, ``xtref``), Microsoft Start (``ocid``), Comscore (``ns_*``), Google (``_ga``)."""


def _is_tracker(name: str) -> bool:
    return bool(_EXTRA_TRACKERS.search(name))


def host_key(url: str) -> str:
    """``scheme://host:port``: the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``text/html; charset=ISO-8859-1`` -> ``("text/html", "iso-8859-1")``."""
    if not value:
        return None, None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return mime.strip().lower() or None, charset


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def decode_body(content: bytes, declared: str | None = None, url: str = "") -> str:
    """Bytes of a page -> text, or FetchError(encoding) when no encoding fits.

    Order: byte-order mark; UTF-8 when the bytes are valid UTF-8 (a page declared Latin-1 but
    written in UTF-8 is common, the reverse is caught by strict decoding), or nearly so (a few
    bad sequences become U+FFFD: :func:`.decoding.mostly_utf8`); the HTTP charset;
    the ``<meta charset>``; last, charset-normalizer's detection (preferring an encoding in
    which the text reads as French). NUL bytes without a BOM mean binary data, not a page.
    """
    codec = bom_codec(content)
    if codec:
        with contextlib.suppress(UnicodeDecodeError):
            return content.decode(codec)
    if b"\x00" in content[:4096]:
        raise FetchError(FetchErrorKind.UNSUPPORTED_CONTENT, "binary content (NUL bytes), not a page", url)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly = mostly_utf8(content)
    if mostly is not None:
        log.warning("%s: %d invalid UTF-8 sequence(s) replaced by U+FFFD", strip_credentials(url), mostly[1])
        return mostly[0]
    meta = _META_CHARSET.search(content[:4096])
    candidates = [declared, meta.group(1).decode("ascii", "replace").lower() if meta else None]
    for codec in candidates:
        if not codec:
            continue
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return content.decode(codec)
    matches = from_bytes(content)
    # several single-byte encodings often fit; the one that reads as French is the right one here
    best = next((match for match in matches if match.language == "French"), None) or matches.best()
    if best is None:
        raise FetchError(
            FetchErrorKind.ENCODING, f"undecodable content (declared {declared or 'nothing'})", url
        )
    return str(best)


class _HostGate:
    """Per-host politeness: at most ``limit`` requests at once, starts spaced by ``delay``."""

    def __init__(self, limit: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(limit)
        self.delay = delay
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self.slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield


class _BoundedDecoder:
    """Content-Encoding decoding that never produces more than ``limit`` bytes in total."""

    _CHUNK = 64 * 1024

    def __init__(self, encoding: str | None, limit: int, url: str) -> None:
        self.limit, self.url, self.total = limit, url, 0
        encoding = (encoding or "identity").strip().lower()
        if encoding in ("identity", ""):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, auto-detected
        else:
            raise FetchError(FetchErrorKind.PROTOCOL, f"unsupported Content-Encoding {encoding!r}", url)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield self._count(raw)
            return
        data = raw
        try:
            while True:
                chunk = self._zlib.decompress(data, min(self._CHUNK, self.limit - self.total + 1))
                yield self._count(chunk)
                data = self._zlib.unconsumed_tail
                if not data and len(chunk) < self._CHUNK:
                    return
        except zlib.error as exc:
            raise FetchError(
                FetchErrorKind.PROTOCOL, f"corrupt compressed content: {exc}", self.url
            ) from None

    def _count(self, chunk: bytes) -> bytes:
        self.total += len(chunk)
        if self.total > self.limit:
            raise FetchError(
                FetchErrorKind.TOO_LARGE,
                f"content larger than {self.limit} bytes (cut while reading)",
                self.url,
            )
        return chunk


class _UrlClock:
    """Time spent on one URL, from its first request on (a wait in the host's queue is not the
    server's fault), over every redirect and retry."""

    def __init__(self) -> None:
        self.started: float | None = None

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def left(self, budget: float) -> float:
        return budget if self.started is None else budget - (time.monotonic() - self.started)

    def allows(self, wait: float, budget: float) -> bool:
        """Whether a retry after ``wait`` seconds still has time for an answer."""
        return self.left(budget) > wait + 1.0


@dataclass
class _Answer:
    """One HTTP exchange, before redirects and retries are decided."""

    status: int
    headers: httpx.Headers
    content: bytes = b""


class Fetcher:
    """A polite HTTP client; thread-safe, one per batch. Use as a context manager."""

    def __init__(
        self,
        settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.client = httpx.Client(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.max_seconds,
            ),
            follow_redirects=False,  # by hand: see _follow
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=settings.trust_env,
            transport=transport,
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchError] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.requests = 0
        """Requests sent (robots.txt included): lets a batch show that a rerun fetched nothing."""

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch(
        self,
        url: str,
        *,
        accept: frozenset[str] = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``; raise FetchError unless the answer is a 2xx of an ``accept``-ed type or a 304.

        ``etag``/``last_modified`` (from an earlier result) make the request conditional.
        """
        headers = {"Accept": _accept_header(accept)}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(
            url, headers, accept, max_bytes or self.settings.max_bytes, check_robots=True, clock=_UrlClock()
        )

    def fetch_page(self, url: str) -> FetchResult:
        return self.fetch(url, accept=HTML_TYPES)

    def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        return self.fetch(url, accept=FEED_TYPES, etag=etag, last_modified=last_modified)

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets us fetch it (read once per host).

        Raises the FetchError of the robots.txt request when the host is unreachable (DNS,
        refused, timeout, 5xx): RFC 9309 says keep off, and the cause is what a batch should count.
        """
        robots = self._robots_for(url)
        if isinstance(robots, FetchError):
            raise FetchError(robots.kind, f"robots.txt: {robots.message}", url, robots.status)
        return robots.can_fetch(self.settings.user_agent, url)

    # -- internals ---------------------------------------------------------------------------

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        accept: frozenset[str],
        max_bytes: int,
        *,
        check_robots: bool,
        clock: _UrlClock,
    ) -> FetchResult:
        current = check_url(url)
        visited = [current]
        for _hop in range(self.settings.max_redirects + 1):
            if check_robots and self.settings.respect_robots and not self.allowed_by_robots(current):
                raise FetchError(FetchErrorKind.ROBOTS_DISALLOWED, "disallowed by robots.txt", current)
            answer = self._with_retries(current, headers, accept, max_bytes, clock)
            if answer.status in REDIRECT_STATUSES:
                location = answer.headers.get("location")
                if not location:
                    raise FetchError(
                        FetchErrorKind.PROTOCOL, f"redirect {answer.status} without a Location", current
                    )
                target = check_url(urljoin(current, location.strip()))
                if target in visited:
                    raise FetchError(
                        FetchErrorKind.REDIRECT_LOOP, f"redirect loop after {len(visited)} hops", url
                    )
                visited.append(target)
                current = target
                continue
            return self._result(url, current, answer, visited)
        raise FetchError(
            FetchErrorKind.TOO_MANY_REDIRECTS, f"more than {self.settings.max_redirects} redirects", url
        )

    def _result(self, url: str, final: str, answer: _Answer, visited: list[str]) -> FetchResult:
        status = answer.status
        if status == 304 or 200 <= status < 300:
            mime, charset = parse_content_type(answer.headers.get("content-type"))
            return FetchResult(
                url=url,
                final_url=final,
                status=status,
                content=answer.content,
                content_type=mime,
                charset=charset,
                etag=answer.headers.get("etag"),
                last_modified=answer.headers.get("last-modified"),
                redirects=tuple(visited[1:]),
            )
        if status in (404, 410):
            raise FetchError(FetchErrorKind.NOT_FOUND, f"HTTP {status} (page not found)", final, status)
        if status >= 500 or status == 429:
            raise FetchError(FetchErrorKind.SERVER_ERROR, f"HTTP {status} (after retries)", final, status)
        raise FetchError(FetchErrorKind.HTTP_ERROR, f"HTTP {status}", final, status)

    def _with_retries(
        self, url: str, headers: dict[str, str], accept: frozenset[str], max_bytes: int, clock: _UrlClock
    ) -> _Answer:
        settings = self.settings
        shown = strip_credentials(url)
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            try:
                answer = self._exchange(url, headers, accept, max_bytes, clock)
            except FetchError as error:
                if error.kind is not FetchErrorKind.TIMEOUT or last:
                    raise
                wait = self._backoff(attempt, None)
                if not clock.allows(wait, settings.url_deadline_seconds):
                    raise
                log.info("timeout on %s, retry %d in %.1f s", shown, attempt + 1, wait)
            else:
                if answer.status not in RETRY_STATUSES or last:
                    return answer
                wait = self._backoff(attempt, answer.headers.get("retry-after"))
                if not clock.allows(wait, settings.url_deadline_seconds):
                    return answer
                log.info("HTTP %d on %s, retry %d in %.1f s", answer.status, shown, attempt + 1, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        settings = self.settings
        wait = settings.backoff_seconds * 2**attempt * (1 + random.random() / 4)
        if retry_after:
            wait = max(wait, _retry_after_seconds(retry_after))
        return min(wait, settings.backoff_max_seconds)

    def _exchange(
        self, url: str, headers: dict[str, str], accept: frozenset[str], max_bytes: int, clock: _UrlClock
    ) -> _Answer:
        """One request: status and headers always; the body only for a 2xx of an accepted type."""
        settings = self.settings
        with self._gate(url).turn():
            # counted from our turn: the wait for the host's politeness delay is not the server's
            clock.start()
            left = clock.left(settings.url_deadline_seconds)
            if left <= 0:
                raise FetchError(
                    FetchErrorKind.TIMEOUT,
                    f"no complete answer within {settings.url_deadline_seconds:g} s (retries included)",
                    url,
                )
            deadline = time.monotonic() + min(settings.max_seconds, left)
            timeout = httpx.Timeout(
                connect=min(settings.connect_timeout, left),
                read=min(settings.read_timeout, left),
                write=min(settings.read_timeout, left),
                pool=min(settings.max_seconds, left),
            )
            with self._lock:
                self.requests += 1
            try:
                with self.client.stream("GET", url, headers=headers, timeout=timeout) as response:
                    if not 200 <= response.status_code < 300:
                        return _Answer(response.status_code, response.headers)
                    _check_type(response, accept, url)
                    content = self._read_body(response, max_bytes, deadline, url)
                    return _Answer(response.status_code, response.headers, content)
            except httpx.HTTPError as exc:
                raise _classify(exc, url, self.settings) from None

    def _read_body(self, response: httpx.Response, max_bytes: int, deadline: float, url: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes and not response.headers.get("content-encoding"):
            raise FetchError(FetchErrorKind.TOO_LARGE, f"content of {declared} bytes > {max_bytes}", url)
        decoder = _BoundedDecoder(response.headers.get("content-encoding"), max_bytes, url)
        body = bytearray()
        for raw in response.iter_raw():
            for chunk in decoder.feed(raw):
                body += chunk
            if time.monotonic() > deadline:
                raise FetchError(
                    FetchErrorKind.TIMEOUT,
                    f"response not complete within "
                    f"{min(self.settings.max_seconds, self.settings.url_deadline_seconds):g} s",
                    url,
                )
        return bytes(body)

    def _gate(self, url: str) -> _HostGate:
        key = host_key(url)
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = _HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay)
                self._gates[key] = gate
            return gate

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | FetchError:
        key = host_key(url)
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:  # one robots.txt request per host, even with many threads
            robots = self._robots.get(key)
            if robots is None:
                robots = self._read_robots(url)
                self._robots[key] = robots
                if isinstance(robots, FetchError):
                    return robots
                delay = robots.crawl_delay(self.settings.user_agent)
                if delay:
                    gate = self._gate(url)
                    gate.delay = max(gate.delay, min(float(delay), self.settings.max_crawl_delay))
            return robots

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser | FetchError:
        """RFC 9309: a 4xx means no rules; a 5xx or an unreachable host means keep off for now."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        robots = urllib.robotparser.RobotFileParser(robots_url)
        try:
            result = self._follow(
                robots_url,
                {"Accept": "text/plain, */*;q=0.1"},
                frozenset(),
                self.settings.max_robots_bytes,
                check_robots=False,
                clock=_UrlClock(),
            )
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                robots.allow_all = True
            elif error.kind in (FetchErrorKind.TOO_LARGE, FetchErrorKind.UNSUPPORTED_CONTENT):
                robots.allow_all = True  # unreadable rules are no rules
            else:
                log.warning("robots.txt of %s unreachable (%s): host skipped", parts.hostname, error)
                return error
            return robots
        text = result.content.decode("utf-8", errors="replace")
        robots.parse(text.splitlines())
        robots.modified()
        return robots


def _accept_header(accept: frozenset[str]) -> str:
    if not accept:
        return "*/*"
    return ", ".join(sorted(accept)) + ", */*;q=0.1"


def _check_type(response: httpx.Response, accept: frozenset[str], url: str) -> None:
    """Refuse a body we cannot use before reading it (an empty ``accept`` takes anything)."""
    mime, _ = parse_content_type(response.headers.get("content-type"))
    if accept and mime is not None and mime not in accept:
        raise FetchError(
            FetchErrorKind.UNSUPPORTED_CONTENT,
            f"content type {mime} is not one of {', '.join(sorted(accept))}",
            url,
        )


def _retry_after_seconds(value: str) -> float:
    """``Retry-After`` is seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    return 0.0


def _classify(exc: httpx.HTTPError, url: str, settings: FetchSettings) -> FetchError:
    """An httpx exception -> a FetchError of the right kind, with a one-line message."""
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(FetchErrorKind.TIMEOUT, f"no connection within {settings.connect_timeout:g} s", url)
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(FetchErrorKind.TIMEOUT, f"no answer within {settings.read_timeout:g} s", url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError(FetchErrorKind.UNSUPPORTED_SCHEME, str(exc), url)
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        if any(isinstance(c, socket.gaierror) for c in causes) or _looks_like_dns(str(exc)):
            return FetchError(FetchErrorKind.DNS, f"host not found: {urlsplit(url).hostname}", url)
        if any(isinstance(c, ssl.SSLError) for c in causes):
            return FetchError(FetchErrorKind.TLS, f"TLS failure: {exc}", url)
        return FetchError(FetchErrorKind.CONNECTION, f"connection failed: {exc or 'refused'}", url)
    if isinstance(exc, httpx.DecodingError | httpx.ProtocolError):
        return FetchError(FetchErrorKind.PROTOCOL, f"bad HTTP answer: {exc}", url)
    if isinstance(exc, httpx.TransportError):
        return FetchError(FetchErrorKind.CONNECTION, f"network error: {exc.__class__.__name__}: {exc}", url)
    return FetchError(FetchErrorKind.PROTOCOL, f"{exc.__class__.__name__}: {exc}", url)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _looks_like_dns(message: str) -> bool:
    message = message.lower()
    return any(
        marker in message
        for marker in ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")
    )
