"""The library as a notebook uses it: strings, dicts and Series in, French dates, a progress bar."""

import datetime as dt

import pytest

from incident_extract import extract_article, extract_many
from incident_extract.sources import RawArticle

pytestmark = pytest.mark.model

ATTACK = (
    "La mairie de Quimperlé a été victime samedi d'une cyberattaque au rançongiciel. "
    "Les services municipaux ne peuvent plus accéder à leurs logiciels métiers depuis ce week-end, "
    "a indiqué le maire, qui a porté plainte auprès de la gendarmerie."
)
ADVICE = (
    "Pour se protéger de l'hameçonnage, il faut vérifier l'adresse de l'expéditeur d'un courriel, "
    "ne jamais communiquer ses identifiants et signaler les messages douteux à son service informatique."
)


@pytest.mark.parametrize(
    "published", ["21/10/2024", "lundi 21 octobre 2024", "Mon, 21 Oct 2024 09:00:00 +0200"]
)
def test_extract_article_reads_french_publication_dates(nlp, published):
    record = extract_article(ATTACK, published=published, nlp=nlp)
    assert record.source.published == dt.date(2024, 10, 21)
    assert record.incidents[0].attack_date.value == dt.date(2024, 10, 19)  # « samedi » before the 21st
    assert not record.errors


def test_an_unreadable_date_is_an_error_line_and_the_article_is_still_extracted(nlp):
    record = extract_article(ATTACK, published="la semaine prochaine", nlp=nlp)
    assert record.is_incident and record.incidents[0].victims[0].name == "mairie de Quimperlé"
    assert record.errors == ["invalid published date: no date in 'la semaine prochaine'"]
    assert record.source.published is None


def test_extract_many_takes_strings_dicts_and_articles(nlp):
    records = list(
        extract_many(
            [
                ATTACK,
                {"id": "conseil", "published": "21/10/2024", "text": ADVICE},
                RawArticle(id="brut", text=ATTACK),
                42,
            ],
            nlp=nlp,
            progress=False,
        )
    )
    assert len(records) == 4
    (failed,) = [record for record in records if record.errors]
    assert failed.errors == ["cannot read an article from a int"]
    plain, advice, raw = [record for record in records if not record.errors]
    assert plain.is_incident and plain.source.id is None and plain.text.startswith("La mairie de Quimperlé")
    assert not advice.is_incident and advice.source.published == dt.date(2024, 10, 21)
    assert raw.is_incident and raw.source.id == "brut"


def test_extract_many_takes_a_pandas_series_with_its_index_as_ids(nlp):
    pandas = pytest.importorskip("pandas")
    texts = pandas.Series([ATTACK, ADVICE], index=["quimperle", "conseil"])
    records = {record.source.id: record for record in extract_many(texts, nlp=nlp, progress=False)}
    assert records["quimperle"].is_incident and not records["conseil"].is_incident


def test_extract_many_takes_dataframe_rows_with_empty_cells(nlp):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"text": [ATTACK, ADVICE], "published": ["21/10/2024", None], "url": [None, "https://exemple.fr/a"]}
    )
    first, second = extract_many(frame.to_dict("records"), nlp=nlp, progress=False)
    assert first.source.url is None and first.source.published == dt.date(2024, 10, 21)
    assert second.source.url == "https://exemple.fr/a" and second.source.published is None
    assert not first.errors and not second.errors


def test_extract_many_reads_the_rows_of_a_dataframe(nlp):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"text": [ATTACK, ADVICE], "published": ["lundi 21 octobre 2024", None]},
        index=["quimperle", "conseil"],
    )
    records = {record.source.id: record for record in extract_many(frame, nlp=nlp, progress=False)}
    assert set(records) == {"quimperle", "conseil"}  # rows, not column names
    assert records["quimperle"].is_incident and records["quimperle"].source.published == dt.date(2024, 10, 21)


def test_progress_bar_shows_on_stderr_and_can_be_turned_off(nlp, capsys):
    list(extract_many([ATTACK, ADVICE], nlp=nlp))
    shown = capsys.readouterr().err
    assert "incident-extract" in shown and "2/2" in shown
    list(extract_many([ATTACK, ADVICE], nlp=nlp, progress=False))
    assert capsys.readouterr().err == ""
