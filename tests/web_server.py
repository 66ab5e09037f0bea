"""A local web for the fetch, feed and batch tests: 127.0.0.1, a free port, no internet.

Serves the fixtures of ``tests/resources/web`` (``@BASE@`` in a feed becomes the server's
address) and the hostile cases a nightly batch meets: 404, a 500 then a success, a stall past
the timeout, a redirect loop, a huge page, a PDF, a gzip bomb, robots.txt rules, a feed that
answers 304 to a conditional request. Every request is logged for the tests to inspect.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WEB = Path(__file__).parent / "resources" / "web"
ROBOTS = b"User-agent: *\nDisallow: /prive/\n"
CONDITIONAL_ETAG = '"actualites-v1"'
CONDITIONAL_LAST_MODIFIED = "Mon, 06 May 2024 17:10:00 GMT"
HUGE_BYTES = 3_000_000
SLOW_SECONDS = 2.0
FEED_TYPES = {
    ".rss": "application/rss+xml",
    ".rdf": "application/rdf+xml",
    ".atom": "application/atom+xml",
    ".xml": "text/xml",
}
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]


@cache
def gzip_bomb() -> bytes:
    """50 MB of zeros, about 50 kB once compressed."""
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)


class LocalWeb(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping in /lent.html must not hold the teardown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[Hit] = []
        self.attempts: Counter[str] = Counter()
        self.pausing = 0  # requests inside /pause.html's wait, before their answer is written
        self.max_pausing = 0
        self.dynamic_items: list[tuple[str, str]] = []
        """(title, path) of the items of ``/flux/dynamique.rss``: a test adds news between runs."""
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self.lock:
            return [hit.path for hit in self.hits]

    def reset_log(self) -> None:
        with self.lock:
            self.hits.clear()


@contextmanager
def local_web() -> Iterator[LocalWeb]:
    gzip_bomb()  # built before serving: building it inside a request would look like a stalled server
    server = LocalWeb()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: LocalWeb
    protocol_version = "HTTP/1.0"  # one request per connection: no keep-alive bookkeeping

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
            self.server.attempts[self.path] += 1  # query included: a test can use a fresh counter
            attempt = self.server.attempts[self.path]
        # the client may give up (timeout, size limit): expected in these tests
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, attempt)

    def _route(self, path: str, attempt: int) -> None:
        if path == "/robots.txt":
            return self._send(200, ROBOTS, "text/plain")
        if path == "/flux/conditionnel.rss":
            return self._conditional_feed()
        if path == "/flux/dynamique.rss":
            return self._dynamic_feed()
        if path.startswith("/flux/"):
            return self._feed(path.removeprefix("/flux/"))
        if path.startswith("/articles/"):
            return self._article(path.removeprefix("/articles/"))
        if path.startswith("/instable/"):  # a 500, then the page
            if attempt == 1:
                return self._send(500, b"<h1>Erreur interne</h1>", "text/html")
            return self._article(path.removeprefix("/instable/"))
        if path.startswith("/toujours-en-panne/"):
            return self._send(503, b"<h1>Service indisponible</h1>", "text/html")
        if path in ("/lent.html", "/lent.rss"):
            time.sleep(SLOW_SECONDS)
            return self._send(200, b"<html><body>trop tard</body></html>", "text/html")
        if path == "/goutte.html":  # a byte every 0.1 s: never silent long enough for a read timeout
            return self._drip()
        if path == "/pause.html":  # holds the connection a little: concurrency tests
            # counted only while no answer has left: once the body is sent, the client may rightly
            # start its next request before this thread gets to count this one as done
            with self.server.lock:
                self.server.pausing += 1
                self.server.max_pausing = max(self.server.max_pausing, self.server.pausing)
            query = dict(part.partition("=")[::2] for part in urlsplit(self.path).query.split("&") if part)
            time.sleep(float(query.get("s", 0.2)))  # ?s=0.6: longer, for a loaded machine
            with self.server.lock:
                self.server.pausing -= 1
            return self._article("clinique-tilleuls.html")
        if path == "/boucle-a.html":
            return self._redirect("/boucle-b.html")
        if path == "/boucle-b.html":
            return self._redirect("/boucle-a.html")
        if path.startswith("/chaine/"):  # /chaine/3 -> /chaine/2 -> ... -> /chaine/0 (the page)
            left = int(path.rsplit("/", 1)[1])
            if left > 0:
                return self._redirect(f"/chaine/{left - 1}")
            return self._article("clinique-tilleuls.html")
        if path == "/redirige-fichier.html":
            return self._redirect("file:///etc/passwd")
        if path == "/enorme.html":
            return self._huge(declare_length=False)
        if path == "/enorme-annonce.html":
            return self._huge(declare_length=True)
        if path == "/rapport.pdf":
            return self._send(200, PDF, "application/pdf")
        if path == "/bombe.html":
            return self._send(200, gzip_bomb(), "text/html", extra={"Content-Encoding": "gzip"})
        if path == "/compresse.html":
            page = (WEB / "articles" / "clinique-tilleuls.html").read_bytes()
            return self._send(
                200, gzip.compress(page), "text/html; charset=utf-8", extra={"Content-Encoding": "gzip"}
            )
        if path == "/binaire.html":  # claims to be HTML, holds NUL bytes
            return self._send(200, b"\x00\x01\x02PK\x03\x04" * 100, "text/html")
        if path == "/page-pas-flux.rss":
            return self._article("salon-cybersecurite.html")
        return self._send(404, b"<h1>Page introuvable</h1>", "text/html")

    def _feed(self, name: str) -> None:
        file = WEB / "flux" / name
        if not file.is_file():
            return self._send(404, b"<h1>Flux introuvable</h1>", "text/html")
        body = file.read_bytes().replace(b"@BASE@", self.server.base.encode("ascii"))
        return self._send(200, body, FEED_TYPES.get(file.suffix, "application/xml"))

    def _conditional_feed(self) -> None:
        if (
            self.headers.get("If-None-Match") == CONDITIONAL_ETAG
            or self.headers.get("If-Modified-Since") == CONDITIONAL_LAST_MODIFIED
        ):
            return self._send(304, b"", None, extra={"ETag": CONDITIONAL_ETAG})
        body = (
            (WEB / "flux" / "actualites.rss")
            .read_bytes()
            .replace(b"@BASE@", self.server.base.encode("ascii"))
        )
        return self._send(
            200,
            body,
            "application/rss+xml; charset=utf-8",
            extra={"ETag": CONDITIONAL_ETAG, "Last-Modified": CONDITIONAL_LAST_MODIFIED},
        )

    def _dynamic_feed(self) -> None:
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{self.server.base}{escape(path)}</link></item>"
            for title, path in self.server.dynamic_items
        )
        body = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Dépêches</title>{items}</channel></rss>'
        )
        return self._send(200, body.encode(), "application/rss+xml; charset=utf-8")

    def _article(self, name: str) -> None:
        file = WEB / "articles" / name
        if not file.is_file():
            return self._send(404, b"<h1>Page introuvable</h1>", "text/html")
        if name.endswith("-latin1.html"):
            content_type = "text/html; charset=ISO-8859-1"
        else:  # pharmacie-mal-declaree.html is Latin-1 and says UTF-8: a real-world mistake
            content_type = "text/html; charset=utf-8"
        return self._send(200, file.read_bytes(), content_type)

    def _huge(self, *, declare_length: bool) -> None:
        paragraph = (
            "<p>Un paragraphe sans fin sur une cyberattaque imaginaire, répété encore et encore.</p>\n"
        )
        body = ("<html><body>" + paragraph * (HUGE_BYTES // len(paragraph.encode()))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 64 * 1024):
            self.wfile.write(body[start : start + 64 * 1024])

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"<p>.</p>")
            self.wfile.flush()
            time.sleep(0.1)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/html", extra={"Location": location})

    def _send(
        self, status: int, body: bytes, content_type: str | None, *, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
