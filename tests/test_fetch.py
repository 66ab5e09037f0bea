"""fetch.py against a local server: every failure has its kind, and politeness holds."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc

import pytest
from pydantic import ValidationError

from incident_extract.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchErrorKind,
    FetchSettings,
    canonical_url,
    check_url,
    decode_body,
)

from .web_server import CONDITIONAL_ETAG, gzip_bomb, local_web

FAST = FetchSettings(
    connect_timeout=0.5,
    read_timeout=0.3,
    max_seconds=5,
    retries=1,
    backoff_seconds=0.01,
    per_host_delay=0,
    max_bytes=200_000,
    trust_env=False,
)


@pytest.fixture(scope="module")
def web():
    with local_web() as server:
        yield server


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as client:
        yield client


def fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch_page(url)
    return caught.value


def test_page_is_fetched_with_our_user_agent_and_gzip(web, fetcher):
    result = fetcher.fetch_page(web.url("/articles/clinique-tilleuls.html?ua"))
    assert result.status == 200 and result.content_type == "text/html" and result.charset == "utf-8"
    assert "clinique des Tilleuls" in result.text()
    hit = next(h for h in web.hits if h.path == "/articles/clinique-tilleuls.html?ua")
    assert hit.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("incident-extract/")
    assert USER_AGENT.endswith("(+https://github.com/incident-extract/incident-extract)")
    assert "gzip" in hit.headers["accept-encoding"]


def test_gzip_page_is_decoded(web, fetcher):
    result = fetcher.fetch_page(web.url("/compresse.html"))
    assert "victime d'une cyberattaque" in result.text()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/introuvable.html", FetchErrorKind.NOT_FOUND),
        ("/toujours-en-panne/page.html", FetchErrorKind.SERVER_ERROR),
        ("/lent.html?cas=table", FetchErrorKind.TIMEOUT),
        ("/boucle-a.html", FetchErrorKind.REDIRECT_LOOP),
        ("/chaine/9", FetchErrorKind.TOO_MANY_REDIRECTS),
        ("/redirige-fichier.html", FetchErrorKind.UNSUPPORTED_SCHEME),
        ("/enorme.html", FetchErrorKind.TOO_LARGE),
        ("/enorme-annonce.html", FetchErrorKind.TOO_LARGE),
        ("/bombe.html", FetchErrorKind.TOO_LARGE),
        ("/rapport.pdf", FetchErrorKind.UNSUPPORTED_CONTENT),
        ("/prive/article.html", FetchErrorKind.ROBOTS_DISALLOWED),
    ],
)
def test_each_failure_has_its_kind(web, fetcher, path, kind):
    error = fetch_error(fetcher, web.url(path))
    assert error.kind is kind
    assert error.message and len(error.message) < 200
    assert str(error).startswith(f"{kind}: ")


def test_binary_body_served_as_html_is_refused(web, fetcher):
    result = fetcher.fetch_page(web.url("/binaire.html"))
    with pytest.raises(FetchError) as caught:
        result.text()
    assert caught.value.kind is FetchErrorKind.UNSUPPORTED_CONTENT


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/rapport.html", "javascript:alert(1)"])
def test_only_http_urls_are_fetched(web, fetcher, url):
    before = len(web.hits)
    error = fetch_error(fetcher, url)
    assert error.kind is FetchErrorKind.UNSUPPORTED_SCHEME
    assert len(web.hits) == before  # refused before any request


@pytest.mark.parametrize("url", ["http://", "http://exemple.fr:port/", "pas une adresse"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(FetchError) as caught:
        check_url(url)
    assert caught.value.kind in (FetchErrorKind.INVALID_URL, FetchErrorKind.UNSUPPORTED_SCHEME)


def test_server_error_then_success_is_retried(web, fetcher):
    path = "/instable/clinique-tilleuls.html?essai=retry"
    result = fetcher.fetch_page(web.url(path))
    assert "clinique des Tilleuls" in result.text()
    assert web.attempts[path] == 2


def test_timeout_is_retried_then_reported(web, fetcher):
    path = "/lent.html?essai=retry"
    started = time.monotonic()
    error = fetch_error(fetcher, web.url(path))
    assert error.kind is FetchErrorKind.TIMEOUT
    assert web.attempts[path] == FAST.retries + 1
    assert time.monotonic() - started < 2  # the server would take 2 s per attempt


def test_dripping_server_is_cut_at_the_response_deadline(web):
    with Fetcher(FAST.model_copy(update={"max_seconds": 0.5})) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, web.url("/goutte.html"))
    assert error.kind is FetchErrorKind.TIMEOUT and "not complete within 0.5 s" in error.message
    assert time.monotonic() - started < 2.5  # the page takes 3 s


def test_redirects_are_followed_and_listed(web, fetcher):
    result = fetcher.fetch_page(web.url("/chaine/3"))
    assert result.final_url == web.url("/chaine/0")
    assert len(result.redirects) == 3


def test_conditional_request_gives_not_modified(web, fetcher):
    first = fetcher.fetch_feed(web.url("/flux/conditionnel.rss"))
    assert first.status == 200 and first.etag == CONDITIONAL_ETAG and first.last_modified
    again = fetcher.fetch_feed(web.url("/flux/conditionnel.rss"), etag=first.etag)
    assert again.not_modified and again.content == b""
    by_date = fetcher.fetch_feed(web.url("/flux/conditionnel.rss"), last_modified=first.last_modified)
    assert by_date.not_modified


def test_robots_txt_is_read_once_per_host(web):
    with Fetcher(FAST) as fetcher:
        before = web.paths().count("/robots.txt")
        for path in ("/articles/clinique-tilleuls.html", "/articles/universite-ddos.html", "/chaine/1"):
            fetcher.fetch_page(web.url(path))
        assert not fetcher.allowed_by_robots(web.url("/prive/secret.html"))
        assert web.paths().count("/robots.txt") == before + 1


def test_robots_can_be_ignored_when_told(web):
    with Fetcher(FAST.model_copy(update={"respect_robots": False})) as fetcher:
        error = fetch_error(fetcher, web.url("/prive/article.html"))
    assert error.kind is FetchErrorKind.NOT_FOUND  # asked for, not refused


def test_refused_connection_is_named_not_hidden_behind_robots():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nobody listens there
    with Fetcher(FAST) as fetcher:
        error = fetch_error(fetcher, f"http://127.0.0.1:{port}/article.html")
    assert error.kind is FetchErrorKind.CONNECTION


def test_unknown_host_is_a_dns_error(monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "journal.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with Fetcher(FAST) as fetcher:
        error = fetch_error(fetcher, "http://journal.invalid/article.html")
    assert error.kind is FetchErrorKind.DNS
    assert "journal.invalid" in error.message


def test_gzip_bomb_is_cut_without_inflating_in_memory(web, fetcher):
    gzip_bomb()  # built by the server once; its 50 MB must not count against the client
    tracemalloc.start()
    try:
        error = fetch_error(fetcher, web.url("/bombe.html?memoire"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.kind is FetchErrorKind.TOO_LARGE
    assert peak < 5 * FAST.max_bytes


def test_requests_to_one_host_are_spaced():
    settings = FAST.model_copy(update={"per_host_delay": 0.15, "respect_robots": False})
    with local_web() as server, Fetcher(settings) as fetcher:
        started = time.monotonic()
        for number in range(3):
            fetcher.fetch_page(server.url(f"/articles/clinique-tilleuls.html?n={number}"))
        assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("limit", [1, 2])
def test_requests_to_one_host_are_capped(limit):
    # each request held 0.4 s with a 3 s read timeout: the overlap is measured, not raced, even on a
    # loaded machine (with 0.2 s against 0.3 s, a slow thread start made limit 2 look like 1)
    settings = FAST.model_copy(
        update={"per_host_concurrency": limit, "respect_robots": False, "read_timeout": 3}
    )
    with local_web() as server, Fetcher(settings) as fetcher:
        threads = [
            threading.Thread(target=fetcher.fetch_page, args=(server.url(f"/pause.html?n={n}&s=0.4"),))
            for n in range(5)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.max_pausing == limit


def test_settings_have_defaults_and_refuse_unknown_keys():
    assert FetchSettings().max_redirects == 5
    assert FetchSettings(read_timeout=3).read_timeout == 3
    with pytest.raises(ValidationError):
        FetchSettings(read_timout=3)
    with pytest.raises(ValidationError):
        FetchSettings(retries=-1)


LATIN1_TEXT = (
    "Les données personnelles de milliers de patients ont été dérobées lors de la cyberattaque "
    "qui a frappé l'hôpital la semaine dernière ; l'établissement a prévenu la CNIL et déposé plainte."
)


@pytest.mark.parametrize(
    ("content", "declared", "expected"),
    [
        ("Fuite de données à l'hôpital".encode(), None, "Fuite de données à l'hôpital"),
        ("Fuite de données à l'hôpital".encode("iso-8859-1"), "iso-8859-1", "Fuite de données à l'hôpital"),
        # declared UTF-8, written in Latin-1: a common server mistake, recovered
        ("Le département piraté".encode("cp1252"), "utf-8", "Le département piraté"),
        # declared Latin-1, written in UTF-8: valid UTF-8 wins
        ("Le département piraté".encode(), "iso-8859-1", "Le département piraté"),
        (
            b'<meta charset="windows-1252"><p>' + "Rançongiciel à Évreux".encode("cp1252"),
            None,
            '<meta charset="windows-1252"><p>Rançongiciel à Évreux',
        ),
        ("\ufeffL'été".encode("utf-16"), None, "L'été"),
        (LATIN1_TEXT.encode("iso-8859-1"), "no-such-charset", LATIN1_TEXT),  # detected
    ],
)
def test_decode_body(content, declared, expected):
    assert decode_body(content, declared).lstrip("\ufeff") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.Exemple.fr/article/?utm_source=rss&id=3&fbclid=abc&xtor=RSS-1#haut",
            "https://www.exemple.fr/article?id=3",
        ),
        ("https://exemple.fr/a/b/?at_medium=RSS&at_campaign=flux&gclid=1", "https://exemple.fr/a/b"),
        ("HTTPS://exemple.fr:443/a?b=2&a=1", "https://exemple.fr/a?a=1&b=2"),
        ("http://exemple.fr/actu/", "http://exemple.fr/actu"),
        ("https://exemple.fr/a?page=2&ocid=msn&ns_campaign=x&xtref=y", "https://exemple.fr/a?page=2"),
        ("  https://exemple.fr/a#commentaires  ", "https://exemple.fr/a"),
        ("file:///etc/passwd", "file:///etc/passwd"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_same_article_with_different_trackers_has_one_canonical_url():
    a = canonical_url("https://journal.fr/cyber/attaque.html?utm_source=rss&utm_medium=flux")
    b = canonical_url("https://journal.fr/cyber/attaque.html/?at_medium=RSS&at_campaign=regions#reactions")
    assert a == b == "https://journal.fr/cyber/attaque.html"
