import datetime as dt
import json

import pytest

from incident_extract.errors import InputError
from incident_extract.settings import Settings
from incident_extract.sources import iter_paths, read_inputs


def test_folder_is_read_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "c.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert [p.name for p in iter_paths([tmp_path])] == ["a.txt", "c.html"]


def test_missing_input_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="input not found"):
        list(iter_paths([tmp_path / "absent"]))


def test_json_article_fields(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {"id": "x1", "url": "https://ex.fr/a", "title": "T", "published": "2024-10-20", "text": "Corps"}
        ),
        encoding="utf-8",
    )
    (article,) = read_inputs([path])
    assert (article.id, article.url, article.title, article.published, article.text) == (
        "x1",
        "https://ex.fr/a",
        "T",
        dt.date(2024, 10, 20),
        "Corps",
    )


def test_json_with_html_instead_of_text(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"id": None, "html": "<p>Bonjour</p>", "published": None}), encoding="utf-8")
    (article,) = read_inputs([path])
    assert (article.id, article.kind, article.html) == ("a", "html", "<p>Bonjour</p>")


def test_jsonl_bad_line_is_an_error_for_that_line_only(tmp_path):
    path = tmp_path / "lot.jsonl"
    path.write_text(
        '{"id": "1", "text": "un"}\n{pas du json\n\n{"id": "3", "text": "trois"}\n', encoding="utf-8"
    )
    articles = list(read_inputs([path]))
    assert [(a.id, bool(a.error)) for a in articles] == [("1", False), (None, True), ("3", False)]
    assert articles[1].path.endswith("lot.jsonl:2")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"id": "a", "title": "t"}, "neither 'text' nor 'html'"),
        (["not", "an", "object"], "expected an object"),
    ],
)
def test_malformed_json_articles(tmp_path, payload, message):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    (article,) = read_inputs([path])
    assert message in article.error


@pytest.mark.parametrize(
    "written",
    [
        "2024-10-21",
        "2024-10-21T08:15:00+02:00",
        "21/10/2024",
        "21.10.2024",
        "lundi 21 octobre 2024",
        "21 oct. 2024",
        "Mon, 21 Oct 2024 08:15:00 +0200",
        " Lundi 21 Octobre 2024 à 08h15 ",
    ],
)
def test_publication_dates_in_common_french_forms(tmp_path, written):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"id": "a", "published": written, "text": "x"}), encoding="utf-8")
    (article,) = read_inputs([path])
    assert article.published == dt.date(2024, 10, 21) and not article.error and not article.notes


@pytest.mark.parametrize("written", ["hier", "bientôt", "octobre 2024", "32/13/2024"])
def test_an_unreadable_date_is_a_note_and_the_article_is_kept(tmp_path, written):
    path = tmp_path / "lot.jsonl"
    path.write_text(
        json.dumps({"id": "a", "published": written, "text": "Le texte reste."}) + "\n", encoding="utf-8"
    )
    (article,) = read_inputs([path])
    assert article.error is None and article.text == "Le texte reste." and article.published is None
    assert article.notes == [f"invalid published date: no date in {written!r}"]


def test_too_large_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2000)
    (article,) = read_inputs([path], Settings(max_input_bytes=1000))
    assert "file too large" in article.error
