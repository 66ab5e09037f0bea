"""Property-based fuzzing (hypothesis) of what reads untrusted bytes: the file readers (JSON,
JSONL, text, HTML), cleaning, and the feed parser. Whatever the bytes, each gives records or
its own error, never an exception, and every string it gives can be written as UTF-8.

No trained model here: the pipeline is not what reads hostile bytes.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_extract.clean import clean
from incident_extract.errors import ArticleError
from incident_extract.feeds import FeedError, parse_feed
from incident_extract.fetch import canonical_url, strip_credentials
from incident_extract.models import ArticleRecord
from incident_extract.records import error_record, source_of
from incident_extract.sources import read_path
from incident_extract.store import record_json

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRENCH = "La mairie de Quimper a été victime d'une cyberattaque, les services en ligne sont coupés. "
nasty_text = st.lists(
    st.one_of(
        st.characters(codec=None),  # surrogates included
        st.sampled_from(["\x00", "\ufffd", "\u202e", "\r", "é", "&#xD800;", "<", "\\"]),
    ),
    max_size=60,
).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | nasty_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(nasty_text, children, max_size=4),
    max_leaves=12,
)
article_objects = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "url": json_values,
        "title": json_values,
        "published": json_values,
        "text": st.one_of(nasty_text.map(lambda t: FRENCH * 2 + t), json_values),
        "html": json_values,
    },
)


def as_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()  # lone surrogates as \ud800


def written(raw) -> str:
    """The record an article becomes (without the pipeline), serialised and encoded as a writer would."""
    try:
        article = clean(raw)
    except ArticleError as exc:
        record = error_record(raw, str(exc))
    else:
        record = ArticleRecord(source=source_of(article), text=article.text)
    line = record_json(record)
    line.encode("utf-8")  # raises on a lone surrogate
    assert "\x00" not in line.replace("\\u0000", "")
    assert "\\u0000" not in line
    return line


def read_all(folder, name: str, data: bytes) -> list[str]:
    path = folder / name
    path.write_bytes(data)
    return [written(raw) for raw in read_path(path)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl"]))
def test_random_bytes_in_any_reader(folder, data, suffix):
    lines = read_all(folder, "f" + suffix, data)
    assert lines or suffix == ".jsonl"  # an empty JSONL holds no article; any other file is one


@FUZZ
@given(obj=st.one_of(article_objects, json_values))
def test_json_articles_of_any_shape(folder, obj):
    assert len(read_all(folder, "a.json", as_json(obj))) == 1


@FUZZ
@given(lines=st.lists(st.one_of(article_objects.map(as_json), st.binary(max_size=200)), max_size=6))
def test_jsonl_lines_are_independent(folder, lines):
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    assert len(read_all(folder, "a.jsonl", data)) == sum(
        1 for line in lines if line.replace(b"\n", b" ").strip()
    )


@FUZZ
@given(text=nasty_text, encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "cp1252", "latin-1"]))
def test_text_and_html_in_any_encoding(folder, text, encoding):
    body = FRENCH * 2 + text
    html = f"<html><head><title>{text}</title></head><body><p>{body}</p></body></html>"
    for name, content in (("t.txt", body), ("p.html", html)):
        data = content.encode(
            encoding, errors="replace" if encoding in ("cp1252", "latin-1") else "surrogatepass"
        )
        assert len(read_all(folder, name, data)) == 1


def feed_of(title: str, link: str, summary: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Veille</title>'
        f"<item><title>{title}</title><link>{link}</link><description>{summary}</description></item>"
        f"</channel></rss>"
    ).encode("utf-8", errors="surrogatepass")


references = st.integers(min_value=0, max_value=0x11FFFF).map(lambda c: f"&#x{c:X};")
feed_text = st.lists(st.one_of(nasty_text, references), max_size=6).map("".join)


@FUZZ
@given(
    feed=st.one_of(
        st.builds(feed_of, feed_text, st.one_of(feed_text, st.just("http://127.0.0.1/a.html")), feed_text),
        st.binary(max_size=2000),
    )
)
def test_feed_parser_gives_items_or_a_feed_error(feed):
    try:
        items = parse_feed(feed, "http://127.0.0.1/flux.rss", "application/rss+xml")
    except FeedError:
        return
    for item in items:
        for value in (item.title, item.link, item.summary, item.guid, item.feed_url):
            if value is not None:
                value.encode("utf-8")
                assert "\x00" not in value


@FUZZ
@given(
    url=st.one_of(
        nasty_text,
        st.builds(
            "{}://{}@{}/{}?{}".format,
            st.sampled_from(["http", "https", "HTTP", "file", ""]),
            nasty_text,
            nasty_text,
            nasty_text,
            nasty_text,
        ),
    )
)
def test_urls_of_any_shape_give_a_key_without_credentials(url):
    for shown in (canonical_url(url), strip_credentials(url)):
        try:
            netloc = urlsplit(shown).netloc
        except ValueError:  # unparsable (a bad IPv6 host): never fetched, its error line says so
            continue
        assert "@" not in netloc


tags = st.sampled_from(
    ["div", "p", "math", "svg", "tr", "td", "table", "script", "style", "title", "template", "meta"]
)
markup = st.recursive(
    nasty_text,
    lambda inner: st.builds(
        lambda tag, children, closed: f"<{tag}>" + "".join(children) + (f"</{tag}>" if closed else ""),
        tags,
        st.lists(inner, max_size=3),
        st.booleans(),
    ),
    max_leaves=10,
)


@FUZZ
@given(html=markup)
def test_tag_soup_gives_text_or_its_own_error(folder, html):
    data = html.encode("utf-8", errors="surrogatepass")
    assert len(read_all(folder, "soupe.html", data)) == 1
