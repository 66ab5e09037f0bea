"""WARC reading: only archived HTML pages become articles, with their URL and archive date.

The archive is built in the test with warcio from saved real news pages of
``../shared/external/html`` (read at test time, never copied) and one page of our own.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from incident_extract.clean import clean
from incident_extract.sources import RawArticle
from incident_extract.sources.warc import is_warc, read_warc, warc_date

from .conftest import SHARED

EXTERNAL = SHARED / "external"
REAL_PAGES = {  # file in ../shared/external/html -> the URL it was saved from (MANIFEST.tsv)
    "traf__ledevoir.com.trottinettes.html": "https://www.ledevoir.com/politique/montreal/573258/la-fin-des-trottinettes-en-libre-service-a-montreal",
    "traf__lanouvellerepublique.fr.martin.html": "https://www.lanouvellerepublique.fr/indre-et-loire/commune/saint-martin-le-beau/family-park-la-derniere-saison-a-saint-martin-le-beau",
    "htmldate__lepoint.fr-terrorisme.html": "https://www.lepoint.fr/societe/apologie-du-terrorisme-un-imam-de-beaucaire-condamne-a-de-la-prison-avec-sursis-02-11-2023-2541683_23.php",
}
OWN_URL = "https://www.journal-exemple.fr/faits-divers/la-mediatheque-de-lanvallec-paralysee"
OWN_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>La médiathèque de Lanvallec paralysée par une cyberattaque</title></head><body>
<nav><a href="/">Accueil</a> <a href="/faits-divers">Faits divers</a></nav>
<article><h1>La médiathèque de Lanvallec paralysée par une cyberattaque</h1>
<p>La médiathèque intercommunale de Lanvallec a été victime d'une cyberattaque au rançongiciel
dans la nuit de mardi à mercredi. Les ordinateurs de prêt et le catalogue en ligne sont hors
service, et les abonnés ne peuvent plus réserver de livres.</p>
<p>La communauté de communes a déposé plainte auprès de la gendarmerie et alerté l'ANSSI.
Les prêts se font sur papier en attendant le retour des serveurs.</p></article>
<footer>Tous droits réservés</footer></body></html>"""
ARCHIVED = "2023-11-04T08:15:30Z"

pytestmark = pytest.mark.skipif(not EXTERNAL.is_dir(), reason="needs ../shared/external")


def _response(writer: WARCWriter, url: str, body: bytes, *, status: str = "200 OK",
              content_type: str = "text/html; charset=utf-8", gzipped: bool = False) -> None:  # fmt: skip
    headers = [("Content-Type", content_type)]
    if gzipped:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": ARCHIVED},
    )
    writer.write_record(record)


def build_warc(path: Path) -> list[tuple[str, bytes]]:
    """An archive as a crawler writes it: a warcinfo, requests, redirects, errors, images, a
    revisit and metadata around the pages; returns the (url, html) of the pages expected back."""
    pages = [(url, (EXTERNAL / "html" / name).read_bytes()) for name, url in REAL_PAGES.items()]
    pages.append((OWN_URL, OWN_PAGE.encode("utf-8")))
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test crawler"}))
        for number, (url, html) in enumerate(pages):
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "exemple.fr")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            _response(writer, url, html, gzipped=number == 1)  # one page sent gzip-encoded
            _response(writer, url + "/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
        _response(writer, "https://www.journal-exemple.fr/absente", b"<html>introuvable</html>", status="404 Not Found")  # fmt: skip
        _response(writer, "https://www.journal-exemple.fr/ancienne", b"", status="301 Moved Permanently")
        writer.write_record(
            writer.create_warc_record(
                "https://www.journal-exemple.fr/metadonnees",
                "metadata",
                payload=io.BytesIO(b"outlinks: none"),
            )
        )
    return pages


@pytest.mark.parametrize("name", ["archive.warc.gz", "archive.warc"])
def test_only_html_pages_come_out_with_their_url_and_archive_date(tmp_path, name):
    pages = build_warc(tmp_path / name)
    articles = list(read_warc(tmp_path / name))
    assert [(a.url, a.data) for a in articles] == pages
    assert all(a.kind == "html" and a.error is None for a in articles)
    assert {a.fallback_published for a in articles} == {dt.date(2023, 11, 4)}
    assert all(a.path.startswith(f"{tmp_path / name}@") for a in articles)
    assert len({a.id for a in articles}) == len(pages)  # the WARC record ids
    data = (tmp_path / name).read_bytes()
    for article in articles:  # FILE@OFFSET: where the record starts, to find it again
        start = int(article.path.rsplit("@", 1)[1])
        record = zlib.decompressobj(31).decompress(data[start:]) if name.endswith(".gz") else data[start:]
        assert record.startswith(b"WARC/1.0\r\n") and article.url.encode() in record[:1000]


def test_archived_pages_clean_as_the_saved_pages_do(tmp_path):
    pages = build_warc(tmp_path / "archive.warc.gz")
    for article, (url, html) in zip(read_warc(tmp_path / "archive.warc.gz"), pages, strict=True):
        archived = clean(article)
        saved = clean(RawArticle(url=url, data=html, kind="html"))
        assert archived.text == saved.text and archived.title == saved.title
        # the page's own date wins; the archive date only stands in for a page without one
        assert archived.published == (saved.published or dt.date(2023, 11, 4))
    own = clean(list(read_warc(tmp_path / "archive.warc.gz"))[-1])
    assert own.url == OWN_URL and own.published == dt.date(2023, 11, 4)
    assert "médiathèque intercommunale de Lanvallec" in own.text


def test_a_cut_archive_gives_the_pages_before_the_cut_then_an_error(tmp_path):
    path = tmp_path / "cut.warc.gz"
    pages = build_warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])  # as a copy that stopped midway leaves it
    articles = list(read_warc(path))
    good = [a for a in articles if a.error is None]
    assert 0 < len(good) < len(pages)
    assert [a.url for a in good] == [url for url, _ in pages[: len(good)]]
    assert articles[-1].error and "WARC" in articles[-1].error


def test_a_missing_or_foreign_file_is_one_error_article(tmp_path):
    (missing,) = read_warc(tmp_path / "absent.warc.gz")
    assert "cannot read WARC file" in missing.error
    other = tmp_path / "notes.warc"
    other.write_text("Ceci n'est pas une archive du Web.\n", encoding="utf-8")
    (foreign,) = read_warc(other)
    assert "not a WARC file" in foreign.error


def test_warc_names_and_dates():
    assert is_warc("a/b.WARC.GZ") and is_warc("c.warc") and not is_warc("d.warc.json")
    assert warc_date("2021-03-04T10:20:30Z") == dt.date(2021, 3, 4)
    assert warc_date("2021-03-04T23:59:59.123456Z") == dt.date(2021, 3, 4)
    assert warc_date("hier") is None and warc_date(None) is None
