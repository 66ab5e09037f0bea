"""A local web server whose answers each test writes: hostile feeds and pages made on the fly.

127.0.0.1 on a free port, no internet. ``web.page(path, body, ...)`` sets what a path answers;
``drip`` sends the body one byte at a time (a slow-loris server), ``redirect`` answers 302.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drip_seconds: float = 0.0
    """Wait this long between two bytes of the body."""


class HostileWeb(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.answers: dict[str, Answer] = {}
        self.hits: Counter[str] = Counter()
        self.authorizations: list[str] = []
        self.lock = threading.Lock()

    def url(self, path: str, credentials: str = "") -> str:
        return self.base.replace("://", f"://{credentials}@" if credentials else "://") + path

    def page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, content_type, **kw)
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        self.answers[path] = Answer(status=302, headers={"Location": location})
        return self.url(path)


@contextmanager
def hostile_web() -> Iterator[HostileWeb]:
    server = HostileWeb()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: HostileWeb
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            if "Authorization" in self.headers:
                self.server.authorizations.append(self.headers["Authorization"])
        answer = self.server.answers.get(path)
        if answer is None:
            answer = Answer(b"", "text/plain", 404)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if not answer.drip_seconds:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if not answer.drip_seconds:
                self.wfile.write(answer.body)
                return
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(answer.drip_seconds)
