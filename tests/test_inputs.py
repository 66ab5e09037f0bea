"""sources.inputs: files, folders and URLs through the one reader of ``run`` and ``process_inputs``."""

from __future__ import annotations

import pytest

from incident_extract.errors import InputError
from incident_extract.fetch import FetchSettings
from incident_extract.sources import ArticleInputs, is_url, read_inputs

from .web_server import local_web

FAST = FetchSettings(
    read_timeout=0.5, retries=0, per_host_delay=0, trust_env=False, user_agent="veille-essai/1.0"
)


@pytest.fixture(scope="module")
def web():
    with local_web() as server:
        yield server


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.txt").write_text("La mairie de Lunel a été victime d'une cyberattaque.", encoding="utf-8")
    (tmp_path / "lot.jsonl").write_text(
        '{"id": "un", "text": "Le lycée Jean-Moulin visé par un rançongiciel."}\n'
        '{"id": "deux", "text": "Une fuite de données à la clinique du Parc."}\n',
        encoding="utf-8",
    )
    (tmp_path / "rapport.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "url"),
    [("https://presse.exemple.fr/a", True), ("ftp://exemple.fr/a", True), ("articles/a.html", False)],
)
def test_a_scheme_makes_a_url(text, url):
    assert is_url(text) is url


def test_files_then_urls_through_one_reader_with_the_fetch_settings_given(web, folder):
    web.reset_log()
    page = web.url("/articles/clinique-tilleuls.html")
    inputs = ArticleInputs([page, str(folder), web.url("/introuvable.html")], fetch_settings=FAST)
    assert (inputs.total, inputs.done) == (4, 0)  # a.txt, lot.jsonl, two URLs
    articles = list(inputs)
    assert [a.path or a.url for a in articles] == [
        str(folder / "a.txt"),
        f"{folder / 'lot.jsonl'}:1",
        f"{folder / 'lot.jsonl'}:2",
        page,
        web.url("/introuvable.html"),
    ]
    assert articles[-1].error.startswith("fetch failed (not_found)")
    assert inputs.done == 4
    assert [path.name for path in inputs.unsupported()] == ["rapport.pdf"]
    assert {hit.headers["user-agent"] for hit in web.hits} == {"veille-essai/1.0"}


def test_an_article_listed_by_two_inputs_is_read_once(web):
    urls = [
        web.url("/flux/enseignement.atom"),
        web.url("/articles/departement-creuse-latin1.html?xtor=RSS-1"),
    ]
    articles = list(read_inputs(urls, fetch_settings=FAST))
    assert [a.url.removeprefix(web.base) for a in articles] == [
        "/articles/universite-ddos.html",
        "/articles/departement-creuse-latin1.html",
        "/articles/pharmacie-mal-declaree.html",
    ]  # the page given after the feed is the feed's second item, under a tracking parameter


def test_a_missing_path_is_refused_before_anything_is_read(web, folder):
    web.reset_log()
    with pytest.raises(InputError, match="input not found"):
        ArticleInputs([web.url("/articles/clinique-tilleuls.html"), str(folder / "absent.txt")])
    assert web.paths() == []


def test_paths_alone_need_no_fetcher(folder, monkeypatch):
    monkeypatch.setattr("incident_extract.sources.inputs.Fetcher", None)  # would fail if made
    assert [a.id for a in read_inputs([folder / "lot.jsonl"])] == ["un", "deux"]
